// Part of the agent: keeps its own functions out of the profiles it writes. The agent runs inside
// the profiled thread (its stop-file poll, its exit hook, the wrappers around Worker), so its frames
// would otherwise show up in the user's tables. Each frame of the agent's file is taken out of the
// tree: what it called moves up to its caller, and its own samples, hits or bytes go to the caller
// too (the time or memory was spent; only the agent's name is removed). Pure: the input is not changed.
import type { Protocol } from 'devtools-protocol';

/** A DevTools CPU profile without the frames whose url is one of `urls`. */
export function cpuProfileWithout(profile: Protocol.Profiler.Profile, urls: ReadonlySet<string>): Protocol.Profiler.Profile {
  if (!profile.nodes.some((n) => urls.has(n.callFrame.url))) return profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const roots = profile.nodes.filter((n) => !childIds.has(n.id));
  /** Where each dropped node's samples go: its nearest kept ancestor. */
  const movedTo = new Map<number, number>();
  const hits = new Map<number, number>();
  const kept: Protocol.Profiler.ProfileNode[] = [];
  // Iterative (profiles can be deep): each entry is a node and the kept node it hangs under.
  const stack: Array<{ node: Protocol.Profiler.ProfileNode; keptParent: number | undefined }> = roots.map((node) => ({ node, keptParent: undefined }));
  const keptChildren = new Map<number, number[]>();
  while (stack.length > 0) {
    const { node, keptParent } = stack.pop()!;
    const dropped = keptParent !== undefined && urls.has(node.callFrame.url);
    const owner = dropped ? keptParent : node.id;
    if (dropped) {
      movedTo.set(node.id, owner);
      hits.set(owner, (hits.get(owner) ?? 0) + (node.hitCount ?? 0));
    } else {
      kept.push(node);
      keptChildren.set(node.id, []);
      if (keptParent !== undefined) keptChildren.get(keptParent)!.push(node.id);
    }
    for (const id of node.children ?? []) {
      const child = byId.get(id);
      if (child) stack.push({ node: child, keptParent: owner });
    }
  }
  const nodes = kept.map((n) => {
    const extra = hits.get(n.id) ?? 0;
    const children = keptChildren.get(n.id)!;
    const { children: _, ...rest } = n;
    return { ...rest, ...(n.hitCount !== undefined || extra > 0 ? { hitCount: (n.hitCount ?? 0) + extra } : {}), ...(children.length > 0 ? { children } : {}) };
  });
  const samples = profile.samples?.map((id) => movedTo.get(id) ?? id);
  return { ...profile, nodes, ...(samples ? { samples } : {}) };
}

/** A DevTools sampling heap profile without the frames whose url is one of `urls`. */
export function heapProfileWithout(profile: Protocol.HeapProfiler.SamplingHeapProfile, urls: ReadonlySet<string>): Protocol.HeapProfiler.SamplingHeapProfile {
  const movedTo = new Map<number, number>();
  // Rebuilds the tree top-down; a dropped node's bytes and children join the nearest kept ancestor.
  type Node = Protocol.HeapProfiler.SamplingHeapProfileNode;
  const head: Node = { ...profile.head, children: [] };
  const stack: Array<{ source: Node; into: Node }> = profile.head.children.map((source) => ({ source, into: head })).reverse();
  while (stack.length > 0) {
    const { source, into } = stack.pop()!;
    let target = into;
    if (urls.has(source.callFrame.url)) {
      movedTo.set(source.id, into.id);
      into.selfSize += source.selfSize;
    } else {
      target = { ...source, children: [] };
      into.children.push(target);
    }
    for (let i = source.children.length - 1; i >= 0; i--) stack.push({ source: source.children[i]!, into: target });
  }
  if (movedTo.size === 0) return profile;
  return { ...profile, head, samples: profile.samples.map((s) => (movedTo.has(s.nodeId) ? { ...s, nodeId: movedTo.get(s.nodeId)! } : s)) };
}

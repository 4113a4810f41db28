// The pruned tree handed to the flame graph. A profile can have a million nodes; the webview's
// canvas draws tens of thousands at interactive speed, but each node costs the host time to
// prune and send and the page time to parse. We keep the heaviest nodes — growing the tree from the (sub)root, always
// expanding the heaviest frontier node next — and fold the rest into their parent, recording
// how many nodes were cut so the view can say so.
import type { FlameNode, Profile } from './types';

export interface FlameOptions {
  /** Profile node to use as the root (zoom / subtree requests). Default 0. */
  root?: number;
  /** Most nodes to emit. Default defaultMaxNodes. */
  maxNodes?: number;
  /** Drop nodes whose total is below this fraction of the root's total. Default 0 (keep all). */
  minFraction?: number;
  /** Fold nodes more than this many levels below the root (a preview of the rows in view). Default: no limit. */
  maxDepth?: number;
}

export interface FlameTree {
  root: FlameNode;
  /** Distinct profile frame indices used by the tree (FlameNode.frame values), ascending. */
  frames: number[];
}

/**
 * 16,000 since the flame graph draws on a canvas (4,000 under d3-flame-graph's SVG). Measured on
 * tsc's 138k-node profile: prune + stringify 76 ms / 0.4 MB at 4,000, 137 ms / 1.5 MB at 16,000,
 * 765 ms / 4.6 MB at 50,000 — the first draw must stay within 300 ms of the JSON.parse floor.
 */
export const defaultMaxNodes = 16_000;

export function toFlameTree(profile: Profile, options: FlameOptions = {}): FlameTree {
  const rootIndex = options.root ?? 0;
  if (!Number.isInteger(rootIndex) || rootIndex < 0 || rootIndex >= profile.nodeCount) {
    throw new RangeError(`toFlameTree: node ${rootIndex} is not in the profile (${profile.nodeCount} nodes)`);
  }
  const maxNodes = Math.max(1, Math.floor(options.maxNodes ?? defaultMaxNodes));
  const threshold = (options.minFraction ?? 0) * profile.totalValue[rootIndex]!;
  const maxDepth = options.maxDepth ?? Infinity;
  const size = subtreeSizes(profile, rootIndex);
  // Everything fits: no heap needed, unless equal siblings make its order matter (see wholeTree).
  if (size[rootIndex]! <= maxNodes) {
    const whole = wholeTree(profile, rootIndex, threshold, maxDepth, size);
    if (whole !== undefined) return whole;
  }
  return grownTree(profile, rootIndex, maxNodes, threshold, maxDepth, size);
}

/**
 * The tree grown best-first (the general case). Its own function: V8 compiles a function whole
 * on its first call, and a small profile's first open never needs this part.
 */
function grownTree(profile: Profile, rootIndex: number, maxNodes: number, threshold: number, maxDepth: number, size: Int32Array): FlameTree {
  const { totalValue, selfValue, childStart, childNodes, nodeFrame, frames, baseTotalValue } = profile;
  // Levels below the root, of emitted nodes (only kept when there is a depth limit).
  const depths = Number.isFinite(maxDepth) ? new Map<number, number>([[rootIndex, 0]]) : undefined;
  // Typed marks and a plain list instead of a Set and a Map: less work per node, which matters
  // most while the code still runs cold (the first profile opened).
  const frameUsed = new Uint8Array(frames.length);
  const emitted: FlameNode[] = [];

  const makeNode = (i: number): FlameNode => {
    const f = nodeFrame[i]!;
    frameUsed[f] = 1;
    const node: FlameNode = { id: i, name: frames[f]?.functionName ?? '(unknown)', value: totalValue[i]!, self: selfValue[i]!, frame: f };
    if (baseTotalValue) node.delta = totalValue[i]! - baseTotalValue[i]!;
    emitted.push(node);
    return node;
  };

  // Best-first: the frontier (children of emitted nodes, each with its emitted parent) sits in a
  // max-heap on total value; the heaviest frontier node is emitted next. Totals never grow from
  // parent to child, so this keeps the heaviest maxNodes nodes and the result is always a
  // connected tree.
  const heap = new MaxHeap(totalValue);
  const fold = (node: FlameNode, count: number): void => {
    node.folded = (node.folded ?? 0) + count;
  };
  const offer = (i: number, node: FlameNode): void => {
    const childDepth = depths ? depths.get(i)! + 1 : 0;
    const tooDeep = childDepth > maxDepth;
    for (let c = childStart[i]!; c < childStart[i + 1]!; c++) {
      const child = childNodes[c]!;
      const total = totalValue[child]!;
      // Below the threshold, or empty (nothing to draw) unless a diff baseline has something there.
      if (tooDeep || total < threshold || (total <= 0 && (baseTotalValue === undefined || baseTotalValue[child] === 0))) fold(node, size[child]!);
      else {
        depths?.set(child, childDepth);
        heap.push(child, node);
      }
    }
  };
  const root = makeNode(rootIndex);
  let count = 1;
  offer(rootIndex, root);
  while (heap.size > 0 && count < maxNodes) {
    const parent = heap.topParent();
    const i = heap.pop();
    const node = makeNode(i);
    if (parent.children === undefined) parent.children = [node];
    else parent.children.push(node);
    count++;
    offer(i, node);
  }
  // Out of budget: what is still on the frontier folds into its parent.
  while (heap.size > 0) {
    const parent = heap.topParent();
    fold(parent, size[heap.pop()]!);
  }
  // Heaviest children first reads best, and matches the webview's left-heavy sort. The heap pops
  // in non-increasing order of total (a child never outweighs its parent), so the lists are
  // normally in that order already: check before paying for a sort with a JS comparator.
  for (let k = 0; k < emitted.length; k++) {
    const children = emitted[k]!.children;
    if (children !== undefined && !descending(children)) children.sort(byValueDescending);
  }
  const used: number[] = [];
  for (let f = 0; f < frameUsed.length; f++) if (frameUsed[f] === 1) used.push(f);
  return { root, frames: used };
}

/**
 * The tree when the budget cuts nothing (the subtree has at most maxNodes nodes): every node the
 * threshold and depth keep, each node's children heaviest first — what the best-first growth
 * gives, without a heap (per node, cold, a heap costs more than all the rest). The growth orders
 * equal siblings by its heap's internals, so when two kept siblings are equal this gives up
 * (undefined) and the growth decides. A node's folded count is set before its children, as there.
 */
function wholeTree(profile: Profile, rootIndex: number, threshold: number, maxDepth: number, size: Int32Array): FlameTree | undefined {
  const { totalValue, selfValue, childStart, childNodes, nodeFrame, frames, baseTotalValue } = profile;
  const frameUsed = new Uint8Array(frames.length);
  // Emitted nodes waiting for their children, as a stack: FlameNode, profile index, depth.
  const pending: FlameNode[] = [];
  const pendingIndex = new Int32Array(size[rootIndex]!);
  const pendingDepth = new Int32Array(size[rootIndex]!);
  // The kept children of one node, heaviest first (typed, and no splice: cheaper while cold).
  const kept = new Int32Array(size[rootIndex]!);
  const node = (i: number): FlameNode => {
    const f = nodeFrame[i]!;
    frameUsed[f] = 1;
    const out: FlameNode = { id: i, name: frames[f]?.functionName ?? '(unknown)', value: totalValue[i]!, self: selfValue[i]!, frame: f };
    if (baseTotalValue) out.delta = totalValue[i]! - baseTotalValue[i]!;
    return out;
  };
  const root = node(rootIndex);
  pending.push(root);
  let sp = 1;
  pendingIndex[0] = rootIndex;
  pendingDepth[0] = 0;
  while (sp > 0) {
    sp--;
    const parent = pending.pop()!;
    const i = pendingIndex[sp]!;
    const childDepth = pendingDepth[sp]! + 1;
    const tooDeep = childDepth > maxDepth;
    let folded = 0;
    let count = 0;
    for (let c = childStart[i]!; c < childStart[i + 1]!; c++) {
      const child = childNodes[c]!;
      const total = totalValue[child]!;
      if (tooDeep || total < threshold || (total <= 0 && (baseTotalValue === undefined || baseTotalValue[child] === 0))) {
        folded += size[child]!;
        continue;
      }
      // Insertion by total, heaviest first; an equal sibling leaves the order to the growth.
      let at = count;
      while (at > 0 && totalValue[kept[at - 1]!]! < total) {
        kept[at] = kept[at - 1]!;
        at--;
      }
      if (at > 0 && totalValue[kept[at - 1]!] === total) return undefined;
      kept[at] = child;
      count++;
    }
    if (folded > 0) parent.folded = folded;
    if (count === 0) continue;
    const children: FlameNode[] = new Array<FlameNode>(count);
    for (let k = 0; k < count; k++) {
      const child = node(kept[k]!);
      children[k] = child;
      pending.push(child);
      pendingIndex[sp] = kept[k]!;
      pendingDepth[sp] = childDepth;
      sp++;
    }
    parent.children = children;
  }
  const used: number[] = [];
  for (let f = 0; f < frameUsed.length; f++) if (frameUsed[f] === 1) used.push(f);
  return { root, frames: used };
}

function descending(nodes: FlameNode[]): boolean {
  for (let i = 1; i < nodes.length; i++) if (nodes[i]!.value > nodes[i - 1]!.value) return false;
  return true;
}

function byValueDescending(a: FlameNode, b: FlameNode): number {
  return b.value - a.value;
}

/** Number of nodes in each subtree under `root` (itself included); one reverse pass. */
function subtreeSizes(profile: Profile, root: number): Int32Array {
  const n = profile.nodeCount;
  const size = new Int32Array(n);
  const parent = profile.nodeParent;
  // Parents precede children, so a reverse sweep sees every child before its parent.
  for (let i = n - 1; i >= root; i--) {
    size[i]! += 1;
    if (i > root) {
      const p = parent[i]!;
      if (p >= root) size[p]! += size[i]!;
    }
  }
  return size;
}

/** Node indexes by descending key, each carrying the emitted parent it was offered under. */
class MaxHeap {
  private items: number[] = [];
  private parents: FlameNode[] = [];
  constructor(private readonly key: Float64Array) {}
  get size(): number {
    return this.items.length;
  }
  /** The parent of the item pop() returns next. */
  topParent(): FlameNode {
    return this.parents[0]!;
  }
  push(v: number, parent: FlameNode): void {
    const a = this.items;
    const ps = this.parents;
    const key = this.key;
    a.push(v);
    ps.push(parent);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (key[a[p]!]! >= key[v]!) break;
      a[i] = a[p]!;
      ps[i] = ps[p]!;
      i = p;
    }
    a[i] = v;
    ps[i] = parent;
  }
  pop(): number {
    const a = this.items;
    const ps = this.parents;
    const key = this.key;
    const top = a[0]!;
    const last = a.pop()!;
    const lastParent = ps.pop()!;
    if (a.length > 0) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && key[a[r]!]! > key[a[l]!]! ? r : l;
        if (key[a[c]!]! <= key[last]!) break;
        a[i] = a[c]!;
        ps[i] = ps[c]!;
        i = c;
      }
      a[i] = last;
      ps[i] = lastParent;
    }
    return top;
  }
}

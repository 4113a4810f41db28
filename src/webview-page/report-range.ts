// What the standalone HTML report embeds so its timeline can select a range without a host: the
// profile cut into equal time buckets, and for each bucket the value of every node of the tree the
// report draws and the self and total of every function its table lists (sparse: only what is not
// zero). The page adds up the buckets a range covers (webview/report-range.ts), so a range is
// rounded to whole buckets. Never the profile itself: a 10 MB profile's report grows by a few
// hundred KB (CONTRIBUTING.md, "Standalone report"). A filtered view (hidden node_modules, merged
// recursion, bottom-up, …) keeps no samples of its own: the profile's samples are cut into buckets
// and each node's time follows the filters' node map onto the view (model/view.ts), which adds up
// to what the host shows for a range (slice, then filters).
import { lowerBound, sampleSpan } from '../model/time-slice';
import type { FlameNode, Profile } from '../model/types';
import type { TablePayload, TreePayload, ViewFrame } from '../protocol';

/** Buckets a report's range snaps to: a drag is rounded to a hundredth of the profile. */
export const reportRangeBuckets = 100;

/** Sparse per-bucket values, CSR-style: entry e of item i (e in at[i] … at[i + 1]) is `bucket[e]`'s value. */
export interface ReportRangeData {
  /** The bucketed span on the timeline's axis (µs of the profile's clock). */
  start: number;
  end: number;
  buckets: number;
  /** Per node of the embedded tree, in `ids` order (a negative id is a "… deeper frames" block). */
  tree: { ids: number[]; at: number[]; bucket: number[]; value: number[] };
  /** Per row of the embedded table, in row order. */
  table: { at: number[]; bucket: number[]; self: number[]; total: number[] };
}

const frameKey = (f: Pick<ViewFrame, 'name' | 'url' | 'line' | 'column' | 'category'>): string => `${f.name}\u0000${f.url}\u0000${f.line}\u0000${f.column}\u0000${f.category}`;
/** Whole µs (or bytes): what the views show is coarser, and it keeps the embedded JSON short. */
const round = (x: number): number => Math.round(x);

/**
 * The per-bucket data for the tree and table built from `view`, the report's view of `profile` (a
 * CPU profile that kept its samples) with `nodeMap` taking each profile node to the view node its
 * time went to (-1: dropped; see applyViewOptionsMapped), or undefined when there is nothing to cut
 * by time. Without `view` the tree and table are the profile's own.
 */
export function reportRangeData(profile: Profile, tree: TreePayload, table: TablePayload, mapped?: { view: Profile; nodeMap: Int32Array }, buckets = reportRangeBuckets): ReportRangeData | undefined {
  const view = mapped?.view ?? profile;
  // An unfiltered view is the profile itself: its samples' nodes are the view's.
  const nodeMap = mapped && mapped.view !== profile ? mapped.nodeMap : undefined;
  const span = sampleSpan(profile);
  const nodes = profile.sampleNodes;
  const times = profile.sampleTimes;
  if (!span || span.axis !== 'time' || !nodes || !times || !(span.end > span.start) || view.baseTotalValue) return undefined;
  if (nodeMap && nodeMap.length !== profile.nodeCount) return undefined;
  const n = view.nodeCount;

  // The tree's nodes (ids are view node indexes; -1 - id stands for what lies below node id).
  const ids: number[] = [];
  const stack: FlameNode[] = [tree.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.id >= n || -1 - node.id >= n) return undefined;
    ids.push(node.id);
    for (const c of node.children ?? []) stack.push(c);
  }
  // The table's functions as view frames (the payload renumbered them).
  const frameOf = new Map<string, number>();
  view.frames.forEach((f, i) => frameOf.set(frameKey({ name: f.functionName, url: f.url, line: f.line, column: f.column, category: f.category }), i));
  const rowFrames = table.rows.map((r) => frameOf.get(frameKey(table.frames[r.frame]!)) ?? -1);

  // A node counts in its function's total unless the function is already on the stack above it.
  const topmost = new Uint8Array(n);
  const active = new Int32Array(view.frames.length);
  const walk = new Int32Array(2 * n + 2);
  let sp = 0;
  walk[sp++] = 0;
  while (sp > 0) {
    const v = walk[--sp]!;
    if (v < 0) {
      active[view.nodeFrame[~v]!]!--;
      continue;
    }
    const f = view.nodeFrame[v]!;
    if (active[f] === 0) topmost[v] = 1;
    active[f]!++;
    walk[sp++] = ~v;
    for (let c = view.childStart[v + 1]! - 1; c >= view.childStart[v]!; c--) walk[sp++] = view.childNodes[c]!;
  }

  const treeCols = ids.map(() => ({ bucket: [] as number[], value: [] as number[] }));
  const rowCols = rowFrames.map(() => ({ bucket: [] as number[], self: [] as number[], total: [] as number[] }));
  const self = new Float64Array(n);
  /** Per profile node when the view is filtered (then mapped onto `self`). */
  const own = nodeMap ? new Float64Array(profile.nodeCount) : self;
  const total = new Float64Array(n);
  const frameSelf = new Float64Array(view.frames.length);
  const frameTotal = new Float64Array(view.frames.length);
  const width = (span.end - span.start) / buckets;
  const count = nodes.length;
  for (let b = 0; b < buckets; b++) {
    const lo = span.start + b * width;
    const hi = b === buckets - 1 ? span.end : span.start + (b + 1) * width;
    self.fill(0);
    if (own !== self) own.fill(0);
    // Each sample lasts until the next one; the part of it inside the bucket is charged (as sliceProfile does).
    const at = lowerBound(times, lo);
    for (let i = at < count && times[at] === lo ? at : Math.max(0, at - 1); i < count && times[i]! < hi; i++) {
      const part = Math.min(i + 1 < count ? times[i + 1]! : span.end, hi) - Math.max(times[i]!, lo);
      if (part > 0) own[nodes[i]!]! += part;
    }
    if (nodeMap) {
      for (let i = 0; i < own.length; i++) {
        const to = nodeMap[i]!;
        if (to >= 0 && own[i]! > 0) self[to]! += own[i]!;
      }
    }
    total.set(self);
    for (let i = n - 1; i > 0; i--) total[view.nodeParent[i]!]! += total[i]!;
    ids.forEach((id, k) => {
      const v = id >= 0 ? total[id]! : total[-1 - id]! - self[-1 - id]!;
      if (round(v) > 0) {
        treeCols[k]!.bucket.push(b);
        treeCols[k]!.value.push(round(v));
      }
    });
    frameSelf.fill(0);
    frameTotal.fill(0);
    for (let i = 0; i < n; i++) {
      const f = view.nodeFrame[i]!;
      frameSelf[f]! += self[i]!;
      if (topmost[i]) frameTotal[f]! += total[i]!;
    }
    rowFrames.forEach((f, k) => {
      if (f < 0 || !(round(frameTotal[f]!) > 0 || round(frameSelf[f]!) > 0)) return;
      rowCols[k]!.bucket.push(b);
      rowCols[k]!.self.push(round(frameSelf[f]!));
      rowCols[k]!.total.push(round(frameTotal[f]!));
    });
  }
  const csr = <T extends { bucket: number[] }>(cols: T[]): number[] => {
    const at = [0];
    for (const c of cols) at.push(at[at.length - 1]! + c.bucket.length);
    return at;
  };
  return {
    start: span.start,
    end: span.end,
    buckets,
    tree: { ids, at: csr(treeCols), bucket: treeCols.flatMap((c) => c.bucket), value: treeCols.flatMap((c) => c.value) },
    table: { at: csr(rowCols), bucket: rowCols.flatMap((c) => c.bucket), self: rowCols.flatMap((c) => c.self), total: rowCols.flatMap((c) => c.total) },
  };
}

// The flame chart layout: calls as they happened, time on the x-axis. Consecutive samples that
// share a stack prefix merge into one rectangle per level, so a call that ran across 300 samples
// is one rectangle. Computed from the per-sample data the importers keep (time-slice.ts); the
// drawing (the same canvas renderer as the flame graph's) is the webview's.
import { lowerBound, sampleSpan } from './time-slice';
import type { Profile } from './types';

/** Rectangles as parallel arrays, ordered by start time within each call (parents before their children). */
export interface FlameChartLayout {
  readonly start: number;
  readonly end: number;
  /** Levels below the root (0 = the root's children). */
  readonly depth: Int32Array;
  readonly from: Float64Array;
  readonly to: Float64Array;
  /** Profile node of each rectangle (its frame is p.nodeFrame[node]). */
  readonly node: Int32Array;
  readonly count: number;
  readonly maxDepth: number;
}

/**
 * The calls of [from, to) of a CPU profile that kept its samples. Rectangles narrower than
 * `minWidth` (µs: what one pixel stands for at the drawn scale) are left out, and so are their
 * callees, which are narrower still. Undefined for profiles without per-sample times.
 */
export function flameChart(p: Profile, from: number, to: number, minWidth = 0): FlameChartLayout | undefined {
  const span = sampleSpan(p);
  const nodes = p.sampleNodes;
  const times = p.sampleTimes;
  if (!span || span.axis !== 'time' || !nodes || !times) return undefined;
  const lo = Math.max(span.start, from);
  const hi = Math.min(span.end, to);
  const depth: number[] = [];
  const rectFrom: number[] = [];
  const rectTo: number[] = [];
  const rectNode: number[] = [];
  let maxDepth = 0;
  // The open calls, root's child first, and when each began.
  const open: number[] = [];
  const openSince: number[] = [];
  const path: number[] = [];
  const close = (keep: number, at: number): void => {
    while (open.length > keep) {
      const d = open.length - 1;
      const node = open.pop()!;
      const since = openSince.pop()!;
      if (at - since >= minWidth && at > since) {
        depth.push(d);
        rectFrom.push(since);
        rectTo.push(at);
        rectNode.push(node);
        if (d > maxDepth) maxDepth = d;
      }
    }
  };
  const count = nodes.length;
  const at0 = lowerBound(times, lo);
  let i = at0 < count && times[at0] === lo ? at0 : Math.max(0, at0 - 1);
  let last = -1;
  for (; i < count && times[i]! < hi; i++) {
    const a = Math.max(times[i]!, lo);
    const b = Math.min(i + 1 < count ? times[i + 1]! : span.end, hi);
    if (!(b > a)) continue;
    const node = nodes[i]!;
    if (node === last) continue;
    last = node;
    path.length = 0;
    for (let n = node; n > 0; n = p.nodeParent[n]!) path.push(n);
    path.reverse();
    let common = 0;
    while (common < open.length && common < path.length && open[common] === path[common]) common++;
    close(common, a);
    for (let d = common; d < path.length; d++) {
      open.push(path[d]!);
      openSince.push(a);
    }
  }
  close(0, hi);
  // Emitted as calls closed (children first); draw order wants starts ascending, parents first.
  const order = Array.from(depth.keys()).sort((x, y) => rectFrom[x]! - rectFrom[y]! || depth[x]! - depth[y]!);
  return {
    start: lo,
    end: hi,
    depth: Int32Array.from(order, (k) => depth[k]!),
    from: Float64Array.from(order, (k) => rectFrom[k]!),
    to: Float64Array.from(order, (k) => rectTo[k]!),
    node: Int32Array.from(order, (k) => rectNode[k]!),
    count: order.length,
    maxDepth,
  };
}

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
  const steps = flameChartSteps(p, from, to, minWidth);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * flameChart in chunks, awaiting `pause()` between them: a wide range of a big profile is seconds
 * of work (1.7 s measured on the host for one), which must not block the extension host in one go.
 * Resolves to undefined when `stale()` turns true between chunks (a newer chart was asked for) or
 * the profile has no per-sample times; otherwise to exactly what flameChart returns.
 */
export async function flameChartInChunks(
  p: Profile,
  from: number,
  to: number,
  minWidth: number,
  pause: () => Promise<void>,
  stale: () => boolean = () => false,
): Promise<FlameChartLayout | undefined> {
  const steps = flameChartSteps(p, from, to, minWidth);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
    if (stale()) return undefined;
  }
}

/** Samples (or stack steps) and stack moves per chunk of flameChartSteps: a few ms each. */
const CHUNK = 0x3fff;

/** The work of flameChart, yielding between chunks; returns the layout. */
function* flameChartSteps(p: Profile, from: number, to: number, minWidth: number): Generator<void, FlameChartLayout | undefined, void> {
  const span = sampleSpan(p);
  const nodes = p.sampleNodes;
  const times = p.sampleTimes;
  if (!span || span.axis !== 'time' || !nodes || !times) return undefined;
  const lo = Math.max(span.start, from);
  const hi = Math.min(span.end, to);
  const level = depthsOf(p);
  const parent = p.nodeParent;
  const depth: number[] = [];
  const rectFrom: number[] = [];
  const rectTo: number[] = [];
  const rectNode: number[] = [];
  let maxDepth = 0;
  let kept = 0;
  // Work done since the last pause: loop turns plus calls opened and closed.
  let work = 0;
  // The open calls, root's child first (open[d] is at level d + 1), and when each began.
  const open: number[] = [];
  const openSince: number[] = [];
  const opening: number[] = [];
  // A call's rectangle takes its slot when the call opens, so slots are in draw order (starts
  // ascending, callers before callees: opens happen at increasing times, outermost first); its end
  // is written when it closes, or NaN when it is left out (narrower than minWidth).
  const openSlot: number[] = [];
  const close = (keep: number, at: number): void => {
    while (open.length > keep) {
      const d = open.length - 1;
      open.pop();
      const since = openSince.pop()!;
      const slot = openSlot.pop()!;
      work++;
      if (at > since && at - since >= minWidth) {
        rectTo[slot] = at;
        kept++;
        if (d > maxDepth) maxDepth = d;
      }
    }
  };
  /** From the open stack to `node`'s stack at time `at`: up to the common caller, then down. */
  const moveTo = (node: number, at: number): void => {
    let x = open.length > 0 ? open[open.length - 1]! : 0;
    let y = node;
    opening.length = 0;
    while (level[x]! > level[y]!) x = parent[x]!;
    while (level[y]! > level[x]!) {
      opening.push(y);
      y = parent[y]!;
    }
    while (x !== y) {
      x = parent[x]!;
      opening.push(y);
      y = parent[y]!;
    }
    close(level[x]!, at);
    for (let k = opening.length - 1; k >= 0; k--) {
      work++;
      openSlot.push(depth.length);
      depth.push(open.length);
      rectFrom.push(at);
      rectTo.push(Number.NaN);
      rectNode.push(opening[k]!);
      open.push(opening[k]!);
      openSince.push(at);
    }
  };
  const count = nodes.length;
  const at0 = lowerBound(times, lo);
  const first = at0 < count && times[at0] === lo ? at0 : Math.max(0, at0 - 1);
  // Far more samples than the chart can show: follow the stack at steps of a quarter of
  // `minWidth` (what is drawn moves by at most that), so the work is bounded by the width.
  const step = minWidth > 0 ? minWidth / 4 : 0;
  let last = -1;
  if (step > 0 && lowerBound(times, hi) - first > (hi - lo) / step) {
    for (let t = lo; t < hi; t += step) {
      const i = Math.max(first, lowerBound(times, t + Number.EPSILON * Math.abs(t)) - 1);
      const node = nodes[i]!;
      if (node !== last) {
        moveTo(node, t);
      }
      last = node;
      if (++work > CHUNK) {
        work = 0;
        yield;
      }
    }
  } else {
    for (let i = first; i < count && times[i]! < hi; i++) {
      const a = Math.max(times[i]!, lo);
      const b = Math.min(i + 1 < count ? times[i + 1]! : span.end, hi);
      if (++work > CHUNK) {
        work = 0;
        yield;
      }
      if (!(b > a) || nodes[i] === last) continue;
      last = nodes[i]!;
      moveTo(last, a);
    }
  }
  close(0, hi);
  yield;
  // The calls kept, in slot order: already the draw order.
  const out = { depth: new Int32Array(kept), from: new Float64Array(kept), to: new Float64Array(kept), node: new Int32Array(kept) };
  let o = 0;
  for (let k = 0; k < depth.length; k++) {
    if ((k & CHUNK) === CHUNK) yield;
    if (Number.isNaN(rectTo[k])) continue;
    out.depth[o] = depth[k]!;
    out.from[o] = rectFrom[k]!;
    out.to[o] = rectTo[k]!;
    out.node[o] = rectNode[k]!;
    o++;
  }
  return { start: lo, end: hi, ...out, count: kept, maxDepth };
}

/** Levels below the root per node (root 0), computed once per profile. */
const depthCache = new WeakMap<Profile, Int32Array>();

function depthsOf(p: Profile): Int32Array {
  let level = depthCache.get(p);
  if (!level) {
    level = new Int32Array(p.nodeCount);
    for (let i = 1; i < p.nodeCount; i++) level[i] = level[p.nodeParent[i]!]! + 1;
    depthCache.set(p, level);
  }
  return level;
}

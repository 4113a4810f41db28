// A profile restricted to a time range [from, to): the same Profile shape, so every view (flame
// tree, function table, sandwich, hot lines, filters) works on it unchanged. Built from the
// per-sample data the importers keep (Profile.sampleNodes / sampleTimes): one pass over the
// samples in the range and one over the nodes; nodes left with nothing are dropped.
import { assembleProfile } from './assemble';
import type { Profile } from './types';

/**
 * When each sample was taken, from V8's timeDeltas: the running sum from `startTime`, held at its
 * highest so far (V8 sometimes records a sample slightly out of order; attributeTime in
 * parse-cpuprofile charges time on the same never-decreasing clock, so slices add up to it).
 */
export function sampleTimesOf(deltas: Float64Array, count: number, startTime: number): Float64Array {
  const times = new Float64Array(count);
  let ts = startTime;
  let clock = -Infinity;
  for (let i = 0; i < count; i++) {
    ts += deltas[i]!;
    if (ts > clock) clock = ts;
    times[i] = clock;
  }
  return times;
}

/** Sample times of a profile without timeDeltas: every sample is worth the average interval. */
export function evenSampleTimes(count: number, startTime: number, interval: number): Float64Array {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = startTime + i * interval;
  return times;
}

/** The axis samples live on: µs for CPU profiles, allocation order (sample ordinals) for heap profiles. */
export interface SampleSpan {
  readonly start: number;
  readonly end: number;
  /** 'time': µs on the profile's clock; 'order': heap samples in allocation order (0 … count). */
  readonly axis: 'time' | 'order';
}

/** Where the profile's samples lie, or undefined when it kept none (transformed, merged, diff, no `samples`). */
export function sampleSpan(p: Profile): SampleSpan | undefined {
  const times = p.sampleTimes;
  if (!p.sampleNodes || !times || times.length === 0) return undefined;
  if (p.sampleValues) return { start: times[0]!, end: times[times.length - 1]! + 1, axis: 'order' };
  return { start: times[0]!, end: Math.max(times[0]!, p.endTime), axis: 'time' };
}

/** First index i with times[i] >= t (times never decrease). */
export function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `p` restricted to [from, to) on its sample axis. CPU: each sample lasts until the next one
 * (the last until endTime), and the part of that interval inside the range is charged to its
 * node. Heap: the samples whose allocation order is in the range, by their size (each node's
 * scaled to its selfSize, so the whole range is the whole profile). Per-line values
 * keep each node's proportions (V8 records line ticks per node, not per sample). Throws when `p`
 * has no per-sample data (see sampleSpan).
 */
export function sliceProfile(p: Profile, from: number, to: number): Profile {
  const steps = sliceSteps(p, from, to);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * sliceProfile in chunks, awaiting `pause()` between them (the host passes a yield to its event
 * loop: a multi-million-sample slice is otherwise one long block). Resolves to undefined when
 * `stale()` turns true between chunks (a newer range was asked for).
 */
export async function sliceProfileInChunks(p: Profile, from: number, to: number, pause: () => Promise<void>, stale: () => boolean = () => false): Promise<Profile | undefined> {
  const steps = sliceSteps(p, from, to);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
    if (stale()) return undefined;
  }
}

/** Samples and nodes per chunk of sliceSteps: a few ms each. */
const SAMPLE_CHUNK = 0x3ffff;
const NODE_CHUNK = 0xffff;

/** The work of sliceProfile, yielding between chunks; returns the slice. */
function* sliceSteps(p: Profile, from: number, to: number): Generator<void, Profile, void> {
  const nodes = p.sampleNodes;
  const times = p.sampleTimes;
  const span = sampleSpan(p);
  if (!nodes || !times || !span) throw new RangeError('this profile has no per-sample data to slice by time');
  const lo = Math.max(span.start, Math.min(from, span.end));
  const hi = Math.max(lo, Math.min(to, span.end));
  const n = p.nodeCount;
  const self = new Float64Array(n);
  const samples = new Float64Array(n);
  const count = nodes.length;
  const values = p.sampleValues;
  // The samples that reach into the range: [first, last).
  let first: number;
  let last: number;
  if (values) {
    first = lowerBound(times, lo);
    last = lowerBound(times, hi);
    for (let i = first; i < last; i++) {
      self[nodes[i]!]! += values[i]!;
      samples[nodes[i]!]!++;
      if ((i & SAMPLE_CHUNK) === SAMPLE_CHUNK) yield;
    }
    // V8 scales a node's sampled count once for the node but each sample on its own, so the
    // rounded sample sizes of a node need not add up to its selfSize (8 of heap-webpack's 3,485
    // nodes, 1,568 B in 25 MB). Each node's share of its samples' bytes is charged at its
    // selfSize: the whole range is then the unselected profile exactly.
    const whole = yield* bytesBySampleOf(p, nodes, values);
    for (let i = 0; i < n; i++) {
      if (self[i]! > 0 && whole[i]! > 0 && whole[i] !== p.selfValue[i]) self[i] = Math.round((self[i]! * p.selfValue[i]!) / whole[i]!);
    }
  } else {
    // The sample running at `lo` started at or before it.
    const at = lowerBound(times, lo);
    first = at < count && times[at] === lo ? at : Math.max(0, at - 1);
    last = first;
    while (last < count && times[last]! < hi) {
      const a = Math.max(times[last]!, lo);
      const b = Math.min(last + 1 < count ? times[last + 1]! : span.end, hi);
      if (b > a) {
        self[nodes[last]!]! += b - a;
        samples[nodes[last]!]!++;
      }
      if ((last & SAMPLE_CHUNK) === SAMPLE_CHUNK) yield;
      last++;
    }
  }

  // Keep the root and every node with something in the range (parents precede children, so a
  // kept node's parent is kept and already renumbered).
  yield;
  const total = self.slice();
  const parentOf = p.nodeParent;
  for (let i = n - 1; i > 0; i--) total[parentOf[i]!]! += total[i]!;
  const newIndex = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || total[i]! > 0) newIndex[i] = m++;
  yield;
  const parent = new Int32Array(m);
  const nodeFrame = new Int32Array(m);
  const selfValue = new Float64Array(m);
  const selfSamples = new Float64Array(m);
  let entries = 0;
  for (let i = 0; i < n; i++) if (newIndex[i]! >= 0 && self[i]! > 0) entries += p.lineStart[i + 1]! - p.lineStart[i]!;
  const tickStart = new Int32Array(m + 1);
  const tickLine = new Int32Array(entries);
  const tickCount = new Float64Array(entries);
  let t = 0;
  for (let i = 0; i < n; i++) {
    if ((i & NODE_CHUNK) === NODE_CHUNK) yield;
    const k = newIndex[i]!;
    if (k < 0) continue;
    parent[k] = i === 0 ? -1 : newIndex[parentOf[i]!]!;
    nodeFrame[k] = p.nodeFrame[i]!;
    selfValue[k] = self[i]!;
    selfSamples[k] = samples[i]!;
    tickStart[k] = t;
    if (self[i]! > 0) {
      for (let e = p.lineStart[i]!; e < p.lineStart[i + 1]!; e++) {
        tickLine[t] = p.lineNumber[e]!;
        tickCount[t] = p.lineValue[e]!;
        t++;
      }
    }
  }
  tickStart[m] = t;

  // The slice keeps its samples (renumbered), so a slice can be sliced again.
  yield;
  const sliceNodes = new Int32Array(last - first);
  for (let i = first; i < last; i++) {
    sliceNodes[i - first] = Math.max(0, newIndex[nodes[i]!]!);
    if ((i & SAMPLE_CHUNK) === SAMPLE_CHUNK) yield;
  }
  const sliceTimes = times.slice(first, last);
  if (!values && sliceTimes.length > 0 && sliceTimes[0]! < lo) sliceTimes[0] = lo;
  yield;
  return assembleProfile({
    kind: p.kind,
    unit: p.unit,
    format: p.format,
    frames: [...p.frames],
    parent,
    nodeFrame,
    selfValue,
    selfSamples,
    tickStart,
    tickLine,
    tickCount,
    startTime: values ? p.startTime : lo,
    endTime: values ? p.endTime : hi,
    sampleCount: last - first,
    notes: [...p.notes],
    sampleNodes: sliceNodes,
    sampleTimes: sliceTimes,
    ...(values ? { sampleValues: values.slice(first, last) } : {}),
  });
}

/** Each node's bytes summed over all of its samples, per profile (a slice asks again for every range). */
const bytesBySample = new WeakMap<Float64Array, Float64Array>();

function* bytesBySampleOf(p: Profile, nodes: Int32Array, values: Float64Array): Generator<void, Float64Array, void> {
  const known = bytesBySample.get(values);
  if (known) return known;
  const sums = new Float64Array(p.nodeCount);
  for (let i = 0; i < nodes.length; i++) {
    sums[nodes[i]!]! += values[i]!;
    if ((i & SAMPLE_CHUNK) === SAMPLE_CHUNK) yield;
  }
  bytesBySample.set(values, sums);
  return sums;
}

/**
 * The per-sample arrays of `p` for a rebuilt tree whose node `outOf[i]` stands for node i of `p`
 * (source mapping merges nodes whose frames became equal): the samples follow their nodes.
 */
export function renumberSamples(p: Profile, outOf: Int32Array): Pick<Profile, 'sampleNodes' | 'sampleTimes' | 'sampleValues'> {
  const nodes = p.sampleNodes;
  if (!nodes || !p.sampleTimes) return {};
  const out = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) out[i] = outOf[nodes[i]!]!;
  return { sampleNodes: out, sampleTimes: p.sampleTimes, ...(p.sampleValues ? { sampleValues: p.sampleValues } : {}) };
}

/**
 * A heap profile's samples in allocation order (V8 lists them unordered): node, bytes, and the
 * rank as the sample's place on the axis. Samples of nodes missing from the tree (`nodes[i]` < 0)
 * or with an unusable size are left out, as the importer leaves them out of the totals.
 */
export function heapSamplesInOrder(nodes: Int32Array, sizes: Float64Array, ordinals: Float64Array): Pick<Profile, 'sampleNodes' | 'sampleTimes' | 'sampleValues'> {
  const kept: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (nodes[i]! >= 0 && sizes[i]! >= 0 && sizes[i]! <= Number.MAX_SAFE_INTEGER) kept.push(i);
  if (kept.length === 0) return {};
  kept.sort((a, b) => ordinals[a]! - ordinals[b]! || a - b);
  const sampleNodes = new Int32Array(kept.length);
  const sampleTimes = new Float64Array(kept.length);
  const sampleValues = new Float64Array(kept.length);
  kept.forEach((i, rank) => {
    sampleNodes[rank] = nodes[i]!;
    sampleTimes[rank] = rank;
    sampleValues[rank] = sizes[i]!;
  });
  return { sampleNodes, sampleTimes, sampleValues };
}

// The timeline: a profile's samples over time, bucketed per lane (your code, node_modules, Node
// internals, GC, idle/program) — what the webview draws as a stacked area above the flame graph.
// A few thousand numbers however many samples the profile has.
import { sampleSpan } from './time-slice';
import type { Profile, ValueUnit } from './types';

/** The timeline's lanes, stacked bottom to top: whose code each sample was running. */
export type TimelineLane = 'user' | 'node_modules' | 'node' | 'gc' | 'idle';

/**
 * Samples over time, bucketed (a few thousand numbers, never the samples themselves).
 * values[lane][b] is the time (µs) or size (bytes) of lane `lanes[lane]` in bucket b, which
 * covers start + b·(end − start)/buckets ….
 */
export interface TimelinePayload {
  /** 'time': µs on the profile's clock (CPU); 'order': heap samples in allocation order. */
  axis: 'time' | 'order';
  unit: ValueUnit;
  start: number;
  end: number;
  buckets: number;
  lanes: TimelineLane[];
  values: number[][];
}

export const timelineLanes: readonly TimelineLane[] = ['user', 'node_modules', 'node', 'gc', 'idle'];
const USER = 0;
const MODULES = 1;
const NODE = 2;
const GC = 3;
const IDLE = 4;

/** Most buckets sent: about one per pixel of a wide screen. */
export const maxTimelineBuckets = 2000;

/**
 * The lane of each node, from its frame's category. Native frames (V8 builtins: Array.prototype.map,
 * JSON.parse…) run on behalf of their caller, so they take their nearest non-native ancestor's lane
 * (Node internals when there is none).
 */
export function nodeLanes(p: Profile): Uint8Array {
  const lanes = new Uint8Array(p.nodeCount);
  const frameLane = p.frames.map((f): number => {
    switch (f.category) {
      case 'user':
        return USER;
      case 'node_modules':
        return MODULES;
      case 'node':
        return NODE;
      case 'meta':
        return f.functionName === '(garbage collector)' ? GC : IDLE;
      case 'native':
        return -1;
    }
  });
  for (let i = 0; i < p.nodeCount; i++) {
    const own = frameLane[p.nodeFrame[i]!]!;
    if (own >= 0) lanes[i] = own;
    else lanes[i] = i === 0 || p.nodeParent[i] === 0 ? NODE : lanes[p.nodeParent[i]!]!;
  }
  return lanes;
}

/**
 * The bucketed series of a profile that kept its samples (undefined otherwise). CPU: each sample's
 * interval (until the next sample) is spread over the buckets it overlaps, so the buckets add up
 * to the profile's total time. Heap: each sample's bytes land in the bucket of its allocation order.
 */
export function timelineSeries(p: Profile, maxBuckets = maxTimelineBuckets): TimelinePayload | undefined {
  const span = sampleSpan(p);
  const nodes = p.sampleNodes;
  const times = p.sampleTimes;
  if (!span || !nodes || !times) return undefined;
  const count = nodes.length;
  const width = span.end - span.start;
  const buckets = width > 0 ? Math.max(1, Math.min(maxBuckets, span.axis === 'order' ? count : maxBuckets)) : 1;
  const perBucket = width > 0 ? width / buckets : 1;
  const laneOf = nodeLanes(p);
  const values = timelineLanes.map(() => new Float64Array(buckets));
  const sizes = p.sampleValues;
  const bucketOf = (t: number): number => Math.min(buckets - 1, Math.max(0, Math.floor((t - span.start) / perBucket)));
  for (let i = 0; i < count; i++) {
    const lane = values[laneOf[nodes[i]!]!]!;
    const a = times[i]!;
    if (sizes) {
      lane[bucketOf(a)]! += sizes[i]!;
      continue;
    }
    const b = i + 1 < count ? times[i + 1]! : span.end;
    if (!(b > a)) continue;
    let k = bucketOf(a);
    let from = a;
    // Almost every sample sits inside one bucket; long ones (idle gaps) are split.
    while (from < b) {
      const edge = k === buckets - 1 ? b : Math.min(b, span.start + (k + 1) * perBucket);
      if (edge > from) {
        lane[k]! += edge - from;
        from = edge;
      }
      k++;
    }
  }
  return {
    axis: span.axis,
    unit: p.unit,
    start: span.start,
    end: span.end,
    buckets,
    lanes: [...timelineLanes],
    values: values.map((v) => Array.from(v, (x) => Math.round(x * 1000) / 1000)),
  };
}

// --- Load-run tracks ------------------------------------------------------------------------------

/** The per-second series of a load run drawn as tracks under the timeline. */
export type LoadTrackKind = 'rps' | 'p99' | 'loopDelay' | 'errors';

export const loadTrackKinds: readonly LoadTrackKind[] = ['rps', 'p99', 'loopDelay', 'errors'];

/**
 * A load run's seconds on the timeline's axis (µs of the profile's clock): second k covers
 * [from[k], to[k]). values[kind][k] is that second's figure, null where the run has none (not
 * measured, or not a finite number). Only tracks with at least one value are sent.
 */
export interface LoadTracksPayload {
  from: number[];
  to: number[];
  tracks: { kind: LoadTrackKind; values: (number | null)[] }[];
  /** How the run's clock was lined up with the profile's (for the strip's description). */
  aligned: 'wall-clock' | 'measured-start';
}

/** One second of a load run, as its JSON has it (`timeline` of load-run.json). */
export interface RunSecond {
  /** Seconds since the measured phase began, at the end of this second. */
  t: number;
  rps: number | null;
  p99: number | null;
  errors: number | null;
  eventLoopDelayP99: number | null;
}

const usPerSecond = 1e6;

/**
 * Lines a run's seconds up with a profile recorded during its measured phase. The run counts
 * seconds from the measured phase's start; `offsetUs` is where that start lies after the
 * profile's first sample (from the two wall clocks: the run's measured start and the agent's
 * recording start), 0 when unknown (recording starts as the measured phase does). Seconds
 * are cut to the profile's span; those wholly outside it (or with a non-finite t) are dropped.
 */
export function alignRunSeconds(
  seconds: readonly RunSecond[],
  span: { start: number; end: number },
  offsetUs: number,
): { from: number[]; to: number[]; kept: RunSecond[] } {
  const from: number[] = [];
  const to: number[] = [];
  const kept: RunSecond[] = [];
  const offset = Number.isFinite(offsetUs) ? offsetUs : 0;
  for (const s of seconds) {
    if (!Number.isFinite(s.t) || s.t <= 0) continue;
    const a = Math.max(span.start, span.start + offset + (s.t - 1) * usPerSecond);
    const b = Math.min(span.end, span.start + offset + s.t * usPerSecond);
    if (!(b > a)) continue;
    from.push(a);
    to.push(b);
    kept.push(s);
  }
  return { from, to, kept };
}

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The tracks of a run's seconds for a profile's span (see alignRunSeconds); undefined when nothing of the run lies in it. */
export function loadTracks(seconds: readonly RunSecond[], span: { start: number; end: number }, offsetUs: number, aligned: LoadTracksPayload['aligned']): LoadTracksPayload | undefined {
  if (!(span.end > span.start)) return undefined;
  const { from, to, kept } = alignRunSeconds(seconds, span, offsetUs);
  const pick: Record<LoadTrackKind, (s: RunSecond) => unknown> = { rps: (s) => s.rps, p99: (s) => s.p99, loopDelay: (s) => s.eventLoopDelayP99, errors: (s) => s.errors };
  const tracks = loadTrackKinds
    .map((kind) => ({ kind, values: kept.map((s) => finiteOrNull(pick[kind](s))) }))
    .filter((t) => t.values.some((v) => v !== null));
  if (from.length === 0 || tracks.length === 0) return undefined;
  return { from, to, tracks, aligned };
}

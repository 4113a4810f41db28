// speedscope's file format (https://www.speedscope.app/file-format-schema.json): one "sampled"
// profile per input profile (per thread of a capture), sharing one frame table. A CPU profile that
// kept its sample sequence (samples/timeDeltas, or a --from/--to slice of one) is written in time
// order, so speedscope's Time Order view shows the calls as they happened: each run of consecutive
// samples with the same stack is one sample weighted by the run's duration (µs), startValue and
// endValue being the first sample's time and the profile's end on its clock. Profiles without a
// sequence (heap profiles, pprof imports, transformed views) are written aggregated: each call-tree
// node with self value is one sample (its stack, root first) weighted by that value. Either way
// the weights per stack add up to the tree's self values, so speedscope's Left Heavy and Sandwich
// views add up to FlameLens's totals.
import type { Frame, Profile } from '../model/types';

export interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}

export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: 'microseconds' | 'bytes';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeSampledProfile[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

export interface NamedProfile {
  /** Shown in speedscope's profile picker, e.g. "main thread" or the file name. */
  name: string;
  profile: Profile;
  /**
   * `profile` is a filtered view of `source` (applyViewOptionsMapped): the view keeps no sample
   * sequence, so the source's is written, each sample on the view node `nodeMap` sends it to
   * (samples the view dropped, as hidden idle time, left out).
   */
  sequenceFrom?: { source: Profile; nodeMap: Int32Array };
}

export function toSpeedscope(profiles: readonly NamedProfile[], name: string, exporter = 'flamelens'): SpeedscopeFile {
  const frames: SpeedscopeFrame[] = [];
  const frameIndex = new Map<string, number>();
  const intern = (f: Frame): number => {
    const key = `${f.functionName}\u0000${f.url}\u0000${f.line}\u0000${f.column}`;
    let i = frameIndex.get(key);
    if (i === undefined) {
      i = frames.length;
      frames.push({
        name: f.functionName,
        ...(f.url !== '' ? { file: f.url } : {}),
        ...(f.line > 0 ? { line: f.line } : {}),
        ...(f.column > 0 ? { col: f.column } : {}),
      });
      frameIndex.set(key, i);
    }
    return i;
  };
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: profiles.map((np) => sampled(np, intern)),
    name,
    activeProfileIndex: 0,
    exporter,
  };
}

function sampled(np: NamedProfile, intern: (f: Frame) => number): SpeedscopeSampledProfile {
  const p = np.profile;
  // Shared frame index per profile frame, interned on first use so unused frames stay out.
  const sharedIndex = new Int32Array(p.frames.length).fill(-1);
  const shared = (frame: number): number => {
    if (sharedIndex[frame]! < 0) sharedIndex[frame] = intern(p.frames[frame]!);
    return sharedIndex[frame]!;
  };
  return inTimeOrder(np, shared) ?? aggregated(np, shared);
}

/**
 * The profile's own samples in the order they were taken, for speedscope's Time Order view: runs of
 * consecutive samples with the same stack become one sample weighted by the run's duration (the
 * time from its first sample to the sample after it, the last until endTime — the same intervals
 * parse-cpuprofile charges to the nodes). Undefined when the profile has no sample sequence (heap
 * profiles, pprof, transformed profiles) or when the sequence does not add up to the tree's self
 * values, so speedscope's Left Heavy and Sandwich totals always equal FlameLens's.
 */
function inTimeOrder({ name, profile: p, sequenceFrom }: NamedProfile, shared: (frame: number) => number): SpeedscopeSampledProfile | undefined {
  const source = sequenceFrom?.source ?? p;
  const nodeMap = sequenceFrom?.nodeMap;
  const nodes = source.sampleNodes;
  const times = source.sampleTimes;
  if (source.kind !== 'cpu' || source.sampleValues || !nodes || !times || nodes.length === 0 || nodes.length !== times.length) return undefined;
  if (nodeMap && nodeMap.length !== source.nodeCount) return undefined;
  const count = nodes.length;
  const start = times[0]!;
  const end = Math.max(start, source.endTime);
  const duration = (i: number): number => (i + 1 < count ? times[i + 1]! : end) - times[i]!;
  /** The node of `p` sample i is on; -1 when the view dropped it. */
  const nodeOf = nodeMap ? (i: number): number => nodeMap[nodes[i]!]! : (i: number): number => nodes[i]!;
  // First pass: what the sequence charges each node, against the tree (before any frame is interned).
  const charged = new Float64Array(p.nodeCount);
  for (let i = 0; i < count; i++) {
    const d = duration(i);
    if (!(d >= 0)) return undefined;
    const n = nodeOf(i);
    if (n >= 0) charged[n]! += d;
  }
  const slack = 1e-9 * Math.max(1, p.totalValue[0]!);
  for (let k = 0; k < p.nodeCount; k++) if (!(Math.abs(charged[k]! - p.selfValue[k]!) <= slack)) return undefined;

  // One stack array per distinct stack, root's child first (a sample on the root itself — value
  // hidden by a filter — shows as the root frame, as in the aggregated form). Nodes whose frames
  // are alike share it, so runs merge across them too.
  const nodeStack = new Array<number[] | undefined>(p.nodeCount);
  const byKey = new Map<string, number[]>();
  const stackOf = (node: number): number[] => {
    let stack = nodeStack[node];
    if (stack) return stack;
    const path: number[] = [];
    if (node === 0) path.push(shared(p.nodeFrame[0]!));
    for (let n = node; n > 0; n = p.nodeParent[n]!) path.push(shared(p.nodeFrame[n]!));
    path.reverse();
    const key = path.join(',');
    stack = byKey.get(key);
    if (!stack) byKey.set(key, (stack = path));
    nodeStack[node] = stack;
    return stack;
  };
  const samples: number[][] = [];
  const weights: number[] = [];
  let last: number[] | undefined;
  for (let i = 0; i < count; i++) {
    const d = duration(i);
    // A sample that lasted no time draws nothing (speedscope skips weight 0) and splits no run.
    const n = nodeOf(i);
    if (d === 0 || n < 0) continue;
    const stack = stackOf(n);
    if (stack === last) {
      weights[weights.length - 1]! += d;
    } else {
      samples.push(stack);
      weights.push(d);
      last = stack;
    }
  }
  return { type: 'sampled', name, unit: 'microseconds', startValue: start, endValue: end, samples, weights };
}

/** One sample per call-tree node with self value, weighted by it: for profiles without a sample sequence. */
function aggregated({ name, profile: p }: NamedProfile, shared: (frame: number) => number): SpeedscopeSampledProfile {
  // Stack of each node, root's children first; the root (node 0) is not a frame in speedscope.
  const stacks = new Array<number[] | undefined>(p.nodeCount);
  stacks[0] = [];
  const samples: number[][] = [];
  const weights: number[] = [];
  let total = 0;
  for (let i = 1; i < p.nodeCount; i++) {
    const stack = [...stacks[p.nodeParent[i]!]!, shared(p.nodeFrame[i]!)];
    // Parents precede children, so a node's stack is built before any child asks for it; drop
    // stacks of leaves early to keep memory at O(depth × inner nodes).
    if (p.childStart[i + 1]! > p.childStart[i]!) stacks[i] = stack;
    const self = p.selfValue[i]!;
    if (self <= 0) continue;
    samples.push(stack);
    weights.push(self);
    total += self;
  }
  if (p.selfValue[0]! > 0) {
    // Value on the root itself (frames hidden by a filter) stays visible as the root frame.
    samples.push([shared(p.nodeFrame[0]!)]);
    weights.push(p.selfValue[0]!);
    total += p.selfValue[0]!;
  }
  return { type: 'sampled', name, unit: p.unit === 'us' ? 'microseconds' : 'bytes', startValue: 0, endValue: total, samples, weights };
}

/** The file as JSON text. */
export function speedscopeJson(file: SpeedscopeFile): string {
  return JSON.stringify(file);
}

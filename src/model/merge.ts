// Several profiles of one capture (main thread, workers, child processes) as one call tree: a
// root whose children are one synthetic frame per process/thread, each holding that profile's
// tree unchanged. Totals are preserved: the root's total is the sum of the inputs' totals.
//
// Inputs whose siblings are already unique by function (what the importers give) are merged by
// concatenating their arrays — node n of input k becomes node base_k + n — and assembled once;
// others go through ProfileBuilder, which merges such siblings. Both give the same Profile; the
// concatenation took a 1.67M-node merge of three tsc captures from ~1.1 s to ~0.2 s (bench:webview).
import { assembleProfile } from './assemble';
import { ProfileBuilder, copyValues, frameKey, rootFrame } from './builder';
import type { Frame, Profile } from './types';

export interface LabelledProfile {
  /** Shown as the synthetic frame, e.g. "pid 123 · worker 1 · node worker.js". */
  readonly label: string;
  readonly profile: Profile;
}

/** Merges profiles of the same kind (all CPU or all heap) under one root. Never mutates its inputs. */
export function mergeProfiles(profiles: readonly LabelledProfile[]): Profile {
  const head = profiles[0];
  if (head === undefined) throw new RangeError('mergeProfiles needs at least one profile');
  const first = head.profile;
  const mixed = profiles.find((p) => p.profile.kind !== first.kind || p.profile.unit !== first.unit);
  if (mixed) throw new RangeError(`cannot merge a ${mixed.profile.kind} profile (${mixed.label}) with ${first.kind} profiles`);
  return mergeByConcatenation(profiles) ?? mergeWithBuilder(profiles);
}

/** mergeProfiles through ProfileBuilder, node by node (the reference the concatenation must equal). */
export function mergeWithBuilder(profiles: readonly LabelledProfile[]): Profile {
  const first = profiles[0]!.profile;
  const b = new ProfileBuilder({
    kind: first.kind,
    unit: first.unit,
    format: first.format,
    startTime: Math.min(...profiles.map((p) => p.profile.startTime)),
    endTime: Math.max(...profiles.map((p) => p.profile.endTime)),
    sampleCount: profiles.reduce((sum, p) => sum + p.profile.sampleCount, 0),
  });
  for (const { label, profile: p } of uniqueLabels(profiles)) {
    // A distinct frame per input even when two threads show the same function at the top.
    const synthetic: Frame = { functionName: label, url: '', line: 0, column: 0, category: 'meta' };
    const top = b.addNode(0, b.frame(synthetic));
    const frameMap = new Int32Array(p.frames.length).fill(-1);
    const nodeMap = new Int32Array(p.nodeCount);
    nodeMap[0] = top;
    copyValues(p, 0, b, top);
    // Parents precede children, so one forward pass maps every node. n < nodeCount and f is one
    // of p's own frame ids, so every index below is in range.
    for (let n = 1; n < p.nodeCount; n++) {
      const f = p.nodeFrame[n]!;
      if (frameMap[f]! < 0) frameMap[f] = b.frame(p.frames[f]!);
      const to = b.addNode(nodeMap[p.nodeParent[n]!]!, frameMap[f]!);
      nodeMap[n] = to;
      copyValues(p, n, b, to);
    }
    for (const note of p.notes) b.note(`${label}: ${note}`);
  }
  return b.finish();
}

/**
 * The merge as ProfileBuilder would make it, by concatenation: frames interned by frameKey in the
 * order the builder meets them, node n > 0 of input k at base_k + n under its synthetic top node
 * base_k. Undefined when an input has two siblings of one function (the builder merges those).
 */
export function mergeByConcatenation(profiles: readonly LabelledProfile[]): Profile | undefined {
  const inputs = uniqueLabels(profiles);
  let n = 1;
  for (const { profile: p } of inputs) n += p.nodeCount;
  const frames: Frame[] = [rootFrame];
  const index = new Map<string, number>([[frameKey(rootFrame), 0]]);
  const intern = (f: Frame): number => {
    const key = frameKey(f);
    let i = index.get(key);
    if (i === undefined) {
      i = frames.length;
      frames.push(f);
      index.set(key, i);
    }
    return i;
  };
  const parent = new Int32Array(n);
  const nodeFrame = new Int32Array(n);
  const selfValue = new Float64Array(n);
  const selfSamples = new Float64Array(n);
  const base = inputs.some(({ profile: p }) => p.baseSelfValue) ? new Float64Array(n) : undefined;
  const tickStart = new Int32Array(n + 1);
  let ticks = 0;
  for (const { profile: p } of inputs) ticks += p.lineStart[p.nodeCount]! + 1;
  const tickLine = new Int32Array(ticks);
  const tickCount = new Float64Array(ticks);
  let t = 0;
  parent[0] = -1;
  tickStart[1] = 0;
  const notes: string[] = [];
  let top = 1;
  for (const { label, profile: p } of inputs) {
    const synthetic: Frame = { functionName: label, url: '', line: 0, column: 0, category: 'meta' };
    nodeFrame[top] = intern(synthetic);
    parent[top] = 0;
    if (!siblingsUnique(p)) return undefined;
    const frameMap = new Int32Array(p.frames.length).fill(-1);
    for (let i = 0; i < p.nodeCount; i++) {
      const to = top + i;
      if (i > 0) {
        const f = p.nodeFrame[i]!;
        if (frameMap[f]! < 0) frameMap[f] = intern(p.frames[f]!);
        parent[to] = top + p.nodeParent[i]!;
        nodeFrame[to] = frameMap[f]!;
      }
      // As copyValues: self and samples; lines when the node keeps its function (all but the top).
      const self = p.selfValue[i]!;
      selfValue[to] = self;
      selfSamples[to] = p.selfSamples[i]!;
      if (base) base[to] = p.baseSelfValue?.[i] ?? 0;
      if (self !== 0) {
        if (i > 0) {
          for (let k = p.lineStart[i]!; k < p.lineStart[i + 1]!; k++) {
            if (p.lineValue[k] === 0) continue;
            tickLine[t] = p.lineNumber[k]!;
            tickCount[t++] = p.lineValue[k]!;
          }
        } else {
          tickLine[t] = 0;
          tickCount[t++] = self;
        }
      }
      tickStart[to + 1] = t;
    }
    for (const note of p.notes) notes.push(`${label}: ${note}`);
    top += p.nodeCount;
  }
  return assembleProfile({
    kind: profiles[0]!.profile.kind,
    unit: profiles[0]!.profile.unit,
    format: profiles[0]!.profile.format,
    frames,
    parent,
    nodeFrame,
    selfValue,
    selfSamples,
    tickStart,
    tickLine: tickLine.slice(0, t),
    tickCount: tickCount.slice(0, t),
    ...(base ? { baseSelfValue: base } : {}),
    startTime: Math.min(...profiles.map((p) => p.profile.startTime)),
    endTime: Math.max(...profiles.map((p) => p.profile.endTime)),
    sampleCount: profiles.reduce((sum, p) => sum + p.profile.sampleCount, 0),
    notes,
  });
}

/** No two children of a node stand for one function (frames equal by frameKey): the builder would merge them. */
function siblingsUnique(p: Profile): boolean {
  // Frames by key: the first frame of each key stands for all of its duplicates.
  const first = new Map<string, number>();
  const canon = new Int32Array(p.frames.length);
  for (let f = 0; f < p.frames.length; f++) {
    const key = frameKey(p.frames[f]!);
    const seen = first.get(key);
    canon[f] = seen ?? f;
    if (seen === undefined) first.set(key, f);
  }
  // The last parent that had a child of each (canonical) frame.
  const stamp = new Int32Array(p.frames.length).fill(-1);
  for (let i = 0; i < p.nodeCount; i++) {
    for (let c = p.childStart[i]!; c < p.childStart[i + 1]!; c++) {
      const f = canon[p.nodeFrame[p.childNodes[c]!]!]!;
      if (stamp[f] === i) return false;
      stamp[f] = i;
    }
  }
  return true;
}

/** Same labels get " (2)", " (3)"… so each input keeps its own subtree. */
function uniqueLabels(profiles: readonly LabelledProfile[]): LabelledProfile[] {
  const seen = new Map<string, number>();
  return profiles.map((p) => {
    const n = (seen.get(p.label) ?? 0) + 1;
    seen.set(p.label, n);
    return n === 1 ? p : { label: `${p.label} (${n})`, profile: p.profile };
  });
}

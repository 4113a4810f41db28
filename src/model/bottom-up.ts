// The inverted ("bottom-up") call tree as a Profile, so the flame graph and tables work on it
// unchanged. Under the root are the functions that spent self time; under each function, its
// callers; under those, their callers, and so on. A node's total is the self time of the
// original stacks that end in its path. Its self is the part whose stack ends right there (the
// caller chain reached the top), which keeps total = self + children as in any Profile.
import { assembleProfile } from './assemble';
import type { MappedProfile } from './filters';
import type { Profile } from './types';

export function bottomUp(profile: Profile): Profile {
  return bottomUpMapped(profile).profile;
}

/** The bottom-up tree and, per top-down node, the inverted node its self went to (-1: it had none). */
export function bottomUpMapped(profile: Profile): MappedProfile {
  const { nodeCount: n, nodeFrame, nodeParent, selfValue, selfSamples, baseSelfValue } = profile;
  const parent: number[] = [-1];
  const frame: number[] = [n > 0 ? nodeFrame[0]! : 0];
  // The root's own self (time of frames hidden with no visible caller) stays on the inverted root.
  const self: number[] = [n > 0 ? selfValue[0]! : 0];
  const samples: number[] = [n > 0 ? selfSamples[0]! : 0];
  const baseSelf: number[] = [n > 0 && baseSelfValue ? baseSelfValue[0]! : 0];
  // (inverted parent, frame) → inverted child.
  const childOf = new PairTable();
  const map = new Int32Array(n).fill(-1);
  if (n > 0) map[0] = 0;

  for (let i = 1; i < n; i++) {
    const v = selfValue[i]!;
    const s = selfSamples[i]!;
    const b = baseSelfValue ? baseSelfValue[i]! : 0;
    if (v === 0 && s === 0 && b === 0) continue;
    let t = 0;
    for (let j = i; j > 0; j = nodeParent[j]!) {
      const f = nodeFrame[j]!;
      let c = childOf.get(t, f);
      if (c < 0) {
        c = parent.length;
        parent.push(t);
        frame.push(f);
        self.push(0);
        samples.push(0);
        baseSelf.push(0);
        childOf.set(t, f, c);
      }
      t = c;
    }
    map[i] = t;
    self[t]! += v;
    samples[t]! += s;
    baseSelf[t]! += b;
  }

  const inverted = assembleProfile({
    kind: profile.kind,
    unit: profile.unit,
    format: profile.format,
    frames: profile.frames.slice(),
    parent: Int32Array.from(parent),
    nodeFrame: Int32Array.from(frame),
    selfValue: Float64Array.from(self),
    selfSamples: Float64Array.from(samples),
    // Diff profiles: the baseline goes through the same inversion.
    ...(baseSelfValue ? { baseSelfValue: Float64Array.from(baseSelf) } : {}),
    startTime: profile.startTime,
    endTime: profile.endTime,
    sampleCount: profile.sampleCount,
    ...(profile.uncountedSamples ? { uncountedSamples: profile.uncountedSamples } : {}),
    notes: [...profile.notes],
  });
  return { profile: inverted, map };
}

/** An open-addressing hash map from (int, int) to int, with no per-entry objects. */
class PairTable {
  private keysA: Int32Array = new Int32Array(1 << 12);
  private keysB: Int32Array = new Int32Array(1 << 12);
  private values: Int32Array = new Int32Array(1 << 12).fill(-1);
  private size = 0;

  get(a: number, b: number): number {
    const mask = this.values.length - 1;
    let slot = hashPair(a, b) & mask;
    for (;;) {
      const v = this.values[slot]!;
      if (v < 0 || (this.keysA[slot] === a && this.keysB[slot] === b)) return v;
      slot = (slot + 1) & mask;
    }
  }

  set(a: number, b: number, value: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    const mask = this.values.length - 1;
    let slot = hashPair(a, b) & mask;
    while (this.values[slot]! >= 0 && !(this.keysA[slot] === a && this.keysB[slot] === b)) slot = (slot + 1) & mask;
    if (this.values[slot]! < 0) this.size++;
    this.keysA[slot] = a;
    this.keysB[slot] = b;
    this.values[slot] = value;
  }

  private grow(): void {
    const { keysA, keysB, values } = this;
    const n = values.length * 2;
    this.keysA = new Int32Array(n);
    this.keysB = new Int32Array(n);
    this.values = new Int32Array(n).fill(-1);
    this.size = 0;
    for (let i = 0; i < values.length; i++) if (values[i]! >= 0) this.set(keysA[i]!, keysB[i]!, values[i]!);
  }
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  return h;
}

// The inverted ("bottom-up") call tree as a Profile, so the flame graph and tables work on it
// unchanged. Under the root are the functions that spent self time; under each function, its
// callers; under those, their callers, and so on. A node's total is the self time of the
// original stacks that end in its path. Its self is the part whose stack ends right there (the
// caller chain reached the top), which keeps total = self + children as in any Profile.
import { assembleProfile } from './parse-common';
import type { Profile } from './types';

export function bottomUp(profile: Profile): Profile {
  const { nodeCount: n, nodeFrame, nodeParent, selfValue, selfSamples, baseSelfValue } = profile;
  const frameCount = Math.max(1, profile.frames.length);
  const parent: number[] = [-1];
  const frame: number[] = [n > 0 ? nodeFrame[0]! : 0];
  // The root's own self (time of frames hidden with no visible caller) stays on the inverted root.
  const self: number[] = [n > 0 ? selfValue[0]! : 0];
  const samples: number[] = [n > 0 ? selfSamples[0]! : 0];
  const baseSelf: number[] = [n > 0 && baseSelfValue ? baseSelfValue[0]! : 0];
  // (inverted parent, frame) → inverted child.
  const childOf = new Map<number, number>();

  for (let i = 1; i < n; i++) {
    const v = selfValue[i]!;
    const s = selfSamples[i]!;
    const b = baseSelfValue ? baseSelfValue[i]! : 0;
    if (v === 0 && s === 0 && b === 0) continue;
    let t = 0;
    for (let j = i; j > 0; j = nodeParent[j]!) {
      const f = nodeFrame[j]!;
      const key = t * frameCount + f;
      let c = childOf.get(key);
      if (c === undefined) {
        c = parent.length;
        parent.push(t);
        frame.push(f);
        self.push(0);
        samples.push(0);
        baseSelf.push(0);
        childOf.set(key, c);
      }
      t = c;
    }
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
    startTime: profile.startTime,
    endTime: profile.endTime,
    sampleCount: profile.sampleCount,
    notes: [...profile.notes],
  });
  if (!baseSelfValue) return inverted;
  // Diff profiles: carry the baseline through the same inversion.
  const base = Float64Array.from(baseSelf);
  const baseTotal = Float64Array.from(base);
  for (let i = baseTotal.length - 1; i > 0; i--) baseTotal[parent[i]!]! += baseTotal[i]!;
  return { ...inverted, baseSelfValue: base, baseTotalValue: baseTotal };
}

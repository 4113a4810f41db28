// Several profiles of one capture (main thread, workers, child processes) as one call tree: a
// root whose children are one synthetic frame per process/thread, each holding that profile's
// tree unchanged. Totals are preserved: the root's total is the sum of the inputs' totals.
import { ProfileBuilder, copyValues } from './builder';
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

/** Same labels get " (2)", " (3)"… so each input keeps its own subtree. */
function uniqueLabels(profiles: readonly LabelledProfile[]): LabelledProfile[] {
  const seen = new Map<string, number>();
  return profiles.map((p) => {
    const n = (seen.get(p.label) ?? 0) + 1;
    seen.set(p.label, n);
    return n === 1 ? p : { label: `${p.label} (${n})`, profile: p.profile };
  });
}

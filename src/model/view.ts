// Applies the webview's toggles (ViewOptions) to a profile, always in the same order:
//   1. hideMeta        — drop (idle)/(program)/(garbage collector) first, so nothing is ever
//                        attributed to them and percentages are of the remaining time;
//   2. hideInternals   — cut node: frames, their time going to the caller;
//   3. hideNodeModules — cut dependency frames the same way;
//   4. groupByPackage  — fold what is left of each dependency into one frame per package
//                        (a no-op after hideNodeModules);
//   5. mergeRecursion  — last of the top-down steps, so recursion that only showed once hidden
//                        frames were cut out of the stack is merged too;
//   6. invert          — the bottom-up tree of the result.
import { bottomUpMapped } from './bottom-up';
import { groupByPackageMapped, hideInternalsMapped, hideMetaMapped, hideNodeModulesMapped, mergeRecursionMapped, type MappedProfile } from './filters';
import type { Profile } from './types';

/** The view toggles; the host applies them to the model and answers with a new tree. */
export interface ViewOptions {
  hideNodeModules: boolean;
  hideInternals: boolean;
  /** Drop (idle), (program), (garbage collector). */
  hideMeta: boolean;
  groupByPackage: boolean;
  mergeRecursion: boolean;
  /** Bottom-up (inverted) tree instead of top-down. */
  invert: boolean;
}

export const defaultViewOptions: ViewOptions = {
  hideNodeModules: false,
  hideInternals: false,
  hideMeta: false,
  groupByPackage: false,
  mergeRecursion: false,
  invert: false,
};

/** The steps in the order above. */
const steps: [keyof ViewOptions, (p: Profile) => MappedProfile][] = [
  ['hideMeta', hideMetaMapped],
  ['hideInternals', hideInternalsMapped],
  ['hideNodeModules', hideNodeModulesMapped],
  ['groupByPackage', groupByPackageMapped],
  ['mergeRecursion', mergeRecursionMapped],
  ['invert', bottomUpMapped],
];

export function applyViewOptions(p: Profile, options: ViewOptions): Profile {
  let out = p;
  for (const [key, step] of steps) if (options[key]) out = step(out).profile;
  return out;
}

/**
 * applyViewOptions, and per node of `p` the node of the view its self value went to (-1: the view
 * dropped it, as hideMeta drops idle time). With it, anything known per node of `p` — the time of
 * its samples in one stretch of the profile — adds up onto the view (the standalone report's range).
 */
export function applyViewOptionsMapped(p: Profile, options: ViewOptions): { view: Profile; nodeMap: Int32Array } {
  let view = p;
  let nodeMap = Int32Array.from({ length: p.nodeCount }, (_, i) => i);
  for (const [key, step] of steps) {
    if (!options[key]) continue;
    const next = step(view);
    view = next.profile;
    nodeMap = nodeMap.map((v) => (v < 0 ? -1 : next.map[v]!));
  }
  return { view, nodeMap };
}

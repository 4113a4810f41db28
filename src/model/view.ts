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
import { bottomUp } from './bottom-up';
import { groupByPackage, hideInternals, hideMeta, hideNodeModules, mergeRecursion } from './filters';
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

export function applyViewOptions(p: Profile, options: ViewOptions): Profile {
  let out = p;
  if (options.hideMeta) out = hideMeta(out);
  if (options.hideInternals) out = hideInternals(out);
  if (options.hideNodeModules) out = hideNodeModules(out);
  if (options.groupByPackage) out = groupByPackage(out);
  if (options.mergeRecursion) out = mergeRecursion(out);
  if (options.invert) out = bottomUp(out);
  return out;
}

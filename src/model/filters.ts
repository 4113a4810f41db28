// View filters: pure functions Profile → new Profile (the input is never mutated).
//
// Semantics shared by the "hide" filters (hideNodeModules, hideInternals):
// - A hidden frame is cut out of the stack. Its self value (and samples) go to the nearest visible
//   ancestor, so every total above it is preserved; its children attach to that ancestor and
//   merge with same-frame siblings. Where no frame above it is visible (a library's timer, an
//   internal tick), its self value goes to one frame under the root that says what was hidden
//   ("(node_modules, hidden)"), so tables and reports still add up to the total; its visible
//   children still attach to the root.
// - Its line entries belong to the hidden frame's file, so they can't stay as they are. They are
//   credited to the ancestor's own declaration line (frame.line): a CPU profile records no call
//   sites, and this keeps "each node's lines sum to its self value" true.
// - The root is never hidden.
// Output profiles keep the input's frame list (frame indexes stay valid across filters) and
// append any frame a filter creates (groupByPackage's package frames). Each filter that moves
// self values node to node also has a *Mapped form giving which output node every input node's
// self went to (-1: dropped), so per-sample data can follow a filtered view (report-range.ts).
import { ProfileBuilder, copyValues } from './builder';
import type { Frame, Profile } from './types';

/** A filtered profile and, per input node, the output node its self value went to (-1: dropped). */
export interface MappedProfile {
  profile: Profile;
  map: Int32Array;
}

/** Removes node_modules frames (see the module comment for where their time goes). */
export function hideNodeModules(p: Profile): Profile {
  return hideNodeModulesMapped(p).profile;
}

/** Where node_modules time with no visible caller goes once they are hidden. */
export const hiddenNodeModulesFrame: Frame = { functionName: '(node_modules, hidden)', url: '', line: 0, column: 0, category: 'meta' };
/** Where Node-internal time with no visible caller goes once internals are hidden. */
export const hiddenInternalsFrame: Frame = { functionName: '(Node internals, hidden)', url: '', line: 0, column: 0, category: 'meta' };

export function hideNodeModulesMapped(p: Profile): MappedProfile {
  return hideFramesMapped(p, isNodeModulesFrame, hiddenNodeModulesFrame);
}

export function hideInternalsMapped(p: Profile): MappedProfile {
  return hideFramesMapped(p, isInternalFrame, hiddenInternalsFrame);
}

export function isNodeModulesFrame(f: Frame): boolean {
  return f.category === 'node_modules';
}

/** Removes Node internals: node:… URLs and internal/… frames (category 'node'). */
export function hideInternals(p: Profile): Profile {
  return hideInternalsMapped(p).profile;
}

export function isInternalFrame(f: Frame): boolean {
  return f.category === 'node' || f.url.startsWith('node:');
}

const metaNames = new Set(['(idle)', '(program)', '(garbage collector)']);

/** True for (idle), (program) and (garbage collector). */
export function isDroppableMeta(f: Frame): boolean {
  return metaNames.has(f.functionName) && f.url === '';
}

/**
 * Drops (idle), (program) and (garbage collector) with everything under them: unlike hidden
 * frames, their value leaves the profile, so the root total shrinks by theirs.
 */
export function hideMeta(p: Profile): Profile {
  return hideMetaMapped(p).profile;
}

export function hideMetaMapped(p: Profile): MappedProfile {
  const drop = p.frames.map(isDroppableMeta);
  const b = ProfileBuilder.like(p);
  const map = new Int32Array(p.nodeCount);
  let removedSamples = 0;
  // In these loops i < nodeCount, parents precede children and frame ids are this profile's own: all indexes are in range.
  for (let i = 1; i < p.nodeCount; i++) {
    const parent = map[p.nodeParent[i]!]!;
    if (parent < 0 || drop[p.nodeFrame[i]!]) {
      map[i] = -1;
      removedSamples += p.selfSamples[i]!;
      continue;
    }
    map[i] = b.addNode(parent, p.nodeFrame[i]!);
  }
  for (let i = 0; i < p.nodeCount; i++) if (map[i]! >= 0) copyValues(p, i, b, map[i]!);
  b.setSampleCount(Math.max(0, p.sampleCount - removedSamples));
  return { profile: b.finish(), map };
}

/** Cuts frames matching `hidden` out of the stack, keeping totals (see the module comment). */
export function hideFrames(p: Profile, hidden: (f: Frame) => boolean, placeholder = hiddenFrame): Profile {
  return hideFramesMapped(p, hidden, placeholder).profile;
}

const hiddenFrame: Frame = { functionName: '(hidden)', url: '', line: 0, column: 0, category: 'meta' };

export function hideFramesMapped(p: Profile, hidden: (f: Frame) => boolean, placeholder = hiddenFrame): MappedProfile {
  const hide = p.frames.map(hidden);
  const b = ProfileBuilder.like(p);
  // `attach`: where a node's children go (its own node, or its nearest visible ancestor's);
  // `map`: where its self value goes — the same, except under the root (the placeholder).
  const attach = new Int32Array(p.nodeCount);
  const map = new Int32Array(p.nodeCount);
  let placeholderNode = -1;
  // In these loops i < nodeCount, parents precede children and frame ids are this profile's own: all indexes are in range.
  for (let i = 1; i < p.nodeCount; i++) {
    const parent = attach[p.nodeParent[i]!]!;
    if (!hide[p.nodeFrame[i]!]) {
      map[i] = attach[i] = b.addNode(parent, p.nodeFrame[i]!);
      continue;
    }
    attach[i] = map[i] = parent;
    if (parent === 0 && (p.selfValue[i]! > 0 || p.selfSamples[i]! > 0 || (p.baseSelfValue?.[i] ?? 0) > 0)) {
      if (placeholderNode < 0) placeholderNode = b.addNode(0, b.frame(placeholder));
      map[i] = placeholderNode;
    }
  }
  for (let i = 0; i < p.nodeCount; i++) copyValues(p, i, b, map[i]!);
  return { profile: b.finish(), map };
}

/**
 * Collapses consecutive frames of one npm package into one frame named after the package
 * (url = the package's directory, line 0, category node_modules). A package called back through
 * user code starts a new package frame. Self values are kept on the package frame; its lines
 * become line 0 (they came from many files of the package).
 */
export function groupByPackage(p: Profile): Profile {
  return groupByPackageMapped(p).profile;
}

export function groupByPackageMapped(p: Profile): MappedProfile {
  const b = ProfileBuilder.like(p);
  const groupOf = new Int32Array(p.frames.length).fill(-1);
  p.frames.forEach((f, i) => {
    if (f.category === 'node_modules' && f.packageName) groupOf[i] = b.frame(packageFrame(f, f.packageName));
  });
  const map = new Int32Array(p.nodeCount);
  // In these loops i < nodeCount, parents precede children and frame ids are this profile's own: all indexes are in range.
  for (let i = 1; i < p.nodeCount; i++) {
    const parent = map[p.nodeParent[i]!]!;
    const group = groupOf[p.nodeFrame[i]!]!;
    if (group < 0) map[i] = b.addNode(parent, p.nodeFrame[i]!);
    else map[i] = b.frameOf(parent) === group ? parent : b.addNode(parent, group);
  }
  for (let i = 0; i < p.nodeCount; i++) copyValues(p, i, b, map[i]!);
  return { profile: b.finish(), map };
}

/** The frame standing for a whole package: its name, and its directory as url. */
export function packageFrame(f: Frame, packageName: string): Frame {
  const marker = `node_modules/${packageName}`;
  // Search a forward-slash copy (same length) so Windows paths find the directory too.
  const at = f.url.replace(/\\/g, '/').lastIndexOf(marker);
  const url = at >= 0 ? f.url.slice(0, at + marker.length) : '';
  return { functionName: packageName, url, line: 0, column: 0, category: 'node_modules', packageName };
}

/**
 * Re-roots the tree at `frame` (an index into p.frames): node 0 becomes that function, and the
 * subtrees of all its outermost activations merge below it. Activations nested inside another
 * activation stay where they are, so the root total is the function's total with recursion
 * counted once.
 */
export function focusOn(p: Profile, frame: number): Profile {
  // sampleCount left out: finish() counts the samples this view keeps.
  const b = ProfileBuilder.like(p, { sampleCount: undefined }, { root: frame });
  const map = new Int32Array(p.nodeCount).fill(-1);
  let keptSamples = 0;
  let allSamples = 0;
  let kept = 0;
  // i < nodeCount and parents precede children: all indexes below are in range.
  for (let i = 0; i < p.nodeCount; i++) {
    allSamples += p.selfSamples[i]!;
    const parent = i === 0 ? -1 : map[p.nodeParent[i]!]!;
    if (parent >= 0) map[i] = b.addNode(parent, p.nodeFrame[i]!);
    else if (p.nodeFrame[i] === frame) map[i] = 0;
    else continue;
    copyValues(p, i, b, map[i]!);
    keptSamples += p.selfSamples[i]!;
    kept += p.selfValue[i]!;
  }
  // Heap profiles may carry no per-node samples: scale the count by the kept share instead.
  const total = p.totalValue[0] ?? 0;
  b.setSampleCount(allSamples > 0 ? keptSamples : total > 0 ? Math.round((p.sampleCount * kept) / total) : 0);
  return b.finish();
}

/**
 * Merges recursion: when a function is already on the stack (called directly or through other
 * functions), the inner activation folds into the outermost one: its self value joins that
 * node's self value and its callees attach there. A → B → A → C becomes A → {B, C}. Totals of
 * the root and of outermost activations are preserved.
 */
export function mergeRecursion(p: Profile): Profile {
  return mergeRecursionMapped(p).profile;
}

export function mergeRecursionMapped(p: Profile): MappedProfile {
  const b = ProfileBuilder.like(p);
  const map = new Int32Array(p.nodeCount);
  // In these loops i < nodeCount and parents precede children: all indexes are in range.
  for (let i = 1; i < p.nodeCount; i++) {
    const parent = map[p.nodeParent[i]!]!;
    const frame = p.nodeFrame[i]!;
    map[i] = outermostWithFrame(b, parent, frame) ?? b.addNode(parent, frame);
  }
  for (let i = 0; i < p.nodeCount; i++) copyValues(p, i, b, map[i]!);
  return { profile: b.finish(), map };
}

// The outermost node with `frame` on the path from `node` up to (not including) the root.
function outermostWithFrame(b: ProfileBuilder, node: number, frame: number): number | undefined {
  let found: number | undefined;
  for (let n = node; n > 0; n = b.parentOf(n)) if (b.frameOf(n) === frame) found = n;
  return found;
}

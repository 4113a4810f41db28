// The "sandwich" view of one function: who calls it (callers, inverted) and what it calls
// (callees, the focused tree). Both are ordinary Profiles so every tree and table function works
// on them.
import { ProfileBuilder } from './builder';
import { focusOn } from './filters';
import type { Profile } from './types';

/**
 * Inverted tree rooted at `frame` (an index into p.frames): its children are its callers, their
 * children the callers' callers, up to (not including) the root. Each path is weighted by the
 * total of the activation it leads to, so node 0's total is the function's total with recursion
 * counted once (nested activations are already inside an outer one's total). The weight sits as
 * self value on the outermost caller of each path, which makes every node's total the time the
 * function spent while called through that chain.
 */
export function callersOf(p: Profile, frame: number): Profile {
  // sampleCount left out: finish() counts the samples this view keeps.
  const b = ProfileBuilder.like(p, { sampleCount: undefined }, { root: frame });
  if (p.baseTotalValue) b.addBaseSelf(0, 0);
  // inside[i]: an activation of `frame` is on the path from the root to i (inclusive).
  const inside = new Uint8Array(p.nodeCount);
  let samples = 0;
  // i < nodeCount and parents precede children (a < i): all indexes below are in range.
  for (let i = 0; i < p.nodeCount; i++) {
    const parentInside = i > 0 && inside[p.nodeParent[i]!] === 1;
    const isActivation = p.nodeFrame[i] === frame;
    inside[i] = parentInside || isActivation ? 1 : 0;
    if (parentInside) samples += p.selfSamples[i]!;
    if (!isActivation || parentInside) continue;
    samples += p.selfSamples[i]!;
    let node = 0;
    for (let a = i > 0 ? p.nodeParent[i]! : -1; a > 0; a = p.nodeParent[a]!) node = b.addNode(node, p.nodeFrame[a]!);
    b.addSelf(node, p.totalValue[i]!);
    if (p.baseTotalValue) b.addBaseSelf(node, p.baseTotalValue[i]!);
  }
  b.setSampleCount(samples);
  return b.finish();
}

/** Everything `frame` calls, merged over its activations (= focusOn). */
export function calleesOf(p: Profile, frame: number): Profile {
  return focusOn(p, frame);
}

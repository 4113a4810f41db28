// Shared helpers of the transforms-*.test.ts files: small profiles built from folded stacks,
// the invariant checker for any Profile (model-helpers.ts), and a deep copy to prove inputs stay unchanged.
import { ProfileBuilder } from '../../src/model/builder';
import type { Frame, FrameCategory, Profile } from '../../src/model/types';
import { assertProfileInvariants } from './model-helpers';

/**
 * A frame from a short name: 'fn' is user code in /app/fn.js, 'pkg/fn' is node_modules code of
 * package pkg, 'node:fn' is a Node internal, '(idle)' etc. are meta frames.
 */
export function frameOf(name: string): Frame {
  if (name.startsWith('(')) return { functionName: name, url: '', line: 0, column: 0, category: 'meta' };
  if (name.startsWith('node:')) {
    const fn = name.slice(5);
    return { functionName: fn, url: `node:internal/${fn}`, line: 3, column: 1, category: 'node' };
  }
  const slash = name.indexOf('/');
  if (slash > 0) {
    const pkg = name.slice(0, slash);
    const fn = name.slice(slash + 1);
    return {
      functionName: fn,
      url: `/app/node_modules/${pkg}/lib/${fn}.js`,
      line: 10,
      column: 3,
      category: 'node_modules' as FrameCategory,
      packageName: pkg,
    };
  }
  return { functionName: name, url: `/app/src/${name}.js`, line: 5, column: 1, category: 'user' };
}

/**
 * A CPU profile from folded stacks: each entry is 'a;b;c' (root first) with a self value in µs
 * on the leaf, optionally with per-line values ({ line: value }) that must sum to the value.
 */
export function profileFrom(stacks: [string, number, Record<number, number>?][]): Profile {
  const b = new ProfileBuilder({ kind: 'cpu', unit: 'us', format: 'devtools-cpuprofile', startTime: 0, endTime: 0 });
  for (const [stack, value, lines] of stacks) {
    let node = 0;
    for (const name of stack.split(';')) node = b.addNode(node, b.frame(frameOf(name)));
    b.addSelf(node, value, 1);
    for (const [line, v] of Object.entries(lines ?? {})) b.addLine(node, Number(line), v);
  }
  return b.finish();
}

/** The frame of node n of p (n a node of p: its frame index always exists). */
export function frameOfNode(p: Profile, n: number): Frame {
  return p.frames[p.nodeFrame[n]!]!;
}

/** Folded stacks of a profile ('a;b;c' → self value), for readable assertions. */
export function foldedStacks(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 1; i < p.nodeCount; i++) {
    if (p.selfValue[i] === 0) continue;
    const names: string[] = [];
    for (let n = i; n > 0; n = p.nodeParent[n]!) names.push(frameOfNode(p, n).functionName);
    const key = names.reverse().join(';');
    out.set(key, (out.get(key) ?? 0) + p.selfValue[i]!);
  }
  return out;
}

/**
 * Checks every invariant of types.ts (the shared checker of model-helpers.ts); transform outputs
 * also have siblings unique by frame (imports need not: V8 itself emits duplicates).
 */
export function assertValidProfile(p: Profile, { uniqueSiblings = true } = {}): void {
  assertProfileInvariants(p, { uniqueSiblings });
}

/** A deep copy of a profile's arrays and frames, to compare the input before/after a transform. */
export function snapshotOf(p: Profile): unknown {
  return structuredClone(p);
}

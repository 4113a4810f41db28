// Shared helpers of the transforms-*.test.ts files: small profiles built from folded stacks,
// an invariant checker for any Profile, and a deep copy to prove inputs stay unchanged.
import assert from 'node:assert/strict';
import { ProfileBuilder } from '../../src/model/builder';
import type { Frame, FrameCategory, Profile } from '../../src/model/types';

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

/** Folded stacks of a profile ('a;b;c' → self value), for readable assertions. */
export function foldedStacks(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 1; i < p.nodeCount; i++) {
    if (p.selfValue[i] === 0) continue;
    const names: string[] = [];
    for (let n = i; n > 0; n = p.nodeParent[n]) names.push(p.frames[p.nodeFrame[n]].functionName);
    const key = names.reverse().join(';');
    out.set(key, (out.get(key) ?? 0) + p.selfValue[i]);
  }
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Checks every structural invariant of types.ts; throws with the first violation. Transform
 * outputs also have siblings unique by frame (imports need not: V8 itself emits duplicates).
 */
export function assertValidProfile(p: Profile, { uniqueSiblings = true } = {}): void {
  const n = p.nodeCount;
  assert.equal(p.nodeFrame.length, n);
  assert.equal(p.nodeParent[0], -1, 'node 0 is the root');
  assert.equal(p.childStart.length, n + 1);
  assert.equal(p.childStart[n], n - 1, 'every non-root node is somebody’s child');
  const childTotal = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    assert.ok(p.nodeFrame[i] >= 0 && p.nodeFrame[i] < p.frames.length, `frame of ${i} in range`);
    if (i > 0) assert.ok(p.nodeParent[i] >= 0 && p.nodeParent[i] < i, `parent of ${i} precedes it`);
    const seen = new Set<number>();
    for (let k = p.childStart[i]; k < p.childStart[i + 1]; k++) {
      const c = p.childNodes[k];
      assert.equal(p.nodeParent[c], i, `child ${c} of ${i} points back`);
      if (uniqueSiblings) assert.ok(!seen.has(p.nodeFrame[c]), `siblings under ${i} unique by frame`);
      seen.add(p.nodeFrame[c]);
      childTotal[i] += p.totalValue[c];
    }
    assert.ok(close(p.totalValue[i], p.selfValue[i] + childTotal[i]), `total of ${i} = self + children`);
    let lines = 0;
    for (let k = p.lineStart[i]; k < p.lineStart[i + 1]; k++) lines += p.lineValue[k];
    assert.ok(close(lines, p.selfValue[i]), `lines of ${i} sum to its self (${lines} vs ${p.selfValue[i]})`);
  }
  if (p.baseTotalValue && p.baseSelfValue) {
    for (let i = n - 1; i >= 0; i--) {
      let sum = p.baseSelfValue[i];
      for (let k = p.childStart[i]; k < p.childStart[i + 1]; k++) sum += p.baseTotalValue[p.childNodes[k]];
      assert.ok(close(p.baseTotalValue[i], sum), `base total of ${i} = base self + children`);
    }
  }
}

/** A deep copy of a profile's arrays and frames, to compare the input before/after a transform. */
export function snapshotOf(p: Profile): unknown {
  return structuredClone(p);
}

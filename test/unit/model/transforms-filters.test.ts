// Filters on small builder-made trees, where the expected result can be written down by hand.
// (transforms-real.test.ts checks the same invariants on the real fixtures.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileBuilder } from '../../../src/model/builder';
import {
  focusOn,
  groupByPackage,
  hideInternals,
  hideMeta,
  hideNodeModules,
  mergeRecursion,
} from '../../../src/model/filters';
import { assertValidProfile, foldedStacks, frameOf, frameOfNode, profileFrom, snapshotOf } from '../../support/transforms-support';

const sample = () =>
  profileFrom([
    ['main;lodash/map;cb', 30, { 7: 20, 8: 10 }],
    ['main;lodash/map', 10, { 11: 10 }],
    ['main;lodash/map;lodash/iter', 5],
    ['main;cb', 7],
    ['main;node:readFile;cb', 3],
    ['main;node:readFile', 4],
    ['(idle)', 50],
    ['(garbage collector)', 6],
    ['main', 2, { 6: 2 }],
  ]);

test('builder merges same-frame children and keeps the invariants', () => {
  const b = new ProfileBuilder({ kind: 'cpu', unit: 'us', format: 'devtools-cpuprofile', startTime: 0, endTime: 9 });
  const a = b.frame(frameOf('a'));
  assert.equal(b.frame({ ...frameOf('a') }), a, 'equal frames intern to one index');
  const n1 = b.addNode(0, a);
  assert.equal(b.addNode(0, a), n1, 'same frame under the same parent merges');
  const n2 = b.addNode(n1, a);
  assert.notEqual(n2, n1, 'same frame under another parent is another node');
  b.addSelf(n1, 4, 1);
  b.addLine(n1, 7, 1);
  b.addLine(n1, 7, 1);
  b.addSelf(n2, 3, 1);
  const p = b.finish();
  assertValidProfile(p);
  assert.equal(p.totalValue[0], 7);
  assert.equal(p.sampleCount, 2, 'sample count defaults to the sum of self samples');
  assert.deepEqual([...p.lineNumber.subarray(p.lineStart[n1], p.lineStart[n1 + 1])], [7]);
  assert.deepEqual([...p.lineValue.subarray(p.lineStart[n1], p.lineStart[n1 + 1])], [4], 'lines scaled to self');
  assert.deepEqual([...p.lineNumber.subarray(p.lineStart[n2], p.lineStart[n2 + 1])], [frameOf('a').line], 'no ticks → frame line');
});

test('hideNodeModules moves dependency time to the caller and merges the orphans', () => {
  const p = sample();
  const before = snapshotOf(p);
  const q = hideNodeModules(p);
  assert.deepEqual(snapshotOf(p), before, 'input unchanged');
  assertValidProfile(q);
  assert.equal(q.totalValue[0], p.totalValue[0], 'total preserved');
  assert.equal(q.sampleCount, p.sampleCount);
  const stacks = foldedStacks(q);
  assert.equal(stacks.get('main'), 2 + 10 + 5, 'hidden self time lands on the nearest visible ancestor');
  assert.equal(stacks.get('main;cb'), 30 + 7, 'cb called through lodash merges with the direct cb');
  for (let i = 0; i < q.nodeCount; i++) assert.notEqual(frameOfNode(q, i).category, 'node_modules');
  // main's own line 6 keeps its 2 µs; the 15 µs of lodash lines land on main's declaration line.
  const mainNode = findNode(q, ['main']);
  const lines = lineMap(q, mainNode);
  assert.deepEqual(lines, new Map([[frameOf('main').line, 15], [6, 2]]));
  // cb's lines from both activations merge by line number.
  assert.deepEqual(lineMap(q, findNode(q, ['main', 'cb'])), new Map([[7, 20], [8, 10], [frameOf('cb').line, 7]]));
  assert.equal(q.frames.length >= p.frames.length, true);
  assert.deepEqual(q.frames.slice(0, p.frames.length), p.frames, 'frame indexes stay valid');
});

test('hideInternals removes node: frames only', () => {
  const p = sample();
  const q = hideInternals(p);
  assertValidProfile(q);
  assert.equal(q.totalValue[0], p.totalValue[0]);
  const stacks = foldedStacks(q);
  assert.equal(stacks.get('main'), 2 + 4);
  assert.equal(stacks.get('main;cb'), 7 + 3);
  assert.equal(stacks.get('main;map;cb'), 30, 'node_modules frames stay');
});

test('hideMeta drops idle, program and GC with their value', () => {
  const p = sample();
  const q = hideMeta(p);
  assertValidProfile(q);
  assert.equal(q.totalValue[0], p.totalValue[0]! - 56);
  assert.equal(q.sampleCount, p.sampleCount - 2);
  assert.ok(![...foldedStacks(q).keys()].some((k) => k.startsWith('(')));
});

test('groupByPackage collapses consecutive frames of one package', () => {
  const p = sample();
  const q = groupByPackage(p);
  assertValidProfile(q);
  assert.equal(q.totalValue[0], p.totalValue[0]);
  const stacks = foldedStacks(q);
  assert.equal(stacks.get('main;lodash'), 15, 'map and iter fold into one lodash frame');
  assert.equal(stacks.get('main;lodash;cb'), 30, 'user code called back keeps its own frame');
  const lodash = q.frames.find((f) => f.functionName === 'lodash');
  assert.equal(lodash?.url, '/app/node_modules/lodash');
  assert.equal(lodash?.category, 'node_modules');
});

test('groupByPackage starts a new package frame after user code', () => {
  const p = profileFrom([['a/x;u;a/y', 4], ['a/x;a/z;b/w;a/v', 2]]);
  const stacks = foldedStacks(groupByPackage(p));
  assert.deepEqual(stacks, new Map([['a;u;a', 4], ['a;b;a', 2]]));
});

test('focusOn merges every outermost activation under one root', () => {
  const p = profileFrom([
    ['main;cb;leaf', 3],
    ['main;x;cb;leaf', 4],
    ['main;x;cb;cb', 2],
    ['main;x', 9],
    ['other;cb', 1],
  ]);
  const before = snapshotOf(p);
  const cb = p.frames.findIndex((f) => f.functionName === 'cb');
  const q = focusOn(p, cb);
  assert.deepEqual(snapshotOf(p), before);
  assertValidProfile(q);
  assert.equal(frameOfNode(q, 0).functionName, 'cb', 'node 0 is the focused function');
  assert.equal(q.totalValue[0], 3 + 4 + 2 + 1, 'recursion counted once');
  assert.deepEqual(foldedStacks(q), new Map([['leaf', 7], ['cb', 2]]));
  assert.equal(q.sampleCount, 4, 'samples of the kept nodes');
});

test('mergeRecursion folds direct and indirect recursion into the outermost activation', () => {
  const p = profileFrom([
    ['a;a;a;b', 5],
    ['a;b;a;c', 3, { 40: 3 }],
    ['a;b;a', 2, { 9: 2 }],
    ['a;b', 1],
    ['a', 1, { 9: 1 }],
  ]);
  const before = snapshotOf(p);
  const q = mergeRecursion(p);
  assert.deepEqual(snapshotOf(p), before);
  assertValidProfile(q);
  assert.equal(q.totalValue[0], p.totalValue[0]);
  assert.deepEqual(foldedStacks(q), new Map([['a;b', 5 + 1], ['a;c', 3], ['a', 2 + 1]]));
  assert.deepEqual(lineMap(q, findNode(q, ['a'])), new Map([[9, 3]]), 'inner activation lines merge into the outer one');
});

function findNode(p: ReturnType<typeof profileFrom>, path: string[]): number {
  let node = 0;
  for (const name of path) {
    let next = -1;
    for (let k = p.childStart[node]!; k < p.childStart[node + 1]!; k++) {
      const c = p.childNodes[k]!;
      if (frameOfNode(p, c).functionName === name) next = c;
    }
    assert.ok(next >= 0, `no node ${path.join(';')}`);
    node = next;
  }
  return node;
}

function lineMap(p: ReturnType<typeof profileFrom>, node: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let k = p.lineStart[node]!; k < p.lineStart[node + 1]!; k++) m.set(p.lineNumber[k]!, p.lineValue[k]!);
  return m;
}

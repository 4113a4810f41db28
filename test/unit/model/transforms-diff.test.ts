// Diff and sandwich on builder-made trees. The live before/after capture is in
// transforms-live-diff.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffFunctions, diffLines, diffProfiles } from '../../../src/model/diff';
import { calleesOf, callersOf } from '../../../src/model/sandwich';
import { focusOn, groupByPackage, hideInternals, hideNodeModules, mergeRecursion } from '../../../src/model/filters';
import { ProfileBuilder } from '../../../src/model/builder';
import type { Profile } from '../../../src/model/types';
import { assertValidProfile, foldedStacks, frameOf, frameOfNode, profileFrom, snapshotOf } from '../../support/transforms-support';

const base = () =>
  profileFrom([
    ['main;parse;tokenize', 40, { 12: 40 }],
    ['main;parse', 10],
    ['main;render', 30, { 50: 20, 51: 10 }],
    ['main;gone', 5],
  ]);
const next = () =>
  profileFrom([
    ['main;parse;tokenize', 80, { 12: 60, 13: 20 }],
    ['main;parse', 10],
    ['main;render', 25, { 50: 25 }],
    ['main;fresh', 7],
  ]);

function baseStacks(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  const bs = p.baseSelfValue;
  assert.ok(bs);
  for (let i = 1; i < p.nodeCount; i++) {
    if (bs[i] === 0) continue;
    const names: string[] = [];
    for (let n = i; n > 0; n = p.nodeParent[n]!) names.push(frameOfNode(p, n).functionName);
    out.set(names.reverse().join(';'), bs[i]!);
  }
  return out;
}

test('diff of a profile with itself has zero delta everywhere', () => {
  const p = next();
  const d = diffProfiles(p, p);
  assertValidProfile(d);
  assert.equal(d.nodeCount, p.nodeCount, 'no extra nodes');
  for (let i = 0; i < d.nodeCount; i++) assert.equal(d.totalValue[i]! - (d.baseTotalValue?.[i] ?? NaN), 0);
  assert.ok(diffFunctions(p, p).every((r) => r.selfDelta === 0 && r.totalDelta === 0));
  assert.ok(diffLines(p, p).every((r) => r.delta === 0));
});

test('diffProfiles builds the union tree with both sides’ values', () => {
  const a = base();
  const b = next();
  const [sa, sb] = [snapshotOf(a), snapshotOf(b)];
  const d = diffProfiles(a, b);
  assert.deepEqual(snapshotOf(a), sa);
  assert.deepEqual(snapshotOf(b), sb);
  assertValidProfile(d);
  assert.deepEqual(foldedStacks(d), foldedStacks(b), 'selfValue is the new profile');
  assert.deepEqual(baseStacks(d), foldedStacks(a), 'baseSelfValue is the baseline');
  assert.equal(d.totalValue[0], b.totalValue[0]);
  assert.equal(d.baseTotalValue?.[0], a.totalValue[0]);
  const names = new Set(Array.from(d.nodeFrame, (f) => d.frames[f]!.functionName));
  assert.ok(names.has('gone') && names.has('fresh'), 'nodes of either side appear');
});

test('normalize scales the baseline to the new total', () => {
  const d = diffProfiles(base(), next(), { normalize: true });
  assert.ok(Math.abs((d.baseTotalValue?.[0] ?? 0) - d.totalValue[0]!) < 1e-9);
  assert.ok(d.notes.some((n) => n.includes('scaled')));
});

test('frames match on name + url + line, not column; a moved function still matches', () => {
  const build = (line: number, column: number, self: number) => {
    const b = new ProfileBuilder({ kind: 'cpu', unit: 'us', format: 'devtools-cpuprofile', startTime: 0, endTime: 0 });
    const main = b.addNode(0, b.frame(frameOf('main')));
    const f = b.addNode(main, b.frame({ ...frameOf('work'), line, column }));
    b.addSelf(f, self, 1);
    const g = b.addNode(main, b.frame({ ...frameOf('other'), line, column }));
    b.addSelf(g, 1, 1);
    return b.finish();
  };
  const sameLine = diffProfiles(build(5, 1, 10), build(5, 9, 20));
  assert.equal(sameLine.nodeCount, 4, 'other column, same function');
  const moved = diffProfiles(build(5, 1, 10), build(8, 1, 20));
  assert.equal(moved.nodeCount, 4, 'a function that moved down 3 lines is matched by name + url');
  const rows = diffFunctions(build(5, 1, 10), build(5, 1, 20));
  const [top] = rows;
  assert.ok(top, 'the diff has rows');
  assert.equal(top.frame.functionName, 'work');
  assert.equal(top.selfDelta, 10);
  const movedRows = diffFunctions(build(5, 1, 10), build(8, 1, 20));
  assert.equal(movedRows.filter((r) => r.frame.functionName === 'work').length, 1, 'one row for the moved function');
  assert.deepEqual(
    [movedRows[0]?.frame.line, movedRows[0]?.selfBefore, movedRows[0]?.selfAfter],
    [8, 10, 20],
    'shown at its new line, compared with its old self',
  );
});

test('a script named by a path on one side and by its file:// URL on the other is one script', () => {
  // v8-profiler-next writes plain paths, DevTools and --cpu-prof file:// URLs.
  const build = (url: string, self: number) => {
    const b = new ProfileBuilder({ kind: 'cpu', unit: 'us', format: 'devtools-cpuprofile', startTime: 0, endTime: 0 });
    const main = b.addNode(0, b.frame({ ...frameOf('main'), url }));
    const hot = b.addNode(main, b.frame({ ...frameOf('hot'), url, line: 2 }));
    b.addSelf(hot, self, 1);
    b.addLine(hot, 3, self);
    return b.finish();
  };
  const before = build('/srv/app/hot lib.js', 100);
  const after = build('file:///srv/app/hot%20lib.js', 150);
  assert.equal(diffProfiles(before, after).nodeCount, 3, 'matched: no second "hot" under main');
  const rows = diffFunctions(before, after).filter((r) => r.frame.functionName === 'hot');
  assert.deepEqual(rows.map((r) => [r.selfBefore, r.selfAfter, r.selfDelta]), [[100, 150, 50]]);
  assert.deepEqual(diffLines(before, after).map((r) => [r.line, r.before, r.after]), [[3, 100, 150]]);
});

test('diffFunctions and diffLines sort by the size of the change', () => {
  const rows = diffFunctions(base(), next());
  assert.deepEqual(
    rows.map((r) => [r.frame.functionName, r.selfDelta]),
    [['tokenize', 40], ['fresh', 7], ['gone', -5], ['render', -5], ['parse', 0], ['main', 0]],
  );
  const parse = rows.find((r) => r.frame.functionName === 'parse');
  assert.equal(parse?.totalDelta, 40);
  const lines = diffLines(base(), next());
  assert.deepEqual(lines.slice(0, 2), [
    { url: '/app/src/tokenize.js', line: 12, before: 40, after: 60, delta: 20 },
    { url: '/app/src/tokenize.js', line: 13, before: 0, after: 20, delta: 20 },
  ]);
  for (let i = 1; i < lines.length; i++) assert.ok(Math.abs(lines[i - 1]!.delta) >= Math.abs(lines[i]!.delta));
});

test('diff refuses to compare a CPU profile with a heap profile', () => {
  const heap = new ProfileBuilder({ kind: 'heap', unit: 'bytes', format: 'heapprofile', startTime: 0, endTime: 0 }).finish();
  assert.throws(() => diffProfiles(heap, next()), /cannot compare/);
});

test('callersOf inverts the paths to a function, weighted by its total', () => {
  const p = profileFrom([
    ['main;a;hot', 10],
    ['main;b;hot;leaf', 6],
    ['main;b;hot;x;hot', 4],
    ['hot', 3],
    ['main;b', 100],
  ]);
  const hot = p.frames.findIndex((f) => f.functionName === 'hot');
  const callers = callersOf(p, hot);
  assertValidProfile(callers);
  assert.equal(frameOfNode(callers, 0).functionName, 'hot');
  assert.equal(callers.totalValue[0], 10 + 6 + 4 + 3, 'recursion counted once');
  assert.deepEqual(foldedStacks(callers), new Map([['a;main', 10], ['b;main', 10]]));
  assert.equal(callers.selfValue[0], 3, 'called from the root directly: weight stays on the function');
  const callees = calleesOf(p, hot);
  assert.equal(callees.totalValue[0], callers.totalValue[0]);
  assert.deepEqual(foldedStacks(callees), new Map([['leaf', 6], ['x;hot', 4]]));
  assert.equal(callees.selfValue[0], 10 + 3);
});

test('filters and the sandwich carry a diff’s baseline along', () => {
  const a = profileFrom([['main;lodash/map;cb', 10], ['main;node:fs;cb;cb', 4], ['main;x', 5]]);
  const b = profileFrom([['main;lodash/map;cb', 30], ['main;node:fs;cb;cb', 2], ['main;y', 1]]);
  const d = diffProfiles(a, b);
  for (const fn of [hideNodeModules, hideInternals, groupByPackage, mergeRecursion]) {
    const q = fn(d);
    assertValidProfile(q);
    assert.equal(q.baseTotalValue?.[0], a.totalValue[0], fn.name);
    assert.equal(q.totalValue[0], b.totalValue[0], fn.name);
  }
  const cb = d.frames.findIndex((f) => f.functionName === 'cb');
  const focused = focusOn(d, cb);
  assert.deepEqual([focused.totalValue[0], focused.baseTotalValue?.[0]], [32, 14]);
  const callers = callersOf(d, cb);
  assertValidProfile(callers);
  assert.deepEqual([callers.totalValue[0], callers.baseTotalValue?.[0]], [32, 14]);
});

// Filters, focus, sandwich, diff and view options on the real profiles in test/fixtures
// (webpack and marked CPU profiles, a webpack sampling heap profile).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { defaultViewOptions } from '../../../src/protocol';
import type { ViewOptions } from '../../../src/protocol';
import { diffFunctions, diffLines, diffProfiles } from '../../../src/model/diff';
import {
  focusOn,
  groupByPackage,
  hiddenInternalsFrame,
  hiddenNodeModulesFrame,
  hideInternals,
  hideMeta,
  hideNodeModules,
  isDroppableMeta,
  mergeRecursion,
} from '../../../src/model/filters';
import { parseProfile } from '../../../src/model/import';
import { calleesOf, callersOf } from '../../../src/model/sandwich';
import { functionTable } from '../../../src/model/tables';
import { applyViewOptions } from '../../../src/model/view';
import type { Frame, Profile } from '../../../src/model/types';
import { assertValidProfile, frameOfNode, snapshotOf } from '../../support/transforms-support';

const fixtures = path.resolve(__dirname, '../../fixtures');
const load = (name: string) => parseProfile(new Uint8Array(readFileSync(path.join(fixtures, name))), { fileName: name });
const names = ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile'];
const profiles = new Map(names.map((n) => [n, load(n)]));
const get = (name: string) => profiles.get(name) as Profile;

const near = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);

function framesUsed(p: Profile): Frame[] {
  return [...new Set(p.nodeFrame)].map((f) => p.frames[f]!);
}

function hasRecursion(p: Profile): boolean {
  for (let i = 1; i < p.nodeCount; i++) {
    for (let a = p.nodeParent[i]!; a > 0; a = p.nodeParent[a]!) if (p.nodeFrame[a] === p.nodeFrame[i]) return true;
  }
  return false;
}

const isHiddenByNodeModules = (f: Frame) => f.category === 'node_modules';
const isInternal = (f: Frame) => f.category === 'node' || f.url.startsWith('node:');

for (const name of names) {
  describe(name, () => {
    const p = get(name);
    const before = snapshotOf(p);

    test('the fixture has what the filters act on', () => {
      assertValidProfile(p, { uniqueSiblings: false });
      const used = framesUsed(p);
      assert.ok(used.some(isInternal), 'node: frames present');
      if (name.includes('webpack')) assert.ok(used.filter(isHiddenByNodeModules).length > 50, 'many node_modules frames');
      assert.ok(hasRecursion(p), 'some recursion to merge');
    });

    const preserving: [string, (q: Profile) => Profile, (f: Frame) => boolean][] = [
      ['hideNodeModules', hideNodeModules, isHiddenByNodeModules],
      ['hideInternals', hideInternals, isInternal],
      ['groupByPackage', groupByPackage, () => false],
      ['mergeRecursion', mergeRecursion, () => false],
    ];
    for (const [label, fn, gone] of preserving) {
      test(`${label} preserves the total and every invariant, input unchanged`, () => {
        const q = fn(p);
        assert.deepEqual(snapshotOf(p), before, 'input unchanged');
        assertValidProfile(q);
        near(q.totalValue[0]!, p.totalValue[0]!, 'total');
        assert.equal(q.sampleCount, p.sampleCount);
        assert.ok(!framesUsed(q).some(gone), 'no hidden frame remains');
        assert.ok(q.nodeCount <= p.nodeCount + 1, 'never more nodes');
        assert.deepEqual(q.frames.slice(0, p.frames.length), p.frames, 'frame indexes stay valid');
        // Self value per kept frame is only ever increased by folded frames, never lost.
        const selfOf = (r: Profile) => {
          const m = new Float64Array(r.frames.length);
          for (let i = 0; i < r.nodeCount; i++) m[r.nodeFrame[i]!]! += r.selfValue[i]!;
          return m;
        };
        const s0 = selfOf(p);
        const s1 = selfOf(q);
        for (let f = 0; f < p.frames.length; f++) if (!gone(p.frames[f]!) && s0[f]! > 0 && label !== 'groupByPackage') assert.ok(s1[f]! >= s0[f]! - 1e-6);
      });
    }

    test('hideNodeModules really removed something on webpack', { skip: !name.includes('webpack') }, () => {
      const q = hideNodeModules(p);
      assert.ok(q.nodeCount < p.nodeCount / 2, `${q.nodeCount} of ${p.nodeCount} nodes left`);
    });

    test('mergeRecursion leaves no function below itself', () => {
      assert.equal(hasRecursion(mergeRecursion(p)), false);
    });

    test('groupByPackage leaves no package frame directly under itself', () => {
      const q = groupByPackage(p);
      for (let i = 1; i < q.nodeCount; i++) {
        const f = frameOfNode(q, i);
        if (f.category !== 'node_modules') continue;
        assert.ok(f.line === 0 && f.packageName === f.functionName, 'node_modules nodes are package frames');
        assert.notEqual(q.nodeFrame[q.nodeParent[i]!], q.nodeFrame[i]);
      }
      if (name.includes('webpack')) assert.ok(framesUsed(q).some((f) => f.functionName === 'webpack'));
    });

    test('hideMeta removes exactly the value of (idle)/(program)/(garbage collector)', () => {
      const q = hideMeta(p);
      assertValidProfile(q);
      let meta = 0;
      for (let i = 1; i < p.nodeCount; i++) {
        if (isDroppableMeta(frameOfNode(p, i)) && !isDroppableMeta(frameOfNode(p, p.nodeParent[i]!))) meta += p.totalValue[i]!;
      }
      if (p.kind === 'cpu') assert.ok(meta > 0, 'CPU fixtures have (program)/(garbage collector) time');
      near(q.totalValue[0]!, p.totalValue[0]! - meta, 'total');
      assert.ok(!framesUsed(q).some(isDroppableMeta));
    });

    test('focusOn and the sandwich agree with the function table', () => {
      const rows = functionTable(p).filter((r) => r.frame !== p.nodeFrame[0]);
      const byTotal = [...rows].sort((a, b) => b.total - a.total);
      // The heaviest functions, the hottest by self, and a recursive one.
      const picks = new Set([...byTotal.slice(0, 5), ...rows.slice(0, 5)].map((r) => r.frame));
      for (let i = 1; i < p.nodeCount && picks.size < 11; i++) {
        for (let a = p.nodeParent[i]!; a > 0; a = p.nodeParent[a]!) {
          if (p.nodeFrame[a] === p.nodeFrame[i]) {
            picks.add(p.nodeFrame[i]!);
            break;
          }
        }
      }
      for (const frame of picks) {
        const row = rows.find((r) => r.frame === frame);
        assert.ok(row);
        const focused = focusOn(p, frame);
        assertValidProfile(focused);
        near(focused.totalValue[0]!, row.total, `focus ${p.frames[frame]!.functionName}`);
        const callers = callersOf(p, frame);
        assertValidProfile(callers);
        near(callers.totalValue[0]!, row.total, `callers ${p.frames[frame]!.functionName}`);
        near(calleesOf(p, frame).totalValue[0]!, row.total, 'callees');
        // Self of the function in the focused tree's root = its self outside nested activations.
        assert.ok(focused.selfValue[0]! <= row.self + 1e-6);
      }
      assert.deepEqual(snapshotOf(p), before, 'input unchanged');
    });

    test('diff with itself: every delta is zero', () => {
      const d = diffProfiles(p, p);
      assertValidProfile(d);
      assert.ok(d.nodeCount <= p.nodeCount, 'no extra nodes (duplicate siblings of the import merge)');
      const base = d.baseTotalValue as Float64Array;
      for (let i = 0; i < d.nodeCount; i++) assert.equal(d.totalValue[i], base[i]);
      assert.ok(diffFunctions(p, p).every((r) => r.selfDelta === 0));
      assert.ok(diffLines(p, p).every((r) => r.delta === 0));
    });

    test('applyViewOptions: each toggle alone and all together', () => {
      const toggles = Object.keys(defaultViewOptions) as (keyof ViewOptions)[];
      const combos: ViewOptions[] = [defaultViewOptions, ...toggles.map((t) => ({ ...defaultViewOptions, [t]: true }))];
      combos.push(Object.fromEntries(toggles.map((t) => [t, true])) as unknown as ViewOptions);
      for (const options of combos) {
        const q = applyViewOptions(p, options);
        assertValidProfile(q, { uniqueSiblings: options !== defaultViewOptions });
        const expected = options.hideMeta ? hideMeta(p).totalValue[0]! : p.totalValue[0]!;
        // Time of hidden frames without a visible caller sits on the root's own self value, which
        // the inverted tree keeps on its root too.
        near(q.totalValue[0]!, expected, JSON.stringify(options));
        if (options.hideNodeModules) assert.ok(!framesUsed(q).some(isHiddenByNodeModules));
      }
      assert.equal(applyViewOptions(p, defaultViewOptions), p, 'no toggles: the profile itself');
      assert.deepEqual(snapshotOf(p), before, 'input unchanged');
    });

    test('time of hidden frames with no visible caller is on one frame that says so, which the table lists and invert keeps', () => {
      const all = Object.fromEntries(Object.keys(defaultViewOptions).map((t) => [t, true])) as unknown as ViewOptions;
      const topDown = applyViewOptions(p, { ...all, invert: false });
      assert.equal(topDown.selfValue[0], 0, 'nothing is left on the root');
      const placeholders = [hiddenInternalsFrame, hiddenNodeModulesFrame].map((f) => topDown.frames.findIndex((g) => g.functionName === f.functionName));
      const underRoot = (frame: number) => [...Array(topDown.nodeCount).keys()].filter((i) => i > 0 && topDown.nodeFrame[i] === frame);
      const onPlaceholders = placeholders.flatMap(underRoot);
      assert.ok(onPlaceholders.length > 0, 'hiding left time with no visible caller');
      for (const i of onPlaceholders) assert.equal(topDown.nodeParent[i], 0, 'a placeholder sits under the root');
      for (const f of placeholders) assert.ok(underRoot(f).length <= 1, 'one node per placeholder');
      // The function table adds up to the whole view, placeholders included.
      near(functionTable(topDown).reduce((sum, r) => sum + r.self, 0), topDown.totalValue[0]!, 'table self sum');
      near(applyViewOptions(p, all).totalValue[0]!, topDown.totalValue[0]!, 'inverted total');
    });
  });
}

test('diff of two different real profiles keeps both sides', () => {
  const a = get('small-marked-1000us.cpuprofile');
  const b = get('small-webpack-1000us.cpuprofile');
  const d = diffProfiles(a, b);
  assertValidProfile(d);
  near(d.totalValue[0]!, b.totalValue[0]!, 'next total');
  near(d.baseTotalValue?.[0] ?? NaN, a.totalValue[0]!, 'base total');
  const rows = diffFunctions(a, b);
  for (let i = 1; i < rows.length; i++) assert.ok(Math.abs(rows[i - 1]!.selfDelta) >= Math.abs(rows[i]!.selfDelta));
  assert.throws(() => diffProfiles(a, get('heap-webpack-16k.heapprofile')), /cannot compare/);
});

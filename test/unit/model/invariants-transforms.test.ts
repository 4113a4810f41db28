// Every way a Profile is made obeys the same invariants (issue 7, item 6): the real fixtures are
// imported, then put through every transform — each filter, focus, merged recursion, grouping by
// package, the inverted tree, sandwich callers/callees, diff, merge of profiles and source
// mapping — and each output is checked with the one checker, assertProfileInvariants.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bottomUp } from '../../../src/model/bottom-up';
import { ProfileBuilder } from '../../../src/model/builder';
import { diffProfiles } from '../../../src/model/diff';
import { focusOn, groupByPackage, hideInternals, hideMeta, hideNodeModules, mergeRecursion } from '../../../src/model/filters';
import { parseProfile } from '../../../src/model/import';
import { IdIndex } from '../../../src/model/parse-common';
import { mergeProfiles } from '../../../src/model/merge';
import { callersOf, calleesOf } from '../../../src/model/sandwich';
import { applySourceMaps, type SourceReader } from '../../../src/model/sourcemap';
import { functionTable } from '../../../src/model/tables';
import type { Profile } from '../../../src/model/types';
import { applyViewOptions } from '../../../src/model/view';
import { assertProfileInvariants, readFixture } from '../../support/model-helpers';

const names = ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile'];
const imported = new Map(names.map((name) => [name, parseProfile(readFixture(name))]));
const fixture = (name: string): Profile => imported.get(name)!;

const filters: [string, (p: Profile) => Profile][] = [
  ['hideMeta', hideMeta],
  ['hideInternals', hideInternals],
  ['hideNodeModules', hideNodeModules],
  ['groupByPackage', groupByPackage],
  ['mergeRecursion', mergeRecursion],
  ['bottomUp', bottomUp],
  ['all view options', (p) => applyViewOptions(p, { hideMeta: true, hideInternals: true, hideNodeModules: false, groupByPackage: true, mergeRecursion: true, invert: true })],
];

/** The hottest functions by self value (not the root): the frames to focus and sandwich on. */
function hotFrames(p: Profile, count: number): number[] {
  return functionTable(p)
    .filter((r) => r.frame !== p.nodeFrame[0])
    .slice(0, count)
    .map((r) => r.frame);
}

/** Transform outputs have siblings unique by frame; imports need not (V8 emits duplicates). */
const check = (p: Profile) => assertProfileInvariants(p, { uniqueSiblings: true });

describe('invariants hold on every transform of the real fixtures', () => {
  for (const name of names) {
    it(`${name}: import, each filter and filters of filters`, () => {
      const p = fixture(name);
      assertProfileInvariants(p);
      for (const [label, f] of filters) {
        const out = f(p);
        assert.doesNotThrow(() => check(out), `${label} of ${name}`);
        // Twice in a row (e.g. bottom-up of a filtered tree) as the views do.
        for (const [label2, g] of filters) assert.doesNotThrow(() => check(g(out)), `${label2} after ${label}`);
      }
    });

    it(`${name}: focus and sandwich callers/callees of the hottest functions keep every invariant`, () => {
      const p = fixture(name);
      for (const frame of hotFrames(p, 8)) {
        const focused = focusOn(p, frame);
        check(focused);
        check(calleesOf(p, frame));
        const callers = callersOf(p, frame);
        check(callers);
        // Both halves of the sandwich weigh the function's total (recursion once).
        const row = functionTable(p).find((r) => r.frame === frame)!;
        assert.ok(Math.abs(callers.totalValue[0]! - row.total) <= 1e-6 * Math.max(1, row.total), 'callers total = function total');
        assert.ok(Math.abs(focused.totalValue[0]! - row.total) <= 1e-6 * Math.max(1, row.total), 'callees total = function total');
      }
    });
  }

  it('diff of two real CPU profiles (raw and normalised), and filters of the diff', () => {
    const a = fixture('small-webpack-1000us.cpuprofile');
    const b = fixture('small-marked-1000us.cpuprofile');
    for (const normalize of [false, true]) {
      const d = diffProfiles(a, b, { normalize });
      check(d);
      for (const [label, f] of filters) assert.doesNotThrow(() => check(f(d)), `${label} of a diff`);
      for (const frame of hotFrames(d, 3)) {
        check(callersOf(d, frame));
        check(focusOn(d, frame));
      }
    }
    check(diffProfiles(a, a));
  });

  it('merge of profiles (two CPU fixtures; one heap fixture) keeps every invariant and adds the totals', () => {
    const a = fixture('small-webpack-1000us.cpuprofile');
    const b = fixture('small-marked-1000us.cpuprofile');
    const merged = mergeProfiles([
      { label: 'main', profile: a },
      { label: 'worker', profile: b },
      { label: 'main', profile: hideNodeModules(a) },
    ]);
    check(merged);
    const expected = 2 * a.totalValue[0]! + b.totalValue[0]!;
    assert.ok(Math.abs(merged.totalValue[0]! - expected) <= 1e-6 * expected);
    for (const [label, f] of filters) assert.doesNotThrow(() => check(f(merged)), `${label} of a merge`);
    check(mergeProfiles([{ label: 'heap', profile: fixture('heap-webpack-16k.heapprofile') }]));
  });

  it('source mapping (applySourceMaps) of a real fixture, then every filter of the mapped profile', async () => {
    const p = fixture('small-webpack-1000us.cpuprofile');
    const mapped = await applySourceMaps(p, pairingReader(p));
    const originals = mapped.frames.filter((f) => f.url.endsWith('/original.ts')).length;
    assert.ok(originals > 100, `frames moved to the original source (${originals})`);
    assert.ok(mapped.nodeCount < p.nodeCount, 'frames that became equal merged their nodes');
    check(mapped);
    assert.ok(Math.abs(mapped.totalValue[0]! - p.totalValue[0]!) <= 1e-6 * p.totalValue[0]!, 'mapping keeps the total');
    for (const [label, f] of filters) assert.doesNotThrow(() => check(f(mapped)), `${label} of the mapped profile`);
  });
});

/**
 * A reader whose two busiest scripts carry an inline source map sending generated lines 2k and
 * 2k+1 to line k of one original file, so functions of both scripts (and neighbouring lines)
 * collapse into shared frames — the node merging the builder must get right.
 */
function pairingReader(p: Profile): SourceReader {
  const counts = new Map<string, number>();
  for (const f of p.frames) if (f.url.startsWith('file://')) counts.set(f.url, (counts.get(f.url) ?? 0) + 1);
  const busiest = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 2).map(([url]) => url);
  const lines = Math.max(...p.frames.filter((f) => busiest.includes(f.url)).map((f) => f.line)) + 10;
  // One segment per line at column 0: source 0, original line +1 on every even line.
  const mappings = Array.from({ length: lines }, (_, i) => (i === 0 ? 'AAAA' : i % 2 === 0 ? 'AACA' : 'AAAA')).join(';');
  const map = { version: 3, sources: ['/src/original.ts'], names: [], mappings };
  const generated = `${'\n'.repeat(lines)}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
  // The mapper asks for file:// scripts by path.
  const scripts = new Set([...busiest, ...busiest.map((url) => fileURLToPath(url))]);
  return {
    read: async (location: string) => (scripts.has(location) ? generated : location.endsWith('original.ts') ? '// the original\n' : undefined),
  };
}

describe('one assembly path: the importer and ProfileBuilder finish a profile the same way', () => {
  it('the same tree with the same line ticks gives identical line tables, totals and samples from both', () => {
    // self 0.3 µs split 1:1:1 and 100 µs split 1:2 — shares that do not divide evenly in binary.
    const json = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
        { id: 2, callFrame: { functionName: 'a', scriptId: '1', url: '/x.js', lineNumber: 0, columnNumber: 0 }, children: [3], positionTicks: [{ line: 7, ticks: 1 }, { line: 3, ticks: 1 }, { line: 5, ticks: 1 }] },
        { id: 3, callFrame: { functionName: 'b', scriptId: '1', url: '/x.js', lineNumber: 9, columnNumber: 0 }, positionTicks: [{ line: 12, ticks: 2 }, { line: 11, ticks: 1 }] },
      ],
      startTime: 0,
      endTime: 100.3,
      samples: [2, 3],
      timeDeltas: [0, 0.3],
    };
    const parsed = parseProfile(Buffer.from(JSON.stringify(json)));
    const b = new ProfileBuilder({ kind: 'cpu', unit: 'us', format: 'devtools-cpuprofile', startTime: 0, endTime: 100.3, sampleCount: 2 }, { frames: parsed.frames, root: 0 });
    const a = b.addNode(0, parsed.nodeFrame[1]!);
    const bb = b.addNode(a, parsed.nodeFrame[2]!);
    b.addSelf(a, parsed.selfValue[1]!, 1);
    b.addSelf(bb, parsed.selfValue[2]!, 1);
    for (const [line, w] of [[7, 1], [3, 1], [5, 1]]) b.addLine(a, line!, w!);
    for (const [line, w] of [[12, 2], [11, 1]]) b.addLine(bb, line!, w!);
    const built = b.finish();
    for (const p of [parsed, built]) assertProfileInvariants(p);
    assert.deepEqual([...built.lineStart], [...parsed.lineStart]);
    assert.deepEqual([...built.lineNumber], [...parsed.lineNumber]);
    assert.deepEqual([...built.lineValue], [...parsed.lineValue], 'the same split, to the last bit');
    assert.deepEqual([...built.totalValue], [...parsed.totalValue]);
    // Each node's entries sum exactly (the last entry takes the rounding remainder).
    for (const p of [parsed, built]) {
      for (let i = 0; i < p.nodeCount; i++) {
        let s = 0;
        for (let k = p.lineStart[i]!; k < p.lineStart[i + 1]!; k++) s += p.lineValue[k]!;
        assert.ok(Math.abs(s - p.selfValue[i]!) <= Number.EPSILON * p.selfValue[i]!, `node ${i}: ${s} vs ${p.selfValue[i]}`);
      }
    }
  });

  it('a transform given a profile with NaN or negative values refuses it (typed error) instead of passing them on', () => {
    const p = fixture('small-marked-1000us.cpuprofile');
    const broken: Profile = { ...p, selfValue: Float64Array.from(p.selfValue, (v, i) => (i === 3 ? NaN : v)) };
    assert.throws(() => hideNodeModules(broken), { name: 'ProfileError', code: 'invalid-value', message: /node \d+ has a self time of NaN/ });
    const negative: Profile = { ...p, selfValue: Float64Array.from(p.selfValue, (v, i) => (i === 3 ? -5 : v)) };
    assert.throws(() => bottomUp(negative), { name: 'ProfileError', code: 'invalid-value' });
  });
});

describe('no JS Map keyed per node (a Map holds at most 2^24 entries)', () => {
  it('IdIndex with 2^24 + 1 sparse node ids finds every id and rejects a duplicate', () => {
    const n = 2 ** 24 + 1;
    // Sparse: ids spread far beyond 4n, so the hashed (not the dense) index is used.
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) ids[i] = i * 97 + 13;
    const index = new IdIndex(ids, 'nodes');
    for (const i of [0, 1, 2 ** 23, 2 ** 24 - 1, 2 ** 24]) assert.equal(index.get(i * 97 + 13), i);
    assert.equal(index.get(14), -1);
    const probe = Int32Array.from({ length: 1000 }, (_, k) => ((k * 16_777) % n) * 97 + 13);
    assert.deepEqual([...index.mapAll(probe, probe.length)], [...probe].map((id) => (id - 13) / 97));
    // Duplicates are still caught by the hashed index (a smaller sparse set: same code path).
    const few = Int32Array.from({ length: 5000 }, (_, i) => i * 1_000_003);
    few[4999] = few[5]!;
    assert.throws(() => new IdIndex(few, 'nodes'), /two nodes have the id 5000015/);
  });

  it('ProfileBuilder finds children among many siblings and deep chains through its typed hash', () => {
    const b = new ProfileBuilder({ kind: 'cpu', unit: 'us', format: 'devtools-cpuprofile', startTime: 0, endTime: 0 });
    const frames = Array.from({ length: 50_000 }, (_, i) => b.frame({ functionName: `f${i}`, url: '/a.js', line: i + 1, column: 1, category: 'user' }));
    const wide = frames.map((f) => b.addNode(0, f));
    let deep = 0;
    for (const f of frames) deep = b.addNode(deep === 0 ? wide[0]! : deep, f);
    frames.forEach((f, i) => assert.equal(b.findChild(0, f), wide[i]));
    assert.equal(b.addNode(0, frames[7]!), wide[7], 'an existing child is returned, not added');
    assert.equal(b.frame({ functionName: 'f7', url: '/a.js', line: 8, column: 1, category: 'user' }), frames[7]);
    b.addSelf(deep, 5, 1);
    const p = b.finish();
    assert.equal(p.nodeCount, 1 + 50_000 + 50_000);
    assertProfileInvariants(p, { uniqueSiblings: true });
  });
});

// The source-map step when nothing maps (a profile from another machine, or scripts without maps):
// no rebuild of the tree — the same arrays come back, and the notes still say why nothing mapped.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { createFsSourceReader, fsSourceReader } from '../../../src/fs-source-reader';
import { parseProfile } from '../../../src/model/import';
import { applySourceMaps } from '../../../src/model/sourcemap';
import type { Profile } from '../../../src/model/types';

const fixtures = path.resolve(__dirname, '../../fixtures');
const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-nomaps-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function assertSameTree(mapped: Profile, p: Profile): void {
  // The very same arrays: nothing was copied or rebuilt.
  for (const key of ['nodeFrame', 'nodeParent', 'childStart', 'childNodes', 'selfValue', 'totalValue', 'selfSamples', 'lineStart', 'lineNumber', 'lineValue'] as const) {
    assert.equal(mapped[key], p[key], `${key} is the input's array`);
  }
  assert.equal(mapped.frames, p.frames);
  assert.equal(mapped.nodeCount, p.nodeCount);
  assert.equal(mapped.format, p.format);
  assert.equal(mapped.startTime, p.startTime);
  assert.equal(mapped.endTime, p.endTime);
}

for (const name of ['small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
  test(`${name} (scripts not on this disk): the tree comes back unchanged, with notes saying the scripts could not be read`, async () => {
    const p = parseProfile(readFileSync(path.join(fixtures, name)));
    const before = [...p.notes];
    const mapped = await applySourceMaps(p, fsSourceReader);
    assertSameTree(mapped, p);
    assert.deepEqual(p.notes, before, 'the input profile is not changed');
    assert.deepEqual(mapped.notes.slice(0, before.length), before, 'the parser\'s notes stay first');
    const added = mapped.notes.slice(before.length);
    assert.ok(added.length > 0);
    assert.match(added[0]!, /^no source map for \/tmp\/perf-probe\/node_modules\/.+\.js \(the script could not be read\)$/);
    assert.match(added[added.length - 1]!, /^… and \d+ more source-map notes$/, 'many scripts are summarised');
  });
}

test('scripts on disk without any source map: the very same profile object comes back', async () => {
  const script = path.join(dir, 'plain.js');
  writeFileSync(script, 'function hot() {\n  return 1;\n}\nhot();\n');
  const raw = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2] },
      { id: 2, callFrame: { functionName: 'hot', scriptId: '1', url: pathToFileURL(script).href, lineNumber: 0, columnNumber: 0 }, hitCount: 3, positionTicks: [{ line: 2, ticks: 3 }] },
    ],
    startTime: 0,
    endTime: 3000,
    samples: [2, 2, 2],
    timeDeltas: [0, 1000, 1000],
  };
  const p = parseProfile(Buffer.from(JSON.stringify(raw)));
  const mapped = await applySourceMaps(p, fsSourceReader);
  assert.equal(mapped, p);
  assert.deepEqual(mapped.notes, []);
});

test('TypeScript transpiled in memory (node --import tsx): a note says its lines are the transpiled JavaScript\'s and how to get real ones', async () => {
  const script = path.join(dir, 'hot.ts');
  // Type-only lines above the function: tsx drops them, so its transpiled lines differ from the file's.
  writeFileSync(
    script,
    'interface Box {\n  n: number;\n}\ntype Num = number;\nfunction hot(box: Box): Num {\n  let acc = 0;\n  const end = Date.now() + 100;\n' +
      '  while (Date.now() < end) acc += Math.sqrt(box.n + acc);\n  return acc;\n}\nhot({ n: 1 });\n',
  );
  const profDir = path.join(dir, 'tsx-prof');
  // Run from the repository, where tsx resolves; a clean environment without the test runner's loader.
  execFileSync(process.execPath, ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=${profDir}`, script], {
    cwd: path.resolve(__dirname, '../../..'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
  });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  assert.ok(file, 'node wrote a CPU profile');
  const p = parseProfile(readFileSync(path.join(profDir, file)));
  const hot = p.frames.find((f) => f.functionName === 'hot');
  assert.ok(hot, 'hot() is in the profile');
  assert.equal(hot.url, pathToFileURL(script).href);
  const mapped = await applySourceMaps(p, fsSourceReader);
  const note = mapped.notes.find((n) => n.includes(script));
  assert.ok(note, `a note names ${script}: ${mapped.notes.join(' | ')}`);
  assert.match(note, /^no source map for the TypeScript file .*hot\.ts: if a loader such as tsx or ts-node transpiled it in memory, the lines and columns shown are those of the transpiled JavaScript/);
  assert.match(note, /compile with source maps \(e\.g\. tsc --sourceMap\)/);
});

test('many TypeScript files without maps: one note naming a few, first among the notes', async () => {
  const frames = ['a.ts', 'b.mts', 'c.cts', 'd.tsx', 'e.ts'].map((name, i) => {
    const file = path.join(dir, name);
    writeFileSync(file, 'export function f(): number {\n  return 1;\n}\n');
    return { id: i + 2, callFrame: { functionName: `f${i}`, scriptId: String(i + 1), url: pathToFileURL(file).href, lineNumber: 0, columnNumber: 0 }, hitCount: 1 };
  });
  const raw = {
    nodes: [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: frames.map((f) => f.id) }, ...frames],
    startTime: 0,
    endTime: 5000,
    samples: frames.map((f) => f.id),
    timeDeltas: frames.map(() => 1000),
  };
  const p = parseProfile(Buffer.from(JSON.stringify(raw)));
  const mapped = await applySourceMaps(p, fsSourceReader);
  assert.equal(mapped.notes.length, 1, mapped.notes.join(' | '));
  assert.match(mapped.notes[0]!, /^no source map for the 5 TypeScript files .*a\.ts, .*b\.mts, .*c\.cts, … 2 more: if a loader .* transpiled them in memory/);
});

test('code that is no file (node -e, [eval]-wrapper, vm scripts) is not looked up, so it adds no note', async () => {
  const out = path.join(dir, 'eval');
  const program = "const vm = require('vm'); let s = 0; const t = Date.now(); while (Date.now() - t < 300) s += vm.runInThisContext('Math.sqrt(' + (s % 7) + ' + 1)');";
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', out, '-e', program]);
  const p = parseProfile(readFileSync(path.join(out, readdirSync(out)[0]!)));
  const pseudo = [...new Set(p.frames.map((f) => f.url))].filter((u) => /^\[eval\]|^evalmachine/.test(u));
  assert.ok(pseudo.includes('[eval]'), `the profile has frames of -e code: ${pseudo.join(', ')}`);
  const mapped = await applySourceMaps(p, fsSourceReader);
  assert.deepEqual(mapped.notes, p.notes, 'no "no source map for [eval]" note');
  assertSameTree(mapped, p);
});

test('scripts under a folder this disk does not have: the step checks the folder once, not every script (same notes)', async (t) => {
  const p = parseProfile(readFileSync(path.join(fixtures, 'small-webpack-1000us.cpuprofile')));
  assert.ok(!existsSync('/tmp/perf-probe'), "the fixture's scripts are not on this disk");
  // A spy on the real fs (every stat still runs): how many paths one step looks at.
  const realStat = fs.promises.stat;
  let stats = 0;
  t.mock.method(fs.promises, 'stat', (...args: Parameters<typeof realStat>) => {
    stats++;
    return realStat(...args);
  });
  const reader = createFsSourceReader();
  const perScript = await applySourceMaps(p, { read: (l) => reader.read(l), exists: (l) => reader.exists!(l) });
  const perScriptStats = stats;
  stats = 0;
  const perFolder = await applySourceMaps(p, reader);
  assert.deepEqual(perFolder.notes, perScript.notes);
  assert.ok(perScriptStats > 500, `a reader without a step memory stats each script and its .map: ${perScriptStats}`);
  // The first batch (16 reads at once) stats before any folder is known missing; then /, /tmp, /tmp/perf-probe.
  assert.ok(stats <= 40, `${stats} stats`);
});

test('a folder missing in one step and created before the next is seen by the next', async () => {
  const root = path.join(dir, 'later');
  const script = path.join(root, 'lib', 'app.js');
  const raw = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2] },
      { id: 2, callFrame: { functionName: 'hot', scriptId: '1', url: pathToFileURL(script).href, lineNumber: 0, columnNumber: 0 }, hitCount: 1 },
    ],
    startTime: 0,
    endTime: 1000,
    samples: [2],
    // At startTime, lasting to endTime: 1000 µs (a sample with no time would get a note of its own).
    timeDeltas: [0],
  };
  const p = parseProfile(Buffer.from(JSON.stringify(raw)));
  const reader = createFsSourceReader();
  const first = await applySourceMaps(p, reader);
  assert.match(first.notes.join('\n'), /the script could not be read/);
  mkdirSync(path.dirname(script), { recursive: true });
  writeFileSync(script, 'function hot() {}\n');
  const second = await applySourceMaps(p, reader);
  assert.deepEqual(second.notes, [], 'the script is read now (it has no map: nothing to say)');
});

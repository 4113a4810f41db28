// Profiles captured live from real Node programs: `node --cpu-prof` on a busy script, on a
// program with a worker_thread and on one that spawns a child process (each thread/process
// writes its own profile), and a v8-profiler-next dump of the same workload. The known hot
// function must come out on top, with its hot statement as the hottest 1-based line.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { functionTable, lineTable } from '../../../src/model/tables';
import type { Profile } from '../../../src/model/types';
import { describeLocation } from '../../../src/model/frames';
import { assertClose, assertProfileInvariants, lineOf, removeDir, runNode, sum, tempDir } from '../../support/model-helpers';

const busy = `'use strict';
function hotLoop(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += Math.sqrt(i) * Math.sin(i); // HOT-LINE
  }
  return s;
}
function coldSetup() {
  return Array.from({ length: 1000 }, (_, i) => i * 2).join(',').length;
}
function run(ms) {
  coldSetup();
  const end = Date.now() + ms;
  let t = 0;
  while (Date.now() < end) t += hotLoop(200000);
  return t;
}
module.exports = { run };
if (require.main === module) run(Number(process.argv[2] || 500));
`;

const workerMain = `'use strict';
const { Worker } = require('node:worker_threads');
const w = new Worker(require('node:path').join(__dirname, 'worker.js'));
w.on('exit', () => { console.log('worker done'); });
`;

const workerScript = `'use strict';
function workerHot(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += (i % 7) * Math.cos(i); // WORKER-HOT
  }
  return s;
}
const end = Date.now() + 500;
let t = 0;
while (Date.now() < end) t += workerHot(200000);
`;

const parentScript = `'use strict';
const { spawnSync } = require('node:child_process');
// --cpu-prof is not allowed in NODE_OPTIONS, so pass this process's flags on explicitly.
const r = spawnSync(process.execPath, [...process.execArgv, require('node:path').join(__dirname, 'child.js')], { stdio: 'inherit' });
process.exitCode = r.status;
`;

const childScript = `'use strict';
function childHot(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += Math.log(i + 1) * Math.atan(i); // CHILD-HOT
  }
  return s;
}
const end = Date.now() + 500;
let t = 0;
while (Date.now() < end) t += childHot(200000);
`;

/** Profiles the busy workload in-process with v8-profiler-next and writes its export as JSON. */
const profilerNextScript = `'use strict';
const profiler = require(process.argv[2]);
const fs = require('node:fs');
profiler.setGenerateType(1);
profiler.setSamplingInterval(200);
profiler.startProfiling('busy', true);
require('./busy.js').run(500);
const profile = profiler.stopProfiling('busy');
profile.export((err, json) => {
  if (err) throw err;
  fs.writeFileSync(process.argv[3], json);
  profile.delete();
});
`;

// v8-profiler-next's sampling heap profile: V8's C++ tree as is — numeric scriptIds, 1-based lines,
// no node ids and no samples.
const allocScript = `'use strict';
const keep = [];
function allocHot() {
  for (let i = 0; i < 2000; i++) keep.push({ a: i, b: 'x' + i, c: new Array(16).fill(i) }); // ALLOC-LINE
}
// Trim before allocating, so the last objects allocHot made are still alive when the profile is taken (a
// sampling heap profile holds live objects only: trimming last left nothing of allocHot now and then).
exports.run = (ms) => { const t0 = Date.now(); while (Date.now() - t0 < ms) { if (keep.length > 1e5) keep.length = 0; allocHot(); } };
if (require.main === module) exports.run(300);
`;
const profilerNextHeapScript = `'use strict';
const profiler = require(process.argv[2]);
profiler.startSamplingHeapProfiling(4096);
require('./alloc.js').run(300);
require('node:fs').writeFileSync(process.argv[3], JSON.stringify(profiler.stopSamplingHeapProfiling()));
`;

function topUserFunction(p: Profile): string {
  const row = functionTable(p).find((r) => p.frames[r.frame]!.category !== 'meta')!;
  return p.frames[row.frame]!.functionName;
}

function hottestLineIn(p: Profile, file: string): number {
  return lineTable(p).find((r) => r.url.endsWith(file))!.line;
}

function checkSampleAccounting(p: Profile, file: string): void {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  assert.equal(sum(p.selfSamples), raw.samples.length, 'every sample is accounted for');
  let ts = raw.startTime;
  let maxTs = -Infinity;
  for (const d of raw.timeDeltas) maxTs = Math.max(maxTs, (ts += d));
  assertClose(sum(p.selfValue), Math.max(raw.endTime, maxTs) - (raw.startTime + raw.timeDeltas[0]!), 'self time sums to the sampled span');
}

describe('live profiles from real Node programs', () => {
  let dir = '';
  before(() => {
    dir = tempDir('flamelens-live-');
    for (const [name, text] of Object.entries({ 'busy.js': busy, 'main.js': workerMain, 'worker.js': workerScript, 'parent.js': parentScript, 'child.js': childScript, 'profiler-next.js': profilerNextScript, 'profiler-next-legacy.js': profilerNextScript.replace('profiler.setGenerateType(1);\n', ''), 'alloc.js': allocScript, 'profiler-next-heap.js': profilerNextHeapScript })) {
      writeFileSync(path.join(dir, name), text);
    }
  });
  after(() => removeDir(dir));

  let cpuProf: Profile | undefined;

  it('node --cpu-prof on a busy script: hot function and hot line on top', () => {
    const out = path.join(dir, 'busy-prof');
    const files = runNode(['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=200', 'busy.js', '500'], dir, out);
    assert.equal(files.length, 1);
    const p = parseProfile(readFileSync(files[0]!), { fileName: files[0]! });
    assert.equal(p.format, 'devtools-cpuprofile');
    assertProfileInvariants(p);
    checkSampleAccounting(p, files[0]!);
    assert.equal(topUserFunction(p), 'hotLoop');
    assert.equal(hottestLineIn(p, 'busy.js'), lineOf(path.join(dir, 'busy.js'), 'HOT-LINE'));
    const hot = p.frames.find((f) => f.functionName === 'hotLoop')!;
    assert.equal(hot.line, lineOf(path.join(dir, 'busy.js'), 'function hotLoop'), 'frame line is 1-based');
    assert.equal(hot.category, 'user');
    cpuProf = p;
  });

  it('a v8-profiler-next dump of the same workload: same hot function, line and frame position', () => {
    const outFile = path.join(dir, 'profiler-next.json');
    runNode(['profiler-next.js', require.resolve('v8-profiler-next'), outFile], dir, dir);
    const bytes = readFileSync(outFile);
    const raw = JSON.parse(bytes.toString('utf8')) as { typeId?: string; nodes: { callFrame: { functionName: string; lineNumber: number; scriptId: unknown; lineTicks?: unknown[] } }[] };
    // What the dump looks like: typeId at the top, numeric scriptId, 1-based lines, lineTicks in callFrame.
    assert.equal(raw.typeId, 'CPU');
    const hotRaw = raw.nodes.find((n) => n.callFrame.functionName === 'hotLoop')!;
    assert.equal(typeof hotRaw.callFrame.scriptId, 'number');
    assert.ok(Array.isArray(hotRaw.callFrame.lineTicks));
    assert.equal(hotRaw.callFrame.lineNumber, lineOf(path.join(dir, 'busy.js'), 'function hotLoop'));

    const p = parseProfile(bytes);
    assert.equal(p.format, 'v8-profiler-next');
    assertProfileInvariants(p);
    checkSampleAccounting(p, outFile);
    assert.equal(topUserFunction(p), 'hotLoop');
    assert.equal(hottestLineIn(p, 'busy.js'), lineOf(path.join(dir, 'busy.js'), 'HOT-LINE'));
    assert.ok(cpuProf, 'the --cpu-prof test ran first');
    const a = cpuProf.frames.find((f) => f.functionName === 'hotLoop')!;
    const b = p.frames.find((f) => f.functionName === 'hotLoop')!;
    assert.equal(b.line, a.line);
    assert.equal(b.column, a.column);
    assert.equal(hottestLineIn(p, 'busy.js'), hottestLineIn(cpuProf, 'busy.js'));
    // Plain paths (no file://) are kept as urls.
    assert.ok(b.url.startsWith('/') && b.url.endsWith('busy.js'), b.url);
  });

  it("v8-profiler-next's default (legacy \"head\") dump of the same workload: read, with the same hot function, line and frame position", () => {
    const outFile = path.join(dir, 'profiler-next-legacy.json');
    runNode(['profiler-next-legacy.js', require.resolve('v8-profiler-next'), outFile], dir, dir);
    const bytes = readFileSync(outFile);
    const raw = JSON.parse(bytes.toString('utf8')) as { head?: { children: unknown[] }; timestamps?: number[]; nodes?: unknown };
    assert.ok(raw.head && Array.isArray(raw.timestamps) && raw.nodes === undefined, 'the dump is the legacy nested format');
    const p = parseProfile(bytes);
    assert.equal(p.format, 'v8-profiler-next');
    assertProfileInvariants(p);
    assert.equal(p.sampleCount, raw.timestamps.length);
    assert.equal(topUserFunction(p), 'hotLoop');
    assert.equal(hottestLineIn(p, 'busy.js'), lineOf(path.join(dir, 'busy.js'), 'HOT-LINE'));
    const a = cpuProf!.frames.find((f) => f.functionName === 'hotLoop')!;
    const b = p.frames.find((f) => f.functionName === 'hotLoop')!;
    assert.equal(b.line, a.line);
    assert.equal(b.column, a.column);
    // The samples' own times: the profile spans about the 500 ms the workload ran, not whole seconds.
    const spanMs = (p.endTime - p.startTime) / 1000;
    assert.ok(spanMs > 400 && spanMs < 1500, `span ${spanMs} ms`);
  });

  it('a v8-profiler-next heap profile (no ids, 1-based lines) opens with the allocating line of `node --heap-prof`', () => {
    const outFile = path.join(dir, 'profiler-next.heapprofile');
    runNode(['profiler-next-heap.js', require.resolve('v8-profiler-next'), outFile], dir, dir);
    const bytes = readFileSync(outFile);
    const raw = JSON.parse(bytes.toString('utf8')) as { head: { id?: number; callFrame: { scriptId: unknown } }; samples?: unknown };
    // What the dump looks like: no ids, no samples, numeric scriptIds.
    assert.equal(raw.head.id, undefined);
    assert.equal(raw.samples, undefined);
    assert.equal(typeof raw.head.callFrame.scriptId, 'number');
    const allocLine = lineOf(path.join(dir, 'alloc.js'), 'ALLOC-LINE');
    const fnLine = lineOf(path.join(dir, 'alloc.js'), 'function allocHot');
    for (const objectPathMaxBytes of [undefined, -1]) {
      const p = parseProfile(bytes, objectPathMaxBytes === undefined ? {} : { objectPathMaxBytes });
      assert.equal(p.format, 'v8-profiler-next');
      assert.equal(p.kind, 'heap');
      assertProfileInvariants(p);
      assert.equal(topUserFunction(p), 'allocHot');
      assert.equal(p.frames.find((f) => f.functionName === 'allocHot')!.line, fnLine, 'frame line: 1-based as written');
      assert.equal(hottestLineIn(p, 'alloc.js'), fnLine, 'no per-line ticks in heap profiles: the function\'s line');
    }
    // The same program under `node --heap-prof` (0-based lines, ids): the same function and line.
    const out = path.join(dir, 'heap-prof');
    const files = runNode(['--heap-prof', `--heap-prof-dir=${out}`, '--heap-prof-interval=4096', 'alloc.js'], dir, out);
    const devtools = parseProfile(readFileSync(files[0]!));
    assert.equal(devtools.format, 'heapprofile');
    assert.equal(devtools.frames.find((f) => f.functionName === 'allocHot')!.line, fnLine);
    assert.ok(allocLine > fnLine);
  });

  it('code from eval() and new Function() is JavaScript (user code with a line), not native', () => {
    writeFileSync(
      path.join(dir, 'evals.js'),
      "const evalHot = eval('(function evalHot(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.exp(-i); return s; })');\n" +
        "const fnHot = new Function('n', 'let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s;');\n" +
        'const t0 = Date.now(); while (Date.now() - t0 < 400) { evalHot(1e4); fnHot(1e4); }\n',
    );
    const out = path.join(dir, 'eval-prof');
    const [file] = runNode(['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=200', 'evals.js'], dir, out);
    const p = parseProfile(readFileSync(file!));
    const evalHot = p.frames.find((f) => f.functionName === 'evalHot');
    const fnHot = p.frames.find((f) => f.functionName !== 'evalHot' && f.url === '' && f.line > 0);
    assert.ok(evalHot && fnHot, p.frames.map((f) => f.functionName).join(', '));
    for (const f of [evalHot, fnHot]) {
      assert.equal(f.url, '', 'V8 gives such code no url');
      assert.ok(f.line > 0, 'but a line');
      assert.equal(f.category, 'user');
      assert.equal(describeLocation(f.url, f.line), `(eval):${f.line}`);
    }
    assert.equal(describeLocation('', 0), '(native)');
  });

  it('a worker_thread writes its own profile, with its own hot function', () => {
    const out = path.join(dir, 'worker-prof');
    const files = runNode(['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=200', 'main.js'], dir, out);
    assert.equal(files.length, 2, 'one profile per thread');
    const tops = files.map((f) => {
      const p = parseProfile(readFileSync(f));
      assertProfileInvariants(p);
      checkSampleAccounting(p, f);
      return { p, top: topUserFunction(p) };
    });
    const worker = tops.find((t) => t.top === 'workerHot');
    assert.ok(worker, `a profile with workerHot on top: ${tops.map((t) => t.top).join(', ')}`);
    assert.equal(hottestLineIn(worker.p, 'worker.js'), lineOf(path.join(dir, 'worker.js'), 'WORKER-HOT'));
  });

  it('a spawned child process writes its own profile', () => {
    const out = path.join(dir, 'child-prof');
    const files = runNode(['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=200', 'parent.js'], dir, out);
    assert.equal(files.length, 2, 'parent and child each write one');
    const profiles = files.map((f) => parseProfile(readFileSync(f)));
    for (const p of profiles) assertProfileInvariants(p);
    const child = profiles.find((p) => topUserFunction(p) === 'childHot');
    assert.ok(child, 'the child profile has childHot on top');
    assert.equal(hottestLineIn(child, 'child.js'), lineOf(path.join(dir, 'child.js'), 'CHILD-HOT'));
    const parent = profiles.find((p) => p !== child)!;
    assert.ok(!parent.frames.some((f) => f.functionName === 'childHot'), 'the parent never ran childHot');
  });
});

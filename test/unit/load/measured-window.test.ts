// A launched server is recorded from its start and its CPU profiles cut to the measured phase
// (src/load/measured-window.ts). First the cut itself on a real recorded profile, checked against
// the timeline's own slice (src/model/time-slice.ts); then `flamelens load` as users run it, against
// a real node:http server run WITHOUT --no-use-osr: its hot loop is compiled with on-stack
// replacement during the warm-up, and the report must still name its function by self time.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cutCpuProfile, fullRecordingPath } from '../../../src/load/measured-window';
import { parseProfile } from '../../../src/model/import';
import { sliceProfile } from '../../../src/model/time-slice';
import type { Profile } from '../../../src/model/types';
import { buildBundles, busyFunction, cpuSelfByFunction, scratchDir, writeFiles } from '../../support/capture-helpers';
import { allFinite, freePort, readRun, runLoad } from '../../support/load-helpers';

const fixture = path.resolve(__dirname, '..', '..', 'fixtures', 'small-marked-1000us.cpuprofile');

/** Self µs per function (name + url + line) of a parsed profile. */
function selfByFunction(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  for (let n = 0; n < p.nodeCount; n++) {
    const f = p.frames[p.nodeFrame[n]!]!;
    const key = `${f.functionName} ${f.url}:${f.line}`;
    out.set(key, (out.get(key) ?? 0) + p.selfValue[n]!);
  }
  return out;
}

interface Raw {
  nodes: { id: number; hitCount?: number; children?: number[]; positionTicks?: { line: number; ticks: number }[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

test('cut: the middle third of a real profile keeps exactly the samples in it, and agrees with the timeline slice', () => {
  const raw = JSON.parse(fs.readFileSync(fixture, 'utf8')) as Raw;
  const span = raw.endTime - raw.startTime;
  const from = raw.startTime + span / 3;
  const to = raw.startTime + (2 * span) / 3;
  const cut = cutCpuProfile(raw as never, from, to) as unknown as Raw;
  assert.equal(cut.startTime, from);
  assert.equal(cut.endTime, to);
  assert.ok(cut.samples.length > 50 && cut.samples.length < raw.samples.length, `${cut.samples.length} of ${raw.samples.length} samples`);
  assert.equal(cut.samples.length, cut.timeDeltas.length);
  // Every sample lies in the window, on a clock that never goes back.
  let t = cut.startTime;
  for (const d of cut.timeDeltas) {
    assert.ok(d >= 0);
    t += d;
    assert.ok(t >= from && t < to, `sample at ${t} outside [${from}, ${to})`);
  }
  // Hit counts are the kept samples; every kept node is reachable and every sample's node is kept.
  const ids = new Set(cut.nodes.map((n) => n.id));
  assert.equal(cut.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0), cut.samples.length);
  for (const s of cut.samples) assert.ok(ids.has(s));
  for (const n of cut.nodes) for (const c of n.children ?? []) assert.ok(ids.has(c), `child ${c} of ${n.id} dropped`);
  assert.ok(cut.nodes.length < raw.nodes.length, 'nodes with nothing in the window are dropped');
  for (const n of cut.nodes) assert.ok((n.positionTicks ?? []).every((p) => p.ticks > 0));

  // The saved cut reads back as the timeline's slice of the whole recording (per function, within a sample or two).
  const whole = parseProfile(fs.readFileSync(fixture));
  const sliced = selfByFunction(sliceProfile(whole, from, to));
  const saved = selfByFunction(parseProfile(Buffer.from(JSON.stringify(cut))));
  const interval = span / raw.samples.length;
  let compared = 0;
  for (const [fn, us] of sliced) {
    if (us < interval * 5) continue;
    compared++;
    assert.ok(Math.abs((saved.get(fn) ?? 0) - us) <= 2 * interval + 1e-6, `${fn}: cut ${saved.get(fn)} µs, slice ${us} µs`);
  }
  assert.ok(compared >= 3, `${compared} functions compared`);
});

test('cut: a window outside the recording keeps nothing but the root', () => {
  const raw = JSON.parse(fs.readFileSync(fixture, 'utf8')) as Raw;
  const cut = cutCpuProfile(raw as never, raw.endTime + 1e6, raw.endTime + 2e6) as unknown as Raw;
  assert.equal(cut.samples.length, 0);
  assert.equal(cut.nodes.length, 1);
  assert.equal(cut.endTime - cut.startTime, 0);
  assert.equal(fullRecordingPath('/a/1-0.cpuprofile'), '/a/1-0.full.cpuprofile');
});

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

/**
 * slowRouteWork holds a 20 ms loop: V8 compiles it with on-stack replacement during the warm-up, and
 * a profiler started only after the warm-up often does not know that code (its samples then land on
 * the request handler: seen in 1 of 4 runs of this server before recording started at launch, 0 of 8
 * since). No --no-use-osr here, that is what is tested; --no-turbo-inlining because a function V8
 * inlines into its caller is charged to the caller however early recording starts (Node's profiler
 * does not expand inlined frames; measured with --cpu-prof too). startupWork runs once before the
 * server listens: in the whole recording only.
 */
const server = `const http = require('node:http');
${busyFunction('slowRouteWork', 20)}
${busyFunction('startupWork', 300)}
startupWork();
http.createServer((req, res) => {
  slowRouteWork();
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

test('load: a hot function optimised during the warm-up is named by self time; the whole recording is kept beside the cut', { timeout: 120_000 }, async () => {
  const dir = scratchDir('load-measured-window');
  writeFiles(dir, { 'server.js': server });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const r = runLoad(cli, ['--url', `${base}/slow`, '--warmup', '2s', '--duration', '2s', '--connections', '1', '--out', 'out', '--json', 'run.json', '--', 'node', '--no-turbo-inlining', 'server.js'], dir, { PORT: String(port) });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /the CPU profiles are cut to the measured phase/);
  const run = readRun(path.join(dir, 'run.json'));
  assert.ok(allFinite(run));
  const top = run.topFunctions.filter((f) => !f.name.startsWith('('));
  assert.equal(top[0]?.name, 'slowRouteWork', JSON.stringify(run.topFunctions.slice(0, 4)));
  assert.ok(top[0]!.selfPct > 50, `slowRouteWork ${top[0]!.selfPct} %`);

  const [profile] = run.profiles;
  assert.ok(profile && run.profiles.length === 1);
  const full = fullRecordingPath(profile);
  assert.ok(fs.existsSync(full), `${full} kept`);
  const cut = JSON.parse(fs.readFileSync(profile, 'utf8')) as Raw;
  const whole = JSON.parse(fs.readFileSync(full, 'utf8')) as Raw;
  // The cut spans the measured phase (2 s), the whole recording the warm-up and the start too.
  const cutS = (cut.endTime - cut.startTime) / 1e6;
  assert.ok(Math.abs(cutS - run.durationMs / 1000) < 0.5, `cut spans ${cutS} s, measured ${run.durationMs / 1000} s`);
  assert.ok((whole.endTime - whole.startTime) / 1e6 > cutS + 1.5, 'the whole recording holds the warm-up');
  assert.ok(cut.startTime >= whole.startTime && cut.endTime <= whole.endTime);
  // What ran before the measured phase is in the whole recording only.
  assert.ok((cpuSelfByFunction(full).get('startupWork') ?? 0) > 0, 'the server\'s start recorded');
  assert.equal(cpuSelfByFunction(profile).get('startupWork'), undefined, 'the start is not in the report\'s profile');
});

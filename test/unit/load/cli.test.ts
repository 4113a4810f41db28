// `flamelens load` as users run it: the bundled CLI in a real process starts a real node:http
// server (written here, loopback, on a port chosen free just before) with the agent, drives real
// load at it with autocannon and reports the server over the measured phase only (its CPU profile
// cut to it, the whole recording kept beside it).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBundles, busyFunction, cpuSelfByFunction, isAlive, scratchDir, startProcess, writeFiles } from '../../support/capture-helpers';
import { allFinite, freePort, readRun, runLoad, type CliRun } from '../../support/load-helpers';
import { fullRecordingPath } from '../../../src/load/measured-window';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

/**
 * /slow burns slowRouteWork (1 ms; + addedWork 20 ms with EXTRA=1: far above the noise of a busy machine), /warm burns warmupRouteWork and
 * counts its hits into warm-hits on exit. The port comes from PORT or the file `port`. CRASH_AFTER=N: an uncaught exception after N /slow requests.
 */
const server = `const http = require('node:http');
const fs = require('node:fs');
${busyFunction('slowRouteWork', 1)}
${busyFunction('warmupRouteWork', 3)}
${busyFunction('addedWork', 20)}
let warm = 0;
let slow = 0;
fs.writeFileSync('server.pid', String(process.pid));
http.createServer((req, res) => {
  if (req.url === '/slow') {
    slowRouteWork();
    if (process.env.EXTRA === '1') addedWork();
    if (++slow === Number(process.env.CRASH_AFTER)) setImmediate(() => { throw new Error('crash for the test'); });
  } else if (req.url === '/warm') {
    warm++;
    warmupRouteWork();
  }
  res.end('ok');
}).listen(Number(process.env.PORT ?? fs.readFileSync('port', 'utf8')), '127.0.0.1');
process.on('SIGTERM', () => {
  fs.writeFileSync('warm-hits', String(warm));
  process.exit(0);
});
`;

/**
 * The tests name the server's hot functions, so V8 must keep them as frames of their own: no
 * inlining into the request handler, and no on-stack replacement — a long loop's OSR code made
 * before recording started (in the warm-up) is not always known to a profiler started later, and
 * its samples then land on the caller (seen on a busy machine).
 */
const serverCommand = ['node', '--no-turbo-inlining', '--no-use-osr', 'server.js'];

function flamelens(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  return runLoad(cli, args, cwd, env);
}

function serverDir(name: string): string {
  const dir = scratchDir(name);
  writeFiles(dir, { 'server.js': server });
  return dir;
}

test('load: percentiles, counts, stages, thresholds held and broken (exit 1); the profile covers the measured phase only', { timeout: 180_000 }, async () => {
  const dir = serverDir('load-main');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const r = flamelens(
    ['--url', `${base}/slow`, '--warmup-url', `${base}/warm`, '--warmup', '1s', '--stage', '1s:1', '--stage', '1s:2',
      '--threshold', 'p99<60s', '--threshold', 'p50<1us', '--out', 'out', '--json', 'run.json', '--markdown', 'run.md', '--', ...serverCommand],
    dir,
    { PORT: String(port) },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /threshold broken: p50<1us/);
  const run = readRun(path.join(dir, 'run.json'));
  assert.ok(allFinite(run));
  const l = run.latency!;
  assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
  assert.equal(run.requests!.total, run.requests!.ok + run.requests!.non2xx + run.requests!.errors);
  assert.ok(run.requests!.ok > 0);
  assert.ok(run.throughput!.rps > 0);
  assert.deepEqual(run.stages.map((s) => s.connections), [1, 2]);
  assert.equal(run.stages.reduce((a, s) => a + s.requests.total, 0), run.requests!.total);
  assert.ok(run.timeline.length >= 1);
  assert.deepEqual(run.thresholds.map((t) => [t.expr, t.ok]), [['p99<60s', true], ['p50<1us', false]]);
  assert.equal(run.thresholds[1]!.actual, l.p50);
  // The server: its slow route is the hot spot; the warm-up route ran (before the measured phase) but is absent.
  assert.equal(run.profiles.length, 1);
  const self = cpuSelfByFunction(run.profiles[0]!);
  assert.ok((self.get('slowRouteWork') ?? 0) > 0, [...self.keys()].join(', '));
  assert.ok(Number(fs.readFileSync(path.join(dir, 'warm-hits'), 'utf8')) > 0, 'the warm-up reached the server');
  assert.equal(self.get('warmupRouteWork'), undefined, 'the warm-up is not in the profile');
  // …but in the whole recording kept beside it (the server is recorded from its start).
  assert.ok((cpuSelfByFunction(fullRecordingPath(run.profiles[0]!)).get('warmupRouteWork') ?? 0) > 0, 'the warm-up is in the whole recording');
  assert.ok(run.topFunctions.some((f) => f.name === 'slowRouteWork' && f.selfMs > 0));
  assert.match(r.stdout, /slowRouteWork/);
  assert.match(r.stdout, /BROKEN\s+p50<1us/);
  // The same run in the output folder, and the markdown report.
  assert.deepEqual(readRun(path.join(dir, 'out', 'load-run.json')).requests, run.requests!);
  const md = fs.readFileSync(path.join(dir, 'run.md'), 'utf8');
  assert.match(md, /FAILED/);
  assert.match(md, /\| ❌ \| `p50<1us` \|/);
});

test('load: --baseline reports the p95 growth and the grown function; --fail-above exits 1', { timeout: 240_000 }, async () => {
  const dir = serverDir('load-baseline');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/slow`;
  const common = ['--url', url, '--warmup', '500ms', '--duration', '2s', '--connections', '1'];
  const first = flamelens([...common, '--threshold', 'errors<1%', '--out', 'out1', '--json', 'base.json', '--', ...serverCommand], dir, { PORT: String(port) });
  assert.equal(first.status, 0, first.stderr);
  const second = flamelens([...common, '--baseline', 'base.json', '--fail-above', '20', '--out', 'out2', '--json', 'new.json', '--', ...serverCommand], dir, { PORT: String(port), EXTRA: '1' });
  assert.equal(second.status, 1, second.stderr);
  assert.match(second.stderr, /regression against the baseline: p95 \+/);
  const run = readRun(path.join(dir, 'new.json'));
  assert.ok(run.baseline, 'baseline section');
  assert.ok(run.baseline.latencyDelta!.p95.deltaPct > 20, JSON.stringify(run.baseline.latencyDelta!.p95));
  assert.ok(run.baseline.grown.some((g) => g.name === 'addedWork'), JSON.stringify(run.baseline.grown));
  assert.match(second.stdout, /REGRESSION above 20%/);
  assert.match(second.stdout, /Functions whose self time grew most \(full profile diff\), per request \(the baseline's \d+ requests scaled to this run's \d+\):[\s\S]*addedWork/);
  assert.equal(run.baseline.grownFrom, 'profiles', 'the baseline\'s profiles are still on disk');
  // Without the baseline's profiles, the grown functions come from the two top-N lists.
  for (const p of readRun(path.join(dir, 'base.json')).profiles) fs.rmSync(p, { force: true });
  const third = flamelens([...common, '--baseline', 'base.json', '--out', 'out3', '--json', 'third.json', '--', ...serverCommand], dir, { PORT: String(port), EXTRA: '1' });
  assert.equal(third.status, 0, third.stderr);
  const fallback = readRun(path.join(dir, 'third.json')).baseline!;
  assert.equal(fallback.grownFrom, 'topFunctions');
  assert.ok(fallback.grown.some((g) => g.name === 'addedWork'), JSON.stringify(fallback.grown));
  assert.match(third.stdout, /grew most \(from the top functions: the baseline's profiles are gone\)/);
});

test('load: a URL that is not this machine is refused before anything starts (exit 2)', () => {
  const dir = scratchDir('load-remote');
  const r = flamelens(['--url', 'http://192.0.2.1:8080/', '--', 'node', '-e', "require('fs').writeFileSync('started', '')"], dir);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /192\.0\.2\.1 is not this machine.*--allow-remote/);
  assert.equal(fs.existsSync(path.join(dir, 'started')), false);
});

test('load: malformed thresholds, stages and options are usage errors (exit 2), nothing started', () => {
  const dir = scratchDir('load-usage');
  const start = ['--', 'node', '-e', "require('fs').writeFileSync('started', '')"];
  const cases: [string[], RegExp][] = [
    [['--url', 'http://127.0.0.1:1/', '--threshold', 'p95<fast', ...start], /--threshold "p95<fast": cannot read it/],
    [['--url', 'http://127.0.0.1:1/', '--stage', '10s', ...start], /--stage: cannot read "10s"/],
    [['--url', 'http://127.0.0.1:1/', '--fail-above', '5', ...start], /--fail-above needs --baseline/],
    [['--url', 'http://127.0.0.1:1/'], /server command/],
    [['--', 'node', 'x.js'], /at least one --url/],
    [['--url', 'http://127.0.0.1:1/', '--baseline', 'missing.json', ...start], /--baseline missing.json: no such file/],
  ];
  for (const [args, message] of cases) {
    const r = flamelens(args, dir);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  }
  assert.equal(fs.existsSync(path.join(dir, 'started')), false);
});

test('load: a server that never answers is a clear error with its last output, and is stopped (exit 2)', { timeout: 60_000 }, async () => {
  const dir = scratchDir('load-never');
  writeFiles(dir, { 'quiet.js': "require('fs').writeFileSync('server.pid', String(process.pid)); console.error('not listening on purpose'); setInterval(() => {}, 1000);" });
  const port = await freePort();
  const r = flamelens(['--url', `http://127.0.0.1:${port}/`, '--ready-timeout', '2s', '--out', 'out', '--', 'node', 'quiet.js'], dir);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /did not answer http:\/\/127\.0\.0\.1:\d+\/ within 2 s/);
  // Its output lines are lines (each escaped), not one line with literal "\n"s.
  assert.match(r.stderr, /; its last output:\n {4}not listening on purpose\n/);
  const pid = Number(fs.readFileSync(path.join(dir, 'server.pid'), 'utf8'));
  assert.equal(isAlive(pid), false, 'the server FlameLens started was stopped');
  // What it recorded until then is kept, and named (after its output).
  assert.match(r.stderr, new RegExp(`not listening on purpose\\n(.*\\n)*flamelens load: the server's recording until then is kept: out/${pid}-0\\.cpuprofile\\n`));
  assert.ok(fs.existsSync(path.join(dir, 'out', `${pid}-0.cpuprofile`)));
});

test('load: a server that exits before it listens is a clear error with its output (exit 2)', async () => {
  const dir = scratchDir('load-early-exit');
  writeFiles(dir, { 'bad.js': "console.error('boom: missing config'); process.exit(3);" });
  const port = await freePort();
  const r = flamelens(['--url', `http://127.0.0.1:${port}/`, '--out', 'out', '--', 'node', 'bad.js'], dir);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /the server exited with code 3 before it answered/);
  assert.match(r.stderr, /boom: missing config/);
  const kept = /the server's recording until then is kept: (out\/\d+-0\.cpuprofile)$/m.exec(r.stderr);
  assert.ok(kept && fs.existsSync(path.join(dir, kept[1]!)), r.stderr);
});

test('load: a server that crashes during the load: what was measured and recorded is reported (exit 1)', { timeout: 120_000 }, async () => {
  const dir = serverDir('load-crash');
  const port = await freePort();
  const r = flamelens(['--url', `http://127.0.0.1:${port}/slow`, '--warmup', '0', '--duration', '20s', '--connections', '1', '--out', 'out', '--', ...serverCommand], dir, { PORT: String(port), CRASH_AFTER: '50' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /the server exited with code 1 during the load/);
  assert.match(r.stderr, /crash for the test/);
  const run = readRun(path.join(dir, 'out', 'load-run.json'));
  assert.match(run.cutShort ?? '', /exited with code 1 during the load/);
  assert.ok(allFinite(run));
  assert.ok(run.requests!.ok >= 40, `requests before the crash: ${run.requests!.ok}`);
  assert.ok(run.durationMs < 20_000, 'the run ended with the server, not at its duration');
  assert.equal(run.profiles.length, 1, 'the crashed server saved its profile on the way out');
  assert.ok((cpuSelfByFunction(run.profiles[0]!).get('slowRouteWork') ?? 0) > 0);
  assert.match(r.stdout, /CUT SHORT/);
});

test('load: --rate holds the request rate; several URLs, a method, headers and a body from a file', { timeout: 120_000 }, async () => {
  const dir = serverDir('load-rate');
  writeFiles(dir, { 'body.json': '{"order": 1}' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const r = flamelens(
    ['--url', `${base}/slow`, '--url', `${base}/other`, '--method', 'POST', '--header', 'x-test: 1', '--body', '@body.json', '--rate', '20',
      '--connections', '2', '--warmup', '0', '--duration', '2s', '--out', 'out', '--', ...serverCommand],
    dir,
    { PORT: String(port) },
  );
  assert.equal(r.status, 0, r.stderr);
  const run = readRun(path.join(dir, 'out', 'load-run.json'));
  assert.equal(run.config.rate, 20);
  assert.deepEqual(run.config.headerNames, ['x-test']);
  assert.equal(run.config.bodyBytes, 12);
  assert.deepEqual(run.config.urls, [`${base}/slow`, `${base}/other`]);
  assert.ok(run.requests!.ok > 0);
  // At 20 req/s the server (hundreds of req/s unthrottled) is held back: a count, not a speed.
  const allowed = 20 * (run.durationMs / 1000) + 20;
  assert.ok(run.requests!.total <= allowed, `${run.requests!.total} requests in ${run.durationMs} ms at --rate 20`);
});

test('load: Ctrl+C stops the load, keeps the profile and reports what was measured (exit 130)', { timeout: 120_000 }, async () => {
  const dir = serverDir('load-cancel');
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'port'), String(port)); // startProcess passes on this process's environment, without PORT
  // Its own process group, signalled as a terminal's Ctrl+C is: flamelens and the server both get SIGINT.
  const p = startProcess([cli, 'load', '--url', `http://127.0.0.1:${port}/slow`, '--warmup', '0', '--duration', '60s', '--connections', '1', '--out', 'out', '--', ...serverCommand], dir, { detached: true });
  try {
    await p.waitFor(/measuring for 60 s/, 'stderr');
    await new Promise((res) => setTimeout(res, 1000));
    process.kill(-p.child.pid!, 'SIGINT');
    const end = await p.exited;
    assert.equal(end.code, 130, p.stderr());
    const run = readRun(path.join(dir, 'out', 'load-run.json'));
    assert.ok(run.cutShort, 'cut short');
    assert.ok(run.requests!.ok > 0);
    assert.ok(run.durationMs < 60_000);
    assert.equal(run.profiles.length, 1, 'the server saved its profile on SIGINT');
  } finally {
    p.kill();
  }
});

test('load: Ctrl+C during the warm-up reports that nothing was measured, with no server figures from the warm-up (exit 130)', { timeout: 120_000 }, async () => {
  const dir = serverDir('load-cancel-warmup');
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'port'), String(port));
  const p = startProcess([cli, 'load', '--url', `http://127.0.0.1:${port}/slow`, '--warmup', '60s', '--duration', '5s', '--connections', '1', '--out', 'out', '--', ...serverCommand], dir, { detached: true });
  try {
    await p.waitFor(/warming up for 60 s/, 'stderr');
    await new Promise((res) => setTimeout(res, 1500));
    process.kill(-p.child.pid!, 'SIGINT');
    const end = await p.exited;
    assert.equal(end.code, 130, p.stderr());
    const run = readRun(path.join(dir, 'out', 'load-run.json'));
    assert.equal(run.loadMeasured, false);
    // The warm-up's seconds are not the measured load: before, "utilisation 0.0%, CPU 0.0%, heap up to 0.0 MB".
    assert.equal(run.server, undefined);
    assert.match(run.serverNote ?? '', /ended before its measured load began/);
    assert.match(p.stdout(), /— nothing measured: the run ended before its measured load began/);
    assert.doesNotMatch(p.stdout(), /after a [\d.]+ s warm-up/, 'the warm-up was not completed');
    assert.doesNotMatch(p.stdout(), /Latency:|Requests:/, 'no table of zeros for a load never measured');
    assert.match(p.stderr(), /nothing was measured/);
    assert.match(fs.readFileSync(path.join(dir, 'out', 'load-run.md'), 'utf8'), /nothing measured/);
  } finally {
    p.kill();
  }
});

test('load: a second run into the same --out reports its own server only (the first run\'s metrics files counted as more processes)', { timeout: 120_000 }, async () => {
  const dir = serverDir('load-reuse-out');
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const r = flamelens(['--url', `http://127.0.0.1:${port}/slow`, '--warmup', '0', '--duration', '2s', '--connections', '1', '--out', 'out', '--', ...serverCommand], dir, { PORT: String(port) });
    assert.equal(r.status, 0, r.stderr);
    runs.push(readRun(path.join(dir, 'out', 'load-run.json')));
  }
  assert.equal(fs.readdirSync(path.join(dir, 'out')).filter((f) => f.endsWith('.metrics.jsonl')).length, 2, 'both runs\' files are kept');
  for (const run of runs) {
    assert.equal(run.profiles.length, 1);
    assert.equal(run.server?.processes, 1, JSON.stringify(run.server));
  }
  assert.notEqual(runs[0]!.profiles[0], runs[1]!.profiles[0]);
});

test('load: a server whose work runs in a worker thread or in cluster workers is reported whole (only the busiest main thread was)', { timeout: 120_000 }, async () => {
  const dir = scratchDir('load-threads');
  writeFiles(dir, {
    // The main thread hands each request to a worker thread, which does the work.
    'pool.js': `const { Worker, isMainThread, parentPort } = require('node:worker_threads');
if (isMainThread) {
  const http = require('node:http');
  const w = new Worker(__filename);
  const pending = new Map();
  let id = 0;
  w.on('message', ({ id, r }) => { pending.get(id).end(String(r)); pending.delete(id); });
  const s = http.createServer((_q, res) => { const i = id++; pending.set(i, res); w.postMessage(i); }).listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => { s.close(); w.terminate(); });
} else {
${busyFunction('poolWork', 2)}
  parentPort.on('message', (id) => parentPort.postMessage({ id, r: poolWork() }));
}
`,
    // Each answer closes its connection, so requests reach both workers: the primary hands each
    // new connection to the next worker, and the load's kept-alive connections, opened at once,
    // all went to the first worker to listen when the second was slow to start (a loaded machine).
    'cluster.js': `const cluster = require('node:cluster');
if (cluster.isPrimary) { for (let i = 0; i < 2; i++) cluster.fork(); }
else {
${busyFunction('clusterWork', 2)}
  require('node:http').createServer((_q, res) => { res.setHeader('Connection', 'close'); res.end(String(clusterWork())); }).listen(Number(process.env.PORT), '127.0.0.1');
}
`,
  });
  for (const [file, fn, threads] of [['pool.js', 'poolWork', 2], ['cluster.js', 'clusterWork', 3]] as const) {
    const port = await freePort();
    const out = `out-${file}`;
    const r = flamelens(['--url', `http://127.0.0.1:${port}/`, '--warmup', '500ms', '--duration', '2s', '--connections', '4', '--out', out, '--', 'node', '--no-turbo-inlining', file], dir, { PORT: String(port) });
    assert.equal(r.status, 0, r.stderr);
    const run = readRun(path.join(dir, out, 'load-run.json'));
    assert.ok(run.profiles.length >= threads, run.profiles.join(', '));
    const top = run.topFunctions.find((f) => f.name === fn);
    assert.ok(top && top.selfMs > 100, `${fn} among the top functions: ${JSON.stringify(run.topFunctions.slice(0, 5))}`);
    assert.match(r.stdout, new RegExp(`== server: ${threads} threads and processes merged`));
    // The run lists what it merged, so the extension's flame graph shows the same threads merged.
    assert.equal(run.topFunctionsFrom?.length, threads, JSON.stringify(run.topFunctionsFrom));
    for (const p of run.topFunctionsFrom!) assert.ok(run.profiles.includes(p.path) && p.label.length > 0, JSON.stringify(p));
  }
});

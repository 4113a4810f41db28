// `flamelens load --attach` and `--load-cmd`, as users run them: the bundled CLI against a real
// node:http server (test/fixtures/load/server.js, loopback). Attached: the server was started by
// the test, is recorded during the measured load only and left as found (running, answering, its
// inspector closed). External load: autocannon's own CLI drives the measured phase.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { buildBundles, cpuSelfByFunction, scratchDir, startProcess } from '../../support/capture-helpers';
import { connectionRefused } from '../../support/attach-targets';
import { findInspector } from '../../../src/capture/processes';
import { allFinite, freePort, readRun, runLoad } from '../../support/load-helpers';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const fixture = path.join(repoRoot, 'test/fixtures/load/server.js');
const autocannonCli = path.join(repoRoot, 'node_modules/autocannon/autocannon.js');
/** Hot functions keep frames of their own (see load-cli.test.ts). */
const nodeFlags = ['--no-turbo-inlining', '--no-use-osr'];

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const servers: ChildProcess[] = [];
after(() => {
  for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
});

interface Running {
  child: ChildProcess;
  port: number;
  output(): string;
}

/**
 * The fixture server, started by the test (no agent); --inspect-port=0: SIGUSR1 opens a free port.
 * `inspectArg` ('--inspect=127.0.0.1:0'): the user's own inspector, open from the start.
 */
async function startServer(inspectArg = '--inspect-port=0'): Promise<Running> {
  const child = spawn(process.execPath, [...nodeFlags, inspectArg, fixture], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PORT: '0' },
  });
  servers.push(child);
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (text += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (text += t));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = /listening on (\d+)/.exec(text);
    if (m) return { child, port: Number(m[1]), output: () => text };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start: ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForOutput(server: Running, re: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const m = re.exec(server.output());
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${re} in the server's output: ${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

test('load --attach PID: records a running server during the load only, names its hot handler, and leaves it running with its inspector closed', { timeout: 180_000 }, async () => {
  const dir = scratchDir('load-attach');
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  const r = runLoad(cli, ['--url', `${base}/hot`, '--warmup-url', `${base}/block?ms=1`, '--attach', String(server.child.pid), '--warmup', '1s', '--duration', '2s', '--connections', '2', '--out', 'out', '--json', 'run.json', '--markdown', 'run.md'], dir);
  assert.equal(r.status, 0, r.stderr);
  const run = readRun(path.join(dir, 'run.json'));
  assert.ok(allFinite(run));
  assert.equal(run.serverMode, 'attached');
  assert.equal(run.config.attach, String(server.child.pid));
  assert.ok(run.attached, 'attached section');
  assert.equal(run.attached.pid, server.child.pid);
  assert.equal(run.attached.openedInspector, true);
  assert.equal(run.attached.inspectorClosed, true);
  assert.equal(run.attached.stillRunning, true);
  assert.ok(run.requests!.ok > 0 && run.latency!.p50 > 0);
  // No agent in an attached server: its health is not measured, and the run says so.
  assert.equal(run.server, undefined);
  assert.match(run.serverNote ?? '', /attached server runs without the FlameLens agent/);
  assert.ok(run.timeline.every((p) => p.eventLoopDelayP99 === null));
  assert.match(r.stdout, /Server: event-loop delay not measured/);
  // The profile: the hot handler, recorded through the inspector.
  assert.equal(run.profiles.length, 1);
  const self = cpuSelfByFunction(run.profiles[0]!);
  assert.ok((self.get('hotHandlerWork') ?? 0) > 0);
  assert.equal(self.get('blockTheLoop'), undefined, 'the warm-up (before attaching) is not in the profile');
  assert.ok(run.topFunctions.some((f) => f.name === 'hotHandlerWork'), JSON.stringify(run.topFunctions.slice(0, 5)));
  assert.match(r.stderr, /inspector closed again/);
  // Left as found: still running and answering, the inspector SIGUSR1 opened closed again.
  // (The CLI ran synchronously: the server's stderr is read now.)
  const inspectorPort = await waitForOutput(server, /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//).then((m) => Number(m[1]));
  assert.ok(inspectorPort > 0, server.output());
  assert.ok(await connectionRefused('127.0.0.1', inspectorPort), `the inspector port ${inspectorPort} refuses connections`);
  assert.equal(await findInspector(server.child.pid!), undefined, 'the server has no inspector socket');
  assert.equal(server.child.exitCode, null);
  assert.equal(await get(`${base}/fast`), 200);
  server.child.kill('SIGTERM');
});

test('load --attach, Ctrl+C mid-load: the recording is kept and reported (exit 130), the server left running with its inspector closed', { timeout: 180_000 }, async () => {
  const dir = scratchDir('load-attach-cancel');
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  const p = startProcess([cli, 'load', '--url', `${base}/hot`, '--attach', String(server.child.pid), '--warmup', '0', '--duration', '60s', '--connections', '1', '--out', 'out'], dir);
  try {
    await p.waitFor(/measuring for 60 s/, 'stderr');
    await new Promise((res) => setTimeout(res, 1500));
    p.child.kill('SIGINT'); // the CLI alone: the server is not in its process group
    const end = await p.exited;
    assert.equal(end.code, 130, p.stderr());
  } finally {
    p.kill();
  }
  const run = readRun(path.join(dir, 'out', 'load-run.json'));
  assert.match(run.cutShort ?? '', /cancelled/);
  assert.ok(run.durationMs < 60_000);
  assert.equal(run.profiles.length, 1, 'what was recorded until Ctrl+C is saved');
  assert.ok(fs.statSync(run.profiles[0]!).size > 0);
  assert.equal(run.attached?.stillRunning, true);
  assert.equal(run.attached?.inspectorClosed, true);
  const inspectorPort = await waitForOutput(server, /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//).then((m) => Number(m[1]));
  assert.ok(await connectionRefused('127.0.0.1', inspectorPort));
  assert.equal(await get(`${base}/fast`), 200);
  server.child.kill('SIGTERM');
});

test('load --attach HOST:PORT --load-cmd, no --url: an external tool loads a server with its own inspector, which stays open', { timeout: 180_000 }, async () => {
  const dir = scratchDir('load-attach-hostport');
  const server = await startServer('--inspect=127.0.0.1:0');
  const inspectorPort = await waitForOutput(server, /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//).then((m) => Number(m[1]));
  const url = `http://127.0.0.1:${server.port}/hot`;
  const cmd = `"${process.execPath}" "${autocannonCli}" --json -c 2 -d 2 ${url}`;
  const r = runLoad(cli, ['--attach', `127.0.0.1:${inspectorPort}`, '--load-cmd', cmd, '--out', 'out', '--json', 'run.json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const run = readRun(path.join(dir, 'run.json'));
  assert.ok(allFinite(run));
  assert.equal(run.serverMode, 'attached');
  assert.equal(run.driver, 'external');
  assert.equal(run.external?.parsed, 'autocannon');
  assert.ok(run.requests!.total > 0);
  assert.deepEqual(run.config.urls, []);
  assert.equal(run.attached?.openedInspector, false, 'the inspector was the user\'s');
  assert.equal(run.attached?.stillRunning, true);
  assert.ok(run.topFunctions.some((f) => f.name === 'hotHandlerWork'), JSON.stringify(run.topFunctions.slice(0, 5)));
  // The user's own inspector is not FlameLens's to close.
  assert.equal(await connectionRefused('127.0.0.1', inspectorPort), false, 'the user\'s inspector is still open');
  assert.equal(await get(`http://127.0.0.1:${server.port}/fast`), 200);
  server.child.kill('SIGTERM');
});

test('load --attach: a server command as well, or no URL without --load-cmd, is a usage error (exit 2)', () => {
  const dir = scratchDir('load-attach-usage');
  const both = runLoad(cli, ['--url', 'http://127.0.0.1:1/', '--attach', '1', '--', 'node', 'x.js'], dir);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /either --attach TARGET or a server command/);
  const noUrl = runLoad(cli, ['--attach', '1'], dir);
  assert.equal(noUrl.status, 2);
  assert.match(noUrl.stderr, /at least one --url/);
  const bad = runLoad(cli, ['--url', 'http://127.0.0.1:1/', '--attach', 'nonsense'], dir);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /cannot read target "nonsense"/);
});

test('load --attach checks its target first: a non-Node PID fails before any warm-up and leaves no --out folder; a PID that does not serve the URL is named', { timeout: 120_000 }, async () => {
  const dir = scratchDir('load-attach-check');
  const server = await startServer();
  const url = `http://127.0.0.1:${server.port}/fast`;
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  servers.push(sleeper);
  const wrong = runLoad(cli, ['--url', url, '--attach', String(sleeper.pid), '--warmup', '5s', '--duration', '1s', '--out', 'never'], dir);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, new RegExp(`pid ${sleeper.pid} is not a Node.js process`));
  assert.doesNotMatch(wrong.stderr, /warming up|measuring/);
  assert.equal(fs.existsSync(path.join(dir, 'never')), false, 'the --out folder made for the run is removed again');
  assert.equal(sleeper.exitCode, null, 'the non-Node process was not signalled');
  sleeper.kill('SIGKILL');

  // An unwritable --markdown (its folder is a file) fails before the run, not after it.
  fs.writeFileSync(path.join(dir, 'afile'), 'x');
  const unwritable = runLoad(cli, ['--url', url, '--attach', String(server.child.pid), '--warmup', '0', '--duration', '1s', '--out', 'never', '--markdown', 'afile/run.md'], dir);
  assert.notEqual(unwritable.status, 0);
  assert.match(unwritable.stderr, /afile/);
  assert.doesNotMatch(unwritable.stderr, /measuring/);
  assert.equal(fs.existsSync(path.join(dir, 'never')), false);

  // A Node process that is not the server: recorded as asked, with a warning naming the one that serves the port.
  const other = spawn(process.execPath, ['--inspect-port=0', '-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  servers.push(other);
  await new Promise((r) => setTimeout(r, 300));
  const elsewhere = runLoad(cli, ['--url', url, '--attach', String(other.pid), '--warmup', '0', '--duration', '1s', '--out', 'out'], dir);
  assert.equal(elsewhere.status, 0, elsewhere.stderr);
  const wrongServer = new RegExp(`port ${server.port} is served by pid ${server.child.pid} .*not by pid ${other.pid}`);
  assert.match(elsewhere.stderr, wrongServer);
  // Also among the run's problems, which every report shows (the VS Code view, markdown, JSON).
  assert.ok(readRun(path.join(dir, 'out', 'load-run.json')).problems.some((p) => wrongServer.test(p)));
  other.kill('SIGKILL');
  server.child.kill('SIGTERM');
});

test('load --load-cmd: autocannon\'s own CLI drives the measured load; its --json result is read, its output kept, the server recorded', { timeout: 180_000 }, async () => {
  const dir = scratchDir('load-cmd');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/hot`;
  const cmd = `"${process.execPath}" "${autocannonCli}" --json -c 2 -d 2 ${url}`;
  const r = runLoad(cli, ['--url', url, '--warmup', '0', '--load-cmd', cmd, '--threshold', 'p99<60s', '--out', 'out', '--json', 'run.json', '--markdown', 'run.md', '--', 'node', ...nodeFlags, fixture], dir, { PORT: String(port) });
  assert.equal(r.status, 0, r.stderr);
  const run = readRun(path.join(dir, 'run.json'));
  assert.ok(allFinite(run));
  assert.equal(run.driver, 'external');
  assert.equal(run.external?.parsed, 'autocannon');
  assert.equal(run.external?.exitCode, 0);
  assert.match(run.external?.stdout ?? '', /"latency":\{/);
  const l = run.latency!;
  assert.ok(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
  assert.ok(run.requests!.total > 0 && run.requests!.ok > 0, JSON.stringify(run.requests));
  assert.ok(run.throughput!.rps > 0);
  assert.deepEqual(run.thresholds.map((t) => [t.expr, t.ok]), [['p99<60s', true]]);
  assert.equal(run.stages.length, 0, 'no stages of ours');
  // The server was recorded and measured while the tool ran.
  assert.ok(run.topFunctions.some((f) => f.name === 'hotHandlerWork'), JSON.stringify(run.topFunctions.slice(0, 5)));
  assert.ok(run.server, run.serverNote);
  assert.ok(run.timeline.length >= 1 && run.timeline.every((p) => p.rps === null));
  assert.ok(run.timeline.some((p) => p.eventLoopDelayP99 !== null), JSON.stringify(run.timeline));
  assert.match(r.stdout, /The load came from `.*autocannon\.js.*` \(exit code 0\)/);
  assert.match(r.stdout, /read from its autocannon --json output/);
  const md = fs.readFileSync(path.join(dir, 'run.md'), 'utf8');
  assert.match(md, /### Output of the load tool\n\n```+\n\{"url":/);
});

test('load --load-cmd without a readable result: latency is not measured (null), says so, and a latency threshold breaks (exit 1)', { timeout: 180_000 }, async () => {
  const dir = scratchDir('load-cmd-text');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/fast`;
  const cmd = `"${process.execPath}" "${autocannonCli}" -c 1 -d 1 ${url}`;
  const r = runLoad(cli, ['--url', url, '--warmup', '0', '--load-cmd', cmd, '--threshold', 'p95<10s', '--out', 'out', '--json', 'run.json', '--markdown', 'run.md', '--', 'node', fixture], dir, { PORT: String(port) });
  assert.equal(r.status, 1, r.stderr);
  const run = readRun(path.join(dir, 'run.json'));
  assert.ok(allFinite(run));
  assert.equal(run.driver, 'external');
  assert.equal(run.external?.parsed, undefined);
  assert.equal(run.latency, null);
  assert.equal(run.requests, null);
  assert.equal(run.throughput, null);
  assert.equal(run.thresholds[0]!.ok, false);
  assert.match(run.thresholds[0]!.note ?? '', /not measured/);
  assert.match(r.stdout, /FlameLens did not drive this load: latency, requests and throughput are not measured/);
  assert.match(r.stderr, /threshold broken: p95<10s/);
  // autocannon's text table (written to stderr by autocannon) or its stdout: whatever it printed to stdout is kept.
  assert.equal(typeof run.external?.stdout, 'string');
  assert.ok(run.profiles.length >= 1);
});

test('load --load-cmd: a load tool that fails (non-zero exit) fails the run (exit 1), its error output noted', { timeout: 120_000 }, async () => {
  const dir = scratchDir('load-cmd-fail');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/fast`;
  const cmd = `"${process.execPath}" -e "console.log('checks: 3 of 4 passed'); console.error('threshold http_req_duration crossed'); process.exit(99)"`;
  const r = runLoad(cli, ['--url', url, '--warmup', '0', '--load-cmd', cmd, '--out', 'out', '--json', 'run.json', '--', 'node', fixture], dir, { PORT: String(port) });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /the load command exited with code 99/);
  const run = readRun(path.join(dir, 'run.json'));
  assert.equal(run.external?.exitCode, 99);
  assert.equal(run.external?.stdout, 'checks: 3 of 4 passed\n');
  assert.ok(run.external?.notes.some((n) => /threshold http_req_duration crossed/.test(n)), JSON.stringify(run.external?.notes));
  assert.match(r.stdout, /checks: 3 of 4 passed/, 'the tool\'s output is in the terminal report');
});

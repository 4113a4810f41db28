// The capture agent and launcher against real Node.js processes: threads, children, every way a
// program can end, manual and timed stops, heap sampling, and the promise to stay invisible.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startCapture, collectSession, CaptureError, type CaptureOptions, type CaptureResult } from '../../../src/capture/launcher';
import type { AgentSidecar } from '../../../src/capture/session';
import { buildBundles, scratchDir, writeFiles, busyFunction, hottestCpuFunction, heapSelfByFunction, readJson } from '../../support/capture-helpers';

let agentPath = '';
before(async () => {
  agentPath = (await buildBundles()).agent;
});

async function capture(dir: string, opts: Omit<CaptureOptions, 'outDir' | 'agentPath'>): Promise<CaptureResult> {
  const h = await startCapture({ stdio: 'pipe', ...opts, cwd: opts.cwd ?? dir, outDir: path.join(dir, 'session'), agentPath });
  return h.done;
}

function mainProfileOf(r: CaptureResult, scriptName: string) {
  const p = r.profiles.find((x) => x.isMainThread && x.kind === 'cpu' && x.argv.some((a) => a.endsWith(scriptName)));
  assert.ok(p, `no main-thread CPU profile for ${scriptName}; got ${r.profiles.map((x) => x.label).join(', ')}; problems: ${r.problems.join(' | ')}`);
  return p;
}

test('main thread, a worker and children started by fork, spawn and exec each write their own profile', async () => {
  const dir = scratchDir('capture-tree');
  writeFiles(dir, {
    // The main thread also pays for starting a worker and four processes, which under load can rival a
    // short busy loop; give it the longest one.
    'main.js': `${busyFunction('mainHot', 900)}
const { Worker } = require('node:worker_threads');
const { fork, spawn, exec } = require('node:child_process');
const w = new Worker(__dirname + '/worker.js');
const ended = [
  new Promise((r) => w.on('exit', r)),
  new Promise((r) => fork(__dirname + '/forked.js').on('exit', r)),
  new Promise((r) => spawn(process.execPath, [__dirname + '/spawned.js'], { stdio: 'inherit' }).on('exit', r)),
  new Promise((r) => exec('node ' + JSON.stringify(__dirname + '/execed.js'), r)),
];
mainHot();
Promise.all(ended).then(() => console.log('all done'));
`,
    'worker.js': `${busyFunction('workerHot', 300)}workerHot();\n`,
    'forked.js': `${busyFunction('forkHot', 300)}forkHot();\n`,
    'spawned.js': `${busyFunction('spawnHot', 300)}spawnHot();\n`,
    'execed.js': `${busyFunction('execHot', 300)}execHot();\n`,
  });
  const r = await capture(dir, { command: ['node', 'main.js'] });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.problems, []);
  const expected: Record<string, string> = { 'main.js': 'mainHot', 'forked.js': 'forkHot', 'spawned.js': 'spawnHot', 'execed.js': 'execHot' };
  const mainPid = mainProfileOf(r, 'main.js').pid;
  for (const [script, hot] of Object.entries(expected)) {
    const p = mainProfileOf(r, script);
    assert.equal(hottestCpuFunction(p.path), hot, `hottest function of ${script}`);
    assert.equal(p.stopReason, 'exit');
    if (script !== 'main.js') assert.notEqual(p.pid, mainPid, `${script} runs in its own process`);
  }
  const worker = r.profiles.find((p) => !p.isMainThread);
  assert.ok(worker, 'worker profile');
  assert.equal(worker.pid, mainPid);
  assert.ok(worker.threadId > 0);
  assert.equal(hottestCpuFunction(worker.path), 'workerHot');
  assert.equal(path.basename(worker.path), `${mainPid}-${worker.threadId}.cpuprofile`);
  const sidecar = readJson<AgentSidecar>(path.join(r.sessionDir, `${mainPid}-${worker.threadId}.json`));
  assert.equal(sidecar.isMainThread, false);
  assert.equal(sidecar.state, 'saved');
  assert.ok(sidecar.argv.some((a) => a.endsWith('worker.js')), `worker argv ${sidecar.argv.join(' ')}`);
  const forked = readJson<AgentSidecar>(path.join(r.sessionDir, `${mainProfileOf(r, 'forked.js').pid}-0.json`));
  assert.equal(forked.ppid, mainPid);
  assert.equal(forked.cwd, dir);
  assert.ok(forked.endTime! >= forked.startTime);
});

test('busy workers torn down by terminate() or by process.exit() still save their profiles', async () => {
  const dir = scratchDir('capture-teardown');
  writeFiles(dir, {
    'spin.js': `${busyFunction('spinForever', 60_000)}require('node:worker_threads').parentPort.postMessage('up');\nspinForever();\n`,
    'main.js': `const { Worker } = require('node:worker_threads');
const up = (w) => new Promise((r) => w.once('message', r));
const a = new Worker(__dirname + '/spin.js');
const b = new Worker(__dirname + '/spin.js');
Promise.all([up(a), up(b)])
  .then(() => new Promise((r) => setTimeout(r, 300)))
  .then(() => a.terminate())
  .then((code) => { console.log('terminated', code); process.exit(0); });
`,
  });
  const started = Date.now();
  const h = await startCapture({ command: ['node', 'main.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  let out = '';
  h.child.stdout!.on('data', (d: Buffer) => (out += d));
  const r = await h.done;
  assert.equal(r.exitCode, 0);
  assert.equal(out, 'terminated 1\n', 'terminate() resolves as without the agent');
  assert.ok(Date.now() - started < 20_000);
  assert.deepEqual(r.problems, []);
  const workers = r.profiles.filter((p) => !p.isMainThread);
  assert.equal(workers.length, 2);
  for (const w of workers) {
    assert.equal(w.stopReason, 'terminated');
    assert.equal(hottestCpuFunction(w.path), 'spinForever');
  }
});

test('a worker given its own env (no FLAMELENS_* variables) is recorded too, with the main thread\'s settings', async () => {
  const dir = scratchDir('capture-worker-env');
  writeFiles(dir, {
    'main.js': `const { Worker } = require('node:worker_threads');
${busyFunction('envMainHot', 250)}
const w = new Worker(__dirname + '/w.js', { env: {} });
w.on('message', (m) => console.log(m));
envMainHot();
`,
    'w.js': `${busyFunction('envWorkerHot', 300)}
require('node:worker_threads').parentPort.postMessage('worker env: ' + Object.keys(process.env).join(',') + '; execArgv: ' + JSON.stringify(process.execArgv));
envWorkerHot();
`,
  });
  const h = await startCapture({ command: ['node', 'main.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe', cpu: true, heap: true });
  let out = '';
  h.child.stdout!.on('data', (d: Buffer) => (out += d));
  const r = await h.done;
  // Nor does it see the --require that brought the agent in (its execArgv is the main thread's: none).
  assert.equal(out, 'worker env: ; execArgv: []\n', 'the worker sees only the env and flags it was given');
  assert.deepEqual(r.problems, []);
  const worker = r.profiles.filter((p) => !p.isMainThread);
  assert.deepEqual(worker.map((p) => p.kind).sort(), ['cpu', 'heap'], 'the worker recorded what the main thread records');
  assert.equal(hottestCpuFunction(worker.find((p) => p.kind === 'cpu')!.path), 'envWorkerHot');
});

test('Node.js children started with an env that drops NODE_OPTIONS are named in the problems (spawn, execFileSync, execSync, a shell, an ES module importing by name); children keeping it, and non-Node ones, are not', async () => {
  const dir = scratchDir('capture-child-env');
  writeFiles(dir, {
    'main.js': `const { spawn, execFileSync, execSync, fork } = require('node:child_process');
const bare = { PATH: process.env.PATH };
execFileSync(process.execPath, ['kid.js', 'viaExecFileSync'], { env: bare });
execSync('node kid.js viaExecSync', { env: bare });
execFileSync('/bin/sh', ['-c', 'node kid.js viaShell'], { env: bare });
execFileSync(process.execPath, ['esm.mjs'], { stdio: 'inherit' });
execFileSync('/bin/sh', ['-c', 'true'], { env: bare }); // not Node: nothing to say
execFileSync(process.execPath, ['kid.js', 'keptEnv'], { env: { ...process.env, EXTRA: '1' } });
const a = spawn('node', ['kid.js', 'viaSpawn'], { env: bare, stdio: 'inherit' });
a.on('exit', () => fork('kid.js', ['forked']).on('exit', () => console.log('done')));
`,
    'kid.js': `${busyFunction('kidHot', 60)}
kidHot();
`,
    // An ES module importing the Sync form by name.
    'esm.mjs': `import { execSync } from 'node:child_process';
execSync('node kid.js viaEsm', { env: { PATH: process.env.PATH } });
`,
  });
  const r = await capture(dir, { command: ['node', 'main.js'] });
  const named = r.problems.filter((p) => /NODE_OPTIONS lacks FlameLens's agent/.test(p));
  const said = (arg: string) => named.some((p) => p.includes(`kid.js ${arg}\``));
  for (const arg of ['viaExecFileSync', 'viaExecSync', 'viaShell', 'viaSpawn', 'viaEsm']) assert.ok(said(arg), `${arg} named; problems: ${r.problems.join(' | ')}`);
  assert.equal(named.length, 5, named.join(' | '));
  const mainPid = mainProfileOf(r, 'main.js').pid;
  assert.equal(named.filter((p) => p.startsWith(`process ${mainPid} (node main.js) started`)).length, 4, named.join(' | '));
  // The children that kept it were recorded, and are not named.
  const kids = r.profiles.filter((p) => p.isMainThread && p.kind === 'cpu' && p.argv.some((x) => x.endsWith('kid.js')));
  assert.deepEqual(kids.map((p) => p.argv[p.argv.length - 1]).sort(), ['forked', 'keptEnv']);
  assert.ok(mainProfileOf(r, 'esm.mjs'), 'the ES module was recorded');
});

test('a Node.js child whose env sets its own NODE_OPTIONS (replacing FlameLens\'s) is named with that reason and how to append instead; one that appends is recorded', async () => {
  const dir = scratchDir('capture-child-own-node-options');
  writeFiles(dir, {
    'main.js': `const { spawn, execFileSync } = require('node:child_process');
execFileSync(process.execPath, ['kid.js', 'appended'], { env: { ...process.env, NODE_OPTIONS: \`\${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=100\` } });
spawn(process.execPath, ['kid.js', 'replaced'], { env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=100' }, stdio: 'inherit' })
  .on('exit', () => console.log('done'));
`,
    'kid.js': `${busyFunction('kidHot', 60)}
kidHot();
`,
  });
  const r = await capture(dir, { command: ['node', 'main.js'] });
  assert.equal(r.exitCode, 0);
  const mainPid = mainProfileOf(r, 'main.js').pid;
  assert.deepEqual(r.problems, [
    `process ${mainPid} (node main.js) started \`${process.execPath} kid.js replaced\` with its own NODE_OPTIONS ("--max-old-space-size=100"), ` +
      "which replaced FlameLens's (the --require of its agent), so that process was not profiled: append to the inherited value rather than replacing it " +
      "(NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=100`)",
  ]);
  const kids = r.profiles.filter((p) => p.isMainThread && p.kind === 'cpu' && p.argv.some((x) => x.endsWith('kid.js')));
  assert.deepEqual(kids.map((p) => p.argv[p.argv.length - 1]), ['appended'], 'the child that appended to NODE_OPTIONS was recorded');
});

test('node --max-old-space-size (flags a worker refuses when given explicitly) with workers given their own env: the program runs as without the agent, and the workers are recorded', async () => {
  const dir = scratchDir('capture-worker-env-flags');
  writeFiles(dir, {
    'main.js': `const { Worker } = require('node:worker_threads');
class Pool extends Worker { kind() { return 'pool'; } }
const a = new Worker(__dirname + '/w.js', { env: {} });
const b = new Pool(__dirname + '/w.js', { env: { A: '1' } });
console.log(b.kind(), b instanceof Worker, a.constructor === Worker);
for (const w of [a, b]) w.on('message', (m) => console.log(m)).on('error', (e) => console.log('error ' + e.message));
`,
    'w.js': `${busyFunction('flagWorkerHot', 200)}
flagWorkerHot();
require('node:worker_threads').parentPort.postMessage('worker done');
`,
  });
  const command = ['node', '--max-old-space-size=200', '--stack-size=900', 'main.js'];
  const plain = spawnSync(process.execPath, command.slice(1), { cwd: dir, encoding: 'utf8' });
  assert.equal(plain.stdout, 'pool true true\nworker done\nworker done\n', plain.stderr);
  const h = await startCapture({ command, cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  let out = '';
  h.child.stdout!.on('data', (d: Buffer) => (out += d));
  const r = await h.done;
  assert.equal(out, plain.stdout);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.problems, []);
  const workers = r.profiles.filter((p) => !p.isMainThread);
  assert.equal(workers.length, 2);
  for (const w of workers) assert.equal(hottestCpuFunction(w.path), 'flagWorkerHot');
});

test('an ES module program and its module worker are captured with --require alone', async () => {
  const dir = scratchDir('capture-esm');
  writeFiles(dir, {
    'app.mjs': `import { Worker } from 'node:worker_threads';
${busyFunction('esmMainHot', 250)}
new Worker(new URL('./w.mjs', import.meta.url));
esmMainHot();
`,
    'w.mjs': `${busyFunction('esmWorkerHot', 250)}esmWorkerHot();\n`,
  });
  const r = await capture(dir, { command: ['node', 'app.mjs'] });
  assert.deepEqual(r.problems, []);
  assert.equal(hottestCpuFunction(mainProfileOf(r, 'app.mjs').path), 'esmMainHot');
  const w = r.profiles.find((p) => !p.isMainThread);
  assert.ok(w);
  assert.equal(hottestCpuFunction(w.path), 'esmWorkerHot');
});

test('process.exit() in the middle of work still leaves a profile', async () => {
  const dir = scratchDir('capture-exit');
  writeFiles(dir, {
    'exit.js': `function busyThenExit() {
  const end = Date.now() + 300; let acc = 0;
  while (true) { for (let i = 1; i < 20000; i++) acc += (i * 31) % 7; if (Date.now() > end) process.exit(5); }
}
busyThenExit();
`,
  });
  const r = await capture(dir, { command: ['node', 'exit.js'] });
  assert.equal(r.exitCode, 5);
  const p = mainProfileOf(r, 'exit.js');
  assert.equal(hottestCpuFunction(p.path), 'busyThenExit');
  const side = readJson<AgentSidecar>(path.join(r.sessionDir, `${p.pid}-0.json`));
  assert.equal(side.exitCode, 5);
});

test('an uncaught exception still leaves a profile and keeps its exit code and message', async () => {
  const dir = scratchDir('capture-throw');
  writeFiles(dir, { 'throw.js': `${busyFunction('workBeforeCrash', 300)}workBeforeCrash();\nthrow new Error('kaboom');\n` });
  const h = await startCapture({ command: ['node', 'throw.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  let stderr = '';
  h.child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const r = await h.done;
  assert.equal(r.exitCode, 1);
  assert.match(stderr, /kaboom/);
  assert.equal(hottestCpuFunction(mainProfileOf(r, 'throw.js').path), 'workBeforeCrash');
});

test('SIGTERM: the profile is written and the program still dies by the signal', async () => {
  const dir = scratchDir('capture-sigterm');
  writeFiles(dir, {
    'serve.js': `${busyFunction('tick', 20)}setInterval(tick, 25);\nconsole.log('ready');\n`,
  });
  const h = await startCapture({ command: ['node', 'serve.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  await new Promise<void>((res) => h.child.stdout!.once('data', () => res()));
  await new Promise((res) => setTimeout(res, 400));
  h.kill('SIGTERM');
  const r = await h.done;
  assert.equal(r.signal, 'SIGTERM');
  assert.equal(r.exitCode, null);
  const p = mainProfileOf(r, 'serve.js');
  assert.equal(p.stopReason, 'SIGTERM');
  assert.equal(hottestCpuFunction(p.path), 'tick');
  assert.deepEqual(r.problems, []);
});

test("SIGUSR2 (nodemon's restart signal) to a child without a handler: it saves, then dies by the signal as before", async () => {
  const dir = scratchDir('capture-sigusr2');
  writeFiles(dir, {
    'watcher.js': `const child = require('node:child_process').fork(__dirname + '/app.js');
child.on('message', () => { console.log('sent SIGUSR2 to ' + child.pid + ' at ' + Date.now()); child.kill('SIGUSR2'); });
child.on('exit', (code, signal) => console.log('app ended by ' + signal));
`,
    'app.js': `${busyFunction('appWork', 150)}appWork();\nprocess.send('ready');\nsetInterval(() => {}, 1000);\n`,
  });
  const h = await startCapture({ command: ['node', 'watcher.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  let out = '';
  h.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  // Bounded: once (a CI run, on a loaded box) the app outlived its SIGUSR2 for 17 minutes, the test with it.
  // What the app's agent noted of signals then tells whether the signal reached it.
  let hung = '';
  const guard = setTimeout(() => {
    const pid = Number(/sent SIGUSR2 to (\d+)/.exec(out)?.[1]);
    let notes = 'none';
    try {
      notes = fs.readFileSync(path.join(dir, 's', `${pid}.signals`), 'utf8').trim();
    } catch {
      // No signal noted.
    }
    hung = `the app had not ended 20 s after the watcher said: ${JSON.stringify(out)}; its agent noted: ${notes}; at ${Date.now()}`;
    if (pid > 0) process.kill(pid, 'SIGKILL');
    h.kill('SIGKILL');
  }, 20_000);
  const r = await h.done;
  clearTimeout(guard);
  assert.equal(hung, '');
  assert.match(out, /^sent SIGUSR2 to \d+ at \d+\napp ended by SIGUSR2\n$/);
  const p = mainProfileOf(r, 'app.js');
  assert.equal(p.stopReason, 'SIGUSR2');
  assert.equal(hottestCpuFunction(p.path), 'appWork');
  assert.deepEqual(r.problems, []);
});

test('a child killed with SIGKILL is reported as missing; the others are kept', async () => {
  const dir = scratchDir('capture-sigkill');
  writeFiles(dir, {
    'parent.js': `${busyFunction('parentWork', 400)}
const { fork } = require('node:child_process');
fork(__dirname + '/victim.js').on('exit', () => parentWork());
`,
    'victim.js': `${busyFunction('victimWork', 150)}victimWork();\nprocess.kill(process.pid, 'SIGKILL');\n`,
  });
  const r = await capture(dir, { command: ['node', 'parent.js'] });
  assert.equal(r.exitCode, 0);
  assert.equal(hottestCpuFunction(mainProfileOf(r, 'parent.js').path), 'parentWork');
  assert.equal(r.profiles.filter((p) => p.argv.some((a) => a.endsWith('victim.js'))).length, 0);
  const victim = r.threads.find((t) => t.argv.some((a) => a.endsWith('victim.js')));
  assert.ok(victim, 'the victim announced itself before dying');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, new RegExp(`process ${victim.pid} \\(node .*victim\\.js\\) exited without writing a profile: killed by SIGKILL`));
});

test('a SIGKILLed launched process is reported with the signal', async () => {
  const dir = scratchDir('capture-rootkill');
  writeFiles(dir, { 'hang.js': `setInterval(() => {}, 1000);\nconsole.log('up');\n` });
  const h = await startCapture({ command: ['node', 'hang.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  await new Promise<void>((res) => h.child.stdout!.once('data', () => res()));
  h.kill('SIGKILL');
  const r = await h.done;
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(r.profiles.length, 0);
  assert.deepEqual(r.problems, [`process ${h.pid} (node hang.js) exited without writing a profile: killed by SIGKILL`]);
});

test('manual stop writes the profile while the program keeps running, and its exit code is untouched', async () => {
  const dir = scratchDir('capture-manual');
  writeFiles(dir, {
    'long.js': `${busyFunction('chunk', 10)}
console.log('started');
const end = Date.now() + 2000;
(function loop() { chunk(); if (Date.now() < end) setImmediate(loop); else { console.log('finished'); process.exitCode = 7; } })();
`,
  });
  const h = await startCapture({ command: ['node', 'long.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  let out = '';
  const started = new Promise<void>((res) => h.child.stdout!.once('data', () => res()));
  h.child.stdout!.on('data', (d: Buffer) => (out += d));
  // Stop only once the program runs (an agent starting after the stop request records nothing).
  await started;
  await new Promise((res) => setTimeout(res, 300));
  await h.stop();
  assert.equal(h.child.exitCode, null, 'still running after stop');
  const mid = collectSession(h.sessionDir);
  assert.equal(mid.profiles.length, 1);
  assert.equal(mid.profiles[0]!.stopReason, 'manual');
  assert.equal(hottestCpuFunction(mid.profiles[0]!.path), 'chunk');
  const r = await h.done;
  assert.equal(r.exitCode, 7);
  assert.equal(out, 'started\nfinished\n');
  const [last] = r.profiles;
  assert.ok(last, 'the finished run has a profile');
  assert.equal(last.stopReason, 'manual');
  const prof = readJson<{ startTime: number; endTime: number }>(last.path);
  assert.ok((prof.endTime - prof.startTime) / 1000 < 1900, `recorded ${(prof.endTime - prof.startTime) / 1000} ms of a 2000 ms run`);
});

test('a manual stop after the session folder was removed (a clean step, the user) still saves the profile there', async () => {
  const dir = scratchDir('capture-folder-removed');
  writeFiles(dir, { 'serve.js': `${busyFunction('keptWork', 10)}setInterval(keptWork, 20);\nconsole.log('ready');\n` });
  const h = await startCapture({ command: ['node', 'serve.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  try {
    await new Promise<void>((res) => h.child.stdout!.once('data', () => res()));
    await new Promise((res) => setTimeout(res, 300));
    fs.rmSync(h.sessionDir, { recursive: true, force: true });
    await h.stop();
    const mid = collectSession(h.sessionDir);
    assert.equal(mid.profiles.length, 1, mid.problems.join(' | '));
    assert.equal(mid.profiles[0]!.stopReason, 'manual');
    assert.equal(hottestCpuFunction(mid.profiles[0]!.path), 'keptWork');
  } finally {
    h.kill('SIGKILL');
    await h.done;
  }
});

test('a duration limit stops recording early', async () => {
  const dir = scratchDir('capture-duration');
  writeFiles(dir, { 'run.js': `${busyFunction('chunk', 10)}\nconst end = Date.now() + 2000;\n(function loop() { chunk(); if (Date.now() < end) setImmediate(loop); })();\n` });
  const r = await capture(dir, { command: ['node', 'run.js'], durationMs: 300 });
  const p = mainProfileOf(r, 'run.js');
  assert.equal(p.stopReason, 'duration');
  assert.ok(p.durationMs >= 250 && p.durationMs < 1500, `recorded ${p.durationMs} ms of a 2000 ms run`);
  const prof = readJson<{ startTime: number; endTime: number }>(p.path);
  assert.ok((prof.endTime - prof.startTime) / 1000 < 1500);
});

test('heap sampling attributes bytes to the allocating function', async () => {
  const dir = scratchDir('capture-heap');
  writeFiles(dir, {
    'alloc.js': `const keep = [];
function allocateBlocks() { for (let i = 0; i < 2000; i++) keep.push(new Array(2000).fill(i)); }
function smallWork() { let s = ''; for (let i = 0; i < 1000; i++) s += i; return s; }
allocateBlocks(); smallWork();
`,
  });
  const r = await capture(dir, { command: ['node', 'alloc.js'], heap: true });
  const heap = r.profiles.find((p) => p.kind === 'heap');
  assert.ok(heap, 'heap profile');
  assert.equal(r.profiles.filter((p) => p.kind === 'cpu').length, 0, 'heap only by default when --heap');
  const bytes = [...heapSelfByFunction(heap.path)].sort((a, b) => b[1] - a[1]);
  const [top] = bytes;
  assert.ok(top, 'the heap profile has allocations');
  assert.equal(top[0], 'allocateBlocks');
  assert.ok(top[1] > 10_000_000, `${top[1]} bytes`);
});

test('cpu and heap together, with a custom sampling interval', async () => {
  const dir = scratchDir('capture-both');
  writeFiles(dir, { 'both.js': `${busyFunction('spin', 200)}spin();\n` });
  const r = await capture(dir, { command: ['node', 'both.js'], cpu: true, heap: true, intervalUs: 1000 });
  assert.deepEqual(r.profiles.map((p) => p.kind).sort(), ['cpu', 'heap']);
  const cpu = readJson<{ timeDeltas: number[] }>(r.profiles.find((p) => p.kind === 'cpu')!.path);
  // The median gap between samples follows the interval (a loaded machine only stretches gaps).
  const gaps = cpu.timeDeltas.slice(1).sort((a, b) => a - b);
  const median = gaps[gaps.length >> 1]!;
  assert.ok(median >= 900, `median sample gap ${median} µs at a 1000 µs interval`);
  const dflt = await capture(scratchDir('capture-default-interval'), { command: ['node', path.join(dir, 'both.js')] });
  const [dfltProfile] = dflt.profiles;
  assert.ok(dfltProfile, 'the default-interval run has a profile');
  const dGaps = readJson<{ timeDeltas: number[] }>(dfltProfile.path).timeDeltas.slice(1).sort((a, b) => a - b);
  const dMedian = dGaps[dGaps.length >> 1]!;
  assert.ok(dMedian < 600, `median gap ${dMedian} µs at the default 100 µs`);
});

test('the agent is invisible: same stdout, stderr and exit code with and without it; loading it twice is harmless', async () => {
  const dir = scratchDir('capture-quiet');
  writeFiles(dir, {
    'noisy.js': `console.log('out', process.argv.slice(2).join(','));
console.error('err line');
process.stdout.write('exit listeners ' + process.listenerCount('exit') + '\\n');
setTimeout(() => { console.log('later'); process.exitCode = 3; }, 50);
`,
  });
  const plain = spawnSync(process.execPath, ['noisy.js', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
  const h = await startCapture({
    command: ['node', 'noisy.js', 'a', 'b'],
    cwd: dir,
    outDir: path.join(dir, 's'),
    agentPath,
    stdio: 'pipe',
    // A second --require of the same agent must not start a second recorder.
    env: { ...process.env, NODE_OPTIONS: `--require ${agentPath}` },
  });
  let out = '';
  let err = '';
  h.child.stdout!.on('data', (d: Buffer) => (out += d));
  h.child.stderr!.on('data', (d: Buffer) => (err += d));
  const r = await h.done;
  assert.equal(r.exitCode, plain.status);
  assert.equal(err, plain.stderr);
  // The only visible difference: the agent's own exit listener (one, even though loaded twice).
  assert.equal(out, plain.stdout.replace('exit listeners 0', 'exit listeners 1'));
  assert.equal(r.profiles.length, 1);
});

test('a process whose pid already has files in the folder (a reused pid, an earlier run) writes beside them, never over them', async () => {
  const dir = scratchDir('capture-pid-reuse');
  writeFiles(dir, { 'app.js': `${busyFunction('reusedPidWork', 150)}reusedPidWork();\n` });
  const sessionDir = path.join(dir, 's');
  // Recording waits for the start file, so the earlier files can be put under this very pid first.
  const h = await startCapture({ command: ['node', 'app.js'], cwd: dir, outDir: sessionDir, agentPath, stdio: 'pipe', waitForStart: true });
  const earlier = { json: path.join(sessionDir, `${h.pid}-0.json`), profile: path.join(sessionDir, `${h.pid}-0.cpuprofile`) };
  const sidecar = { version: 1, pid: h.pid, ppid: 1, threadId: 0, isMainThread: true, argv: ['node', 'earlier.js'], execArgv: [], cwd: dir, nodeVersion: process.version, kinds: ['cpu'], startTime: 1, endTime: 2, state: 'saved', files: [{ kind: 'cpu', file: path.basename(earlier.profile) }], errors: [] };
  fs.writeFileSync(earlier.json, JSON.stringify(sidecar));
  fs.writeFileSync(earlier.profile, '{"earlier":true}');
  assert.equal(await h.start(), 1);
  const r = await h.done;
  assert.deepEqual(r.problems, []);
  assert.equal(fs.readFileSync(earlier.profile, 'utf8'), '{"earlier":true}', 'the earlier profile is untouched');
  assert.equal(readJson<AgentSidecar>(earlier.json).argv[1], 'earlier.js');
  const p = mainProfileOf(r, 'app.js');
  assert.equal(path.basename(p.path), `${h.pid}-0-2.cpuprofile`);
  assert.equal(hottestCpuFunction(p.path), 'reusedPidWork');
  assert.deepEqual(collectSession(sessionDir).profiles.map((x) => path.basename(x.path)).sort(), [`${h.pid}-0-2.cpuprofile`, `${h.pid}-0.cpuprofile`]);
});

test("an outer recording's settings in the environment (flamelens run inside a recorded program) do not apply to this one", async () => {
  const dir = scratchDir('capture-outer-env');
  writeFiles(dir, { 'ticks.js': `${busyFunction('tickWork', 15)}\nlet n = 0;\nconst t = setInterval(() => { tickWork(); if (++n === 20) clearInterval(t); }, 20);\n` });
  const h = await startCapture({
    command: ['node', 'ticks.js'],
    cwd: dir,
    outDir: path.join(dir, 's'),
    agentPath,
    stdio: 'pipe',
    env: { ...process.env, FLAMELENS_DURATION_MS: '50', FLAMELENS_HEAP: '1', FLAMELENS_WAIT_FOR_START: '1' },
  });
  const r = await h.done;
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.profiles.map((p) => [p.kind, p.stopReason]), [['cpu', 'exit']], 'CPU only, recorded to the end');
});

test('a shell command line profiles every node process it runs', async () => {
  const dir = scratchDir('capture-shell');
  writeFiles(dir, { 'a.js': `${busyFunction('stepA', 300)}stepA();\n`, 'b.js': `${busyFunction('stepB', 300)}stepB();\n` });
  const r = await capture(dir, { command: 'node a.js && node b.js' });
  assert.equal(r.exitCode, 0);
  assert.equal(hottestCpuFunction(mainProfileOf(r, 'a.js').path), 'stepA');
  assert.equal(hottestCpuFunction(mainProfileOf(r, 'b.js').path), 'stepB');
});

test('a second run into the same folder reports only its own threads', async () => {
  const dir = scratchDir('capture-reuse');
  writeFiles(dir, { 'one.js': `${busyFunction('firstRun', 100)}firstRun();\n`, 'two.js': `${busyFunction('secondRun', 100)}secondRun();\n` });
  const first = await capture(dir, { command: ['node', 'one.js'] });
  assert.equal(first.profiles.length, 1);
  const second = await capture(dir, { command: ['node', 'two.js'] });
  assert.equal(second.profiles.length, 1);
  assert.ok(second.profiles[0]!.argv.some((a) => a.endsWith('two.js')));
  assert.ok(fs.existsSync(first.profiles[0]!.path), 'the earlier files stay');
});

test('a command that does not exist is a clear CaptureError; a non-node command is reported', async () => {
  const dir = scratchDir('capture-enoent');
  await assert.rejects(
    startCapture({ command: ['flamelens-no-such-command'], cwd: dir, outDir: path.join(dir, 's'), agentPath }),
    (e: unknown) => e instanceof CaptureError && e.message === 'command not found: flamelens-no-such-command',
  );
  const r = await capture(dir, { command: ['sh', '-c', 'exit 4'] });
  assert.equal(r.exitCode, 4);
  assert.equal(r.profiles.length, 0);
  const [problem] = r.problems;
  assert.ok(problem, 'a problem is reported');
  assert.match(problem, /no Node\.js process loaded the agent/);
  assert.ok(fs.existsSync(r.sessionDir));
});

// Signals under the agent, against real Node.js processes: a signal ends a recorded program as it
// would end it without the agent (at once, even while its JavaScript is busy; through the
// program's own listeners when it has some, signal-exit's rule included), and the profile is saved.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCapture, type CaptureHandle, type CaptureResult } from '../../../src/capture/launcher';
import { agentEnv } from '../../../src/capture/session';
import { buildBundles, scratchDir, writeFiles, busyFunction, hottestCpuFunction } from '../../support/capture-helpers';

let agentPath = '';
before(async () => {
  agentPath = (await buildBundles()).agent;
});

/** signal-exit as execa, ora, nyc… use it (a devDependency, so the test runs the real package). */
const signalExit = require.resolve('signal-exit');

interface Run {
  handle: CaptureHandle;
  out: () => string;
  err: () => string;
  /** Resolves once the program printed `text`. */
  printed: (text: string) => Promise<void>;
}

async function launch(dir: string, script: string, env?: NodeJS.ProcessEnv): Promise<Run> {
  const handle = await startCapture({ command: ['node', script], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe', env: env && { ...process.env, ...env } });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  handle.child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  handle.child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const printed = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => (out.includes(text) ? resolve() : waiters.push(check));
      check();
    });
  return { handle, out: () => out, err: () => err, printed };
}

/** The capture's result; a program the signal did not end within `ms` is killed and the test fails. */
async function endedWithin(run: Run, ms: number, what: string): Promise<CaptureResult> {
  const timer = setTimeout(() => run.handle.kill('SIGKILL'), ms);
  const r = await run.handle.done;
  clearTimeout(timer);
  assert.notEqual(r.signal, 'SIGKILL', `${what}: the program did not end within ${ms} ms (killed); output: ${run.out()}`);
  return r;
}

function mainProfile(r: CaptureResult) {
  const p = r.profiles.find((x) => x.isMainThread && x.kind === 'cpu');
  assert.ok(p, `no main-thread profile; problems: ${r.problems.join(' | ')}`);
  return p;
}

/** Whether this Node.js lets a worker thread hold a signal (Node.js 24 removed the binding): see signal-watch.ts. */
function threadsCanHoldSignals(): boolean {
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return typeof (process as unknown as { binding(n: string): { Signal?: unknown } }).binding('signal_wrap').Signal === 'function';
  } catch {
    return false;
  } finally {
    process.noDeprecation = quiet;
  }
}

const busySignalSkip = threadsCanHoldSignals() ? false : `Node.js ${process.version}: no thread can hold a signal; a busy program gets it when its loop turns (README)`;

test('SIGINT ends a program whose main thread and worker are busy in JavaScript at once, as without the agent; both profiles are saved', { skip: busySignalSkip }, async () => {
  const dir = scratchDir('signal-busy');
  writeFiles(dir, {
    // Busy far longer than the test waits: without the signal thread, SIGINT waited for the loop to
    // end and was then lost (the program finished with code 0).
    'busy.js': `${busyFunction('mainSpin', 20000)}
const { Worker } = require('node:worker_threads');
new Worker(__dirname + '/worker.js').on('message', () => { console.log('ready'); mainSpin(); console.log('finished'); });
`,
    'worker.js': `${busyFunction('workerSpin', 20000)}require('node:worker_threads').parentPort.postMessage('up');\nworkerSpin();\n`,
  });
  const run = await launch(dir, 'busy.js');
  await run.printed('ready');
  await new Promise((r) => setTimeout(r, 400));
  run.handle.kill('SIGINT');
  const r = await endedWithin(run, 8000, 'busy program');
  assert.equal(r.signal, 'SIGINT');
  assert.doesNotMatch(run.out(), /finished/);
  const main = mainProfile(r);
  assert.equal(main.stopReason, 'SIGINT');
  assert.equal(hottestCpuFunction(main.path), 'mainSpin');
  const worker = r.profiles.find((p) => !p.isMainThread);
  assert.ok(worker, `worker profile; got ${r.profiles.map((p) => p.label).join(', ')}`);
  assert.equal(worker.stopReason, 'SIGINT');
  assert.equal(hottestCpuFunction(worker.path), 'workerSpin');
  // The agent's signal thread records nothing and is no thread of the program's.
  assert.equal(r.threads.length, 2, r.threads.map((t) => `${t.pid}-${t.threadId}`).join(', '));
  assert.deepEqual(r.problems, []);
  assert.equal(run.err(), '');
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`a program using signal-exit ends by ${signal} with its exit callback run, as without the agent`, async () => {
    const dir = scratchDir(`signal-exit-${signal}`);
    writeFiles(dir, {
      'app.js': `${busyFunction('appWork', 150)}
const { onExit } = require(${JSON.stringify(signalExit)});
onExit((code, signal) => { require('node:fs').writeSync(1, 'onExit ' + code + ' ' + signal + '\\n'); });
appWork();
console.log('ready');
setInterval(() => {}, 1000);
`,
    });
    const run = await launch(dir, 'app.js');
    await run.printed('ready');
    run.handle.kill(signal);
    // The agent's own listener broke signal-exit's count: neither side ended the program.
    const r = await endedWithin(run, 5000, 'signal-exit program');
    assert.equal(r.signal, signal);
    assert.match(run.out(), new RegExp(`onExit null ${signal}`));
    const p = mainProfile(r);
    assert.equal(p.stopReason, signal);
    assert.equal(hottestCpuFunction(p.path), 'appWork');
    assert.equal(run.err(), '');
  });
}

test('signal-exit in a program busy when SIGINT came: its callback runs once the loop turns, then the signal ends it', async () => {
  const dir = scratchDir('signal-exit-busy');
  writeFiles(dir, {
    'app.js': `${busyFunction('startupWork', 1500)}
const { onExit } = require(${JSON.stringify(signalExit)});
onExit((code, signal) => { require('node:fs').writeSync(1, 'onExit ' + code + ' ' + signal + '\\n'); });
console.log('ready');
startupWork();
console.log('spun');
setInterval(() => {}, 1000);
`,
  });
  const run = await launch(dir, 'app.js');
  await run.printed('ready');
  run.handle.kill('SIGINT');
  const r = await endedWithin(run, 6000, 'busy signal-exit program');
  assert.equal(r.signal, 'SIGINT');
  // As without the agent: the program's listener runs when the loop turns, after the work.
  assert.match(run.out(), /spun\n[^]*onExit null SIGINT/);
  assert.equal(mainProfile(r).stopReason, 'SIGINT');
});

test("a program's own signal handlers decide: one ignored SIGINT, then an exit code of its own; nothing is printed by the agent", async () => {
  const dir = scratchDir('signal-handler');
  writeFiles(dir, {
    'serve.js': `${busyFunction('handle', 100)}
let seen = 0;
process.on('SIGINT', () => {
  seen++;
  console.log('SIGINT ' + seen);
  if (seen === 2) process.exit(3);
});
handle();
console.log('ready');
setInterval(() => {}, 1000);
`,
  });
  const run = await launch(dir, 'serve.js');
  await run.printed('ready');
  run.handle.kill('SIGINT');
  await run.printed('SIGINT 1');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(run.handle.child.exitCode, null, 'the first SIGINT is the program’s to ignore');
  run.handle.kill('SIGINT');
  const r = await endedWithin(run, 5000, 'program with its own handler');
  assert.equal(r.exitCode, 3);
  const p = mainProfile(r);
  assert.equal(p.stopReason, 'exit');
  assert.equal(hottestCpuFunction(p.path), 'handle');
  // An inspector session left connected makes process.exit() print "Waiting for the debugger to disconnect...".
  assert.equal(run.err(), '');
});

test(`${agentEnv.noSignalWatch}=1 (the path where no thread can hold a signal: Node.js 24): a program using signal-exit still ends by SIGTERM and saves`, async () => {
  const dir = scratchDir('signal-exit-no-watch');
  writeFiles(dir, {
    'app.js': `${busyFunction('appWork', 150)}
const { onExit } = require(${JSON.stringify(signalExit)});
onExit((code, signal) => { require('node:fs').writeSync(1, 'onExit ' + code + ' ' + signal + '\\n'); });
appWork();
console.log('ready');
setInterval(() => {}, 1000);
`,
  });
  const run = await launch(dir, 'app.js', { [agentEnv.noSignalWatch]: '1' });
  await run.printed('ready');
  run.handle.kill('SIGTERM');
  // The agent's listener steps aside while the program's run, and catches signal-exit's re-raise.
  const r = await endedWithin(run, 5000, 'signal-exit program without the signal thread');
  assert.equal(r.signal, 'SIGTERM');
  assert.match(run.out(), /onExit null SIGTERM/);
  const p = mainProfile(r);
  assert.equal(p.stopReason, 'SIGTERM');
  assert.equal(hottestCpuFunction(p.path), 'appWork');
});

test(`${agentEnv.noSignalWatch}=1 keeps the main-thread listener: SIGTERM still saves the profile and ends the program by the signal`, async () => {
  const dir = scratchDir('signal-no-watch');
  writeFiles(dir, { 'serve.js': `${busyFunction('tick', 20)}setInterval(tick, 25);\nconsole.log('ready');\n` });
  const run = await launch(dir, 'serve.js', { [agentEnv.noSignalWatch]: '1' });
  await run.printed('ready');
  await new Promise((r) => setTimeout(r, 300));
  run.handle.kill('SIGTERM');
  const r = await endedWithin(run, 5000, 'program without the signal thread');
  assert.equal(r.signal, 'SIGTERM');
  const p = mainProfile(r);
  assert.equal(p.stopReason, 'SIGTERM');
  assert.equal(hottestCpuFunction(p.path), 'tick');
});

test('a stop request reaches a program stuck in a computation: the main thread and its worker save, and the program runs on', async () => {
  const dir = scratchDir('stop-busy');
  writeFiles(dir, {
    'stuck.js': `${busyFunction('stuckLoop', 30000)}
const { Worker } = require('node:worker_threads');
new Worker(__dirname + '/worker.js').on('message', () => { console.log('ready'); stuckLoop(); });
`,
    'worker.js': `${busyFunction('workerLoop', 30000)}require('node:worker_threads').parentPort.postMessage('up');\nworkerLoop();\n`,
  });
  const run = await launch(dir, 'stuck.js');
  await run.printed('ready');
  await new Promise((r) => setTimeout(r, 400));
  // Its own poll of the stop file needs the event loop, which the computation never lets turn.
  await run.handle.stop(5000);
  assert.equal(run.handle.child.exitCode, null, 'still running after the stop');
  run.handle.kill('SIGKILL');
  const r = await run.handle.done;
  const main = mainProfile(r);
  assert.equal(main.stopReason, 'manual');
  assert.equal(hottestCpuFunction(main.path), 'stuckLoop');
  const worker = r.profiles.find((p) => !p.isMainThread);
  assert.ok(worker, `worker profile; got ${r.profiles.map((p) => p.label).join(', ')}; problems: ${r.problems.join(' | ')}`);
  assert.equal(worker.stopReason, 'manual');
  assert.equal(hottestCpuFunction(worker.path), 'workerLoop');
});

test('a recording duration ends on time in a program that computes throughout', async () => {
  const dir = scratchDir('duration-busy');
  writeFiles(dir, { 'stuck.js': `${busyFunction('computeAll', 30000)}console.log('ready');\ncomputeAll();\n` });
  const handle = await startCapture({ command: ['node', 'stuck.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe', durationMs: 500 });
  const sidecar = path.join(handle.sessionDir, `${handle.pid}-0.json`);
  const saved = (): { state?: string; stopReason?: string } => {
    try {
      return JSON.parse(fs.readFileSync(sidecar, 'utf8')) as { state?: string; stopReason?: string };
    } catch {
      return {};
    }
  };
  const deadline = Date.now() + 8000;
  while (saved().state !== 'saved' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(handle.child.exitCode, null, 'the program still computes');
  handle.kill('SIGKILL');
  const r = await handle.done;
  assert.equal(saved().state, 'saved', 'saved before the computation ended');
  const p = mainProfile(r);
  assert.equal(p.stopReason, 'duration');
  assert.equal(hottestCpuFunction(p.path), 'computeAll');
  assert.ok(p.durationMs < 5000, `recorded ${p.durationMs} ms`);
});

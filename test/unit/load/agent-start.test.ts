// The agent's start-on-signal mode (FLAMELENS_WAIT_FOR_START, used by `flamelens load`): a real
// program loads the agent but nothing is recorded until the launcher's start(); work done before
// it is absent from the profile.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBundles, busyFunction, cpuSelfByFunction, scratchDir, writeFiles } from '../../support/capture-helpers';
import { readSidecars, startCapture } from '../../../src/capture/launcher';

let agent = '';
before(async () => {
  agent = (await buildBundles()).agent;
});

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Does beforeStartWork until the file `go` appears, then afterStartWork; ends on SIGTERM. Run with
 * `--no-use-osr`: a loop's OSR code compiled before the profiler starts is not always known to it,
 * and its samples then land on the caller (a V8 limit of profiles started late; see README).
 */
const node = [process.execPath, '--no-use-osr'];
const program = `const fs = require('node:fs');
${busyFunction('beforeStartWork', 5)}
${busyFunction('afterStartWork', 5)}
let before = 0;
let phase = 'before';
setInterval(() => {
  if (phase === 'before') {
    beforeStartWork();
    if (++before === 20) fs.writeFileSync('busy-before', '');
    if (fs.existsSync('go')) { phase = 'after'; fs.writeFileSync('switched', ''); }
  } else afterStartWork();
}, 5);
process.on('SIGTERM', () => process.exit(0));
`;

test('waitForStart: nothing is recorded before start(); the profile holds only what ran after it', { timeout: 120_000 }, async () => {
  const dir = scratchDir('load-agent-start');
  writeFiles(dir, { 'prog.js': program });
  const outDir = path.join(dir, 'out');
  const handle = await startCapture({ command: [...node, 'prog.js'], cwd: dir, outDir, waitForStart: true, stdio: 'ignore', agentPath: agent, waitForOthersMs: 2000 });
  try {
    await until('the program to be busy before the start', () => fs.existsSync(path.join(dir, 'busy-before')));
    assert.deepEqual(readSidecars(outDir), [], 'no thread announced itself before the start');
    fs.writeFileSync(path.join(dir, 'go'), '');
    await until('the program to switch', () => fs.existsSync(path.join(dir, 'switched')));
    const requested = Date.now();
    assert.equal(await handle.start(10_000), 1);
    const sidecar = readSidecars(outDir)[0]!;
    assert.equal(sidecar.state, 'recording');
    assert.ok(sidecar.startTime >= requested);
    await new Promise((r) => setTimeout(r, 500));
    await handle.stop(10_000);
    handle.kill('SIGTERM');
    const result = await handle.done;
    assert.equal(result.profiles.length, 1, result.problems.join('; '));
    const self = cpuSelfByFunction(result.profiles[0]!.path);
    assert.ok((self.get('afterStartWork') ?? 0) > 0, `afterStartWork sampled: ${[...self.keys()].join(', ')}`);
    assert.equal(self.get('beforeStartWork'), undefined, 'work before the start is not in the profile');
  } finally {
    handle.kill('SIGKILL');
  }
});

test('waitForStart: a stop before any start leaves the program unrecorded, with nothing waited for', { timeout: 60_000 }, async () => {
  const dir = scratchDir('load-agent-nostart');
  writeFiles(dir, { 'prog.js': program });
  const outDir = path.join(dir, 'out');
  const handle = await startCapture({ command: [...node, 'prog.js'], cwd: dir, outDir, waitForStart: true, stdio: 'ignore', agentPath: agent, waitForOthersMs: 2000 });
  try {
    await until('the program to be busy', () => fs.existsSync(path.join(dir, 'busy-before')));
    await handle.stop(1000);
    // A start after the stop is not obeyed either: the stop ended the wait.
    assert.equal(await handle.start(500), 0);
    handle.kill('SIGTERM');
    const result = await handle.done;
    assert.deepEqual(result.profiles, []);
    assert.deepEqual(result.threads, []);
  } finally {
    handle.kill('SIGKILL');
  }
});

test('waitForStart: a worker thread started before the start is recorded from the start on', { timeout: 120_000 }, async () => {
  const dir = scratchDir('load-agent-worker');
  writeFiles(dir, {
    'prog.js': `const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
const w = new Worker('./worker.js');
w.on('message', () => fs.writeFileSync('worker-up', ''));
process.on('SIGTERM', () => w.terminate().then(() => process.exit(0)));
setInterval(() => {}, 1000);
`,
    'worker.js': `const { parentPort } = require('node:worker_threads');
${busyFunction('workerLoopWork', 3)}
parentPort.postMessage('up');
setInterval(workerLoopWork, 5);
`,
  });
  const outDir = path.join(dir, 'out');
  const handle = await startCapture({ command: [...node, 'prog.js'], cwd: dir, outDir, waitForStart: true, stdio: 'ignore', agentPath: agent, waitForOthersMs: 2000 });
  try {
    await until('the worker to run', () => fs.existsSync(path.join(dir, 'worker-up')));
    assert.deepEqual(readSidecars(outDir), []);
    assert.equal(await handle.start(10_000) >= 1, true);
    await until('both threads to record', () => readSidecars(outDir).length === 2);
    await new Promise((r) => setTimeout(r, 500));
    await handle.stop(10_000);
    handle.kill('SIGTERM');
    const result = await handle.done;
    assert.equal(result.profiles.length, 2, result.problems.join('; '));
    const worker = result.profiles.find((p) => !p.isMainThread);
    assert.ok(worker, 'the worker saved a profile');
    assert.ok((cpuSelfByFunction(worker.path).get('workerLoopWork') ?? 0) > 0);
  } finally {
    handle.kill('SIGKILL');
  }
});

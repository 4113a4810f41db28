// An inspector FlameLens opened must not stay open after it is done with the target (any local user
// could connect and run code in it), even when the attach goes wrong:
// - a target whose main thread is blocked in a synchronous call when it gets SIGUSR1 opens its
//   inspector only once free, after the attach gave up waiting: FlameLens watches and closes it,
//   in-process for the extension host, from a detached process for the CLI (which exits at once);
// - FlameLens killed mid-capture (SIGKILL: no leave) — a watchdog left in the target closes it.
// Real processes throughout: targets block in execSync('sleep N'); the CLI is a real bundle.
import { after, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { attach } from '../../../src/capture/attach';
import { AttachError } from '../../../src/capture/attach-errors';
import { findInspector } from '../../../src/capture/processes';
import { buildBundles, runCli } from '../../support/capture-helpers';
import { isRunning, killAllTargets, scratchDir, startTarget } from '../../support/attach-targets';

after(killAllTargets);

/** A target that is ready, then blocks its main thread for `seconds` in a child process wait. */
function blockedTarget(seconds: number, name: string) {
  return startTarget(`console.log('ready'); require('node:child_process').execSync('sleep ${seconds}'); console.log('free'); setInterval(() => {}, 1000);`, {
    nodeArgs: ['--inspect-port=0'],
    name,
  });
}

/** Polls until the target has no inspector listening; false if it still has one after `ms`. */
async function inspectorGoneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await findInspector(pid)) === undefined) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('an inspector opened after attach gave up', () => {
  it('is closed again by the extension host (in-process watch)', async () => {
    const target = await blockedTarget(3, 'late-inproc');
    await target.waitFor(/ready/);
    await assert.rejects(attach({ pid: target.pid }, { outDir: scratchDir('late'), openTimeoutMs: 800 }), (e: unknown) => {
      assert.ok(e instanceof AttachError && e.code === 'inspector-not-opened', String(e));
      assert.equal(e.signalledPid, target.pid);
      assert.match(e.message, /FlameLens closes it again: it watches for 15 minutes/);
      return true;
    });
    // It does open, once the sleep is over...
    await target.waitFor(/Debugger listening on ws:\/\/127\.0\.0\.1:\d+/, 10_000);
    // ...and is closed again, with the target still running.
    await target.waitFor(/Debugger ending on/, 10_000);
    assert.ok(await inspectorGoneWithin(target.pid, 5000), 'the late inspector was closed');
    assert.ok(isRunning(target.child));
    await target.waitFor(/free/);
  });

  it('is closed again after the CLI exited with its error (detached watcher)', async () => {
    const { cli } = await buildBundles();
    // The CLI waits 5 s for the inspector; the target is blocked for 7.
    const target = await blockedTarget(7, 'late-cli');
    await target.waitFor(/ready/);
    const t0 = Date.now();
    const run = runCli(cli, ['attach', String(target.pid), '--duration', '1s', '--out', scratchDir('late-cli-out')]);
    const cliMs = Date.now() - t0;
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /did not open an inspector within 5000 ms of SIGUSR1.*FlameLens closes it again/);
    // The CLI did not wait for the target to unblock.
    assert.ok(cliMs < 6900, `the CLI returned after ${cliMs} ms`);
    await target.waitFor(/Debugger listening on/, 15_000);
    await target.waitFor(/Debugger ending on/, 10_000);
    assert.ok(await inspectorGoneWithin(target.pid, 5000), 'the late inspector was closed by the detached watcher');
    assert.ok(isRunning(target.child));
  });
});

describe('FlameLens killed while attached', () => {
  it('the inspector it opened is closed by the watchdog it left in the target; the target runs on', async () => {
    const { cli } = await buildBundles();
    const target = await startTarget(`console.log('ready'); setInterval(() => { let s = 0; for (let i = 0; i < 1e5; i++) s += i; }, 10);`, { nodeArgs: ['--inspect-port=0'], name: 'killed-attacher' });
    await target.waitFor(/ready/);
    const attacher = spawn(process.execPath, [cli, 'attach', String(target.pid), '--out', scratchDir('killed-attacher-out')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      attacher.stderr!.setEncoding('utf8').on('data', (t: string) => {
        err += t;
        if (/recording CPU profile of pid/.test(err)) resolve();
      });
      attacher.once('exit', () => reject(new Error(`the CLI exited before recording:\n${err}`)));
    });
    assert.ok(await findInspector(target.pid), 'recording through the inspector FlameLens opened');
    attacher.kill('SIGKILL');
    // The watchdog looks every second; the session's socket closes with the process.
    assert.ok(await inspectorGoneWithin(target.pid, 6000), 'the inspector was closed after its attacher died');
    assert.ok(isRunning(target.child));
  });
});

// SIGUSR1 goes only to processes that catch it. A program that is merely named `node` would be
// killed by it (its default action), so besides the name FlameLens checks the process's SigCgt
// mask in /proc/PID/status. Tested with real non-Node processes named `node`.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attach } from '../../../src/capture/attach';
import { AttachError } from '../../../src/capture/attach-errors';
import { catchesSignal } from '../../../src/capture/processes';
import { bundleCli, isRunning, killAllTargets, LEAKY_PROGRAM, scratchDir, startCli, startProgram, startTarget } from '../../support/attach-targets';

after(killAllTargets);

/** A copy of /bin/sleep called `node`, sleeping: passes the name check, has no SIGUSR1 handler. */
function startFakeNode(): { pid: number; child: ReturnType<typeof startProgram> } {
  const file = path.join(scratchDir('fake-node'), 'node');
  fs.copyFileSync(fs.realpathSync('/bin/sleep'), file);
  fs.chmodSync(file, 0o755);
  const child = startProgram(file, ['120']);
  return { pid: child.pid!, child };
}

/** Waits until the kernel shows the started program (exec done), so /proc reports its own executable. */
async function execDone(pid: number, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const exe = fs.readlinkSync(`/proc/${pid}/exe`);
    if (path.basename(exe) === name) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`pid ${pid} did not exec ${name}`);
}

describe('SIGUSR1 only to processes that catch it', () => {
  it('reads SigCgt: a real Node process catches SIGUSR1, a copy of sleep named node does not', async () => {
    const node = await startTarget(LEAKY_PROGRAM, { args: ['10'], name: 'sigcgt-node' });
    assert.equal(await catchesSignal(node.pid, 'SIGUSR1'), true);
    const fake = startFakeNode();
    await execDone(fake.pid, 'node');
    assert.equal(await catchesSignal(fake.pid, 'SIGUSR1'), false);
    await assert.rejects(catchesSignal(999_999_999, 'SIGUSR1'), /ENOENT/);
  });

  it('a binary named node that does not catch SIGUSR1 is refused with a clear AttachError, and stays alive', async () => {
    const fake = startFakeNode();
    await execDone(fake.pid, 'node');
    await assert.rejects(attach({ pid: fake.pid }, { outDir: scratchDir('fake-node-out') }), (e: unknown) => {
      assert.ok(e instanceof AttachError, String(e));
      assert.equal(e.code, 'no-sigusr1-handler', e.message);
      assert.match(e.message, new RegExp(`pid ${fake.pid} \\(\\S+/node\\) is named like Node\\.js, but it has no SIGUSR1 handler .*FlameLens did not send it`));
      assert.match(e.message, /start it with --inspect and attach by host:port/);
      return true;
    });
    // Had it been signalled, SIGUSR1's default action would have ended it by now.
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(isRunning(fake.child), 'the fake node still runs');
  });

  it('the CLI exits 2 with the reason, and the program keeps running', async () => {
    const fake = startFakeNode();
    await execDone(fake.pid, 'node');
    const cli = await bundleCli();
    const run = await startCli(cli, ['attach', String(fake.pid), '--out', scratchDir('fake-node-cli')]).exited;
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /is named like Node\.js, but it has no SIGUSR1 handler/);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(isRunning(fake.child));
  });

  it('a shell script named node is refused too, and stays alive', async () => {
    const script = path.join(scratchDir('script-node'), 'node');
    fs.writeFileSync(script, '#!/bin/sh\nsleep 120\n', { mode: 0o755 });
    const child = startProgram(script, []);
    const deadline = Date.now() + 10_000;
    while (!fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').includes(script) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(attach({ pid: child.pid! }, { outDir: scratchDir('script-node-out') }), (e: unknown) => {
      assert.ok(e instanceof AttachError, String(e));
      assert.ok(e.code === 'not-node' || e.code === 'no-sigusr1-handler', e.message);
      return true;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(isRunning(child));
  });
});

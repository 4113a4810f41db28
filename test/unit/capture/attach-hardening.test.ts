// `flamelens attach` never leaves an inspector it opened listening and never hangs, whatever goes
// wrong: an output folder that cannot be created or written, the target killed or closing its
// inspector mid-recording, Ctrl+C twice, SIGTERM of the CLI itself. Every test runs the real CLI
// (src/cli/main.ts bundled) against a real Node process whose inspector it opens with SIGUSR1, then
// checks the target's inspector port refuses connections and the target still runs (where it should).
//
// These tests run as root here, and root writes through permission bits (chmod 0o500 stops nobody),
// so "cannot be written" is made with what root cannot write through either: a regular file where
// the folder (or one of its parents) should be, giving EEXIST / ENOTDIR.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findInspector } from '../../../src/capture/processes';
import { parseProfile } from '../../../src/model/import';
import { assertLeftAsFound, bundleCli, connectionRefused, isRunning, killAllTargets, openedPort, scratchDir, startCli, startTarget } from '../../support/attach-targets';
import type { Target } from '../../support/attach-targets';

after(killAllTargets);

/**
 * Burns a little CPU in hotLoop every 20 ms; on stdin, "block MS" runs a synchronous loop for MS
 * (the target then answers no protocol command) and "close-inspector" closes its own inspector.
 */
const WORKER_PROGRAM = `
// 2 ms of work every 20 ms: surely sampled, yet light on a shared machine.
function hotLoop() { let x = 0; const end = Date.now() + 2; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
setInterval(hotLoop, 20);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  const block = /block (\\d+)/.exec(text);
  if (block) { console.log('blocking'); const end = Date.now() + Number(block[1]); while (Date.now() < end) hotLoop(); console.log('unblocked'); }
  if (/close-inspector/.test(text)) { require('node:inspector').close(); console.log('inspector closed'); }
});
console.log('ready');
`;

let cli: string;
before(async () => {
  cli = await bundleCli();
});

/** A target without an inspector; --inspect-port=0 makes the one SIGUSR1 opens take a free port. */
function startWorker(name: string): Promise<Target> {
  return startTarget(WORKER_PROGRAM, { nodeArgs: ['--inspect-port=0'], name });
}

function profilesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
}

describe('attach hardening: an output folder that cannot be used is refused before the target is touched', () => {
  it('--out naming an existing file: exit 2 with the cause, the target never signalled', async () => {
    const target = await startWorker('hard-out-file');
    const file = path.join(scratchDir('hard-out-file'), 'not-a-folder');
    fs.writeFileSync(file, 'in the way');
    const run = await startCli(cli, ['attach', String(target.pid), '--out', file]).exited;
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /cannot write to the output folder \S*not-a-folder: EEXIST \(a file is in the way\)/);
    assert.doesNotMatch(run.stderr, /internal error/);
    assert.doesNotMatch(target.stderr(), /Debugger listening/, 'no SIGUSR1 was sent');
    assert.ok(isRunning(target.child));
    assert.equal(await findInspector(target.pid), undefined);
    assert.equal(fs.readFileSync(file, 'utf8'), 'in the way', 'the file is untouched');
  });

  it('--out under a regular file (ENOTDIR: root cannot create it either): exit 2, nothing created, target untouched', async () => {
    const target = await startWorker('hard-out-notdir');
    const parent = path.join(scratchDir('hard-out-notdir'), 'file');
    fs.writeFileSync(parent, '');
    const run = await startCli(cli, ['attach', String(target.pid), '--out', path.join(parent, 'profiles', 'today')]).exited;
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /cannot write to the output folder \S*file\/profiles\/today: ENOTDIR \(a parent in the path is a file, not a folder\); nothing was attached/);
    assert.doesNotMatch(target.stderr(), /Debugger listening/, 'no SIGUSR1 was sent');
    assert.ok(isRunning(target.child));
    assert.equal(await findInspector(target.pid), undefined);
  });

  it('a cancelled attach removes the output folder it created (nothing else was written there)', async () => {
    const target = await startWorker('hard-out-cleanup');
    const out = path.join(scratchDir('hard-out-cleanup'), 'new', 'nested');
    const run = startCli(cli, ['attach', String(target.pid), '--out', out]);
    await run.waitForStderr(/until Ctrl\+C/);
    assert.ok(fs.existsSync(out), 'created before attaching');
    const port = await openedPort(target);
    run.child.kill('SIGTERM');
    const result = await run.exited;
    assert.equal(result.code, 143, result.stderr);
    assert.ok(!fs.existsSync(path.dirname(out)), 'both folders it created are gone');
    await assertLeftAsFound(target, port);
  });
});

describe('attach hardening: a write that fails after the inspector was opened', () => {
  it('the folder is replaced by a file while recording: the profile is saved to a temporary folder, exit 2, inspector closed', async () => {
    const target = await startWorker('hard-write-fallback');
    const out = path.join(scratchDir('hard-write-fallback'), 'profiles');
    const run = startCli(cli, ['attach', String(target.pid), '--out', out]);
    await run.waitForStderr(/until Ctrl\+C/);
    const port = await openedPort(target);
    fs.rmSync(out, { recursive: true });
    fs.writeFileSync(out, 'in the way');
    run.child.kill('SIGINT');
    const result = await run.exited;
    assert.equal(result.code, 2, result.stderr);
    const saved = /could not write the CPU profile to \S*profiles\/flamelens-\S+\.cpuprofile \(ENOTDIR \(a parent in the path is a file, not a folder\)\); saved it to (\S+\.cpuprofile) instead/.exec(result.stderr);
    assert.ok(saved, result.stderr);
    try {
      const profile = parseProfile(fs.readFileSync(saved[1]!));
      assert.equal(profile.kind, 'cpu', 'a whole, valid CPU profile was saved');
      assert.match(result.stdout, /Top functions by self time:/, 'the report of the saved profile is printed');
      assert.deepEqual(fs.readdirSync(path.dirname(saved[1]!)), [path.basename(saved[1]!)], 'no temporary file left beside it');
    } finally {
      fs.rmSync(path.dirname(saved[1]!), { recursive: true, force: true });
    }
    assert.match(result.stderr, /inspector closed again/);
    await assertLeftAsFound(target, port);
  });

  it('neither the folder nor the temporary folder can be written: exit 2, says what was lost, inspector closed', async () => {
    const target = await startWorker('hard-write-lost');
    const dir = scratchDir('hard-write-lost');
    const out = path.join(dir, 'profiles');
    const noTemp = path.join(dir, 'tmp-is-a-file');
    fs.writeFileSync(noTemp, '');
    const run = startCli(cli, ['attach', String(target.pid), '--out', out], { TMPDIR: noTemp });
    await run.waitForStderr(/until Ctrl\+C/);
    const port = await openedPort(target);
    fs.rmSync(out, { recursive: true });
    fs.writeFileSync(out, 'in the way');
    run.child.kill('SIGINT');
    const result = await run.exited;
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /could not write the CPU profile to \S+ \(ENOTDIR \([^)]*\)\), nor to a temporary folder \(ENOTDIR \([^)]*\)\)/);
    assert.match(result.stderr, /lost the CPU profile:/);
    assert.doesNotMatch(result.stderr, /internal error/);
    await assertLeftAsFound(target, port);
  });
});

describe('attach hardening: the recording ends without the CLI asking', () => {
  it('the target is killed mid-recording: exit 3 at once, says it exited, its port is gone', async () => {
    const target = await startWorker('hard-killed');
    const out = scratchDir('hard-killed');
    const run = startCli(cli, ['attach', String(target.pid), '--out', out]);
    await run.waitForStderr(/until Ctrl\+C/);
    const port = await openedPort(target);
    target.child.kill('SIGKILL');
    const result = await run.exited;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, new RegExp(`pid ${target.pid} exited during the capture`));
    assert.match(result.stderr, /lost the CPU profile/);
    // Its inspector ended with it: nothing to warn about (it once said "exited while the inspector was being closed").
    assert.doesNotMatch(result.stderr, /warning/);
    assert.ok(await connectionRefused('127.0.0.1', port));
    assert.deepEqual(profilesIn(out), []);
  });

  it('the target closes its own inspector mid-recording: exit 3, connection lost, target still running with the port closed', async () => {
    const target = await startWorker('hard-lost');
    const out = scratchDir('hard-lost');
    const run = startCli(cli, ['attach', String(target.pid), '--out', out]);
    await run.waitForStderr(/until Ctrl\+C/);
    const port = await openedPort(target);
    target.child.stdin!.write('close-inspector\n');
    const result = await run.exited;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /closed during the capture/);
    await assertLeftAsFound(target, port);
  });
});

describe('attach hardening: the user ends the CLI', () => {
  it('Ctrl+C twice cancels (exit 130): nothing written, inspector closed, target running', async () => {
    const target = await startWorker('hard-ctrlc');
    const out = scratchDir('hard-ctrlc');
    const run = startCli(cli, ['attach', String(target.pid), '--out', out]);
    await run.waitForStderr(/until Ctrl\+C/);
    const port = await openedPort(target);
    // Keep the target from answering Profiler.stop for a while, so the second Ctrl+C surely lands while stopping.
    target.child.stdin!.write('block 3000\n');
    await target.waitFor(/blocking/);
    run.child.kill('SIGINT');
    await run.waitForStderr(/stopping…/);
    run.child.kill('SIGINT');
    const result = await run.exited;
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /cancelled; nothing was written/);
    assert.deepEqual(profilesIn(out), []);
    await assertLeftAsFound(target, port);
  });

  it('SIGTERM while the inspector is being opened: exit 143, the just-opened inspector is closed again', async () => {
    const target = await startWorker('hard-sigterm-attaching');
    const run = startCli(cli, ['attach', String(target.pid), '--out', scratchDir('hard-sigterm-attaching')]);
    await run.waitForStderr(/sending SIGUSR1/);
    run.child.kill('SIGTERM');
    const result = await run.exited;
    assert.equal(result.code, 143, result.stderr);
    assert.match(result.stderr, /terminated \(SIGTERM\): cancelled/);
    await assertLeftAsFound(target, await openedPort(target));
  });

  for (const [signal, code, said] of [
    ['SIGTERM', 143, /terminated \(SIGTERM\): cancelled; nothing was written/],
    ['SIGHUP', 129, /hung up \(SIGHUP\): cancelled; nothing was written/],
  ] as const) {
    it(`${signal} to the CLI cancels like a second Ctrl+C (exit ${code}): inspector closed, target running`, async () => {
      const target = await startWorker(`hard-${signal.toLowerCase()}`);
      const out = scratchDir(`hard-${signal.toLowerCase()}`);
      const run = startCli(cli, ['attach', String(target.pid), '--out', out]);
      await run.waitForStderr(/until Ctrl\+C/);
      const port = await openedPort(target);
      run.child.kill(signal);
      const result = await run.exited;
      assert.equal(result.code, code, result.stderr);
      assert.equal(result.signal, null, 'the CLI exited by itself after cleaning up, not by the signal');
      assert.match(result.stderr, said);
      assert.match(result.stderr, /inspector closed again/);
      assert.deepEqual(profilesIn(out), []);
      await assertLeftAsFound(target, port);
    });
  }
});

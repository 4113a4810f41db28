// A target that ends while FlameLens is attached (process.exit(), or nothing left to run) would
// wait for the debugger to disconnect for ever. FlameLens notices (NodeRuntime.waitingForDisconnect),
// saves what was recorded until then, disconnects at once so the target can end, and says so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { attach } from '../../../src/capture/attach';
import { parseProfile } from '../../../src/model/import';
import { bundleCli, exitsWithin, killAllTargets, scratchDir, startCli, startTarget } from '../../support/attach-targets';
import type { Target } from '../../support/attach-targets';

after(killAllTargets);

/**
 * On stdin "exit-after MS" burns a little CPU in hotLoop and calls process.exit(0) MS later; "end"
 * lets the event loop empty. hotLoop first runs once the recording is on: V8 keeps an inlined
 * function's own frame only for code it optimizes while the profiler runs (README, known limits), and
 * a loop running before the attach had hotLoop inlined into listOnTimeout in one CI run.
 */
const EXITING_PROGRAM = `
// 5 ms of work every 20 ms: surely sampled (even with the CPU shared), yet light on a shared machine.
function hotLoop() { let x = 0; const end = Date.now() + 5; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
let timer;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  const m = /exit-after (\\d+)/.exec(text);
  if (m) { timer = setInterval(hotLoop, 20); setTimeout(() => process.exit(0), Number(m[1])); }
  if (/^end$/m.test(text)) { clearInterval(timer); process.stdin.destroy(); }
});
console.log('ready');
`;

function startExiting(name: string): Promise<Target> {
  return startTarget(EXITING_PROGRAM, { nodeArgs: ['--inspect-port=0'], name });
}

/** Resolves with the value, or rejects with `what` when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

let cli: string;
before(async () => {
  cli = await bundleCli();
});

describe('a target that exits while attached', () => {
  it('CLI without --duration: the target calls process.exit() after ~2 s; the CLI saves, lets it exit, says so, exits 0', async () => {
    const target = await startExiting('exits-cli');
    const out = scratchDir('exits-cli');
    const run = startCli(cli, ['attach', String(target.pid), '--out', out]);
    await run.waitForStderr(/until Ctrl\+C/);
    target.child.stdin!.write('exit-after 2000\n');
    // Without the fix the target waits for the debugger for ever, and so does the CLI.
    assert.ok(await exitsWithin(target.child, 30_000), `the target exited (stderr: ${target.stderr()})`);
    assert.equal(target.child.exitCode, 0);
    const result = await within(run.exited, 20_000, 'the CLI finishing after the target exited');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`pid ${target.pid} exited while recording; saved the \\d+(\\.\\d)? m?s recorded before it exited`));
    assert.doesNotMatch(result.stderr, /may still be open|could not confirm|lost /);
    assert.match(result.stdout, /Top functions by self time:/);
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.cpuprofile'));
    assert.equal(files.length, 1);
    const profile = parseProfile(fs.readFileSync(`${out}/${files[0]}`));
    assert.ok(profile.frames.some((f) => f.functionName === 'hotLoop'), `what ran before the exit is in the profile: ${profile.sampleCount} samples, ${profile.frames.map((f) => f.functionName).join(', ')}`);
    assert.match(target.stderr(), /Waiting for the debugger to disconnect/, 'the target did wait for us (the case under test)');
  });

  it('API, CPU + heap + snapshot: both profiles saved, the snapshot named as lost, targetExited set', async () => {
    const target = await startExiting('exits-api');
    const out = scratchDir('exits-api');
    const session = await attach({ pid: target.pid }, { cpu: true, heap: true, snapshot: true, outDir: out });
    target.child.stdin!.write('exit-after 800\n');
    const result = await within(session.finished, 30_000, 'the capture ending after the target exited');
    assert.equal(result.targetExited, true);
    assert.equal(result.error?.code, 'target-exited');
    assert.match(result.error!.message, /exited while recording; saved the/);
    assert.ok(result.files.cpuprofile && fs.existsSync(result.files.cpuprofile));
    assert.ok(result.files.heapprofile && fs.existsSync(result.files.heapprofile));
    assert.equal(result.files.heapsnapshot, undefined);
    assert.deepEqual(result.lost, ['the heap snapshot: the target was exiting, so none was taken']);
    assert.deepEqual(result.warnings, []);
    assert.ok(await exitsWithin(target.child, 10_000));
    assert.equal(target.child.exitCode, 0);
  });

  it('API: a target whose event loop empties is let go too (no process.exit())', async () => {
    const target = await startExiting('exits-naturally');
    const session = await attach({ pid: target.pid }, { cpu: true, outDir: scratchDir('exits-naturally') });
    target.child.stdin!.write('end\n');
    const result = await within(session.finished, 30_000, 'the capture ending after the target ran out of work');
    assert.equal(result.targetExited, true);
    assert.ok(result.files.cpuprofile && fs.existsSync(result.files.cpuprofile));
    assert.ok(await exitsWithin(target.child, 10_000));
    assert.equal(target.child.exitCode, 0);
  });
});

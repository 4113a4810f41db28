// A cancel while V8 writes a heap snapshot must still close the inspector FlameLens opened. The
// target answers nothing until the snapshot is done, and a disconnect drops the leave queued
// behind it, so FlameLens waits for the snapshot (saying so) and leaves after. Real targets whose
// heaps take seconds to snapshot; their inspector is opened by SIGUSR1 on a free port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { attach } from '../../../src/capture/attach';
import type { AttachProgress } from '../../../src/capture/attach';
import { assertLeftAsFound, bundleCli, killAllTargets, openedPort, scratchDir, startCli, startTarget } from '../../support/attach-targets';
import type { Target } from '../../support/attach-targets';

after(killAllTargets);

/** About a million heap objects: a snapshot of several seconds. */
const BIG_HEAP = `
globalThis.keep = [];
for (let i = 0; i < 300000; i++) keep.push({ i, s: 'v' + i, a: [i] });
setInterval(() => {}, 50);
console.log('ready');
`;

let cli: string;
before(async () => {
  cli = await bundleCli();
});

function startBigHeap(name: string): Promise<Target> {
  return startTarget(BIG_HEAP, { nodeArgs: ['--inspect-port=0'], name });
}

describe('cancel while a heap snapshot is being written', () => {
  it('API: abort at the first snapshot progress; FlameLens waits for the snapshot, then closes the inspector; nothing written', async () => {
    const target = await startBigHeap('cancel-snapshot-api');
    const out = scratchDir('cancel-snapshot-api');
    const controller = new AbortController();
    const progress: AttachProgress[] = [];
    const session = await attach(
      { pid: target.pid },
      {
        cpu: false,
        snapshot: true,
        outDir: out,
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p);
          if (p.phase === 'snapshot' && p.done !== undefined) controller.abort();
        },
      },
    );
    const result = await session.finished;
    assert.equal(result.error?.code, 'cancelled', result.error?.message);
    assert.ok(result.inspectorClosed, `inspector closed; warnings: ${result.warnings.join('; ')}`);
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.files, {});
    assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], [], 'no file (nor temporary file) left in the output folder');
    assert.ok(
      progress.some((p) => p.phase === 'waiting' && /busy \(writing a heap snapshot/.test(p.message)),
      'said it waits for the busy target',
    );
    await assertLeftAsFound(target, await openedPort(target));
  });

  it('CLI: SIGTERM during the snapshot, and again while waiting: exit 143, the inspector closed, the target running', async () => {
    const target = await startBigHeap('cancel-snapshot-cli');
    const out = scratchDir('cancel-snapshot-cli');
    const run = startCli(cli, ['attach', String(target.pid), '--snapshot', '--out', out]);
    await run.waitForStderr(/connecting to ws:/);
    // The snapshot starts right after connecting and takes seconds.
    await new Promise((r) => setTimeout(r, 500));
    run.child.kill('SIGTERM');
    await run.waitForStderr(/is busy \(writing a heap snapshot/);
    run.child.kill('SIGTERM');
    const result = await run.exited;
    assert.equal(result.code, 143, result.stderr);
    assert.equal(result.signal, null, 'the CLI exited by itself after leaving the target');
    assert.match(result.stderr, /still waiting for the target to finish/);
    assert.match(result.stderr, /inspector closed again/);
    assert.match(result.stderr, /terminated \(SIGTERM\): cancelled; nothing was written/);
    assert.doesNotMatch(result.stderr, /warning/);
    assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], []);
    await assertLeftAsFound(target, await openedPort(target));
  });
});

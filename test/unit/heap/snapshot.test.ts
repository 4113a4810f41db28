// Heap snapshots of real processes: taken over the inspector (streamed to disk), summarized by
// constructor in a worker thread, and diffed to find what grew.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attach } from '../../../src/capture/attach';
import type { AttachProgress } from '../../../src/capture/attach';
import { findInspector } from '../../../src/capture/processes';
import { diffSnapshots } from '../../../src/heap/diff';
import { SnapshotError, summarizeSnapshotFile } from '../../../src/heap/summarize';
import { summarizeInProcess } from '../../../src/heap/summarize-in-process';
import { topConstructors } from '../../../src/heap/types';
import type { SnapshotSummary } from '../../../src/heap/types';
import { LEAKY_PROGRAM, isRunning, killAllTargets, repoRoot, scratchDir, startTarget } from '../../support/attach-targets';
import type { Target } from '../../support/attach-targets';
import { heapParserWasmPath } from '../../support/capture-helpers';

after(killAllTargets);

async function snapshot(target: Target, outDir: string, baseName: string, progress: AttachProgress[] = []): Promise<string> {
  const session = await attach({ pid: target.pid }, { cpu: false, snapshot: true, outDir, baseName, onProgress: (p) => progress.push(p) });
  const result = await session.finished;
  assert.equal(result.error, undefined, result.error?.message);
  assert.equal(result.inspectorClosed, true);
  assert.ok(result.files.heapsnapshot, 'a snapshot file was written');
  return result.files.heapsnapshot;
}

describe('heap snapshots', () => {
  let target: Target;
  let outDir: string;
  let fileA: string;
  let fileB: string;
  let summaryA: SnapshotSummary;
  const progress: AttachProgress[] = [];

  before(async () => {
    target = await startTarget(LEAKY_PROGRAM, { nodeArgs: ['--inspect-port=0'], args: ['30000'], name: 'leaky' });
    outDir = scratchDir('heap-snapshot');
    fileA = await snapshot(target, outDir, 'a', progress);
    target.child.stdin!.write('grow 20000\n');
    await target.waitFor(/grown 50000/);
    fileB = await snapshot(target, outDir, 'b');
  });

  it('streams the snapshot to a file with progress, and leaves the target running without an inspector', async () => {
    const text = fs.readFileSync(fileA, 'utf8');
    const parsed = JSON.parse(text) as { snapshot: { node_count: number } };
    assert.ok(parsed.snapshot.node_count > 10_000, `node_count ${parsed.snapshot.node_count}`);
    const snapshotProgress = progress.filter((p) => p.phase === 'snapshot' && p.total !== undefined);
    assert.ok(snapshotProgress.length > 0, 'snapshot progress was reported');
    const last = snapshotProgress.at(-1)!;
    assert.equal(last.done, last.total);
    assert.ok(isRunning(target.child));
    assert.equal(await findInspector(target.pid), undefined);
  });

  it('summarizes by constructor in a worker: LeakyThing has the most objects, with retained sizes', async () => {
    const messages: string[] = [];
    summaryA = await summarizeSnapshotFile(fileA, { onProgress: (m) => messages.push(m) });
    assert.ok(messages.some((m) => /parsing/.test(m)), messages.join('|'));
    assert.equal(summaryA.hasRetainedSizes, true);
    const [top] = topConstructors(summaryA, 'count', 1);
    assert.equal(top!.name, 'LeakyThing');
    assert.ok(top!.count >= 30_000 && top!.count < 30_100, `count ${top!.count}`);
    assert.ok(top!.selfSize >= top!.count * 16, `self ${top!.selfSize}`);
    assert.ok(top!.retainedSize! >= top!.selfSize);
    // Sorted by retained size, largest first.
    const retained = summaryA.constructors.map((c) => c.retainedSize!);
    assert.deepEqual(retained, [...retained].sort((a, b) => b - a));
    assert.equal(summaryA.objectCount, summaryA.constructors.reduce((s, c) => s + c.count, 0));
  });

  it('gives the same summary in-process and through a freshly bundled worker (the .wasm beside the bundle)', async () => {
    const dir = scratchDir('heap-worker-bundle');
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'src/heap/snapshot-worker.ts')],
      outfile: path.join(dir, 'heap-worker.js'),
      platform: 'node',
      format: 'cjs',
      bundle: true,
      logLevel: 'error',
    });
    fs.copyFileSync(heapParserWasmPath, path.join(dir, path.basename(heapParserWasmPath)));
    const bundled = await summarizeSnapshotFile(fileA, { workerPath: path.join(dir, 'heap-worker.js') });
    const inProcess = await summarizeSnapshotFile(fileA, { inProcess: summarizeInProcess });
    assert.deepEqual(bundled.constructors, summaryA.constructors);
    assert.deepEqual(inProcess.constructors, summaryA.constructors);

    // Without the .wasm beside it, the bundled worker fails with an error, not a hang.
    fs.unlinkSync(path.join(dir, path.basename(heapParserWasmPath)));
    await assert.rejects(summarizeSnapshotFile(fileA, { workerPath: path.join(dir, 'heap-worker.js') }), SnapshotError);
  });

  it('diffs two snapshots: LeakyThing tops the growth with exactly the 20000 added objects', async () => {
    const summaryB = await summarizeSnapshotFile(fileB);
    const diff = diffSnapshots(summaryA, summaryB);
    assert.equal(diff.growth[0]!.name, 'LeakyThing');
    assert.equal(diff.growth[0]!.countDelta, 20_000);
    assert.ok(diff.growth[0]!.selfSizeDelta >= 20_000 * 16);
    assert.equal(diffSnapshots(summaryA, summaryB, 'count').growth[0]!.name, 'LeakyThing');
    assert.ok(diff.totalSizeDelta > 0);
    // The reverse diff shows it shrinking: last by growth.
    assert.equal(diffSnapshots(summaryB, summaryA).growth.at(-1)!.name, 'LeakyThing');
  });

  it('rejects a file that is not a heap snapshot, and honours cancellation', async () => {
    const notSnapshot = path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile');
    await assert.rejects(summarizeSnapshotFile(notSnapshot), SnapshotError);
    await assert.rejects(summarizeSnapshotFile(path.join(outDir, 'missing.heapsnapshot')), /does not exist/);
    const controller = new AbortController();
    const pending = summarizeSnapshotFile(fileB, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, /cancelled/);
  });
});

describe('heap snapshot of a long linked chain', () => {
  it('returns counts and self sizes when retained sizes take too long', async () => {
    const target = await startTarget(LEAKY_PROGRAM, { nodeArgs: ['--inspect-port=0'], args: ['30000', 'chain'], name: 'leaky-chain' });
    const file = await snapshot(target, scratchDir('heap-chain'), 'chain');
    const summary = await summarizeSnapshotFile(file, { retainedTimeoutMs: 1500 });
    if (summary.hasRetainedSizes) {
      // A fast machine finished the dominator pass in time: still a valid summary.
      assert.equal(topConstructors(summary, 'count', 1)[0]!.name, 'LeakyThing');
      return;
    }
    assert.match(summary.notes.join('\n'), /retained sizes were not computed/);
    assert.equal(summary.constructors[0]!.retainedSize, undefined);
    assert.equal(topConstructors(summary, 'count', 1)[0]!.name, 'LeakyThing');
    // Sorted by self size instead.
    const self = summary.constructors.map((c) => c.selfSize);
    assert.deepEqual(self, [...self].sort((a, b) => b - a));
  });
});

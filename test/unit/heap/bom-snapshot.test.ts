// A heap snapshot saved with a UTF-8 byte-order mark (an editor's "Save with BOM", PowerShell's
// Out-File): read as the snapshot without it, in the worker, in-process and by the kept session's
// retainer index. The snapshot is a real one a Node process wrote (support/leaky-snapshot.ts).
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { openSnapshotFile } from '../../../src/heap/session';
import { summarizeSnapshotFile } from '../../../src/heap/summarize';
import { summarizeInProcess } from '../../../src/heap/summarize-in-process';
import type { SnapshotSummary } from '../../../src/heap/types';
import { scratchDir } from '../../support/attach-targets';
import { leakyCount, writeLeakySnapshot } from '../../support/leaky-snapshot';

describe('a heap snapshot starting with a UTF-8 byte-order mark', () => {
  let dir = '';
  let plain = '';
  let bom = '';
  let expected: SnapshotSummary;

  before(async () => {
    dir = scratchDir('heap-bom');
    plain = writeLeakySnapshot(dir);
    bom = path.join(dir, 'bom.heapsnapshot');
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(plain)]);
    writeFileSync(bom, withBom);
    writeFileSync(`${bom}.gz`, gzipSync(withBom));
    expected = await summarizeSnapshotFile(plain);
    assert.equal(expected.hasRetainedSizes, true);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is summarized in the worker as the snapshot without it, plain or gzip', async () => {
    assert.deepEqual(await summarizeSnapshotFile(bom), expected);
    assert.deepEqual(await summarizeSnapshotFile(`${bom}.gz`), expected);
  });

  it('is summarized in-process as the snapshot without it', async () => {
    assert.deepEqual(await summarizeSnapshotFile(bom, { inProcess: summarizeInProcess }), expected);
  });

  it('is kept for questions: its largest objects and what retains them', async () => {
    const { summary, session } = await openSnapshotFile(bom);
    try {
      assert.ok(session, 'the worker kept the snapshot');
      assert.deepEqual(summary, expected);
      const page = await session.query({ type: 'instances', name: 'LeakyThing', count: 1 });
      assert.equal(page.total, leakyCount);
      const report = await session.query({ type: 'retainers', index: page.instances[0]!.index });
      assert.ok(report.paths.length >= 1, JSON.stringify(report));
    } finally {
      session?.dispose();
    }
  });
});

// Heap snapshots of a process run with --track-heap-objects (as DevTools' allocation recording
// makes them): they carry a nested "trace_tree" of allocation stacks, which the heap parser
// refuses; the summary reads the rest. The snapshots are real ones, written by the process itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeSnapshotFile } from '../../../src/heap/summarize';
import { summarizeInProcess } from '../../../src/heap/summarize-in-process';
import { blankTraceTree } from '../../../src/heap/summary';
import { removeDir, tempDir } from '../../support/model-helpers';

describe('heap snapshots with allocation stacks (--track-heap-objects)', () => {
  let dir: string;
  let file: string;

  before(() => {
    dir = tempDir('flamelens-tracked-');
    file = path.join(dir, 'tracked.heapsnapshot');
    const program = `class Tracked { constructor(i) { this.i = i; } }
globalThis.kept = Array.from({ length: 3000 }, (_, i) => new Tracked(i));
require('node:v8').writeHeapSnapshot(${JSON.stringify(file)});`;
    execFileSync(process.execPath, ['--track-heap-objects', '-e', program], { timeout: 60_000 });
  });

  after(() => {
    if (dir) removeDir(dir);
  });

  it('are summarized, in the worker and in-process, with the tracked objects counted', async () => {
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /"trace_tree":\[\d/, 'the snapshot has allocation stacks');
    for (const inProcess of [undefined, summarizeInProcess]) {
      const summary = await summarizeSnapshotFile(file, inProcess ? { inProcess } : {});
      const tracked = summary.constructors.find((c) => c.name === 'Tracked');
      assert.equal(tracked?.count, 3000, inProcess ? 'in-process' : 'in the worker');
      assert.equal(summary.hasRetainedSizes, true);
    }
  });

  it('blankTraceTree leaves valid JSON of the same length with an empty tree, and the rest as it was', () => {
    const bytes = fs.readFileSync(file);
    const before = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    blankTraceTree(bytes);
    assert.equal(bytes.length, fs.statSync(file).size);
    const after = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(after.trace_tree, []);
    assert.deepEqual({ ...after, trace_tree: undefined }, { ...before, trace_tree: undefined });
  });
});

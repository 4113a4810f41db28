// The heap-snapshot worker as it ships: src/heap/snapshot-worker.ts bundled with the production options
// of scripts/node-bundle.mjs (whose wasm-bindgen glue inflates the brotli-compressed WASM), the .br
// written beside it as esbuild.mjs writes it into dist/, then a real snapshot of a real Node process
// summarised through it and compared with the parser loaded from its package.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { nodeBundleOptions, shippedHeapParserWasm, writeHeapParserWasm } from '../../../scripts/node-bundle.mjs';
import { SnapshotError, summarizeSnapshotFile } from '../../../src/heap/summarize';
import { summarizeInProcess } from '../../../src/heap/summarize-in-process';
import { heapParserWasmPath } from '../../support/capture-helpers';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('the heap parser in the production bundles', () => {
  let work = '';
  let snapshot = '';
  let worker = '';

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'flamelens-heap-bundle-'));
    snapshot = path.join(work, 'marked.heapsnapshot');
    execFileSync(process.execPath, [
      '-e',
      "class FlameLensMarker { constructor(i) { this.i = i; } } globalThis.kept = Array.from({ length: 5000 }, (_, i) => new FlameLensMarker(i)); require('v8').writeHeapSnapshot(process.argv[1]);",
      snapshot,
    ]);
    worker = path.join(work, 'heap-worker.js');
    await esbuild.build({ ...nodeBundleOptions(true), absWorkingDir: repo, entryPoints: ['src/heap/snapshot-worker.ts'], outfile: worker });
    writeHeapParserWasm(work, repo);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships the WASM compressed, byte for byte the package’s once inflated, and no plain copy', () => {
    const shipped = path.join(work, shippedHeapParserWasm);
    assert.deepEqual(brotliDecompressSync(readFileSync(shipped)), readFileSync(heapParserWasmPath));
    assert.ok(statSync(shipped).size < statSync(heapParserWasmPath).size / 2, `${statSync(shipped).size} bytes`);
    assert.equal(existsSync(path.join(work, path.basename(heapParserWasmPath))), false);
  });

  it('summarises a real snapshot through the bundled worker as the package’s parser does', async () => {
    const bundled = await summarizeSnapshotFile(snapshot, { workerPath: worker });
    const marker = bundled.constructors.find((c) => c.name === 'FlameLensMarker');
    assert.ok(marker && marker.count === 5000, JSON.stringify(marker));
    assert.equal(bundled.hasRetainedSizes, true);
    const fromPackage = await summarizeSnapshotFile(snapshot, { inProcess: summarizeInProcess });
    assert.deepEqual(bundled.constructors, fromPackage.constructors);

    // Without the .br beside it, the bundled worker fails with an error, not a hang.
    unlinkSync(path.join(work, shippedHeapParserWasm));
    await assert.rejects(summarizeSnapshotFile(snapshot, { workerPath: worker }), SnapshotError);
  });
});

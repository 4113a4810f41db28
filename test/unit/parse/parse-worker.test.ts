// The extension's off-main-thread parse: the worker bundle (built here with esbuild) returns the
// same profile as an in-thread parse, gzip included, and reports bad input as a ProfileError.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { parseProfile } from '../../../src/model/import';
import { ProfileError } from '../../../src/model/types';
import { disposeParseWorker, parseInWorker } from '../../../src/parse/parse-in-worker';
import { repoRoot, scratchDir } from '../../support/capture-helpers';

describe('parseInWorker', () => {
  let script: string;
  const fixture = fs.readFileSync(path.join(repoRoot, 'test/fixtures/small-webpack-1000us.cpuprofile'));

  before(() => {
    script = path.join(scratchDir('parse-worker'), 'parse-worker.js');
    buildSync({ entryPoints: [path.join(repoRoot, 'src/parse/parse-worker.ts')], outfile: script, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  });

  it('returns the same profile as parsing on this thread, also from gzip', async () => {
    const expected = parseProfile(fixture);
    for (const bytes of [fixture, gzipSync(fixture)]) {
      const got = await parseInWorker(script, new Uint8Array(bytes), 'webpack.cpuprofile');
      assert.equal(got.nodeCount, expected.nodeCount);
      assert.deepEqual(got.frames, expected.frames);
      assert.ok(got.totalValue instanceof Float64Array);
      assert.deepEqual(Array.from(got.totalValue), Array.from(expected.totalValue));
      assert.deepEqual(Array.from(got.nodeParent), Array.from(expected.nodeParent));
    }
  });

  it('reports truncated input as a ProfileError with its code', async () => {
    const truncated = new Uint8Array(fixture.subarray(0, fixture.length >> 1));
    await assert.rejects(parseInWorker(script, truncated, 'cut.cpuprofile'), (err: unknown) => {
      assert.ok(err instanceof ProfileError, String(err));
      assert.equal(err.code, 'truncated');
      return true;
    });
  });

  it('keeps one worker for consecutive and concurrent parses, also after bad input', async () => {
    const expected = parseProfile(fixture);
    const results = await Promise.all([1, 2, 3].map((i) => parseInWorker(script, new Uint8Array(fixture), `p${i}.cpuprofile`)));
    for (const got of results) assert.deepEqual(Array.from(got.selfValue), Array.from(expected.selfValue));
    await assert.rejects(parseInWorker(script, new Uint8Array([123]), 'bad.cpuprofile'), ProfileError);
    const again = await parseInWorker(script, new Uint8Array(fixture), 'again.cpuprofile');
    assert.equal(again.nodeCount, expected.nodeCount);
    // The idle worker is unref'd: this test file ends without disposing it. Dispose anyway, and a
    // later parse starts a fresh worker.
    disposeParseWorker();
    assert.equal((await parseInWorker(script, new Uint8Array(fixture), 'fresh.cpuprofile')).nodeCount, expected.nodeCount);
  });
});

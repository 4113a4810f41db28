// Profiles parsed by path (parse-file.ts), on this thread and in the real parse worker: a file past
// the JSON.parse path's size is streamed through the scanner's window and must give the profile
// parseProfile reads from its bytes; bytes sent to the worker are moved there, not copied.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { objectPathMaxBytes, parseProfile } from '../../../src/model/import';
import { ProfileError } from '../../../src/model/types';
import { parseFile } from '../../../src/parse/parse-file';
import { parseFileInWorker, parseInWorker } from '../../../src/parse/parse-in-worker';
import { repoRoot, scratchDir } from '../../support/capture-helpers';

describe('parse by path', () => {
  const fixture = fs.readFileSync(path.join(repoRoot, 'test/fixtures/small-webpack-1000us.cpuprofile'));
  const expected = parseProfile(fixture);
  let dir: string;
  let script: string;
  /** The fixture laid out with more blank space, past objectPathMaxBytes: the streamed path. */
  let big: string;

  before(() => {
    dir = scratchDir('parse-file');
    script = path.join(dir, 'parse-worker.js');
    buildSync({ entryPoints: [path.join(repoRoot, 'src/parse/parse-worker.ts')], outfile: script, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
    big = path.join(dir, 'big.cpuprofile');
    fs.writeFileSync(big, JSON.stringify(JSON.parse(fixture.toString('utf8')), null, 10).replace(/\n/g, `\n${' '.repeat(20)}`));
    assert.ok(fs.statSync(big).size > objectPathMaxBytes, 'the reformatted fixture is past the JSON.parse path');
  });

  it('streams a file on this thread: the same profile as parseProfile of its bytes, also through small windows and from gzip', async () => {
    assert.deepEqual(await parseFile(big), expected);
    assert.deepEqual(await parseFile(big, { windowBytes: 4096 }), expected);
    const small = path.join(dir, 'small.cpuprofile');
    fs.writeFileSync(small, fixture);
    assert.deepEqual(await parseFile(small, { objectPathMaxBytes: -1, windowBytes: 4096 }), parseProfile(fixture, { objectPathMaxBytes: -1 }));
    const gz = path.join(dir, 'big.cpuprofile.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(big)));
    assert.deepEqual(await parseFile(gz), expected);
  });

  it('reports a truncated file as the whole-bytes parse does, and a missing one as the fs error', async () => {
    const cut = path.join(dir, 'cut.cpuprofile');
    const bytes = fs.readFileSync(big);
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    const whole = (() => {
      try {
        parseProfile(fs.readFileSync(cut), { fileName: 'cut.cpuprofile' });
      } catch (err) {
        return err as ProfileError;
      }
      return assert.fail('the cut file parsed');
    })();
    await assert.rejects(parseFile(cut, { fileName: 'cut.cpuprofile' }), (err: unknown) => {
      assert.ok(err instanceof ProfileError);
      assert.equal(err.code, 'truncated');
      assert.equal(err.message, whole.message);
      return true;
    });
    await assert.rejects(parseFile(path.join(dir, 'missing.cpuprofile')), { code: 'ENOENT' });
  });

  it('the worker parses a file by its path: the same profile; bad files rejected with a clear error', async () => {
    const got = await parseFileInWorker(script, big, 'big.cpuprofile');
    assert.ok(got.totalValue instanceof Float64Array);
    assert.deepEqual(got, expected);
    const cut = path.join(dir, 'cut.cpuprofile');
    await assert.rejects(parseFileInWorker(script, cut, 'cut.cpuprofile'), (err: unknown) => err instanceof ProfileError && err.code === 'truncated' && err.message.startsWith('cut.cpuprofile: The file ends early'));
    // Not a ProfileError: the caller reads the file itself and says what is wrong.
    await assert.rejects(parseFileInWorker(script, path.join(dir, 'missing.cpuprofile'), 'missing.cpuprofile'), (err: unknown) => !(err instanceof ProfileError) && /ENOENT/.test((err as Error).message));
  });

  it('bytes sent to the worker are transferred: the sender is left with a detached buffer, not a second copy', async () => {
    const bytes = new Uint8Array(fixture);
    const parsed = parseInWorker(script, bytes, 'webpack.cpuprofile');
    assert.equal(bytes.byteLength, 0, 'the buffer moved to the worker');
    assert.equal(bytes.buffer.byteLength, 0);
    assert.deepEqual(await parsed, expected);
    // A view into a larger buffer is copied, and the larger buffer stays the sender's.
    const larger = new Uint8Array(fixture.length + 64);
    larger.set(fixture, 32);
    const view = larger.subarray(32, 32 + fixture.length);
    const fromView = parseInWorker(script, view, 'view.cpuprofile');
    assert.equal(view.byteLength, fixture.length);
    assert.deepEqual(await fromView, expected);
  });
});

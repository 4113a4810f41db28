// Profiles parsed by path (parse-file.ts), on this thread and in the real parse worker: a file past
// the JSON.parse path's size is streamed through the scanner's window and must give the profile
// parseProfile reads from its bytes; bytes sent to the worker are moved there, not copied.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Profile as PprofProfile, ValueType } from 'pprof-format';
import { buildSync } from 'esbuild';
import { encodePprof } from '../../../src/export/pprof';
import { objectPathMaxBytes, parseProfile, parseProfileStream } from '../../../src/model/import';
import { ProfileError } from '../../../src/model/types';
import { parseFile, parsePlainFile } from '../../../src/parse/parse-file';
import { parseProfileBytes } from '../../../src/parse/parse-bytes';
import { parseFileInWorker, parseInWorker } from '../../../src/parse/parse-in-worker';
import { repoRoot, scratchDir } from '../../support/capture-helpers';
import { errorOf } from '../../support/stream-helpers';

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
  it('a big .cpuprofile that is really a heap profile, or pprof (plain or gzip): read whole and parsed as what it is, here and in the worker', async () => {
    const heapJson = fs.readFileSync(path.join(repoRoot, 'test/fixtures/heap-webpack-16k.heapprofile'));
    // Pretty-printed past objectPathMaxBytes, under a .cpuprofile name: the streamed route tries it first.
    const bigHeap = path.join(dir, 'heap-really.cpuprofile');
    fs.writeFileSync(bigHeap, JSON.stringify(JSON.parse(heapJson.toString('utf8')), null, 2));
    assert.ok(fs.statSync(bigHeap).size > objectPathMaxBytes);
    const heap = parseProfile(heapJson);
    assert.equal(heap.kind, 'heap');
    assert.deepEqual(await parseFile(bigHeap), heap);
    assert.deepEqual(await parseFile(bigHeap, { windowBytes: 4096 }), heap);
    assert.deepEqual(await parseFileInWorker(script, bigHeap, 'heap-really.cpuprofile'), heap);

    // pprof (binary) named .cpuprofile, with the window forced on (a real one is rarely past 6 MB):
    // its sample type is still chosen as asked, plain or gzip'd (a heap pprof's counts are refused the same way).
    const pprof = encodePprof(heap);
    const pprofFile = path.join(dir, 'pprof-really.cpuprofile');
    fs.writeFileSync(pprofFile, pprof);
    const gzFile = path.join(dir, 'pprof-really.pb.gz');
    fs.writeFileSync(gzFile, gzipSync(pprof));
    const forced = { objectPathMaxBytes: -1, windowBytes: 4096 };
    const expectedPprof = parseProfile(pprof, { sampleType: 'space' });
    assert.deepEqual(await parseFile(pprofFile, { ...forced, sampleType: 'space' }), expectedPprof);
    assert.deepEqual(await parseFile(gzFile, { ...forced, sampleType: 'space' }), expectedPprof, 'gzip');
    const refused = errorOf(() => parseProfile(pprof, { sampleType: 'objects' })).message;
    assert.match(refused, /counts objects/);
    await assert.rejects(parseFile(pprofFile, { ...forced, sampleType: 'objects' }), (e: Error) => e.message === refused);
    await assert.rejects(parseFile(gzFile, { ...forced, sampleType: 'objects' }), (e: Error) => e.message === refused);
    // The choice reaches the parse: a pprof with a second bytes type gives that type's values.
    const twoSpaces = PprofProfile.decode(pprof);
    const inuse = twoSpaces.stringTable.dedup('inuse_space');
    twoSpaces.sampleType.push(new ValueType({ type: inuse, unit: twoSpaces.stringTable.dedup('bytes') }));
    for (const sample of twoSpaces.sample) sample.value.push(1);
    const twoFile = path.join(dir, 'pprof-two.cpuprofile');
    fs.writeFileSync(twoFile, twoSpaces.encode());
    const inuseProfile = await parseFile(twoFile, { ...forced, sampleType: 'inuse_space' });
    assert.ok(inuseProfile.totalValue[0]! > 0 && inuseProfile.totalValue[0]! <= twoSpaces.sample.length, 'at most one byte a sample');
    assert.notDeepEqual(inuseProfile.totalValue, expectedPprof.totalValue, 'the sample types differ');
    assert.deepEqual(await parseFileInWorker(script, pprofFile, 'pprof-really.cpuprofile'), parseProfile(pprof));
  });

  it('a file that shrinks or grows while it is read: the bytes up to its size when it was opened, or the truncated error', () => {
    const file = path.join(dir, 'changing.cpuprofile');
    const bytes = fs.readFileSync(big);
    /** Streams `file` as parsePlainFile does, running `change` before the `at`-th read. */
    const streamChanging = (at: number, change: () => void) => {
      const fd = fs.openSync(file, 'r');
      try {
        let reads = 0;
        return parseProfileStream({
          size: fs.fstatSync(fd).size,
          windowBytes: 65536,
          readAt: (into, position) => {
            if (++reads === at) change();
            return fs.readSync(fd, into, 0, into.length, position);
          },
        }, { fileName: 'changing.cpuprofile' });
      } finally {
        fs.closeSync(fd);
      }
    };
    // Cut short mid-read (a copy still in progress, a writer that truncated it): 'truncated', never a profile.
    for (const [at, keep] of [[3, bytes.length >> 1], [3, 100], [40, bytes.length - 7]] as const) {
      fs.writeFileSync(file, bytes);
      const err = errorOf(() => streamChanging(at, () => fs.truncateSync(file, keep)));
      assert.ok(err instanceof ProfileError && err.code === 'truncated', `cut to ${keep} before read ${at}: ${err.message}`);
      assert.match(err.message, /^changing\.cpuprofile: The file ends early/);
    }
    // Appended to after it was opened: the profile it held then.
    fs.writeFileSync(file, bytes);
    assert.deepEqual(streamChanging(2, () => fs.appendFileSync(file, '{"more":')), expected);
    // Read afresh, it is what it now holds: not a profile.
    assert.match(errorOf(() => parsePlainFile(file, { windowBytes: 65536 })).message, /expected the end of the file at byte \d+ but found '\{'/);
  });
  it('gzip junk gets the same message from the CLI\'s parseFile, the extension\'s by-bytes parse and the worker (by bytes and by path); a pipe of plain junk is not called gzip', async () => {
    const junk = Buffer.from('<html>not a profile</html>');
    const gz = path.join(dir, 'junk.cpuprofile.gz');
    fs.writeFileSync(gz, gzipSync(junk));
    const gzipMessage = /^junk\.cpuprofile\.gz: This gzip file holds no profile FlameLens reads: .* what it inflates to starts with '<' at byte 0/;
    const messageOf = async (p: Promise<unknown>): Promise<string> => {
      const err = await p.then(() => assert.fail('parsed junk'), (e: unknown) => e);
      assert.ok(err instanceof ProfileError, String(err));
      return err.message;
    };
    const byPath = await messageOf(parseFile(gz, { fileName: 'junk.cpuprofile.gz' }));
    assert.match(byPath, gzipMessage);
    const bytes = () => new Uint8Array(fs.readFileSync(gz));
    // Before: the extension's inline parse and the worker's by-bytes parse said "This file is not a profile … this one starts with '<'".
    assert.equal(errorOf(() => parseProfileBytes(bytes(), { fileName: 'junk.cpuprofile.gz' })).message, byPath, 'inline (load-profile.ts)');
    assert.equal(await messageOf(parseInWorker(script, bytes(), 'junk.cpuprofile.gz')), byPath, 'worker, by bytes');
    assert.equal(await messageOf(parseFileInWorker(script, gz, 'junk.cpuprofile.gz')), byPath, 'worker, by path');
    // Plain junk reads as plain everywhere, a pipe too (it was worded as gzip: a pipe is read whole, like gzip).
    const plain = path.join(dir, 'junk.cpuprofile');
    fs.writeFileSync(plain, junk);
    const plainMessage = await messageOf(parseFile(plain, { fileName: 'junk.cpuprofile' }));
    assert.match(plainMessage, /^junk\.cpuprofile: This file is not a profile FlameLens reads: .* this one starts with '<' at byte 0/);
    assert.equal(errorOf(() => parseProfileBytes(new Uint8Array(junk), { fileName: 'junk.cpuprofile' })).message, plainMessage);
    const fifo = path.join(dir, 'junk.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = fs.promises.writeFile(fifo, junk);
    const [piped] = await Promise.all([messageOf(parseFile(fifo, { fileName: 'junk.cpuprofile' })), writer]);
    assert.equal(piped, plainMessage);
  });
});

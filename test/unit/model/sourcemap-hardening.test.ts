// A profile names the files the source-map step reads, so it may name anything: FIFOs (an open
// waits for a writer forever and holds a libuv threadpool thread), /dev/zero and /dev/urandom
// (endless), folders, huge files. These tests put such urls in real profiles, on real files:
// only regular files are read, never past the size cap, each once per step, within the step's
// time budget, and the profile says what was skipped. Normal mapping keeps working alongside.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { encode } from '@jridgewell/sourcemap-codec';
import { parseArgs } from '../../../src/cli/args';
import { diffHelp } from '../../../src/cli/diff';
import { reportHelp } from '../../../src/cli/report';
import { profileLoadOptions } from '../../../src/cli/load-options';
import { createFsSourceReader, fsSourceReader, parseSize } from '../../../src/fs-source-reader';
import { parseProfile } from '../../../src/model/import';
import { applySourceMaps, type SourceReader } from '../../../src/model/sourcemap';
import type { Profile } from '../../../src/model/types';
import { assertValidProfile } from '../../support/transforms-support';
import { buildTypeScriptApp, hotFunctionLine } from '../../support/typescript-app';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'dist/cli.js');
const onLinux = process.platform === 'linux';


let dir = '';
let appJs = '';
/** 0-based line and column of `function hot` in the compiled app.js, as V8 reports them. */
let hotAt = { line: 0, column: 0 };
const fifos: string[] = [];

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flamelens-srcmap-hard-'));
  appJs = buildTypeScriptApp(dir);
  const lines = readFileSync(appJs, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('function hot('));
  const hotText = lines[line];
  assert.ok(hotText !== undefined, 'function hot( in the built app.js');
  hotAt = { line, column: hotText.indexOf('function hot(') };
  if (onLinux) {
    for (let i = 1; i <= 4; i++) fifos.push(path.join(dir, `fifo${i}.js`));
    execFileSync('mkfifo', fifos);
  }
  mkdirSync(path.join(dir, 'folder.js'));
  // 64 KB + 1 byte of valid JavaScript.
  writeFileSync(path.join(dir, 'big.js'), `${'/'.repeat(64 * 1024)}\n`);
});

after(() => {
  releaseFifos();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens each FIFO's write end once (non-blocking), so a reader stuck in open() gets EOF. */
function releaseFifos(): void {
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is waiting on this one.
    }
  }
}

interface FrameSpec {
  name: string;
  url: string;
  /** 0-based, as in .cpuprofile files. */
  line: number;
  column: number;
}

/** A DevTools .cpuprofile: the root with one child per frame, 1 ms of samples each. */
function cpuprofileJson(frames: FrameSpec[]): string {
  const nodes: object[] = [
    {
      id: 1,
      callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
      hitCount: 0,
      children: frames.map((_, i) => i + 2),
    },
  ];
  frames.forEach((f, i) =>
    nodes.push({ id: i + 2, callFrame: { functionName: f.name, scriptId: String(i + 1), url: f.url, lineNumber: f.line, columnNumber: f.column }, hitCount: 1 }),
  );
  return JSON.stringify({
    nodes,
    startTime: 0,
    endTime: frames.length * 1000,
    samples: frames.map((_, i) => i + 2),
    // The first sample at startTime: each lasts 1000 µs (a lone sample has time, so no "no time" note).
    timeDeltas: frames.map((_, i) => (i === 0 ? 0 : 1000)),
  });
}

const profileOf = (frames: FrameSpec[]): Profile => parseProfile(new TextEncoder().encode(cpuprofileJson(frames)), { fileName: 'test.cpuprofile' });
const at = (name: string, file: string, line = 3, column = 2): FrameSpec => ({ name, url: pathToFileURL(file).href, line, column });
const hotFrame = (): FrameSpec => ({ name: 'hot', url: pathToFileURL(appJs).href, ...hotAt });
const frameNamed = (p: Profile, name: string) => p.frames.find((f) => f.functionName === name);

/** Settles `work`, or fails after `ms` (so a regression fails the test instead of hanging it). */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('report with FIFO, /dev/zero, /dev/urandom, folder and over-cap urls finishes promptly and notes what it skipped', { skip: !onLinux }, async () => {
  const profile = path.join(dir, 'hostile.cpuprofile');
  writeFileSync(
    profile,
    cpuprofileJson([
      ...fifos.map((fifo, i) => at(`fromFifo${i + 1}`, fifo)),
      { name: 'zero', url: '/dev/zero', line: 3, column: 2 },
      { name: 'random', url: '/dev/urandom', line: 3, column: 2 },
      at('inFolder', path.join(dir, 'folder.js')),
      at('huge', path.join(dir, 'big.js')),
      hotFrame(),
    ]),
  );
  const started = Date.now();
  const result = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [cli, 'report', profile, '--max-source-size', '64KB', '--top', '20'],
      { cwd: dir, timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, signal: error?.signal ?? null, stdout, stderr }),
    );
  });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(result.signal, null, `report was killed after ${seconds} s (hung on a FIFO?)\n${result.stderr}`);
  assert.equal(result.code, 0, result.stderr);
  const note = result.stdout.split('\n').find((l) => l.startsWith('note: skipped'));
  assert.ok(note, result.stdout);
  assert.match(note, /^note: skipped 8 source files: not a regular file \(/);
  assert.ok(note.includes(path.join(dir, 'fifo1.js')), note);
  assert.ok(note.includes(`larger than 64 KB (${path.join(dir, 'big.js')})`), note);
  assert.ok(note.length < 600, `the note stays short (${note.length} characters)`);
  // The skipped frames keep their generated location; the real map still works.
  assert.match(result.stdout, /hot\s.*src\/app\.ts:6/, result.stdout);
  assert.match(result.stdout, /fromFifo1\s.*fifo1\.js:4/, result.stdout);
  assert.match(result.stdout, /huge\s.*big\.js:4/, result.stdout);
});

test('the fs reader refuses /dev/zero, /dev/urandom and folders at once, without reading them', { skip: !onLinux }, async () => {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const reader = createFsSourceReader();
  assert.deepEqual(await reader.read('/dev/zero'), { skipped: 'not a regular file' });
  assert.deepEqual(await reader.read('/dev/urandom'), { skipped: 'not a regular file' });
  assert.deepEqual(await reader.read(pathToFileURL('/dev/zero').href), { skipped: 'not a regular file' });
  assert.deepEqual(await reader.read(path.join(dir, 'folder.js')), { skipped: 'not a regular file' });
  assert.deepEqual(await reader.exists!('/dev/zero'), { skipped: 'not a regular file' });
  const ms = performance.now() - started;
  assert.ok(ms < 5000, `${ms} ms`);
  const grown = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.ok(grown < 64, `memory grew by ${grown.toFixed(0)} MB`);

  // Through the whole step: generated locations kept, one note for all three.
  const mapped = await applySourceMaps(
    profileOf([
      { name: 'zero', url: '/dev/zero', line: 3, column: 2 },
      { name: 'random', url: '/dev/urandom', line: 3, column: 2 },
      at('inFolder', path.join(dir, 'folder.js')),
      hotFrame(),
    ]),
    fsSourceReader,
  );
  assertValidProfile(mapped);
  assert.deepEqual(mapped.notes, [`skipped 3 source files: not a regular file (/dev/zero, /dev/urandom, ${path.join(dir, 'folder.js')})`]);
  assert.equal(frameNamed(mapped, 'zero')?.url, '/dev/zero');
  assert.deepEqual([frameNamed(mapped, 'hot')?.url, frameNamed(mapped, 'hot')?.line], [path.join(dir, 'src/app.ts'), hotFunctionLine]);
});

test('FIFO urls are refused without opening them, and leave libuv’s threadpool free', { skip: !onLinux }, async () => {
  const reader = createFsSourceReader();
  // Eight at once: with blocking opens, four would take every threadpool thread.
  const results = await within(20_000, 'reading FIFOs', Promise.all([...fifos, ...fifos].map((f) => reader.read(f))));
  assert.deepEqual(results, Array(8).fill({ skipped: 'not a regular file' }));
  assert.equal(await within(20_000, 'a plain read after them', readFile(appJs, 'utf8')), readFileSync(appJs, 'utf8'));
});

test('a size cap: a file of exactly the cap is read, one byte more is skipped unread', async () => {
  const exact = path.join(dir, 'exact.js');
  writeFileSync(exact, 'x'.repeat(1000));
  const reader = createFsSourceReader({ maxFileSize: 1000 });
  assert.equal(await reader.read(exact), 'x'.repeat(1000));
  writeFileSync(exact, 'x'.repeat(1001));
  assert.deepEqual(await reader.read(exact), { skipped: 'larger than 1000 bytes' });
  assert.deepEqual(await createFsSourceReader({ maxFileSize: 64 * 1024 }).read(path.join(dir, 'big.js')), { skipped: 'larger than 64 KB' });
});

test('the fs reader returns the text of ASCII and of UTF-8 files as written, a byte-order mark kept', async () => {
  const reader = createFsSourceReader();
  const ascii = path.join(dir, 'ascii.js');
  const unicode = path.join(dir, 'unicode.js');
  const bom = path.join(dir, 'bom.js');
  writeFileSync(ascii, 'function f() { return "plain"; }\n');
  writeFileSync(unicode, 'function café() { return "名前 😀"; }\n');
  writeFileSync(bom, '\ufeffexport const x = "é";\n');
  assert.equal(await reader.read(ascii), 'function f() { return "plain"; }\n');
  assert.equal(await reader.read(unicode), 'function café() { return "名前 😀"; }\n');
  assert.equal(await reader.read(bom), '\ufeffexport const x = "é";\n');
});

test('a size cap holds for files whose size fstat does not know (procfs): at most cap + 1 bytes are read', { skip: !onLinux }, async () => {
  // /proc files are regular files of size 0 with content: only the read itself can enforce the cap.
  assert.deepEqual(await createFsSourceReader({ maxFileSize: 16 }).read('/proc/self/status'), { skipped: 'larger than 16 bytes' });
  const whole = await createFsSourceReader().read('/proc/self/status');
  assert.ok(typeof whole === 'string' && whole.startsWith('Name:'), String(whole));
});

test('an over-cap source map is skipped with a note and the generated location kept; a larger cap maps it', async () => {
  const script = path.join(dir, 'bigmap/app.js');
  mkdirSync(path.dirname(script));
  writeFileSync(script, readFileSync(appJs, 'utf8').replace(/sourceMappingURL=.*/, 'sourceMappingURL=app.js.map'));
  // The same map, padded past 64 KB with whitespace (still valid JSON), its source made absolute.
  const map = JSON.parse(readFileSync(`${appJs}.map`, 'utf8')) as { sources: string[] };
  map.sources = [path.join(dir, 'src/app.ts')];
  writeFileSync(`${script}.map`, JSON.stringify(map) + ' '.repeat(70 * 1024));
  const generated = profileOf([{ ...hotFrame(), url: pathToFileURL(script).href }]);

  const capped = await applySourceMaps(generated, createFsSourceReader({ maxFileSize: 64 * 1024 }));
  assertValidProfile(capped);
  assert.deepEqual(capped.notes, [`skipped 1 source file: larger than 64 KB (${script}.map)`]);
  assert.deepEqual(frameNamed(capped, 'hot'), frameNamed(generated, 'hot'), 'generated location kept');

  const roomy = await applySourceMaps(generated, createFsSourceReader({ maxFileSize: 1024 * 1024 }));
  assert.deepEqual(roomy.notes, []);
  assert.deepEqual([frameNamed(roomy, 'hot')?.url, frameNamed(roomy, 'hot')?.line], [path.join(dir, 'src/app.ts'), hotFunctionLine]);
});

test('a source map that is a FIFO is refused with a note', { skip: !onLinux }, async () => {
  const script = path.join(dir, 'viafifo.js');
  writeFileSync(script, readFileSync(appJs, 'utf8').replace(/sourceMappingURL=.*/, `sourceMappingURL=${path.basename(fifos[0]!)}`));
  const generated = profileOf([{ ...hotFrame(), url: pathToFileURL(script).href }]);
  const mapped = await within(20_000, 'mapping', applySourceMaps(generated, fsSourceReader));
  assert.deepEqual(mapped.notes, [`skipped 1 source file: not a regular file (${fifos[0]})`]);
  assert.deepEqual(frameNamed(mapped, 'hot'), frameNamed(generated, 'hot'));
});

test('the time budget ends the step even when a read hangs: the rest keep generated locations, with a note', { skip: !onLinux }, async () => {
  // A reader without any of the protections: reading a FIFO really blocks (in libuv's threadpool).
  const naive: SourceReader = { read: (p) => readFile(p, 'utf8').catch(() => undefined) };
  const generated = profileOf([at('stuck', fifos[1]!), hotFrame()]);
  try {
    const started = performance.now();
    const mapped = await within(60_000, 'mapping with a 3 s budget', applySourceMaps(generated, naive, { timeBudgetMs: 3000 }));
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds >= 2.9 && seconds < 30, `${seconds} s`);
    assertValidProfile(mapped);
    assert.deepEqual(mapped.notes, ['source mapping stopped after 3 s (its time limit): 1 frame kept the generated location']);
    assert.deepEqual(frameNamed(mapped, 'stuck'), frameNamed(generated, 'stuck'));
    assert.deepEqual([frameNamed(mapped, 'hot')?.url, frameNamed(mapped, 'hot')?.line], [path.join(dir, 'src/app.ts'), hotFunctionLine]);
  } finally {
    releaseFifos();
  }
});

test('each file is read or checked once per step, however many scripts share it', async () => {
  // Two compiled scripts share one map; its original source lib.js is also a script of the profile.
  mkdirSync(path.join(dir, 'shared/out'), { recursive: true });
  const lib = path.join(dir, 'shared/lib.js');
  writeFileSync(lib, 'function a() {}\nfunction b() {}\nfunction c() {}\n');
  const mappings = encode([[], [[0, 0, 2, 0]]]); // generated line 2 → lib.js line 3
  writeFileSync(path.join(dir, 'shared/out/shared.js.map'), JSON.stringify({ version: 3, sources: ['../lib.js'], names: [], mappings }));
  const scripts = ['a.js', 'b.js'].map((name) => path.join(dir, 'shared/out', name));
  for (const s of scripts) writeFileSync(s, `"use strict";\nfunction f() {}\n//# sourceMappingURL=shared.js.map\n`);

  const calls = new Map<string, number>();
  const count = (location: string) => calls.set(location, (calls.get(location) ?? 0) + 1);
  const counting: SourceReader = {
    read: (p) => (count(p), fsSourceReader.read(p)),
    exists: (p) => (count(p), fsSourceReader.exists!(p)),
  };
  const generated = profileOf([...scripts.map((s, i) => at(`f${i}`, s, 1, 0)), at('c', lib, 2, 0)]);
  const mapped = await applySourceMaps(generated, counting);
  assertValidProfile(mapped);
  assert.deepEqual(mapped.notes, []);
  assert.ok(mapped.frames.some((f) => f.functionName === 'f0' && f.url === lib && f.line === 3), 'a.js mapped to lib.js');
  assert.deepEqual([...calls.values()].filter((n) => n !== 1), [], JSON.stringify([...calls]));
  assert.deepEqual([...calls.keys()].sort(), [...scripts, path.join(dir, 'shared/out/shared.js.map'), lib, `${lib}.map`].sort());
});

test('--max-source-size: documented for report and diff, sizes with units, a clear usage error otherwise', () => {
  for (const help of [reportHelp, diffHelp]) assert.match(help, /--max-source-size SIZE\n\s+skip scripts and source maps larger than SIZE/);
  assert.equal(parseSize('8MB'), 8 * 1024 * 1024);
  assert.equal(parseSize('512kb'), 512 * 1024);
  assert.equal(parseSize('1.5M'), 1.5 * 1024 * 1024);
  assert.equal(parseSize('100000'), 100000);
  assert.equal(parseSize('lots'), undefined);
  assert.equal(parseSize('64KiB'), 64 * 1024);
  assert.equal(parseSize('2T'), 2 * 1024 ** 4);
  const args = (...argv: string[]) => parseArgs(argv, { values: ['max-source-size', 'max-size'], flags: ['no-source-maps'] });
  assert.deepEqual(profileLoadOptions(args('--max-source-size', '32MB')), { sourceMaps: true, maxSourceSize: 32 * 1024 * 1024 });
  assert.deepEqual(profileLoadOptions(args()), { sourceMaps: true });
  assert.throws(() => profileLoadOptions(args('--max-source-size=lots')), { name: 'UsageError', message: /--max-source-size: cannot read "lots"/ });
});

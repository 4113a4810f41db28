// Outputs that cannot be written (a file where a folder should be, a full disk, a device) are the
// user's to fix: exit 2 with the real cause, nothing partial at the target, no temporary files
// left behind. Tests run as root, so unwritable paths are made with a regular file as the parent
// (ENOTDIR), /dev/full (ENOSPC) and a file-size limit (EFBIG, a full disk for a regular file).
import { test, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync, type StdioOptions } from 'node:child_process';
import { buildBundles, repoRoot, scratchDir } from '../../support/capture-helpers';
import { ensureWritableDir, OutputError, writeFileAtomic } from '../../../src/cli/io';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const fixture = path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile');

function flamelens(args: string[], cwd: string, stdio: StdioOptions = 'pipe'): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000, stdio });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function assertUserError(r: { status: number | null; stderr: string }, cause: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, cause);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no internal error, no stack trace');
}

/** Temporary files writeFileAtomic would leave: `.NAME.PID-HEX.tmp`. */
function tempFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

test('report --html under a regular file: exit 2 naming ENOTDIR, before-existing file untouched', () => {
  const dir = scratchDir('out-enotdir');
  fs.writeFileSync(path.join(dir, 'afile'), 'keep me');
  const r = flamelens(['report', fixture, '--html', 'afile/sub/report.html'], dir);
  assertUserError(r, /^flamelens report: cannot write to afile\/sub\/report\.html: ENOTDIR \(a parent in the path is a file, not a folder\)$/m);
  assert.equal(fs.readFileSync(path.join(dir, 'afile'), 'utf8'), 'keep me');
  assert.deepEqual(fs.readdirSync(dir), ['afile']);
});

test('an output option naming a folder writes the default file name in it: an existing folder, or a new one given with a trailing slash', () => {
  const dir = scratchDir('out-folder');
  fs.mkdirSync(path.join(dir, 'reports'));
  const r = flamelens(['report', fixture, '--html', 'reports'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'reports')), ['small-marked-1000us.html']);
  assert.match(r.stderr, /wrote reports\/small-marked-1000us\.html/);
  // Not there yet, with a trailing slash: created as a folder (it used to become a file named "new").
  const e = flamelens(['export', fixture, '--format', 'folded', '-o', 'new/'], dir);
  assert.equal(e.status, 0, e.stderr);
  assert.ok(fs.statSync(path.join(dir, 'new')).isDirectory());
  assert.deepEqual(fs.readdirSync(path.join(dir, 'new')), ['small-marked-1000us.folded']);
  assert.match(fs.readFileSync(path.join(dir, 'new', 'small-marked-1000us.folded'), 'utf8'), /^\S.*;.* \d+$/m);
  // Without the slash, a name that is not there is a file.
  const f = flamelens(['export', fixture, '--format', 'folded', '-o', 'plain'], dir);
  assert.equal(f.status, 0, f.stderr);
  assert.ok(fs.statSync(path.join(dir, 'plain')).isFile());
});

test('report --html /dev/full: exit 2 naming ENOSPC; the device is written in place, never renamed over', () => {
  const before = fs.readdirSync('/dev').filter((f) => f.endsWith('.tmp'));
  const r = flamelens(['report', fixture, '--html', '/dev/full'], repoRoot);
  assertUserError(r, /cannot write to \/dev\/full: ENOSPC \(no space left on device\)/);
  assert.ok(fs.statSync('/dev/full').isCharacterDevice(), '/dev/full is still the device');
  assert.deepEqual(fs.readdirSync('/dev').filter((f) => f.endsWith('.tmp')), before, 'no temporary file in /dev');
});

test('a disk that fills up while the HTML report is written keeps the previous report whole and leaves no temp file', () => {
  const dir = scratchDir('out-efbig');
  const target = path.join(dir, 'report.html');
  fs.writeFileSync(target, 'previous report');
  // A 64 KiB file-size limit: the report (the inlined flame-graph page) is larger, so the write fails midway.
  const script = 'ulimit -f 64; exec "$0" "$@"';
  const r = spawnSync('bash', ['-c', script, process.execPath, cli, 'report', fixture, '--html', target], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assertUserError({ status: r.status, stderr: r.stderr }, /cannot write to .*report\.html: EFBIG \(file too large\)/);
  assert.equal(fs.readFileSync(target, 'utf8'), 'previous report', 'the old report is intact, not truncated');
  assert.deepEqual(tempFiles(dir), []);

  // Without the limit the same command replaces it completely.
  const ok = flamelens(['report', fixture, '--html', target], dir);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(fs.readFileSync(target, 'utf8'), /<\/html>\s*$/);
  assert.deepEqual(tempFiles(dir), []);
});

test('report with stdout on a full disk: exit 2, "cannot write the results", no stack trace', () => {
  const full = fs.openSync('/dev/full', 'w');
  try {
    const r = flamelens(['report', fixture], repoRoot, ['ignore', full, 'pipe']);
    assertUserError(r, /^flamelens: cannot write the results to standard output: ENOSPC \(no space left on device\)$/m);
  } finally {
    fs.closeSync(full);
  }
});

test('record --out that cannot be created fails with exit 2 and the real cause before the program runs', () => {
  const dir = scratchDir('out-record');
  fs.writeFileSync(path.join(dir, 'afile'), 'keep me');
  const marker = path.join(dir, 'program-ran');
  const program = ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`];
  for (const [out, cause] of [
    ['afile/profiles', /cannot write to afile\/profiles: ENOTDIR/],
    ['afile', /cannot write to afile: EEXIST \(a file is in the way\)/],
  ] as const) {
    const r = flamelens(['record', '--out', out, '--', ...program], dir);
    assertUserError(r, cause);
    assert.doesNotMatch(r.stderr, /no Node\.js process loaded the agent|recording/);
    assert.ok(!fs.existsSync(marker), `${out}: the program was not started`);
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), ['afile']);
});

describe('writeFileAtomic and ensureWritableDir', () => {
  it('replaces a file whole, keeps its permissions, writes through a symlink and leaves no temp file', () => {
    const dir = scratchDir('atomic');
    const target = path.join(dir, 'a.html');
    writeFileAtomic(target, 'one');
    assert.equal(fs.readFileSync(target, 'utf8'), 'one');
    fs.chmodSync(target, 0o640);
    writeFileAtomic(target, 'two');
    assert.equal(fs.readFileSync(target, 'utf8'), 'two');
    assert.equal(fs.statSync(target).mode & 0o777, 0o640);
    const link = path.join(dir, 'link.html');
    fs.symlinkSync('a.html', link);
    writeFileAtomic(link, 'three');
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.equal(fs.readFileSync(target, 'utf8'), 'three');
    writeFileAtomic(path.join(dir, 'new', 'deep', 'b.json'), '{}');
    assert.equal(fs.readFileSync(path.join(dir, 'new', 'deep', 'b.json'), 'utf8'), '{}');
    assert.deepEqual(tempFiles(dir), []);
  });

  it('throws OutputError with the code for a file in the way, and creates nothing', () => {
    const dir = scratchDir('atomic-fail');
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    assert.throws(() => writeFileAtomic(path.join(dir, 'f', 'r.html'), 'data'), (e: unknown) => e instanceof OutputError && e.code === 'ENOTDIR');
    assert.throws(() => ensureWritableDir(path.join(dir, 'f', 'sub')), (e: unknown) => e instanceof OutputError && e.code === 'ENOTDIR' && /cannot write to .*f\/sub: ENOTDIR/.test(e.message));
    assert.throws(() => ensureWritableDir(path.join(dir, 'f')), (e: unknown) => e instanceof OutputError && e.code === 'EEXIST');
    ensureWritableDir(path.join(dir, 'out', 'session'));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out', 'session')), [], 'the probe file is removed');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['f', 'out']);
  });
});

// Gzip bombs and oversized files: the CLI (report, diff, snapshot-diff) inflates gzip as a stream
// and refuses as soon as the output passes --max-size, with the numbers and exit 2, without
// the memory the inflated data would need; plain files are refused by size before being read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { parseArgs, sizeOption } from '../../../src/cli/args';
import { defaultMaxInputSize, formatSize, maybeGunzip } from '../../../src/model/gunzip';
import { ProfileError } from '../../../src/model/types';
import { buildBundles } from '../../support/capture-helpers';
import { readFixture, removeDir, tempDir } from '../../support/model-helpers';

// The CLI built from the current sources (shared by the test processes), not dist/ (which another
// test file may be reading while this one runs).
let cli = '';
/** What the bomb inflates to: far above the limit the tests set. */
const bombSize = 400 * 1024 * 1024;
const MB = 1024 * 1024;

/** A profile-looking gzip bomb: `{"nodes":` and then `bombSize` bytes of JSON whitespace, deflated as a stream. */
async function writeBomb(file: string): Promise<void> {
  const block = Buffer.alloc(MB, 0x20);
  async function* body(): AsyncGenerator<Buffer> {
    yield Buffer.from('{"nodes":');
    for (let i = 0; i < bombSize / MB; i++) yield block;
  }
  await pipeline(Readable.from(body()), createGzip({ level: 1 }), fs.createWriteStream(file));
}

/** Runs the CLI with a preload that reports the process's peak RSS (KB) on exit. */
function runMeasured(dir: string, args: string[]): { status: number | null; stderr: string; stdout: string; peakRssMb: number } {
  const rssFile = path.join(dir, `rss-${Date.now()}`);
  const preload = path.join(dir, 'rss.js');
  fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const peakRssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, peakRssMb };
}

/** "stopped after reading 1.2 MB of 2.9 MB" → both in bytes. */
function readProgress(message: string): { read: number; total: number } {
  const m = /stopped after reading ([\d.]+) (bytes|KB|MB) of ([\d.]+) (bytes|KB|MB)/.exec(message);
  assert.ok(m, `the message gives the numbers: ${message}`);
  const scale = (u: string) => (u === 'MB' ? MB : u === 'KB' ? 1024 : 1);
  return { read: Number(m[1]) * scale(m[2]!), total: Number(m[3]) * scale(m[4]!) };
}

describe('gzip and size limits on input files', () => {
  let dir: string;
  let bomb: string;

  before(async () => {
    cli = (await buildBundles()).cli;
    dir = tempDir('flamelens-gzip-');
    bomb = path.join(dir, 'bomb.cpuprofile.gz');
    await writeBomb(bomb);
  });

  after(() => {
    if (dir) removeDir(dir);
  });

  it('report refuses a gzip bomb early with the numbers and exit 2, in little memory', () => {
    const r = runMeasured(dir, ['report', bomb, '--max-size', '16MB']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /bomb\.cpuprofile\.gz inflates past the 16 MB limit \(stopped after reading .* of .*\); use --max-size to raise it/);
    const { read, total } = readProgress(r.stderr);
    assert.ok(r.stderr.includes(` of ${formatSize(fs.statSync(bomb).size)})`), 'the total is the compressed size');
    assert.ok(read < total / 4, `stopped early: ${read} of ${total} bytes read`);
    // Inflated, the bomb is 400 MB: the refusal must not have held it.
    assert.ok(r.peakRssMb < 200, `peak RSS ${r.peakRssMb.toFixed(0)} MB`);
  });

  it('a gzip file that inflates to something that is not a profile (zeros a crash left) is refused from its first few KB', async () => {
    // 300 MB of zeros, under the default limit: it used to be inflated whole, then refused.
    const zeros = path.join(dir, 'zeros.cpuprofile.gz');
    const block = Buffer.alloc(MB);
    async function* body(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 300; i++) yield block;
    }
    await pipeline(Readable.from(body()), createGzip({ level: 1 }), fs.createWriteStream(zeros));
    const r = runMeasured(dir, ['report', zeros, '--max-size', '1GB']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /zeros\.cpuprofile\.gz: The file starts with zero bytes, not a profile/);
    assert.ok(r.peakRssMb < 150, `peak RSS ${r.peakRssMb.toFixed(0)} MB (inflated whole it would be over 300 MB)`);
    // A real gzip profile still loads (its start is JSON).
    const real = path.join(dir, 'real.cpuprofile.gz');
    fs.writeFileSync(real, gzipSync(readFixture('small-marked-1000us.cpuprofile')));
    const ok = spawnSync(process.execPath, [cli, 'report', real], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
  });

  it('diff and snapshot-diff refuse the same gzip bomb with exit 2', () => {
    const snapshotBomb = path.join(dir, 'bomb.heapsnapshot.gz');
    fs.copyFileSync(bomb, snapshotBomb);
    const d = runMeasured(dir, ['diff', bomb, bomb, '--max-size', '8MB']);
    assert.equal(d.status, 2, d.stderr);
    assert.match(d.stderr, /inflates past the 8 MB limit \(stopped after reading/);
    const s = runMeasured(dir, ['snapshot-diff', snapshotBomb, snapshotBomb, '--max-size', '8MB']);
    assert.equal(s.status, 2, s.stderr);
    assert.match(s.stderr, /bomb\.heapsnapshot\.gz inflates past the 8 MB limit \(stopped after reading .*\); use --max-size to raise it/);
    assert.ok(s.peakRssMb < 200, `peak RSS ${s.peakRssMb.toFixed(0)} MB`);
  });

  it('a plain profile larger than --max-size is refused by its size, and loads under a larger limit', () => {
    const file = path.join(dir, 'plain.cpuprofile');
    fs.writeFileSync(file, readFixture('small-webpack-1000us.cpuprofile'));
    const size = fs.statSync(file).size;
    const r = runMeasured(dir, ['report', file, '--max-size', '1KB']);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`plain.cpuprofile is ${formatSize(size)}, past the 1 KB limit; use --max-size to raise it`), r.stderr);
    const ok = runMeasured(dir, ['report', file, '--max-size', `${size}`]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Top functions by self time/);
  });

  it('a gzip profile within --max-size loads; one that inflates past it does not', () => {
    const gz = path.join(dir, 'small.cpuprofile.gz');
    const raw = readFixture('small-webpack-1000us.cpuprofile');
    fs.writeFileSync(gz, gzipSync(raw));
    assert.equal(runMeasured(dir, ['report', gz, '--max-size', `${raw.length}`]).status, 0);
    const r = runMeasured(dir, ['report', gz, '--max-size', `${raw.length - 1}`]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /small\.cpuprofile\.gz inflates past the/);
  });

  it('the in-memory inflate (extension host, parse worker) stops at the limit too', async () => {
    const bytes = fs.readFileSync(bomb);
    assert.throws(
      () => maybeGunzip(bytes, { maxSize: 4 * MB, name: 'bomb.cpuprofile.gz' }),
      (e: unknown) => e instanceof ProfileError && e.code === 'too-large' && /^bomb\.cpuprofile\.gz inflates past the 4 MB limit/.test(e.message),
    );
    const small = gzipSync(Buffer.from('{"nodes":[]}'));
    assert.equal(Buffer.from(maybeGunzip(small, { maxSize: 100 })).toString(), '{"nodes":[]}');
  });

  it('--max-size reads sizes with units; the default follows the machine memory, at most 2 GB', () => {
    const size = (text: string) => sizeOption(parseArgs(['--max-size', text], { values: ['max-size'] }), 'max-size');
    assert.equal(size('500MB'), 500 * MB);
    assert.equal(size('4GB'), 4 * 1024 * MB);
    assert.equal(size('1.5g'), 1.5 * 1024 * MB);
    assert.equal(size('64KiB'), 64 * 1024);
    assert.equal(size('123'), 123);
    for (const bad of ['x', '-1', '0', '5 parsecs', '']) assert.throws(() => size(bad), /--max-size/);
    assert.equal(defaultMaxInputSize(64 * 1024 * MB), 2 * 1024 * MB);
    assert.equal(defaultMaxInputSize(8 * 1024 * MB), 1024 * MB);
  });
});

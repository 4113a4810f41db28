// Formats are told apart after decompression: a heap snapshot (plain or .gz) given to `report` is
// summarized, to `diff` gets the heap-snapshot message, and `snapshot-diff` reads .heapsnapshot.gz. The snapshots are
// real ones, written by v8.writeHeapSnapshot in a child process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { summarizeSnapshotFile } from '../../../src/heap/summarize';
import { summarizeInProcess } from '../../../src/heap/summarize-in-process';
import { buildBundles } from '../../support/capture-helpers';
import { removeDir, tempDir } from '../../support/model-helpers';

// The CLI built from the current sources (shared by the test processes), not dist/ (which another
// test file may be reading while this one runs).
let cli = '';

function flamelens(cwd: string, args: string[], nodeArgs: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('heap snapshots, plain and gzip-compressed, at the CLI', () => {
  let dir: string;

  before(async () => {
    cli = (await buildBundles()).cli;
    dir = tempDir('flamelens-gzsnap-');
    // Two snapshots of a process whose heap grows in between: 20,000 Leaky objects more in the second.
    const program = `const v8 = require('v8');
class Leaky { constructor(i) { this.i = i; this.text = 'x' + i; } }
const kept = [];
v8.writeHeapSnapshot('before.heapsnapshot');
for (let i = 0; i < 20000; i++) kept.push(new Leaky(i));
v8.writeHeapSnapshot('after.heapsnapshot');
`;
    execFileSync(process.execPath, ['-e', program], { cwd: dir, timeout: 120_000 });
    for (const name of ['before', 'after']) {
      fs.writeFileSync(path.join(dir, `${name}.heapsnapshot.gz`), gzipSync(fs.readFileSync(path.join(dir, `${name}.heapsnapshot`))));
    }
  });

  after(() => {
    if (dir) removeDir(dir);
  });

  it('report on a .heapsnapshot.gz, a .heapsnapshot and one under another name summarizes it: Leaky among the largest, as text and JSON', () => {
    fs.copyFileSync(path.join(dir, 'after.heapsnapshot'), path.join(dir, 'renamed.cpuprofile'));
    for (const file of ['after.heapsnapshot.gz', 'after.heapsnapshot', 'renamed.cpuprofile']) {
      const r = flamelens(dir, ['report', file]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Top constructors by retained size:$/m);
      const row = r.stdout.split('\n').find((l) => / Leaky$/.test(l));
      assert.ok(row, `a Leaky row:\n${r.stdout}`);
      assert.match(row, /^\s*20,000\s/, 'its 20,000 objects');
      assert.match(r.stderr, /parsing [\d.]+ MB/, 'progress on stderr');
      const json = flamelens(dir, ['report', file, '--json', '--top', '50']);
      assert.equal(json.status, 0, json.stderr);
      const summary = JSON.parse(json.stdout) as { file: string; constructors: { name: string; count: number; retainedSize: number }[] };
      assert.equal(summary.file, file);
      assert.ok(summary.constructors.length <= 50);
      assert.equal(summary.constructors.find((c) => c.name === 'Leaky')?.count, 20_000);
    }
    const html = flamelens(dir, ['report', 'after.heapsnapshot', '--html', 'x.html']);
    assert.equal(html.status, 2);
    assert.match(html.stderr, /a heap snapshot has no stacks to draw/);
    assert.ok(!fs.existsSync(path.join(dir, 'x.html')));
    // The other commands that take profiles still say what a snapshot is and where it goes.
    const diff = flamelens(dir, ['diff', 'after.heapsnapshot.gz', 'after.heapsnapshot']);
    assert.equal(diff.status, 2, diff.stderr);
    assert.match(diff.stderr, /This is a heap snapshot \(\.heapsnapshot\)/);
    assert.match(diff.stderr, /flamelens snapshot-diff/);
  });

  it('snapshot-diff reads .heapsnapshot.gz and finds what grew, as from the plain files', () => {
    const gz = flamelens(dir, ['snapshot-diff', 'before.heapsnapshot.gz', 'after.heapsnapshot.gz', '--json', '--top', '5']);
    assert.equal(gz.status, 0, gz.stderr);
    const plain = flamelens(dir, ['snapshot-diff', 'before.heapsnapshot', 'after.heapsnapshot', '--json', '--top', '5']);
    assert.equal(plain.status, 0, plain.stderr);
    // Progress on stderr while each file is parsed (a big one takes a minute), none in the JSON.
    assert.match(plain.stderr, /^flamelens: reading before\.heapsnapshot\nflamelens: parsing [\d.]+ MB\nflamelens: computing retained sizes\nflamelens: reading after\.heapsnapshot\n/);
    const a = JSON.parse(gz.stdout) as { growth: { name: string; countDelta: number }[] };
    const b = JSON.parse(plain.stdout) as { growth: { name: string; countDelta: number }[] };
    const leaky = a.growth.find((g) => g.name === 'Leaky');
    assert.ok(leaky && leaky.countDelta === 20000, JSON.stringify(a.growth));
    assert.deepEqual(a.growth, b.growth);
    // Mixed: one compressed, one plain.
    const mixed = flamelens(dir, ['snapshot-diff', 'before.heapsnapshot', 'after.heapsnapshot.gz', '--top', '3']);
    assert.equal(mixed.status, 0, mixed.stderr);
    assert.match(mixed.stdout, /Leaky/);
  });

  it('snapshot-diff on a gzip file that is not a snapshot refuses clearly with exit 2', () => {
    fs.writeFileSync(path.join(dir, 'text.heapsnapshot.gz'), gzipSync(Buffer.from('hello, not a snapshot')));
    const r = flamelens(dir, ['snapshot-diff', 'text.heapsnapshot.gz', 'after.heapsnapshot.gz']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /text\.heapsnapshot\.gz is not a heap snapshot \(a \.heapsnapshot file is JSON starting with \{"snapshot"/);
  });

  it('snapshot-diff says what a wrong file is: empty, a CPU or heap profile, a snapshot cut off', () => {
    const fixtures = path.resolve(__dirname, '../../fixtures');
    fs.writeFileSync(path.join(dir, 'empty.heapsnapshot'), '');
    fs.copyFileSync(path.join(fixtures, 'small-marked-1000us.cpuprofile'), path.join(dir, 'cpu.heapsnapshot'));
    fs.copyFileSync(path.join(fixtures, 'heap-webpack-16k.heapprofile'), path.join(dir, 'sampled.heapsnapshot'));
    const whole = fs.readFileSync(path.join(dir, 'before.heapsnapshot'));
    fs.writeFileSync(path.join(dir, 'cut.heapsnapshot'), whole.subarray(0, whole.length >> 1));
    const cases: [string, RegExp][] = [
      ['empty.heapsnapshot', /empty\.heapsnapshot is empty: no snapshot was written into it/],
      ['cpu.heapsnapshot', /cpu\.heapsnapshot is a CPU profile, not a heap snapshot: open it as a profile \(`flamelens report` reads it whatever its name/],
      ['sampled.heapsnapshot', /sampled\.heapsnapshot is a sampling heap profile, not a heap snapshot/],
      ['cut.heapsnapshot', /cut\.heapsnapshot is cut off: the snapshot was not written to its end/],
    ];
    for (const [file, message] of cases) {
      const r = flamelens(dir, ['snapshot-diff', file, 'after.heapsnapshot.gz']);
      assert.equal(r.status, 2, `${file}: ${r.stderr}`);
      assert.match(r.stderr, message, file);
    }
  });

  it('a snapshot or profile saved as UTF-16 (with a byte-order mark or without, either byte order, gzip too) is named as such, with the fix', () => {
    const fixtures = path.resolve(__dirname, '../../fixtures');
    // What PowerShell's > (and iconv -t utf16) write: a byte-order mark, then little-endian units.
    const utf16le = (text: string): Buffer => Buffer.from(text, 'utf16le');
    const swapped = (b: Buffer): Buffer => Buffer.from(b).swap16();
    const snapshot = fs.readFileSync(path.join(dir, 'before.heapsnapshot'), 'utf8');
    const profile = fs.readFileSync(path.join(fixtures, 'small-marked-1000us.cpuprofile'), 'utf8');
    const files: [string, Buffer, string][] = [
      ['bom.heapsnapshot', utf16le(`\ufeff${snapshot}`), 'little-endian, with a byte-order mark'],
      ['le.heapsnapshot', utf16le(snapshot), 'little-endian, without a byte-order mark'],
      ['be.heapsnapshot', swapped(utf16le(snapshot)), 'big-endian, without a byte-order mark'],
      ['bom.heapsnapshot.gz', gzipSync(utf16le(`\ufeff${snapshot}`)), 'little-endian, with a byte-order mark'],
      ['bom.cpuprofile', utf16le(`\ufeff${profile}`), 'little-endian, with a byte-order mark'],
      ['le.cpuprofile', utf16le(profile), 'little-endian, without a byte-order mark'],
      ['le.cpuprofile.gz', gzipSync(utf16le(profile)), 'little-endian, without a byte-order mark'],
    ];
    for (const [file, bytes] of files) fs.writeFileSync(path.join(dir, file), bytes);
    for (const [file, , encoding] of files) {
      // Before: "is not a heap snapshot (a .heapsnapshot file is JSON starting with {"snapshot": …)",
      // and for a profile without a byte-order mark "Not valid JSON: … found byte 0x00".
      const how = `saved as UTF-16 \\(${encoding}\\), not UTF-8: re-save it as UTF-8 \\(PowerShell's > writes UTF-16; use Out-File -Encoding utf8\\)`;
      const commands = file.includes('.heapsnapshot') ? [['report', file], ['snapshot-diff', file, 'after.heapsnapshot']] : [['report', file]];
      for (const args of commands) {
        const r = flamelens(dir, args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`${file.replace(/\./g, '\\.')}(:| is| holds text) .*${how}`), `${args.join(' ')}: ${r.stderr}`);
      }
    }
  });

  it('report on a profile saved under a snapshot\'s name (plain or gzip) reports it as the profile it is, --html too', () => {
    const fixtures = path.resolve(__dirname, '../../fixtures');
    fs.copyFileSync(path.join(fixtures, 'small-marked-1000us.cpuprofile'), path.join(dir, 'cpu2.heapsnapshot'));
    fs.writeFileSync(path.join(dir, 'cpu2.heapsnapshot.gz'), gzipSync(fs.readFileSync(path.join(fixtures, 'small-marked-1000us.cpuprofile'))));
    fs.copyFileSync(path.join(fixtures, 'heap-webpack-16k.heapprofile'), path.join(dir, 'sampled2.heapsnapshot'));
    // Before: exit 2, "read it with `flamelens report`", which was the command that refused it.
    for (const [file, kind] of [['cpu2.heapsnapshot', 'CPU profile'], ['cpu2.heapsnapshot.gz', 'CPU profile'], ['sampled2.heapsnapshot', 'heap profile']] as const) {
      const r = flamelens(dir, ['report', file, '--no-source-maps']);
      assert.equal(r.status, 0, `${file}: ${r.stderr}`);
      assert.ok(r.stdout.startsWith(`${file} (${kind})\n`), r.stdout.slice(0, 200));
      assert.match(r.stdout, /Top functions by self/);
    }
    const html = flamelens(dir, ['report', 'cpu2.heapsnapshot.gz', '--html', 'cpu2.html', '--no-source-maps']);
    assert.equal(html.status, 0, html.stderr);
    assert.ok(fs.statSync(path.join(dir, 'cpu2.html')).size > 1000);
    // A real snapshot with --html is still refused, before it is parsed.
    const refused = flamelens(dir, ['report', 'after.heapsnapshot', '--html', 'y.html']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /a heap snapshot has no stacks to draw/);
  });

  it('snapshot-diff on a snapshot too large for the parser says so, not that the file is unreadable', () => {
    // The parser's WebAssembly memory stops at 4 GB, which a ~650 MB snapshot needs; V8's
    // --wasm-max-mem-pages brings that limit down to what this small real snapshot needs (300 pages: 18.8 MB).
    const r = flamelens(dir, ['snapshot-diff', 'before.heapsnapshot', 'after.heapsnapshot'], ['--wasm-max-mem-pages=300']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /before\.heapsnapshot is too large for the heap parser: it ran out of memory \([\d.]+ MB in use; WebAssembly lets it have 18\.8 MB at most\)/);
    assert.doesNotMatch(r.stderr, /not a readable|unreachable/);
  });

  it('snapshot-diff on a snapshot whose edges lead nowhere says it is unreadable, in words', () => {
    const whole = JSON.parse(fs.readFileSync(path.join(dir, 'before.heapsnapshot'), 'utf8')) as { snapshot: { meta: { edge_fields: string[] } }; nodes: number[]; edges: number[] };
    const fields = whole.snapshot.meta.edge_fields.length;
    const toNode = whole.snapshot.meta.edge_fields.indexOf('to_node');
    for (let i = toNode; i < whole.edges.length; i += fields) whole.edges[i] = whole.nodes.length * 2;
    fs.writeFileSync(path.join(dir, 'broken-edges.heapsnapshot'), JSON.stringify(whole));
    const r = flamelens(dir, ['snapshot-diff', 'broken-edges.heapsnapshot', 'after.heapsnapshot']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /broken-edges\.heapsnapshot is not a readable heap snapshot: the heap parser stopped on inconsistent contents/);
    assert.doesNotMatch(r.stderr, /too large/);
  });

  it('a snapshot the parser cannot read as JSON gets the parser\'s reason in-process too (it throws a string, not an Error)', async () => {
    fs.writeFileSync(path.join(dir, 'no-members.heapsnapshot'), '{}');
    await assert.rejects(summarizeSnapshotFile(path.join(dir, 'no-members.heapsnapshot'), { inProcess: summarizeInProcess }), (error: Error) => {
      assert.match(error.message, /no-members\.heapsnapshot is not a readable heap snapshot: invalid profile JSON$/);
      return true;
    });
  });
});

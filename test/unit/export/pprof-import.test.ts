// Reading pprof: profiles written by Go's own runtime/pprof (compiled and run here, standard
// library only), the round trip export → import, the sample-type choice, and typed errors for
// broken input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Function as PprofFunction, Line, Location, Profile as PprofProfile, Sample, StringTable, ValueType } from 'pprof-format';
import type { ReportJson } from '../../../src/cli/report';
import { encodePprof } from '../../../src/export/pprof';
import { maybeGunzip } from '../../../src/model/gunzip';
import { parseProfile } from '../../../src/model/import';
import { functionTable, lineTable } from '../../../src/model/tables';
import { ProfileError, type Profile } from '../../../src/model/types';
import { buildBundles, repoRoot, scratchDir, writeFiles, runCli } from '../../support/capture-helpers';
import { go, goEnv, haveGo, parseTop } from '../../support/go-tool';
import { assertProfileInvariants, readFixture } from '../../support/model-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const flamelens = (args: string[], cwd = repoRoot) => runCli(cli, args, cwd);

function flamelensOk(args: string[]): string {
  const r = flamelens(args);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function reportJson(file: string): ReportJson {
  const r = flamelens(['report', file, '--json', '--top', '30', '--no-source-maps']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReportJson;
}

const goProgram = `package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

var sink []byte

//go:noinline
func burnCPU(d time.Duration) uint64 {
	end := time.Now().Add(d)
	var acc uint64 = 1
	for time.Now().Before(end) {
		for i := uint64(1); i < 20000; i++ { // flamelens: loop-head
			acc = acc*6364136223846793005 + i // flamelens: hot-loop
		}
	}
	return acc
}

//go:noinline
func lightWork(d time.Duration) uint64 {
	end := time.Now().Add(d)
	var acc uint64
	for time.Now().Before(end) {
		acc++
	}
	return acc
}

//go:noinline
func allocBig() {
	for i := 0; i < 200; i++ {
		sink = make([]byte, 64<<10) // flamelens: hot-alloc
	}
}

func main() {
	runtime.MemProfileRate = 1
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	println(burnCPU(1500*time.Millisecond), lightWork(150*time.Millisecond))
	pprof.StopCPUProfile()
	f.Close()
	allocBig()
	runtime.GC()
	h, err := os.Create(os.Args[2])
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(h); err != nil {
		panic(err)
	}
	h.Close()
}
`;

function markerLine(marker: string): number {
  const i = goProgram.split('\n').findIndex((l) => l.includes(`flamelens: ${marker}`));
  assert.ok(i >= 0);
  return i + 1;
}

test('pprof import: CPU and heap profiles written by Go\'s runtime/pprof open with the right hottest function and lines', (t) => {
  if (!haveGo(t)) return;
  const dir = scratchDir('import-go-pprof');
  writeFiles(dir, { 'main.go': goProgram });
  go(['build', '-o', 'prog', 'main.go'], dir);
  const cpuFile = path.join(dir, 'cpu.pprof');
  const heapFile = path.join(dir, 'heap.pb.gz');
  const run = spawnSync(path.join(dir, 'prog'), [cpuFile, heapFile], { cwd: dir, env: goEnv(dir), encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);

  const cpu = reportJson(cpuFile);
  assert.equal(cpu.kind, 'cpu');
  assert.equal(cpu.format, 'pprof');
  assert.ok(cpu.sampleCount > 0);
  const ours = cpu.functions.filter((f) => f.name.startsWith('main.'));
  assert.equal(ours[0]?.name, 'main.burnCPU', JSON.stringify(cpu.functions.slice(0, 5)));
  const burn = cpu.functions.find((f) => f.name === 'main.burnCPU')!;
  const light = cpu.functions.find((f) => f.name === 'main.lightWork');
  assert.ok(!light || burn.total > light.total * 2, 'burnCPU ran ten times longer than lightWork');
  // burnCPU's own time is on its loop lines (or on runtime.asyncPreempt, which Go charges inside it).
  const burnLines = cpu.lines.filter((l) => l.function === 'main.burnCPU').map((l) => l.line);
  assert.ok(burnLines.length > 0 && burnLines.every((l) => l >= markerLine('loop-head') - 2 && l <= markerLine('hot-loop') + 2), `burnCPU lines ${burnLines.join(', ')}`);
  assert.ok(cpu.lines[0]!.file.endsWith('main.go') || cpu.lines[0]!.function.startsWith('runtime.'), 'the hottest line is burnCPU\'s (or the preemption stub inside it)');
  // Go's own reader agrees on the hottest of the program's functions.
  const top = parseTop(go(['tool', 'pprof', '-top', cpuFile], dir)).filter((r) => r.name.startsWith('main.'));
  assert.equal(top[0]?.name, 'main.burnCPU');

  const heap = reportJson(heapFile);
  assert.equal(heap.kind, 'heap');
  assert.equal(heap.functions[0]?.name, 'main.allocBig');
  assert.ok(heap.functions[0]!.self >= 200 * 64 * 1024, `allocBig allocated 200 × 64 KiB (${heap.functions[0]!.self})`);
  assert.equal(heap.lines[0]?.line, markerLine('hot-alloc'));
  assert.ok(heap.notes.some((n) => n.includes('alloc_space/bytes')), 'the first space sample type is the default');

  // Another sample type on request: inuse_space holds only what is still referenced (one 64 KiB buffer).
  const bytes = maybeGunzip(fs.readFileSync(heapFile));
  const inuse = parseProfile(bytes, { sampleType: 'inuse_space' });
  assertProfileInvariants(inuse);
  const allocBig = functionTable(inuse).find((r) => inuse.frames[r.frame]!.functionName === 'main.allocBig');
  assert.ok(allocBig && allocBig.self >= 64 * 1024 && allocBig.self < 200 * 64 * 1024, `inuse allocBig ${allocBig?.self}`);
  // The same choice from the CLI's report and diff (not only export): in-use memory of a Go heap profile.
  const inuseCli = JSON.parse(flamelensOk(['report', heapFile, '--json', '--no-source-maps', '--sample-type', 'inuse_space'])) as ReportJson;
  assert.ok(inuseCli.notes.some((n) => n.includes('inuse_space/bytes')) && inuseCli.total < heap.total, `inuse ${inuseCli.total} < alloc ${heap.total}`);
  assert.match(flamelensOk(['diff', heapFile, heapFile, '--sample-type', 'inuse_space', '--no-source-maps']), /Regressions by function \(self bytes\):\n\s+\(none\)/);
  assert.throws(() => parseProfile(bytes, { sampleType: 'wall' }), (e: unknown) => e instanceof ProfileError && /no sample type "wall".*alloc_objects\/count/.test(e.message));
});

/** Functions keyed by name, file and line (pprof has no column), with self value. */
function functionsOf(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of functionTable(p)) {
    const f = p.frames[r.frame]!;
    if (f.functionName === '(root)') continue;
    const key = `${f.functionName} ${f.url}:${f.line}`;
    out.set(key, (out.get(key) ?? 0) + r.self);
  }
  return out;
}

test('round trip: export → import pprof gives the same top functions and line table (fixtures)', () => {
  for (const name of ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
    const before = parseProfile(readFixture(name));
    const after = parseProfile(encodePprof(before));
    assertProfileInvariants(after);
    assert.equal(after.kind, before.kind);
    assert.equal(after.unit, before.unit);
    assert.equal(after.format, 'pprof');
    assert.ok(Math.abs(after.totalValue[0]! - before.totalValue[0]!) < 1, `${name}: total`);
    if (before.kind === 'cpu') assert.equal(after.sampleCount, before.sampleCount, `${name}: samples`);
    // Values may differ by the rounding of µs to whole ns per sample.
    const close = (a: number, b: number) => Math.abs(a - b) <= 0.01 + 1e-9 * Math.abs(b);
    const fb = [...functionsOf(before)].sort((a, b) => b[1] - a[1]).slice(0, 20);
    const fa = functionsOf(after);
    for (const [key, self] of fb) assert.ok(close(fa.get(key) ?? -1, self), `${name}: ${key} self ${self} → ${fa.get(key)}`);
    const lb = lineTable(before).slice(0, 30);
    const la = lineTable(after);
    for (const row of lb) {
      const match = la.find((r) => r.url === row.url && r.line === row.line);
      assert.ok(match && close(match.self, row.self), `${name}: line ${row.url}:${row.line} ${row.self} → ${match?.self}`);
      assert.equal(after.frames[match.frame]!.functionName, before.frames[row.frame]!.functionName);
    }
  }
});

test('round trip through the CLI: export --format pprof, then report reads the .pb.gz with the same hotspots', () => {
  const dir = scratchDir('roundtrip-cli');
  const file = path.join(repoRoot, 'test/fixtures/small-webpack-1000us.cpuprofile');
  const out = path.join(dir, 'webpack.pb.gz');
  const r = flamelens(['export', file, '--format', 'pprof', '--no-source-maps', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wrote .*webpack\.pb\.gz/);
  assert.ok(fs.readFileSync(out)[0] === 0x1f, 'gzip-compressed');
  const a = reportJson(file);
  const b = reportJson(out);
  assert.deepEqual(
    b.functions.map((f) => [f.name, f.url, f.line, Math.round(f.self)]),
    a.functions.map((f) => [f.name, f.url, f.line, Math.round(f.self)]),
  );
  assert.deepEqual(
    b.lines.map((l) => [l.url, l.line, l.function, Math.round(l.self)]),
    a.lines.map((l) => [l.url, l.line, l.function, Math.round(l.self)]),
  );
  // Uncompressed (.pprof) reads the same; `diff` compares the pprof with its source profile: nothing changed.
  const plain = path.join(dir, 'webpack.pprof');
  fs.writeFileSync(plain, gunzipSync(fs.readFileSync(out)));
  assert.equal(reportJson(plain).functions[0]!.name, a.functions[0]!.name);
  const d = flamelens(['diff', file, plain, '--json', '--fail-above', '0.1', '--no-source-maps']);
  assert.equal(d.status, 0, d.stderr);
  // Refuses to overwrite its input.
  const self = flamelens(['export', out, '--format', 'pprof']);
  assert.equal(self.status, 2);
  assert.match(self.stderr, /is the input file/);
});

// ---- Broken input ----

function errorOf(bytes: Uint8Array): ProfileError {
  try {
    parseProfile(maybeGunzip(bytes));
  } catch (e) {
    assert.ok(e instanceof ProfileError, `a ProfileError, not ${String(e)}`);
    return e;
  }
  assert.fail('parsed without an error');
}

function tinyPprof(edit: (strings: StringTable) => Partial<ConstructorParameters<typeof PprofProfile>[0] & object>): Uint8Array {
  const strings = new StringTable();
  const fields = edit(strings);
  return new PprofProfile({ stringTable: strings, ...fields }).encode();
}

test('bad pprof input: missing string-table entries, zero sample types, truncated gzip and proto → typed ProfileErrors', () => {
  // A function whose name is string 99 of a 5-entry table.
  const missing = tinyPprof((s) => ({
    sampleType: [new ValueType({ type: s.dedup('cpu'), unit: s.dedup('nanoseconds') })],
    function: [new PprofFunction({ id: 1, name: 99, filename: s.dedup('a.js') })],
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
    sample: [new Sample({ locationId: [1], value: [1000] })],
  }));
  let err = errorOf(missing);
  assert.equal(err.code, 'invalid-structure');
  assert.match(err.message, /a function name is string 99, but the string table has only 4 entries/);

  const noTypes = tinyPprof((s) => ({
    function: [new PprofFunction({ id: 1, name: s.dedup('f') })],
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
    sample: [new Sample({ locationId: [1], value: [1000] })],
  }));
  err = errorOf(noTypes);
  assert.equal(err.code, 'invalid-structure');
  assert.match(err.message, /no sample types/);

  const good = encodePprof(parseProfile(readFixture('small-marked-1000us.cpuprofile')));
  assert.equal(parseProfile(good).format, 'pprof');
  const gz = gzipSync(good);
  for (const cut of [Math.floor(gz.length / 2), gz.length - 9, 40]) {
    err = errorOf(gz.subarray(0, cut));
    assert.equal(err.code, 'truncated', `gzip cut at ${cut}: ${err.message}`);
  }
  for (const cut of [Math.floor(good.length / 3), good.length - 1, 7]) {
    err = errorOf(good.subarray(0, cut));
    assert.equal(err.code, 'truncated', `proto cut at ${cut}: ${err.message}`);
  }

  // Dangling references and mismatched value counts.
  err = errorOf(tinyPprof((s) => ({
    sampleType: [new ValueType({ type: s.dedup('cpu'), unit: s.dedup('nanoseconds') })],
    sample: [new Sample({ locationId: [7], value: [5] })],
  })));
  assert.equal(err.code, 'invalid-structure');
  assert.match(err.message, /location 7/);
  err = errorOf(tinyPprof((s) => ({
    sampleType: [new ValueType({ type: s.dedup('cpu'), unit: s.dedup('nanoseconds') })],
    function: [new PprofFunction({ id: 1, name: s.dedup('f') })],
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
    sample: [new Sample({ locationId: [1], value: [5, 6] })],
  })));
  assert.match(err.message, /2 values for 1 sample types/);

  // A difference profile's negative values are its baseline: a comparison (see the -diff_base test).
  const diff = parseProfile(tinyPprof((s) => ({
    sampleType: [new ValueType({ type: s.dedup('cpu'), unit: s.dedup('nanoseconds') })],
    function: [new PprofFunction({ id: 1, name: s.dedup('f') }), new PprofFunction({ id: 2, name: s.dedup('g') })],
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] }), new Location({ id: 2, line: [new Line({ functionId: 2, line: 9 })] })],
    sample: [new Sample({ locationId: [1], value: [-5000] }), new Sample({ locationId: [2], value: [7000] })],
  })));
  assertProfileInvariants(diff);
  assert.equal(diff.totalValue[0], 7);
  assert.equal(diff.baseTotalValue?.[0], 5);
  assert.ok(diff.notes.some((n) => /difference profile \(1 sample has a negative value, as `pprof -base` and `-diff_base` write\)/.test(n)), diff.notes.join(' | '));

  // The CLI turns them into a message and exit code 2, nothing else.
  const dir = scratchDir('bad-pprof');
  const file = path.join(dir, 'cut.pb.gz');
  fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
  const r = flamelens(['report', file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cut\.pb\.gz: The gzip-compressed profile ends early/);
  assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
});

test('a difference pprof written by `go tool pprof -diff_base` reads as a comparison: its negative samples are the baseline', (t) => {
  if (!haveGo(t)) return;
  const dir = scratchDir('pprof-diff-base');
  const base = path.join(dir, 'base.pb.gz');
  const next = path.join(dir, 'new.pb.gz');
  flamelensOk(['export', path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile'), '--format', 'pprof', '-o', base, '--no-source-maps']);
  flamelensOk(['export', path.join(repoRoot, 'test/fixtures/small-webpack-1000us.cpuprofile'), '--format', 'pprof', '-o', next, '--no-source-maps']);
  const diffFile = path.join(dir, 'diff.pb.gz');
  go(['tool', 'pprof', '-proto', '-output', diffFile, '-diff_base', base, next], dir);
  // Go marks the baseline's samples (pprof::base) and negates them.
  const raw = PprofProfile.decode(gunzipSync(fs.readFileSync(diffFile)));
  // int64 varints: negatives decode as 2^64 − x.
  const negative = raw.sample.filter((x) => BigInt.asIntN(64, BigInt(x.value[1]!)) < 0n).length;
  assert.ok(negative > 0, 'the baseline is in the file, negated');

  const one = (file: string) => parseProfile(maybeGunzip(fs.readFileSync(file)));
  const [b, n, d] = [one(base), one(next), one(diffFile)];
  assertProfileInvariants(d);
  // Before: the negative samples were left out (the baseline gone, only a note said so).
  assert.ok(d.baseTotalValue, 'a comparison profile');
  assert.ok(Math.abs(d.baseTotalValue[0]! - b.totalValue[0]!) < 1, `baseline ${d.baseTotalValue[0]} µs = base's ${b.totalValue[0]} µs`);
  assert.ok(Math.abs(d.totalValue[0]! - n.totalValue[0]!) < 1, `new ${d.totalValue[0]} µs = new's ${n.totalValue[0]} µs`);
  assert.equal(d.sampleCount, n.sampleCount);
  assert.ok(d.notes.some((x) => x.startsWith(`This pprof is a difference profile (${negative} samples have negative values, as \`pprof -diff_base\` writes): read as a comparison whose baseline is the negative samples.`)), d.notes.join(' | '));
  // The CLI says so too, and an export that cannot hold the baseline says what it holds.
  assert.match(flamelensOk(['report', diffFile, '--no-source-maps']), /note: This pprof is a difference profile/);
  const folded = flamelens(['export', diffFile, '--format', 'folded', '-o', path.join(dir, 'd.folded')]);
  assert.equal(folded.status, 0, folded.stderr);
  assert.match(folded.stderr, /warning: .*diff\.pb\.gz is a comparison \(a difference profile\): the folded file holds its new profile only, without the baseline/);
  // The flame graph page draws the change.
  flamelensOk(['export', diffFile, '--format', 'html', '-o', path.join(dir, 'd.html')]);
  assert.match(fs.readFileSync(path.join(dir, 'd.html'), 'utf8'), /"diff":true/);
});

test('pprof sample values beyond 2^53 get a note that they were rounded; values up to it do not', () => {
  const pprofWith = (values: (number | bigint)[]) =>
    tinyPprof((s) => ({
      sampleType: [new ValueType({ type: s.dedup('space'), unit: s.dedup('bytes') })],
      function: [new PprofFunction({ id: 1, name: s.dedup('f') })],
      location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
      sample: values.map((v) => new Sample({ locationId: [1], value: [v] })),
    }));
  const dir = scratchDir('pprof-huge-values');
  const huge = path.join(dir, 'huge.pb.gz');
  // 2^60 + 1 is no double: it reads as 2^60. Written as a real file and read by the CLI.
  fs.writeFileSync(huge, gzipSync(pprofWith([2n ** 60n + 1n, 1024])));
  const report = reportJson(huge);
  assert.equal(report.total, 2 ** 60 + 1024);
  assert.ok(report.notes.some((n) => n === '1 sample has a value beyond 2^53 (9,007,199,254,740,991), which a JavaScript number cannot hold exactly: rounded to the nearest one it holds (within 1 part in 10^15).'), report.notes.join(' | '));
  const exact = parseProfile(pprofWith([Number.MAX_SAFE_INTEGER, 1024]));
  assert.ok(!exact.notes.some((n) => n.includes('beyond 2^53')), exact.notes.join(' | '));
});

test('a corrupt pprof is named as one (not "Not valid JSON"); binary junk, plain or gzip-compressed, is named as no profile', async () => {
  const good = Buffer.from(encodePprof(parseProfile(readFixture('small-marked-1000us.cpuprofile'))));
  // A byte in the middle that can begin no Profile field (field 15 with wire type 7).
  const at = Math.floor(good.length / 2);
  // The first top-level field boundary at or after the middle (key, varint, then the payload of a length-delimited field).
  let fieldStart = 0;
  while (fieldStart < at) {
    const key = good[fieldStart++]!;
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      b = good[fieldStart++]!;
      n += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b >= 0x80);
    if ((key & 7) === 2) fieldStart += n;
  }
  assert.ok(fieldStart < good.length);
  const corrupt = Buffer.from(good);
  corrupt[fieldStart] = 0xff;
  const err = errorOf(corrupt);
  assert.equal(err.code, 'invalid-structure');
  assert.match(err.message, new RegExp(`starts as a pprof profile \\(profile\\.proto: \\d+ well-formed records\\), but byte ${fieldStart} \\(0xff\\) begins no record.*corrupt`));
  assert.doesNotMatch(err.message, /JSON/);

  const dir = scratchDir('corrupt-pprof');
  const junk = Buffer.from(Array.from({ length: 5000 }, (_, i) => ((i * 7919) >> 3) & 0xff));
  junk[0] = 0x24;
  fs.writeFileSync(path.join(dir, 'corrupt.pb.gz'), gzipSync(corrupt));
  fs.writeFileSync(path.join(dir, 'junk.pprof'), junk);
  fs.writeFileSync(path.join(dir, 'junk.pb.gz'), gzipSync(junk));
  const gzCorrupt = flamelens(['report', path.join(dir, 'corrupt.pb.gz')]);
  assert.equal(gzCorrupt.status, 2);
  assert.match(gzCorrupt.stderr, /corrupt\.pb\.gz: The file starts as a pprof profile/);
  const plainJunk = flamelens(['report', path.join(dir, 'junk.pprof')]);
  assert.equal(plainJunk.status, 2);
  assert.match(plainJunk.stderr, /junk\.pprof: This file is not a profile FlameLens reads: .* starts with '\$' at byte 0, which begins neither/);
  const gzJunk = flamelens(['report', path.join(dir, 'junk.pb.gz')]);
  assert.equal(gzJunk.status, 2);
  assert.match(gzJunk.stderr, /junk\.pb\.gz: This gzip file holds no profile FlameLens reads: .* what it inflates to starts with '\$' at byte 0/);
  for (const r of [gzCorrupt, plainJunk, gzJunk]) assert.doesNotMatch(r.stderr, /Not valid JSON|\n\s+at /);
});

test('format detection: JSON profiles and JSON that is not a profile are still told apart from pprof', () => {
  const json = readFixture('small-marked-1000us.cpuprofile');
  assert.equal(parseProfile(Buffer.concat([Buffer.from('\n\n'), json])).format, 'devtools-cpuprofile');
  for (const text of ['2', '"x"', '12', 'hello']) {
    const err = errorOf(Buffer.from(text));
    // Never taken for a (broken) pprof; naming pprof among the formats read is fine.
    assert.ok(!/pprof profile|valid pprof/.test(err.message), `${text}: ${err.message}`);
    assert.ok(err.code === 'unknown-format' || err.code === 'invalid-json', `${text}: ${err.code}`);
  }
});

test('a heap pprof\'s object counts are never read as time: bytes by default (also when the default type is objects), a clear error when asked for', () => {
  const heap = parseProfile(readFixture('heap-webpack-16k.heapprofile'));
  const bytes = encodePprof(heap);
  const types = PprofProfile.decode(bytes).sampleType.length;
  assert.ok(types >= 2, 'our heap export writes objects/count beside space/bytes');
  const read = parseProfile(bytes);
  assert.equal(read.kind, 'heap');
  assert.equal(read.unit, 'bytes');
  assert.equal(read.totalValue[0], heap.totalValue[0]);
  assert.throws(
    () => parseProfile(bytes, { sampleType: 'objects' }),
    (e: unknown) => e instanceof ProfileError && /objects\/count counts objects of a heap profile.*choose space\/bytes/.test(e.message),
  );
  // Its default sample type set to the counts (as `go tool pprof -sample_index` can leave it): still bytes.
  const decoded = PprofProfile.decode(bytes);
  decoded.defaultSampleType = decoded.stringTable.dedup('objects');
  const countsFirst = parseProfile(decoded.encode());
  assert.equal(countsFirst.kind, 'heap');
  assert.equal(countsFirst.totalValue[0], heap.totalValue[0]);
  // A heap pprof that has only counts has nothing FlameLens can show in bytes.
  const onlyCounts = tinyPprof((s) => ({
    sampleType: [new ValueType({ type: s.dedup('objects'), unit: s.dedup('count') })],
    periodType: new ValueType({ type: s.dedup('space'), unit: s.dedup('bytes') }),
    function: [new PprofFunction({ id: 1, name: s.dedup('f') })],
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
    sample: [new Sample({ locationId: [1], value: [5] })],
  }));
  assert.match(errorOf(onlyCounts).message, /heap profile with no sample type in bytes \(it has objects\/count\)/);
});

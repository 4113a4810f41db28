// The pprof export read by Go's own `go tool pprof` (an independent reader, not ours): the same
// top functions by self as FlameLens's report, the per-line locations we wrote, and the sample
// totals; on the fixtures and on a live capture made with `flamelens record`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Profile as PprofProfile } from 'pprof-format';
import type { ReportJson } from '../../../src/cli/report';
import { parseProfile } from '../../../src/model/import';
import { lineTable } from '../../../src/model/tables';
import { buildBundles, busyFunction, repoRoot, scratchDir, writeFiles, runCli } from '../../support/capture-helpers';
import { go, haveGo, parseRaw, parseTop } from '../../support/go-tool';
import { readFixture } from '../../support/model-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

function flamelens(args: string[], cwd = repoRoot): string {
  const r = runCli(cli, args, cwd);
  assert.equal(r.status, 0, `flamelens ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const fixtures = ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile'];
const fixturePath = (name: string) => path.join(repoRoot, 'test/fixtures', name);

/** `flamelens export --format pprof` into `dir`. */
function exportPprof(file: string, dir: string): string {
  const out = path.join(dir, `${path.basename(file)}.pb.gz`);
  flamelens(['export', file, '--format', 'pprof', '--no-source-maps', '-o', out]);
  return out;
}

/**
 * FlameLens's own report, by function name: pprof's default (function) granularity merges
 * functions of the same name, so the report's rows are summed per name to compare.
 */
function reportSelfByName(file: string): Map<string, number> {
  const report = JSON.parse(flamelens(['report', file, '--json', '--top', '1000000', '--no-source-maps'])) as ReportJson;
  const byName = new Map<string, number>();
  for (const f of report.functions) byName.set(f.name, (byName.get(f.name) ?? 0) + f.self);
  return byName;
}

/** The report leaves V8's pseudo-frames (idle), (program) and (root) out; so does this comparison. */
const notInReport = new Set(['(idle)', '(program)', '(root)']);

function assertSameTop(file: string, exported: string, dir: string, rows = 10): void {
  const kind = parseProfile(fs.readFileSync(file)).kind;
  // -nodefraction=0: by default pprof drops functions under 0.5% of the total from its listing.
  const top = parseTop(go(['tool', 'pprof', '-top', '-nodefraction=0', `-nodecount=${rows + 3}`, `-unit=${kind === 'cpu' ? 'us' : 'B'}`, exported], dir)).filter((r) => !notInReport.has(r.name));
  const ours = [...reportSelfByName(file)].sort((a, b) => b[1] - a[1]);
  assert.ok(top.length >= Math.min(rows, ours.length) - 3, `go tool pprof listed ${top.length} rows`);
  const n = Math.min(rows, top.length);
  for (let i = 0; i < n; i++) {
    const row = top[i]!;
    const self = ours.find(([name]) => name === row.name)?.[1];
    assert.ok(self !== undefined, `${path.basename(file)}: go's #${i + 1} ${row.name} is in FlameLens's report`);
    // -unit us / B prints whole numbers: allow the rounding of µs to whole ns per sample.
    assert.ok(Math.abs(self - row.flat) <= 1 + 1e-6 * self, `${path.basename(file)}: ${row.name} self ${self} (FlameLens) vs ${row.flat} (go tool pprof)`);
    // Same rank: FlameLens's i-th function by self has the same value (names may swap only on ties).
    assert.ok(Math.abs(ours[i]![1] - row.flat) <= 1 + 1e-6 * self, `${path.basename(file)}: #${i + 1} is ${ours[i]![0]} ${ours[i]![1]} in FlameLens, ${row.name} ${row.flat} in go tool pprof`);
  }
}

test('pprof export: go tool pprof -top lists the same top functions by self as FlameLens\'s report (CPU and heap fixtures)', (t) => {
  if (!haveGo(t)) return;
  const dir = scratchDir('export-pprof-top');
  for (const name of fixtures) assertSameTop(fixturePath(name), exportPprof(fixturePath(name), dir), dir);
});

test('pprof export: go tool pprof -raw shows the hot lines as locations, one per (function, line), and the sample totals', (t) => {
  if (!haveGo(t)) return;
  const dir = scratchDir('export-pprof-raw');
  for (const name of fixtures) {
    const p = parseProfile(readFixture(name));
    const raw = parseRaw(go(['tool', 'pprof', '-raw', exportPprof(fixturePath(name), dir)], dir));
    const where = new Set(raw.locations.map((l) => `${l.name}\u0000${l.file}\u0000${l.line}`));
    // FlameLens's top lines are each a location with that function, file and 1-based line.
    const lines = lineTable(p).slice(0, 15);
    for (const r of lines) {
      const fn = p.frames[r.frame]!.functionName;
      assert.ok(where.has(`${fn}\u0000${r.url}\u0000${r.line}`), `${name}: ${fn} at ${r.url}:${r.line} is a location`);
    }
    // A function with self time on several lines has a location for each of them.
    const linesOf = new Map<string, Set<number>>();
    for (const r of lineTable(p)) {
      const key = `${p.frames[r.frame]!.functionName}\u0000${r.url}`;
      linesOf.set(key, (linesOf.get(key) ?? new Set()).add(r.line));
    }
    const multi = [...linesOf].find(([, s]) => s.size >= 3);
    if (p.kind === 'cpu') {
      assert.ok(multi, `${name}: some function has self time on 3+ lines`);
      const [fn, url] = multi[0].split('\u0000');
      for (const line of multi[1]) assert.ok(where.has(`${fn}\u0000${url}\u0000${line}`), `${name}: ${fn} line ${line} is its own location`);
    }
    // Totals: the value columns add up to the profile (ns for CPU, bytes for heap).
    const col = (type: string) => raw.sampleTypes.indexOf(type);
    const total = (c: number) => raw.samples.reduce((a, s) => a + s[c]!, 0);
    if (p.kind === 'cpu') {
      assert.deepEqual(raw.sampleTypes, ['samples/count', 'cpu/nanoseconds']);
      assert.match(raw.header, /PeriodType: cpu nanoseconds/);
      assert.equal(total(col('samples/count')), p.sampleCount, `${name}: samples`);
      assert.ok(Math.abs(total(col('cpu/nanoseconds')) - p.totalValue[0]! * 1000) <= raw.samples.length, `${name}: nanoseconds`);
    } else {
      assert.deepEqual(raw.sampleTypes, ['objects/count', 'space/bytes']);
      assert.equal(total(col('space/bytes')), p.totalValue[0]!, `${name}: bytes`);
    }
  }
});

test('pprof export: the message itself — sample types, period, duration, functions with name/file/start line', () => {
  const dir = scratchDir('export-pprof-message');
  const file = fixturePath('small-webpack-1000us.cpuprofile');
  const pb = PprofProfile.decode(gunzipSync(fs.readFileSync(exportPprof(file, dir))));
  const s = pb.stringTable.strings;
  const p = parseProfile(readFixture('small-webpack-1000us.cpuprofile'));
  assert.deepEqual(pb.sampleType.map((t) => `${s[Number(t.type)]}/${s[Number(t.unit)]}`), ['samples/count', 'cpu/nanoseconds']);
  assert.equal(`${s[Number(pb.periodType!.type)]}/${s[Number(pb.periodType!.unit)]}`, 'cpu/nanoseconds');
  assert.ok(Number(pb.period) > 0, 'period from the sampling interval');
  assert.equal(Number(pb.durationNanos), Math.round((p.endTime - p.startTime) * 1000));
  const mtimeNs = fs.statSync(file).mtimeMs * 1e6;
  assert.ok(Math.abs(Number(pb.timeNanos) + Number(pb.durationNanos) - mtimeNs) < 1e9, 'time_nanos: the capture ended when the file was written');
  const wrapSafe = p.frames.find((f) => f.functionName === 'wrapSafe')!;
  const fn = pb.function.find((f) => s[Number(f.name)] === 'wrapSafe')!;
  // No system name: pprof would take name = system name for a mangled symbol (see the -top test of names below).
  assert.equal(s[Number(fn.systemName)], '');
  assert.equal(s[Number(fn.filename)], wrapSafe.url);
  assert.equal(Number(fn.startLine), wrapSafe.line);
  // Column is written where known (the function's own line).
  const own = pb.location.find((l) => Number(l.line[0]!.functionId) === Number(fn.id) && Number(l.line[0]!.line) === wrapSafe.line);
  assert.equal(Number(own?.line[0]!.column), wrapSafe.column);
});

test('pprof export: go tool pprof shows names with < > [ ] ( ) :: as FlameLens does (no C++ demangling heuristic)', (t) => {
  if (!haveGo(t)) return;
  const dir = scratchDir('export-pprof-names');
  // V8's name for a class's field initializers, in the real webpack capture (node:internal/modules/esm/loader).
  const webpack = fixturePath('small-webpack-1000us.cpuprofile');
  const report = JSON.parse(flamelens(['report', webpack, '--json', '--top', '1000000', '--no-source-maps'])) as ReportJson;
  const init = report.functions.find((f) => f.name === '<instance_members_initializer>');
  assert.ok(init && init.total > 0, 'the fixture has <instance_members_initializer> on the stack');
  const top = (file: string) => parseTop(go(['tool', 'pprof', '-top', '-nodefraction=0', '-nodecount=100000', '-unit=us', exportPprof(file, dir)], dir));
  const rows = top(webpack);
  const row = rows.find((r) => r.name === '<instance_members_initializer>');
  // Before: pprof "simplified" it to an empty name, listed as the mapping ([devtools-cpuprofile]).
  assert.ok(row, `go tool pprof lists <instance_members_initializer>: ${rows.filter((r) => r.name.startsWith('[')).map((r) => r.name).join(', ')}`);
  assert.ok(Math.abs(row.cum - init.total) <= 1, `cum ${row.cum} µs vs FlameLens's total ${init.total} µs`);
  assert.ok(!rows.some((r) => r.name === '[devtools-cpuprofile]'), 'no function is shown by its mapping');
  // A name that looks like C++ keeps its parameters and brackets: the hottest function of marked, renamed.
  const marked = JSON.parse(readFixture('small-marked-1000us.cpuprofile').toString('utf8')) as { nodes: { callFrame: { functionName: string } }[] };
  const hottest = [...reportSelfByName(fixturePath('small-marked-1000us.cpuprofile'))].filter(([n]) => !n.startsWith('(')).sort((a, b) => b[1] - a[1])[0]![0];
  const odd = 'Parser<Token>::parse(tokens) [hot]';
  for (const n of marked.nodes) if (n.callFrame.functionName === hottest) n.callFrame.functionName = odd;
  const renamed = path.join(dir, 'renamed.cpuprofile');
  fs.writeFileSync(renamed, JSON.stringify(marked));
  const renamedRows = top(renamed);
  assert.ok(renamedRows.some((r) => r.name === odd), `"${odd}" is listed as is: ${renamedRows.slice(0, 5).map((r) => r.name).join(', ')}`);
});

test('pprof export of a live capture: go tool pprof -top puts the busy function first', (t) => {
  if (!haveGo(t)) return;
  const dir = scratchDir('export-pprof-live');
  writeFiles(dir, {
    'busy.js': `${busyFunction('spinHot', 1500)}${busyFunction('spinCold', 250)}spinHot();\nspinCold();\n`,
  });
  const out = path.join(dir, 'capture');
  flamelens(['record', '--out', out, '--', process.execPath, path.join(dir, 'busy.js')], dir);
  const profile = fs.readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
  assert.ok(profile, 'a profile was recorded');
  const exported = exportPprof(path.join(out, profile), dir);
  const top = parseTop(go(['tool', 'pprof', '-top', '-unit=us', exported], dir)).filter((r) => !notInReport.has(r.name) && !r.name.startsWith('('));
  assert.equal(top[0]?.name, 'spinHot', go(['tool', 'pprof', '-top', exported], dir));
  assertSameTop(path.join(out, profile), exported, dir, 5);
  // time_nanos comes from the capture's sidecar (epoch start), not from V8's monotonic clock.
  const sidecar = JSON.parse(fs.readFileSync(path.join(out, profile.replace('.cpuprofile', '.json')), 'utf8')) as { startTime: number };
  const pb = PprofProfile.decode(gunzipSync(fs.readFileSync(exported)));
  assert.equal(BigInt(pb.timeNanos), BigInt(sidecar.startTime) * 1_000_000n);
});

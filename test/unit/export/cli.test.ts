// `flamelens export` as users run it (the bundled CLI in a real process): default output names,
// speedscope from several profiles of one capture, the HTML page, and usage errors (exit 2).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { toSpeedscope, type SpeedscopeFile } from '../../../src/export/speedscope';
import { parseProfile } from '../../../src/model/import';
import { sliceProfile } from '../../../src/model/time-slice';
import { buildBundles, repoRoot, scratchDir, runCli } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const flamelens = (args: string[], cwd = repoRoot) => runCli(cli, args, cwd);

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures', name);

test('export without -o writes beside the input, named with the format\'s extension', () => {
  const dir = scratchDir('export-cli-default');
  const input = path.join(dir, 'app.cpuprofile');
  fs.copyFileSync(fixture('small-marked-1000us.cpuprofile'), input);
  for (const [format, ext] of [['pprof', '.pb.gz'], ['speedscope', '.speedscope.json'], ['folded', '.folded'], ['html', '.html']] as const) {
    const r = flamelens(['export', input, '--format', format]);
    assert.equal(r.status, 0, `${format}: ${r.stderr}`);
    const out = path.join(dir, `app${ext}`);
    assert.ok(fs.statSync(out).size > 0, `${format} → ${out}`);
    assert.ok(r.stderr.includes(out), `${format}: says where it wrote`);
  }
  assert.match(fs.readFileSync(path.join(dir, 'app.html'), 'utf8'), /id="flamelens-data"/, 'the standalone flame graph page');
});

test('export --format speedscope of the profiles of one capture: one file, one profile per thread', () => {
  const dir = scratchDir('export-cli-speedscope');
  const out = path.join(dir, 'capture.speedscope.json');
  const r = flamelens(['export', fixture('small-webpack-1000us.cpuprofile'), fixture('small-marked-1000us.cpuprofile'), '--format', 'speedscope', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const file = JSON.parse(fs.readFileSync(out, 'utf8')) as SpeedscopeFile;
  assert.deepEqual(file.profiles.map((p) => p.name), ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile']);
  assert.equal(file.exporter, 'flamelens');
});

test('export --format speedscope --from/--to: the range\'s samples in time order, on the recording\'s clock', () => {
  const dir = scratchDir('export-cli-speedscope-range');
  const out = path.join(dir, 'range.speedscope.json');
  const input = fixture('small-webpack-1000us.cpuprofile');
  const r = flamelens(['export', input, '--format', 'speedscope', '--from', '250ms', '--to', '900ms', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  const prof = (JSON.parse(fs.readFileSync(out, 'utf8')) as SpeedscopeFile).profiles[0]!;
  // --from/--to count from the first sample: startTime + timeDeltas[0].
  const raw = JSON.parse(fs.readFileSync(input, 'utf8')) as { startTime: number; timeDeltas: number[] };
  const first = raw.startTime + raw.timeDeltas[0]!;
  assert.equal(prof.startValue, first + 250_000);
  assert.equal(prof.endValue, first + 900_000);
  assert.equal(prof.weights.reduce((a, w) => a + w, 0), 650_000, 'the weights fill the range');
  // The same runs as the export of the model's slice (the unit tests check those against the samples).
  const p = parseProfile(fs.readFileSync(input));
  const expected = toSpeedscope([{ name: 'x', profile: sliceProfile(p, first + 250_000, first + 900_000) }], 'x');
  const file = JSON.parse(fs.readFileSync(out, 'utf8')) as SpeedscopeFile;
  const names = (f: SpeedscopeFile) => f.profiles[0]!.samples.map((s) => s.map((i) => f.shared.frames[i]!.name).join(';'));
  assert.deepEqual(names(file), names(expected));
  assert.deepEqual(prof.weights, expected.profiles[0]!.weights);
});

test('export usage errors exit 2 with the reason: unknown format, several files for pprof, pprof to stdout, missing file, empty -o', () => {
  const cases: [string[], RegExp][] = [
    [['export', fixture('small-marked-1000us.cpuprofile'), '--format', 'svgz'], /unknown --format "svgz" \(use pprof, speedscope, folded, html, svg\)/],
    [['export', fixture('small-marked-1000us.cpuprofile'), fixture('small-webpack-1000us.cpuprofile'), '--format', 'pprof'], /--format pprof takes one profile file/],
    [['export', fixture('small-marked-1000us.cpuprofile'), '--format', 'pprof', '-o', '-'], /-o - \(stdout\) is for text formats/],
    [['export', fixture('small-marked-1000us.cpuprofile'), '--format', 'pprof', '--unit', 'us'], /--unit applies to --format folded only/],
    [['export', '--format', 'pprof'], /export needs a profile file/],
    [['export', path.join(repoRoot, 'no-such.cpuprofile'), '--format', 'pprof'], /no-such\.cpuprofile: no such file/],
    // An empty path (an unset shell variable) was written to '' and failed with a raw EISDIR.
    [['export', fixture('small-marked-1000us.cpuprofile'), '--format', 'folded', '-o', ''], /^flamelens export: -o needs a file path, not an empty string\nRun `flamelens export --help` for usage\.\n$/],
    [['export', fixture('small-marked-1000us.cpuprofile'), '--format', 'svg', '--out='], /^flamelens export: -o needs a file path, not an empty string\n/],
    [['report', fixture('small-marked-1000us.cpuprofile'), '--html', ''], /^flamelens report: --html needs a file path, not an empty string\nRun `flamelens report --help` for usage\.\n$/],
  ];
  for (const [args, message] of cases) {
    const r = flamelens(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const help = flamelens(['--help']);
  assert.match(help.stdout, /flamelens export FILE --format F/);
  const exportHelp = flamelens(['export', '--help']);
  assert.equal(exportHelp.status, 0);
  assert.match(exportHelp.stdout, /pprof\s+gzip'd profile\.proto/);
});

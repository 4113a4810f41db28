// The CLI's outputs never destroy its inputs and its comparisons see no change where there is none:
// an output that is the input (same path, a symbolic or a hard link to it) is refused; a path
// under /proc fails at once instead of hanging; the SVG has one title per frame (FlameLens's, not
// d3-flame-graph's "N samples"); an empty profile's SVG is a user error; a pprof round trip and a
// --normalize diff of proportional profiles show no change, and --normalize shares are of the
// scaled base. Real bundled CLI, real profiles.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { buildBundles, repoRoot, scratchDir } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const fixture = path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile');

function flamelens(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

test('an output that is the input — by path, symbolic link or hard link — is refused (exit 2) and the profile kept', () => {
  const dir = scratchDir('out-is-input');
  fs.copyFileSync(fixture, path.join(dir, 'keep.cpuprofile'));
  fs.symlinkSync('keep.cpuprofile', path.join(dir, 'link.cpuprofile'));
  fs.linkSync(path.join(dir, 'keep.cpuprofile'), path.join(dir, 'hard.cpuprofile'));
  const original = fs.readFileSync(fixture);
  const attempts = [
    ['report', 'keep.cpuprofile', '--html', 'keep.cpuprofile'],
    ['report', 'keep.cpuprofile', '--html', 'link.cpuprofile'],
    ['export', 'keep.cpuprofile', '--format', 'folded', '-o', 'link.cpuprofile'],
    ['export', 'keep.cpuprofile', '--format', 'html', '-o', 'hard.cpuprofile'],
    ['export', 'keep.cpuprofile', '--format', 'pprof', '-o', './keep.cpuprofile'],
  ];
  for (const args of attempts) {
    const r = flamelens(args, dir);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /is the input file; writing it would replace the profile: choose another with (-o|--html)/);
    assert.ok(fs.readFileSync(path.join(dir, 'keep.cpuprofile')).equals(original), `${args.join(' ')} left the profile as it was`);
  }
  // Another file is written as before.
  assert.equal(flamelens(['export', 'keep.cpuprofile', '--format', 'folded', '-o', 'out.folded'], dir).status, 0);
});

test('an output under /proc is an error at once (Node\'s recursive mkdir never returns there)', () => {
  const dir = scratchDir('out-proc');
  for (const args of [['export', fixture, '--format', 'folded', '-o', '/proc/flamelens-nope/x.folded'], ['report', fixture, '--html', '/proc/self/flamelens-nope/x.html']]) {
    const t0 = Date.now();
    const r = flamelens(args, dir);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot write to \/proc\/.*: ENOENT \(no such file or folder\)/);
    assert.ok(Date.now() - t0 < 30_000);
  }
  // Missing parents elsewhere are still made.
  assert.equal(flamelens(['export', fixture, '--format', 'folded', '-o', 'a/b/c/x.folded'], dir).status, 0);
  assert.ok(fs.existsSync(path.join(dir, 'a/b/c/x.folded')));
});

test('SVG export: one title per frame (ours, in the profile\'s unit); a profile without samples is a user error', () => {
  const dir = scratchDir('svg-titles');
  assert.equal(flamelens(['export', fixture, '--format', 'svg', '-o', 'm.svg'], dir).status, 0);
  const svg = fs.readFileSync(path.join(dir, 'm.svg'), 'utf8');
  const frames = svg.split('<g class="frame').length - 1;
  const titles = (svg.match(/<title>/g) ?? []).length;
  assert.ok(frames > 10, `${frames} frames`);
  assert.equal(titles, frames + 1, 'each frame\'s title, and the document\'s');
  assert.doesNotMatch(svg, /samples\)<\/title>/, 'no d3-flame-graph "N samples" title (the values are µs)');
  fs.writeFileSync(
    path.join(dir, 'zero.cpuprofile'),
    JSON.stringify({ nodes: [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [] }], startTime: 0, endTime: 1000, samples: [], timeDeltas: [] }),
  );
  const r = flamelens(['export', 'zero.cpuprofile', '--format', 'svg', '-o', 'z.svg'], dir);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /zero\.cpuprofile has no samples: there is no flame graph to draw/);
  assert.ok(!fs.existsSync(path.join(dir, 'z.svg')));
});

test('SVG export draws a profile whose samples carry no time (all timeDeltas 0; one sample) by sample count, and every format agrees', async () => {
  const { Profile: PprofProfile } = await import('pprof-format');
  const dir = scratchDir('svg-timeless');
  const raw = JSON.parse(fs.readFileSync(fixture, 'utf8')) as { samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  const inputs: [string, object, number][] = [
    ['zerodur', { ...raw, timeDeltas: raw.timeDeltas.map(() => 0), endTime: raw.startTime }, raw.samples.length],
    ['one', { ...raw, samples: [raw.samples[300]], timeDeltas: [0], endTime: raw.startTime }, 1],
  ];
  for (const [name, json, count] of inputs) {
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(json));
    // Before: "has no samples: there is no flame graph to draw" (exit 2), though it has `count`.
    const svg = flamelens(['export', `${name}.cpuprofile`, '--format', 'svg', '-o', `${name}.svg`, '--no-source-maps'], dir);
    assert.equal(svg.status, 0, `${name}: ${svg.stderr}`);
    const drawn = fs.readFileSync(path.join(dir, `${name}.svg`), 'utf8');
    assert.ok(drawn.split('<g class="frame').length - 1 >= 2, `${name}: frames drawn`);
    assert.doesNotMatch(drawn, /NaN|Infinity/);
    // The same weights everywhere: 1 µs per sample, as the report says in its note.
    const report = JSON.parse(flamelens(['report', `${name}.cpuprofile`, '--json', '--no-source-maps'], dir).stdout) as { total: number; sampleCount: number; notes: string[] };
    assert.equal(report.total, count);
    assert.equal(report.sampleCount, count);
    assert.ok(report.notes.some((n) => /samples carry no time \(it spans 0 µs\).*sample counts/.test(n)), report.notes.join(' | '));
    for (const [format, out] of [['folded', 'f.folded'], ['speedscope', 's.speedscope.json'], ['pprof', 'p.pb.gz'], ['html', 'h.html']] as const) {
      const r = flamelens(['export', `${name}.cpuprofile`, '--format', format, '-o', `${name}-${out}`, '--no-source-maps'], dir);
      assert.equal(r.status, 0, `${name} ${format}: ${r.stderr}`);
    }
    const folded = fs.readFileSync(path.join(dir, `${name}-f.folded`), 'utf8').trim().split('\n');
    assert.equal(folded.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0), count, `${name}: folded samples`);
    const usFolded = flamelens(['export', `${name}.cpuprofile`, '--format', 'folded', '--unit', 'us', '-o', '-', '--no-source-maps'], dir).stdout.trim().split('\n');
    assert.equal(usFolded.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0), count, `${name}: folded µs`);
    const speedscope = JSON.parse(fs.readFileSync(path.join(dir, `${name}-s.speedscope.json`), 'utf8')) as { profiles: { weights: number[] }[] };
    assert.equal(speedscope.profiles[0]!.weights.reduce((a, w) => a + w, 0), count, `${name}: speedscope weights`);
    const pprof = PprofProfile.decode(gunzipSync(fs.readFileSync(path.join(dir, `${name}-p.pb.gz`))));
    assert.equal(pprof.sample.reduce((a, s) => a + Number(s.value[0]), 0), count, `${name}: pprof samples/count`);
    assert.match(fs.readFileSync(path.join(dir, `${name}-h.html`), 'utf8'), /samples carry no time/, `${name}: the page carries the note`);
  }
});

/** A CPU profile: root → main → f and g, with `f` and `g` self samples of `intervalUs` each. */
function profile(f: number, g: number, intervalUs: number): string {
  const cf = (functionName: string, lineNumber: number) => ({ functionName, scriptId: '1', url: 'file:///app/x.js', lineNumber, columnNumber: 0 });
  const nodes = [
    { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
    { id: 2, callFrame: cf('main', 0), children: [3, 4] },
    { id: 3, callFrame: cf('f', 2), children: [] },
    { id: 4, callFrame: cf('g', 6), children: [] },
  ];
  const samples = [...Array<number>(f).fill(3), ...Array<number>(g).fill(4)];
  // Each sample stands for the time to the next one; the last, to endTime: every one is worth `intervalUs`.
  return JSON.stringify({ nodes, startTime: 0, endTime: (samples.length + 1) * intervalUs, samples, timeDeltas: samples.map(() => intervalUs) });
}

test('diff: a pprof round trip and proportional profiles under --normalize show no change, and pass --fail-above 0', () => {
  const dir = scratchDir('diff-noise');
  assert.equal(flamelens(['export', fixture, '--format', 'pprof', '-o', 'm.pb.gz'], dir).status, 0);
  const trip = flamelens(['diff', fixture, 'm.pb.gz', '--no-source-maps', '--fail-above', '0'], dir);
  assert.equal(trip.status, 0, trip.stdout + trip.stderr);
  for (const heading of ['Regressions by function', 'Improvements by function', 'Regressions by line', 'Improvements by line']) {
    assert.match(trip.stdout, new RegExp(`${heading}[^\\n]*\\n\\s+\\(none\\)`), `${heading}: ${trip.stdout}`);
  }
  // The same shares, another sampling interval (1000 µs vs 700 µs): scaled, nothing moved.
  fs.writeFileSync(path.join(dir, 's1.cpuprofile'), profile(30, 70, 1000));
  fs.writeFileSync(path.join(dir, 's2.cpuprofile'), profile(30, 70, 700));
  const norm = flamelens(['diff', 's1.cpuprofile', 's2.cpuprofile', '--normalize', '--fail-above', '0', '--no-source-maps'], dir);
  assert.equal(norm.status, 0, norm.stdout + norm.stderr);
  assert.match(norm.stdout, /OK: no function grew by more than 0% of the base/);
});

test('diff --normalize: a function\'s growth is a share of the base as scaled, not of the base as recorded', () => {
  const dir = scratchDir('diff-normalize-share');
  // Base: f 10, g 90 samples (100 ms); new: f 20, g 90 (110 ms). Scaled ×1.1, f before is 11 ms:
  // f grew 9 ms of a 110 ms compared base = 8.2 %, not 9 ms of 100 ms = 9 %.
  fs.writeFileSync(path.join(dir, 'base.cpuprofile'), profile(10, 90, 1000));
  fs.writeFileSync(path.join(dir, 'new.cpuprofile'), profile(20, 90, 1000));
  const r = flamelens(['diff', 'base.cpuprofile', 'new.cpuprofile', '--normalize', '--json', '--no-source-maps'], dir);
  assert.equal(r.status, 0, r.stderr);
  const f = (JSON.parse(r.stdout) as { functions: { name: string; delta: number; percentOfBase: number }[] }).functions.find((x) => x.name === 'f')!;
  assert.ok(Math.abs(f.delta - 9000) < 1e-6, `delta ${f.delta} µs`);
  assert.equal(f.percentOfBase, 8.182);
  assert.equal(flamelens(['diff', 'base.cpuprofile', 'new.cpuprofile', '--normalize', '--fail-above', '8.5', '--no-source-maps'], dir).status, 0, 'under an 8.5% limit');
  assert.equal(flamelens(['diff', 'base.cpuprofile', 'new.cpuprofile', '--normalize', '--fail-above', '8', '--no-source-maps'], dir).status, 1, 'over an 8% limit');
});

test('snapshot-diff lists the constructors that grew, then those that shrank, never the unchanged; a location with a bidi override shows it escaped', async () => {
  const { renderSnapshotDiff } = await import('../../../src/cli/attach');
  const row = (name: string, countDelta: number, selfSizeDelta: number) => ({ name, countBefore: 10, countAfter: 10 + countDelta, countDelta, selfSizeBefore: 100, selfSizeAfter: 100 + selfSizeDelta, selfSizeDelta });
  const same = renderSnapshotDiff({ totalSizeDelta: 0, objectCountDelta: 0, growth: [row('Array', 0, 0), row('Map', -2, -40)] }, 10, 'a → a');
  assert.match(same, /Growth by constructor:\n {2}\(none\)\n\nShrank by constructor:\n.*\n\s+8\s+-2\s+60 B\s+-40 B\s+Map$/);
  assert.doesNotMatch(same, /Array/);
  const grew = renderSnapshotDiff({ totalSizeDelta: 60, objectCountDelta: 3, growth: [row('Leak', 3, 60), row('Array', 0, 0)] }, 10, 'a → b');
  assert.match(grew, /Leak\n\nShrank by constructor:\n {2}\(none\)$/);
  assert.doesNotMatch(grew, /Array/);
  const { formatLocation } = await import('../../../webview/format');
  // U+202E would display "…/x.js:12" reversed ("21:sj.x/…"); escaped, the line number stays where it is.
  assert.equal(formatLocation('/app/\u202ex.js', 12), '/app/\\u202ex.js:12');
  assert.equal(formatLocation('/app/x.js', 12), '/app/x.js:12');
});

test('diff --json: a base with no busy time gives no share (null), as the text leaves it blank', () => {
  const dir = scratchDir('diff-idle-base');
  // The base's only samples are (idle): busy 0 µs.
  const idle = JSON.parse(profile(0, 0, 1000)) as { nodes: { id: number; callFrame: object; children: number[] }[]; samples: number[]; timeDeltas: number[]; endTime: number };
  idle.nodes[0]!.children.push(9);
  idle.nodes.push({ id: 9, callFrame: { functionName: '(idle)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [] });
  idle.samples = [9, 9, 9];
  idle.timeDeltas = [1000, 1000, 1000];
  idle.endTime = 4000;
  fs.writeFileSync(path.join(dir, 'idle.cpuprofile'), JSON.stringify(idle));
  fs.writeFileSync(path.join(dir, 'new.cpuprofile'), profile(5, 0, 1000));
  const r = flamelens(['diff', 'idle.cpuprofile', 'new.cpuprofile', '--json', '--no-source-maps'], dir);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { base: { busy: number }; functions: { name: string; delta: number; percentOfBase: number | null }[] };
  assert.equal(json.base.busy, 0);
  const f = json.functions.find((x) => x.name === 'f');
  assert.ok(f && f.delta > 0, JSON.stringify(json.functions));
  assert.equal(f.percentOfBase, null);
});

test('diff fails closed on an empty NEW profile: --fail-above and --normalize refuse it (exit 2) instead of passing', () => {
  const dir = scratchDir('diff-empty-new');
  fs.writeFileSync(path.join(dir, 'base.cpuprofile'), profile(10, 5, 1000));
  fs.writeFileSync(path.join(dir, 'empty.cpuprofile'), profile(0, 0, 1000));
  // Before: --normalize scaled the base by 0 and --fail-above 0 passed (exit 0, "OK: no function grew").
  const norm = flamelens(['diff', 'base.cpuprofile', 'empty.cpuprofile', '--normalize', '--fail-above', '0', '--no-source-maps'], dir);
  assert.equal(norm.status, 2, norm.stdout + norm.stderr);
  assert.match(norm.stderr, /empty\.cpuprofile is empty/);
  assert.doesNotMatch(norm.stdout, /OK:/);
  const gate = flamelens(['diff', 'base.cpuprofile', 'empty.cpuprofile', '--fail-above', '5', '--no-source-maps'], dir);
  assert.equal(gate.status, 2, gate.stdout + gate.stderr);
  assert.match(gate.stderr, /needs a new profile with busy time, but empty\.cpuprofile has none/);
  // Without a gate or normalizing, the comparison is still shown: everything went away.
  const plain = flamelens(['diff', 'base.cpuprofile', 'empty.cpuprofile', '--no-source-maps'], dir);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /Improvements by function[^\n]*\n[^\n]*\n[^\n]*\bf\b/);
});

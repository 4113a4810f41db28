// The `flamelens` CLI as users run it: the bundled cli.js in a real process, on real captures.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { buildBundles, buildExample, busyFunction, repoRoot, scratchDir, writeFiles } from '../../support/capture-helpers';
import type { ReportJson } from '../../../src/cli/report';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function flamelens(args: string[], cwd = repoRoot): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function reportJson(file: string, cwd = repoRoot, extra: string[] = []): ReportJson {
  const r = flamelens(['report', file, '--json', ...extra], cwd);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReportJson;
}

/** The 1-based line of the .ts source holding `marker` (so tests never hard-code line numbers). */
function markerLine(file: string, marker: string): number {
  const lines = fs.readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker} in ${file}`);
  return i + 1;
}

/** The rows printed under a table heading, up to the next blank line. */
function tableRows(stdout: string, heading: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  assert.ok(start >= 0, `no "${heading}" in:\n${stdout}`);
  const rows: string[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.trim() !== ''; i++) rows.push(lines[i]!);
  return rows;
}

/** The first row under a table heading, failing clearly when the table is empty. */
function firstRow(stdout: string, heading: string): string {
  const [row] = tableRows(stdout, heading);
  assert.ok(row !== undefined, `no rows under "${heading}" in:\n${stdout}`);
  return row;
}

test('record on the example: hotspots mapped to the .ts sources, profiles and HTML written', () => {
  buildExample();
  const out = scratchDir('cli-record');
  const r = flamelens(['record', '--out', out, '--', 'node', 'examples/shop-api/dist/main.js']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^shop-api: sorted 14000 orders/m, 'the program output still shows');
  const sortLine = markerLine('examples/shop-api/src/sort.ts', 'flamelens-demo: hot-sort');
  const topFunction = firstRow(r.stderr, 'Top functions by self time');
  assert.match(topFunction, /\bsortOrdersByTotal\s+examples\/shop-api\/src\/sort\.ts:\d+$/);
  const topLine = firstRow(r.stderr, 'Top lines by self time');
  assert.match(topLine, new RegExp(`examples/shop-api/src/sort\\.ts:${sortLine}\\s+sortOrdersByTotal$`));
  // The worker and the child are listed with their own hot function.
  assert.match(r.stderr, /worker \d+ of process \d+ \(node examples\/shop-api\/dist\/primes-worker\.js\): .*countPrimes .*primes-worker\.ts:\d+/);
  assert.match(r.stderr, /process \d+ \(node examples\/shop-api\/dist\/audit-child\.js\): .*checksumLedger/);
  const files = fs.readdirSync(out);
  const profiles = files.filter((f) => f.endsWith('.cpuprofile'));
  assert.equal(profiles.length, 3, files.join(' '));
  for (const p of profiles) {
    const html = p.replace('.cpuprofile', '.cpu.html');
    assert.ok(files.includes(html), `${html} written`);
    const text = fs.readFileSync(path.join(out, html), 'utf8');
    assert.match(text, /<script type="application\/json" id="flamelens-data">/);
    assert.ok(!/<script[^>]+src=/.test(text), 'standalone: nothing loaded from elsewhere');
    assert.ok(r.stderr.includes(html), `${html} listed`);
  }
  assert.match(r.stderr, /program exited with code 0; 3 profiles written/);

  // The same capture through `report --json`: the hottest line, source-mapped, is the marked one.
  const mainProfile = profiles.find((p) => p.endsWith('-0.cpuprofile') && JSON.parse(fs.readFileSync(path.join(out, p.replace('.cpuprofile', '.json')), 'utf8')).argv.some((a: string) => a.endsWith('main.js')));
  assert.ok(mainProfile);
  const json = reportJson(path.join(out, mainProfile));
  const [hotLine] = json.lines;
  const [hotFunction] = json.functions;
  assert.ok(hotLine && hotFunction, 'the report has lines and functions');
  assert.equal(hotLine.file, 'examples/shop-api/src/sort.ts');
  assert.equal(hotLine.line, sortLine);
  assert.equal(hotFunction.name, 'sortOrdersByTotal');
  assert.equal(hotFunction.url, path.join(repoRoot, 'examples/shop-api/src/sort.ts'));
});

test('record --heap on the example attributes allocations to the cache', () => {
  buildExample();
  const out = scratchDir('cli-record-heap');
  const r = flamelens(['record', '--heap', '--no-html', '--out', out, '--', 'node', 'examples/shop-api/dist/main.js']);
  assert.equal(r.status, 0, r.stderr);
  const heapFiles = fs.readdirSync(out).filter((f) => f.endsWith('.heapprofile'));
  assert.equal(heapFiles.length, 3);
  assert.equal(fs.readdirSync(out).filter((f) => f.endsWith('.html') || f.endsWith('.cpuprofile')).length, 0);
  assert.match(r.stderr, /Top functions by self bytes allocated/);
  // Heap samples carry no line ticks, so rows are functions: the cache (its snapshot code, often
  // inlined into warmCache) allocates the most.
  const top = firstRow(r.stderr, 'Top functions by self bytes allocated');
  assert.match(top, /\b(warmCache|snapshot|\(anonymous\))\s+examples\/shop-api\/src\/cache\.ts:\d+$/);
});

test('record passes the program exit code through and explains a command that cannot start', () => {
  const dir = scratchDir('cli-record-exit');
  writeFiles(dir, { 'fail.js': `${busyFunction('beforeFailing', 100)}beforeFailing();\nprocess.exitCode = 4;\n` });
  const r = flamelens(['record', '--no-html', '--out', 'p', '--', 'node', 'fail.js'], dir);
  assert.equal(r.status, 4);
  assert.match(r.stderr, /beforeFailing/);
  const missing = flamelens(['record', '--out', 'p', '--', 'no-such-program-flamelens'], dir);
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr.trim().split('\n').pop(), 'flamelens record: command not found: no-such-program-flamelens');
  const none = flamelens(['record', '--out', 'p2', '--', 'sh', '-c', 'true'], dir);
  assert.equal(none.status, 3);
  assert.match(none.stderr, /no Node\.js process loaded the agent/);
});

test('record leaves stdout to the program: `record -- node gen.js > data.json` captures only its output, the report goes to stderr', () => {
  const dir = scratchDir('cli-record-stdout');
  writeFiles(dir, { 'prog.js': `${busyFunction('generateRows', 150)}generateRows();\nconsole.log(JSON.stringify({ rows: [1, 2, 3], ok: true }));\n` });
  const r = flamelens(['record', '--out', 'p', '--', 'node', 'prog.js'], dir);
  assert.equal(r.status, 0, r.stderr);
  // Byte for byte what the program printed: nothing of FlameLens's before, between or after.
  assert.equal(r.stdout, '{"rows":[1,2,3],"ok":true}\n');
  assert.deepEqual(JSON.parse(r.stdout), { rows: [1, 2, 3], ok: true });
  assert.doesNotMatch(r.stdout, /Files written|==|flamelens/);
  // The whole report is on stderr: the hotspot table, the files written (profile and HTML).
  assert.match(r.stderr, /== process \d+ \(node prog\.js\): CPU ==/);
  assert.match(r.stderr, /Top functions by self time[^]*\bgenerateRows\b/);
  assert.match(r.stderr, /Files written \(p\/\):\n {2}p\/\d+-0\.cpuprofile {2}\(process \d+ \(node prog\.js\), [\d.]+ m?s\) {2}→ {2}p\/\d+-0\.cpu\.html/);
});

test('report --json has the documented shape and consistent numbers', () => {
  const fixture = path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile');
  const json = reportJson(fixture, repoRoot, ['--top', '5']);
  assert.equal(json.kind, 'cpu');
  assert.equal(json.unit, 'us');
  assert.equal(json.format, 'devtools-cpuprofile');
  assert.ok(json.total > 0 && json.sampleCount > 0);
  assert.equal(json.functions.length, 5);
  assert.equal(json.lines.length, 5);
  for (let i = 0; i < json.functions.length; i++) {
    const f = json.functions[i]!;
    for (const key of ['name', 'url', 'file', 'category'] as const) assert.equal(typeof f[key], 'string', key);
    for (const key of ['line', 'column', 'self', 'selfPercent', 'total', 'totalPercent', 'samples'] as const) assert.equal(typeof f[key], 'number', key);
    assert.ok(f.total >= f.self);
    assert.ok(Math.abs(f.selfPercent - (f.self / json.total) * 100) < 0.01);
    if (i > 0) assert.ok(json.functions[i - 1]!.self >= f.self, 'sorted by self');
    assert.ok(!['(idle)', '(program)', '(root)'].includes(f.name));
  }
  for (const l of json.lines) {
    assert.ok(l.line > 0 && l.file !== '' && typeof l.function === 'string');
  }
  // The text report shows the same top function first.
  const text = flamelens(['report', fixture, '--top', '3']);
  assert.equal(text.status, 0);
  // (A row may end at the name: meta frames such as (garbage collector) have no location.)
  assert.ok(`${firstRow(text.stdout, 'Top functions by self time')} `.includes(` ${json.functions[0]!.name} `));
  // The same profile gzip-compressed reads the same.
  const gz = path.join(scratchDir('cli-report-gz'), 'p.cpuprofile.gz');
  fs.writeFileSync(gz, gzipSync(fs.readFileSync(fixture)));
  const fromGz = reportJson(gz, repoRoot, ['--top', '5']);
  assert.deepEqual(fromGz.functions, json.functions);
  // --hide-node-modules changes who is charged, never the total.
  const hidden = reportJson(fixture, repoRoot, ['--hide-node-modules']);
  assert.ok(hidden.functions.every((f) => f.category !== 'node_modules'));
  assert.ok(Math.abs(hidden.total - json.total) < 1);
});

test('report of a heap profile, with --html', () => {
  const out = scratchDir('cli-report-heap');
  const html = path.join(out, 'heap.html');
  const r = flamelens(['report', path.join(repoRoot, 'test/fixtures/heap-webpack-16k.heapprofile'), '--html', html]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Top functions by self bytes allocated/);
  assert.match(r.stdout, /\d+(\.\d)? (KB|MB) /);
  // No line data in a V8 heap profile: no table of the functions' first lines dressed as hot lines.
  assert.match(r.stdout, /Top lines by self bytes allocated:\n {2}\(none: a V8 heap profile records the allocating functions, not their lines\)/);
  assert.ok(fs.statSync(html).size > 10_000);
  const json = JSON.parse(flamelens(['report', path.join(repoRoot, 'test/fixtures/heap-webpack-16k.heapprofile'), '--json']).stdout) as { lines: unknown[]; functions: unknown[] };
  assert.deepEqual(json.lines, []);
  assert.ok(json.functions.length > 0);
});

test('a v8-profiler-next dump of a workload reports the same hot function as the agent', () => {
  const dir = scratchDir('cli-v8pn');
  const workload = `${busyFunction('crunchNumbers', 400)}${busyFunction('lightWork', 60)}`;
  writeFiles(dir, {
    'workload.js': `${workload}module.exports = () => { crunchNumbers(); lightWork(); };\n`,
    'with-v8pn.js': `const profiler = require(${JSON.stringify(path.join(repoRoot, 'node_modules/v8-profiler-next'))});
const fs = require('node:fs');
profiler.setGenerateType(1);
profiler.setSamplingInterval(100);
profiler.startProfiling('workload', true);
require('./workload.js')();
const profile = profiler.stopProfiling('workload');
profile.export((err, result) => {
  if (err) throw err;
  fs.writeFileSync(process.argv[2], result);
  profile.delete();
});
`,
    'plain.js': `require('./workload.js')();\n`,
  });
  const made = spawnSync(process.execPath, ['with-v8pn.js', 'v8pn.cpuprofile'], { cwd: dir, encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const v8pn = reportJson(path.join(dir, 'v8pn.cpuprofile'), dir);
  assert.equal(v8pn.format, 'v8-profiler-next');
  const [v8pnTop] = v8pn.functions;
  assert.ok(v8pnTop, 'the v8-profiler-next report has functions');
  assert.equal(v8pnTop.name, 'crunchNumbers');
  assert.equal(v8pnTop.file, 'workload.js');

  const rec = flamelens(['record', '--no-html', '--out', 'agent', '--', 'node', 'plain.js'], dir);
  assert.equal(rec.status, 0, rec.stderr);
  const agentFile = fs.readdirSync(path.join(dir, 'agent')).find((f) => f.endsWith('.cpuprofile'));
  assert.ok(agentFile);
  const agent = reportJson(path.join(dir, 'agent', agentFile), dir);
  assert.equal(agent.format, 'devtools-cpuprofile');
  const [agentTop] = agent.functions;
  assert.ok(agentTop, 'the agent report has functions');
  assert.equal(agentTop.name, v8pnTop.name);
  assert.equal(agentTop.line, v8pnTop.line);
});

test('diff: a real regression fails past the threshold and passes under it', () => {
  const dir = scratchDir('cli-diff');
  writeFiles(dir, {
    'job.js': `${busyFunction('steadyWork', 300)}
function growingWork(rounds) {
  let acc = 0;
  for (let r = 0; r < rounds; r++) {
    const end = Date.now() + 100;
    while (Date.now() < end) for (let i = 1; i < 20000; i++) acc += (i * 7919) % 13 ^ (acc & 1023);
  }
  return acc;
}
steadyWork();
growingWork(Number(process.argv[2]));
`,
  });
  for (const [name, rounds] of [['base', '1'], ['new', '4']] as const) {
    const r = flamelens(['record', '--no-html', '--out', name, '--', 'node', 'job.js', rounds], dir);
    assert.equal(r.status, 0, r.stderr);
  }
  const file = (name: string) => path.join(name, fs.readdirSync(path.join(dir, name)).find((f) => f.endsWith('.cpuprofile'))!);
  const base = file('base');
  const next = file('new');

  // growingWork goes from ~100 ms to ~400 ms of a ~400 ms base: roughly +75% of the base.
  const fail = flamelens(['diff', base, next, '--fail-above', '20'], dir);
  assert.equal(fail.status, 1, fail.stdout + fail.stderr);
  assert.match(firstRow(fail.stdout, 'Regressions by function'), /\+\d.*growingWork\s+job\.js:\d+$/);
  assert.match(fail.stdout, /FAIL: growingWork grew by \d+(\.\d)?% of the base \(limit 20%\)/);

  const pass = flamelens(['diff', base, next, '--fail-above', '400'], dir);
  assert.equal(pass.status, 0, pass.stdout + pass.stderr);
  assert.match(pass.stdout, /OK: no function grew by more than 400% of the base/);

  const json = flamelens(['diff', base, next, '--json', '--fail-above', '20'], dir);
  assert.equal(json.status, 1);
  const d = JSON.parse(json.stdout) as {
    failed: boolean;
    failAbove: number;
    base: { busy: number };
    functions: { name: string; delta: number; percentOfBase: number; file: string }[];
  };
  assert.equal(d.failed, true);
  assert.equal(d.failAbove, 20);
  const grown = d.functions[0];
  assert.ok(grown, 'the diff lists functions');
  assert.equal(grown.name, 'growingWork');
  assert.equal(grown.file, 'job.js');
  assert.ok(grown.percentOfBase > 20 && grown.percentOfBase < 400, String(grown.percentOfBase));
  assert.ok(Math.abs(grown.percentOfBase - (grown.delta / d.base.busy) * 100) < 0.01);
  // The steady function moves less than the regression (timing noise only).
  const steady = d.functions.find((f) => f.name === 'steadyWork');
  assert.ok(!steady || Math.abs(steady.delta) < grown.delta);

  // The reverse comparison is an improvement: nothing fails.
  const reverse = flamelens(['diff', next, base, '--fail-above', '20'], dir);
  assert.equal(reverse.status, 0);
  assert.match(firstRow(reverse.stdout, 'Improvements by function'), /growingWork/);
});

test('diff: a change too small for one decimal of the base reads "<0.1%", never "+0.0%" or "-0.0%"', () => {
  const dir = scratchDir('cli-diff-small');
  // The real heap profile, and the same with 400 bytes more in one function and 400 fewer in another.
  const fixture = path.join(repoRoot, 'test/fixtures/heap-webpack-16k.heapprofile');
  const text = fs.readFileSync(fixture, 'utf8');
  const changed = text.replace('"selfSize":436056,', '"selfSize":436456,').replace('"selfSize":66856,', '"selfSize":66456,');
  assert.notEqual(changed, text);
  fs.writeFileSync(path.join(dir, 'next.heapprofile'), changed);
  const r = flamelens(['diff', fixture, 'next.heapprofile'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(firstRow(r.stdout, 'Regressions by function'), /^\s+\+400 B\s+\+<0\.1%\s.*Module\._extensions\.\.json/);
  assert.match(firstRow(r.stdout, 'Improvements by function'), /^\s+-400 B\s+-<0\.1%\s.*readFileSync/);
  assert.doesNotMatch(r.stdout, /[+-]0\.0%/);
});

test('user errors: exit 2, a clear message, never a stack trace', () => {
  const dir = scratchDir('cli-errors');
  writeFiles(dir, { 'broken.cpuprofile': '{"nodes": [{"id": 1, "callFrame": ', 'notes.txt': 'hello' });
  const cases: [string[], RegExp][] = [
    [['report', 'broken.cpuprofile'], /^flamelens report: broken\.cpuprofile: .+/],
    [['report', 'notes.txt'], /^flamelens report: notes\.txt: .+/],
    [['report', 'missing.cpuprofile'], /^flamelens report: missing\.cpuprofile: no such file$/m],
    [['report'], /report needs a profile file/],
    [['report', 'a', '--top', 'many'], /--top must be a positive whole number/],
    [['report', 'a', '--frobnicate'], /unknown option --frobnicate\nRun `flamelens report --help` for usage\./],
    [['diff', 'broken.cpuprofile'], /diff needs two profile files/],
    [['diff', path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile'), path.join(repoRoot, 'test/fixtures/heap-webpack-16k.heapprofile')], /cannot compare a cpu profile .* with a heap profile/],
    [['diff', 'broken.cpuprofile', path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile')], /^flamelens diff: broken\.cpuprofile: /],
    [['record', '--interval', 'fast', '--', 'node', 'x.js'], /--interval: cannot read "fast"/],
    [['record'], /record needs a command to run/],
    [['bogus'], /unknown command "bogus"/],
  ];
  for (const [args, message] of cases) {
    const r = flamelens(args, dir);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace for ${args.join(' ')}:\n${r.stderr}`);
    assert.equal(r.stdout, '', 'errors go to stderr');
  }
});

test('--help for every command documents options and exit codes', () => {
  for (const cmd of ['record', 'report', 'diff']) {
    const r = flamelens([cmd, '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^Usage: flamelens ${cmd}`));
    assert.match(r.stdout, /Exit codes:/);
  }
  const top = flamelens(['--help']);
  assert.equal(top.status, 0);
  for (const cmd of ['record', 'report', 'diff', 'attach', 'snapshot-diff']) assert.match(top.stdout, new RegExp(`flamelens ${cmd}`));
  assert.equal(flamelens([]).status, 2);
  const helpTopic = flamelens(['help', 'diff']);
  assert.equal(helpTopic.status, 0);
  assert.match(helpTopic.stdout, /^Usage: flamelens diff/);
});

test('--version prints the package version, exit 0', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const r = flamelens([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `flamelens ${pkg.version}\n`);
  }
});

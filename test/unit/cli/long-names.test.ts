// A function name or url of 100,000 characters (generated code, a data: URL, a hostile profile):
// the terminal tables clip it in the middle instead of padding every row of the column to its
// width; --json keeps it whole.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildBundles, scratchDir } from '../../support/capture-helpers';

const longName = `head_${'x'.repeat(100_000)}_tail`;
const longUrl = `file:///srv/${'d/'.repeat(50_000)}app.js`;

let cli = '';
let dir = '';
before(async () => {
  cli = (await buildBundles()).cli;
  dir = scratchDir('cli-long-names');
});

/** (root) → longName (longUrl) with `hot` of 10 samples, → plain with the rest. */
function writeProfile(file: string, hot: number): void {
  const frame = (functionName: string, url: string, line: number) => ({ functionName, scriptId: '1', url, lineNumber: line, columnNumber: 0 });
  const samples = Array.from({ length: 10 }, (_, i) => (i < hot ? 2 : 3));
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '', -1), children: [2, 3] },
      { id: 2, callFrame: frame(longName, longUrl, 4) },
      { id: 3, callFrame: frame('plain', 'file:///srv/plain.js', 9) },
    ],
    startTime: 0,
    endTime: 10_000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
  fs.writeFileSync(file, JSON.stringify(profile));
}

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, timeout: 120_000, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertClipped(text: string): void {
  const longest = Math.max(...text.split('\n').map((l) => l.length));
  assert.ok(longest < 500, `a line of ${longest} characters`);
  assert.match(text, /head_x+…x+_tail/, 'the name shows its start and its end');
  assert.match(text, /\/srv\/d\/d\/[d/]*…[d/]*\/app\.js:5/, 'the url shows its start and its end');
}

test('report and diff clip a 100,000-character name and url in their tables; --json keeps them whole', () => {
  const base = path.join(dir, 'base.cpuprofile');
  const next = path.join(dir, 'new.cpuprofile');
  writeProfile(base, 3);
  writeProfile(next, 8);

  const r = run(['report', base, '--no-source-maps']);
  assert.equal(r.status, 0, r.stderr);
  assertClipped(r.stdout);

  const d = run(['diff', base, next, '--no-source-maps']);
  assert.equal(d.status, 0, d.stderr);
  assertClipped(d.stdout);

  const j = run(['report', base, '--json', '--no-source-maps']);
  const json = JSON.parse(j.stdout) as { functions: { name: string; url: string }[] };
  assert.ok(json.functions.some((f) => f.name === longName && f.url === longUrl));
});

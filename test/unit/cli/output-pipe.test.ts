// `flamelens report … | head`: a reader that stops reading is not an error. The CLI stops writing,
// prints no stack trace and exits with the command's own code (a diff gate still fails).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { buildBundles, repoRoot, scratchDir } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const fixture = path.join(repoRoot, 'test/fixtures/small-webpack-1000us.cpuprofile');

/** Runs the CLI with its stdout pipe closed by the reader before anything is written. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    // Our end of the pipe is gone before the CLI has even loaded the profile: its first write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

/** (root) → main → parse, 10 samples of 1 ms, `parseTicks` of them in parse. */
function writeTwoFunctionProfile(file: string, parseTicks: number): void {
  const frame = (functionName: string, lineNumber: number) => ({ functionName, scriptId: '1', url: 'file:///app/main.js', lineNumber, columnNumber: 0 });
  const samples = Array.from({ length: 10 }, (_v, i) => (i < parseTicks ? 3 : 2));
  const profile = {
    nodes: [
      { id: 1, callFrame: { ...frame('(root)', -1), scriptId: '0', url: '' }, children: [2] },
      { id: 2, callFrame: frame('main', 1), children: [3] },
      { id: 3, callFrame: frame('parse', 10) },
    ],
    startTime: 0,
    endTime: 10_000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
  fs.writeFileSync(file, JSON.stringify(profile));
}

test('report into a closed pipe exits 0 quietly: no EPIPE stack trace', async () => {
  for (const args of [['report', fixture], ['report', fixture, '--json', '--top', '500']]) {
    const r = await runWithClosedStdout(args);
    assert.equal(r.signal, null);
    assert.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
    assert.equal(r.code, 0, args.join(' '));
  }
});

test('diff into a closed pipe keeps its own exit code: a regression above --fail-above still fails', async () => {
  // The same profile twice: no change, exit 0.
  const same = await runWithClosedStdout(['diff', fixture, fixture, '--fail-above', '1']);
  assert.equal(same.code, 0);
  assert.equal(same.stderr, '');
  // A real regression: parse() has 2 of 10 samples in the base and 8 in the new profile.
  const dir = scratchDir('cli-pipe');
  const baseFile = path.join(dir, 'base.cpuprofile');
  const newFile = path.join(dir, 'new.cpuprofile');
  writeTwoFunctionProfile(baseFile, 2);
  writeTwoFunctionProfile(newFile, 8);
  const check = spawnSync(process.execPath, [cli, 'diff', baseFile, newFile, '--fail-above', '5'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  assert.equal(check.status, 1, `the crafted base shows a regression:\n${check.stdout}${check.stderr}`);
  const r = await runWithClosedStdout(['diff', baseFile, newFile, '--fail-above', '5']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 1, 'the gate still fails with nobody reading');
});

test('report | head -1 under pipefail: the CLI itself exits 0 with an empty stderr', () => {
  // --json with many rows is far larger than the pipe buffer, so the CLI is still writing when head exits.
  const script = `set -o pipefail; node "$0" report "$1" --json --top 100000 2>"$2" | head -1; echo "status=\${PIPESTATUS[0]}"`;
  const dir = scratchDir('cli-pipe-head');
  const errFile = path.join(dir, 'stderr.txt');
  const r = spawnSync('bash', ['-c', script, cli, fixture, errFile], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  assert.match(r.stdout, /^\{\n/, 'head printed the first line');
  assert.match(r.stdout, /^status=0$/m, r.stdout);
  assert.equal(fs.readFileSync(errFile, 'utf8'), '');
});

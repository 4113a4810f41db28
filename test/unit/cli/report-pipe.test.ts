// `flamelens report /dev/stdin` and `report <(…)`: a pipe can be read only once, and report reads
// its input to tell a heap snapshot from a profile. Real pipes into the built dist/cli.js (npm run
// build), fed a heap snapshot a Node process wrote and a recorded CPU profile.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot, scratchDir } from '../../support/capture-helpers';
import { writeLeakySnapshot } from '../../support/leaky-snapshot';

const cli = path.join(repoRoot, 'dist/cli.js');
const cpuProfile = path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile');
let dir = '';
let snapshot = '';
before(() => {
  dir = scratchDir('cli-report-pipe');
  snapshot = writeLeakySnapshot(dir);
});

// Through bash: its `|` and `<(…)` are pipe(2) FIFOs, as in a terminal (spawnSync's `input` is a
// socket, which Linux does not open through /dev/stdin).
const bash = '/bin/bash';

/** `report ARG --json`, run as `cat FROM | node cli.js report ARG` when `from` is given; the JSON without its "file". */
function report(arg: string, from?: string): Record<string, unknown> {
  const command = from === undefined ? '"$0" "$1" report "$2" --json --top 5' : 'cat "$3" | "$0" "$1" report "$2" --json --top 5';
  const r = spawnSync(bash, ['-c', command, process.execPath, cli, arg, from ?? ''], { cwd: dir, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `report ${arg}: ${r.stderr.toString()}`);
  const { file: named, ...json } = JSON.parse(r.stdout.toString('utf8')) as Record<string, unknown>;
  assert.equal(named, arg);
  return json;
}

test('report /dev/stdin reads a heap snapshot piped in as it reads the file', () => {
  const fromFile = report(snapshot);
  assert.equal((fromFile.constructors as { name: string }[]).length, 5);
  assert.deepEqual(report('/dev/stdin', snapshot), fromFile);
});

test('report /dev/stdin reads a CPU profile piped in as it reads the file', () => {
  const fromFile = report(cpuProfile);
  assert.equal(fromFile.kind, 'cpu');
  assert.deepEqual(report('/dev/stdin', cpuProfile), fromFile);
});

test('report <(cat X.heapsnapshot) reads the snapshot through the shell’s pipe', () => {
  const r = spawnSync(bash, ['-c', '"$0" "$1" report <(cat "$2") --top 3', process.execPath, cli, snapshot], { cwd: dir });
  assert.equal(r.status, 0, r.stderr.toString());
  const text = r.stdout.toString('utf8');
  assert.match(text, /^\/dev\/fd\/\d+ \(heap snapshot\)\n/);
  assert.match(text, /Top constructors by retained size:/);
});

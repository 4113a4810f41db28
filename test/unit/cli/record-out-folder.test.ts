// Default output folders are per run: two `flamelens record` runs started in the same second (a
// parallel npm-run-all, a CI matrix on one machine) must not share one, or each waits for and
// reports the other's program. Real CLI processes; real folders.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { buildBundles, scratchDir, writeFiles, busyFunction } from '../../support/capture-helpers';
import { claimNewFolder, unusedPath } from '../../../src/fs-output';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('two records started together without --out write to folders of their own and report only their own program', async () => {
  const dir = scratchDir('record-same-second');
  writeFiles(dir, {
    'quick.js': `${busyFunction('quickWork', 50)}quickWork();\n`,
    'long.js': `${busyFunction('longWork', 50)}longWork();\nsetTimeout(() => {}, 1500);\n`,
  });
  // Start early in a second, so both runs' time stamps are the same one.
  while (Date.now() % 1000 > 200) await new Promise((r) => setTimeout(r, 10));
  const [quick, long] = await Promise.all([run(['record', '--no-html', '--', 'node', 'quick.js'], dir), run(['record', '--no-html', '--', 'node', 'long.js'], dir)]);
  assert.equal(quick.code, 0, quick.stderr);
  assert.equal(long.code, 0, long.stderr);
  for (const [r, own, other] of [[quick, 'quick.js', 'long.js'], [long, 'long.js', 'quick.js']] as const) {
    assert.match(r.stderr, /1 profile written/, r.stderr);
    assert.match(r.stderr, new RegExp(`== process \\d+ \\(node ${own.replace('.', '\\.')}\\): CPU ==`));
    assert.ok(!r.stderr.includes(other), `${own}'s report names ${other}:\n${r.stderr}`);
  }
  const folders = fs.readdirSync(path.join(dir, 'flamelens-profiles'));
  assert.equal(folders.length, 2, folders.join(' '));
});

test('claimNewFolder gives every caller its own folder; unusedPath skips the taken names', () => {
  const dir = scratchDir('claim-folder');
  const base = path.join(dir, 'out', '20260101-000000');
  // The first made its parent too (the topmost folder it made); the others made only their own.
  assert.deepEqual(claimNewFolder(base), { dir: base, created: path.join(dir, 'out') });
  assert.deepEqual(claimNewFolder(base), { dir: `${base}-2`, created: `${base}-2` });
  assert.deepEqual(claimNewFolder(base), { dir: `${base}-3`, created: `${base}-3` });
  assert.equal(unusedPath(base), `${base}-4`);
  assert.equal(unusedPath(path.join(dir, 'free')), path.join(dir, 'free'));
  // A folder that cannot be made: undefined (the caller's writability check names why).
  fs.writeFileSync(path.join(dir, 'file'), '');
  assert.equal(claimNewFolder(path.join(dir, 'file', 'x')), undefined);
});

test('a record that writes no profile says so and leaves no empty folder behind (a command that cannot start, a program that is not Node); a folder that was there stays', async () => {
  const dir = scratchDir('record-nothing');
  const notNode = await run(['record', '--out', 'out/shell', '--', 'exit 5'], dir);
  assert.equal(notNode.code, 5, notNode.stderr);
  assert.match(notNode.stderr, /^No profile was written\.$/m);
  assert.doesNotMatch(notNode.stderr, /Files written/);
  const missing = await run(['record', '--out', 'out/missing', '--', 'nosuchcommand-flamelens'], dir);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /command not found/);
  const byDefault = await run(['record', '--', 'nosuchcommand-flamelens'], dir);
  assert.equal(byDefault.code, 2, byDefault.stderr);
  assert.deepEqual(fs.readdirSync(dir).sort(), [], 'no out/ left, nor the flamelens-profiles/ made for the run');
  // A flamelens-profiles/ that was there already stays (without the run's empty folder).
  fs.mkdirSync(path.join(dir, 'flamelens-profiles'));
  assert.equal((await run(['record', '--', 'nosuchcommand-flamelens'], dir)).code, 2);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'flamelens-profiles')), [], 'no time-stamped folder left');
  fs.rmdirSync(path.join(dir, 'flamelens-profiles'));
  fs.mkdirSync(path.join(dir, 'mine'));
  assert.equal((await run(['record', '--out', 'mine', '--', 'exit 0'], dir)).code, 3, 'exit 0 but no profile: 3');
  assert.ok(fs.statSync(path.join(dir, 'mine')).isDirectory(), "the user's own folder stays");
});

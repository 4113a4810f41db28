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
    assert.match(r.stdout, new RegExp(`== process \\d+ \\(node ${own.replace('.', '\\.')}\\): CPU ==`));
    assert.ok(!r.stdout.includes(other), `${own}'s report names ${other}:\n${r.stdout}`);
  }
  const folders = fs.readdirSync(path.join(dir, 'flamelens-profiles'));
  assert.equal(folders.length, 2, folders.join(' '));
});

test('claimNewFolder gives every caller its own folder; unusedPath skips the taken names', () => {
  const dir = scratchDir('claim-folder');
  const base = path.join(dir, 'out', '20260101-000000');
  assert.equal(claimNewFolder(base), base);
  assert.equal(claimNewFolder(base), `${base}-2`);
  assert.equal(claimNewFolder(base), `${base}-3`);
  assert.equal(unusedPath(base), `${base}-4`);
  assert.equal(unusedPath(path.join(dir, 'free')), path.join(dir, 'free'));
  // A folder that cannot be made: undefined (the caller's writability check names why).
  fs.writeFileSync(path.join(dir, 'file'), '');
  assert.equal(claimNewFolder(path.join(dir, 'file', 'x')), undefined);
});

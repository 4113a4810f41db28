// When profiles cannot be written: no temporary files are left behind, and the report names the
// real cause (the folder), not "no Node.js process loaded the agent".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCapture, CaptureError } from '../../../src/capture/launcher';
import { buildBundles, scratchDir, writeFiles, busyFunction, startProcess, type RunningProcess } from '../../support/capture-helpers';

let agentPath = '';
let cli = '';
before(async () => {
  ({ agent: agentPath, cli } = await buildBundles());
});
const started: RunningProcess[] = [];
after(() => {
  for (const p of started) p.kill();
});

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

test('a profile that cannot be moved into place leaves no .tmp file and is reported with the cause', async () => {
  const dir = scratchDir('agent-rename-fails');
  // The program occupies its own profile's name with a non-empty folder: the rename must fail.
  writeFiles(dir, {
    'blocker.js': `${busyFunction('work', 100)}
const fs = require('node:fs');
const target = process.env.FLAMELENS_DIR + '/' + process.pid + '-0.cpuprofile';
fs.mkdirSync(target);
fs.writeFileSync(target + '/keep', 'x');
work();
`,
  });
  const h = await startCapture({ command: ['node', 'blocker.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe' });
  const r = await h.done;
  assert.equal(r.exitCode, 0);
  assert.deepEqual(leftovers(r.sessionDir), []);
  assert.equal(r.profiles.length, 0);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, new RegExp(`process ${h.pid} \\(node blocker\\.js\\) could not save its profile: cpu: Error: (EISDIR|ENOTEMPTY|EEXIST)`));
});

test('an output folder that cannot be created is refused with its cause before the program runs', async () => {
  const dir = scratchDir('agent-outdir-file');
  writeFiles(dir, { 'a-file': 'x', 'marker.js': `require('node:fs').writeFileSync(__dirname + '/ran', '');\n` });
  await assert.rejects(
    startCapture({ command: ['node', 'marker.js'], cwd: dir, outDir: path.join(dir, 'a-file', 'profiles'), agentPath, stdio: 'pipe' }),
    (e: unknown) => e instanceof CaptureError && /^cannot write profiles to .*a-file\/profiles: ENOTDIR \(a parent in the path is a file, not a folder\)$/.test(e.message),
  );
  assert.ok(!fs.existsSync(path.join(dir, 'ran')), 'the program did not run');
});

// Permissions do not bind root: run flamelens as an unprivileged user then.
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

test('a session folder that becomes unwritable: no .tmp files, and record names the folder as the cause', async () => {
  const dir = scratchDir('agent-folder-readonly');
  // The program (as the same user) takes write permission away from the session folder once it runs.
  writeFiles(dir, {
    'lock.js': `${busyFunction('work', 100)}
require('node:fs').chmodSync(process.env.FLAMELENS_DIR, 0o555);
work();
`,
  });
  fs.mkdirSync(path.join(dir, 'out'));
  if (asUser.uid !== undefined) for (const d of [dir, path.join(dir, 'out')]) fs.chownSync(d, asUser.uid, asUser.gid);
  const run = startProcess([cli, 'record', '--no-html', '--out', 'out', '--', 'node', 'lock.js'], dir, { detached: true, ...asUser });
  started.push(run);
  const { code } = await run.exited;
  fs.chmodSync(path.join(dir, 'out'), 0o755);
  assert.deepEqual(leftovers(path.join(dir, 'out')), []);
  assert.equal(code, 3, run.stderr());
  assert.match(run.stderr(), /could not save its profile: the session folder is not writable \(EACCES \(permission denied\)\)/);
  assert.doesNotMatch(run.stderr(), /no Node\.js process loaded the agent/);
});

test('a session folder unwritable from the start is refused before the program runs', async () => {
  const dir = scratchDir('agent-folder-readonly-start');
  writeFiles(dir, { 'marker.js': `require('node:fs').writeFileSync(__dirname + '/ran', '');\n` });
  fs.mkdirSync(path.join(dir, 'out'), { mode: 0o555 });
  fs.chmodSync(path.join(dir, 'out'), 0o555);
  if (asUser.uid !== undefined) fs.chownSync(dir, asUser.uid, asUser.gid);
  const run = startProcess([cli, 'record', '--no-html', '--out', 'out', '--', 'node', 'marker.js'], dir, { detached: true, ...asUser });
  started.push(run);
  const { code } = await run.exited;
  assert.equal(code, 2, run.stderr());
  assert.match(run.stderr(), /permission denied/);
  assert.doesNotMatch(run.stderr(), /no Node\.js process loaded the agent|internal error/);
  assert.ok(!fs.existsSync(path.join(dir, 'ran')), 'the program did not run');
});

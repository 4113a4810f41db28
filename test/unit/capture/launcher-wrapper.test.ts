// Ending a launched command that is only a wrapper (`sh -c "…"`, `npm start`): the Node.js program
// it runs must end too. Real processes: the wrapper is a real shell, the program a real Node.js server
// that would run for ever; the launcher's kill() is what `load` (end of the run, Ctrl+C) and
// `record --duration` call.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { startCapture } from '../../../src/capture/launcher';
import { buildBundles, scratchDir, writeFiles } from '../../support/capture-helpers';

let agentPath = '';
before(async () => {
  agentPath = (await buildBundles()).agent;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('kill() of a wrapper (sh -c, then a program that ignores nothing) ends the Node.js program under it, and the capture completes without waiting for it', { skip: process.platform === 'win32' }, async () => {
  const dir = scratchDir('launcher-wrapper');
  writeFiles(dir, { 'server.js': "require('node:fs').writeFileSync('server.pid', String(process.pid));\nsetInterval(() => {}, 1000);\n" });
  // `cd . &&` keeps the shell as the program's parent instead of exec'ing it (what npm's `sh -c` does too).
  const h = await startCapture({ command: ['sh', '-c', 'cd . && node server.js'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe', waitForOthersMs: 60_000 });
  const pidFile = path.join(dir, 'server.pid');
  for (let i = 0; i < 200 && !(fs.existsSync(pidFile) && h.collect().threads.some((t) => t.state === 'recording')); i++) await new Promise((r) => setTimeout(r, 50));
  const server = Number(fs.readFileSync(pidFile, 'utf8'));
  assert.ok(server > 0 && server !== h.pid, 'the server runs under the shell');
  const started = Date.now();
  h.kill('SIGTERM');
  const result = await h.done;
  const tookMs = Date.now() - started;
  // (Its agent writes the profile on SIGTERM, then the process exits: give that a moment.)
  for (let i = 0; i < 100 && alive(server); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(server), false, 'the server ended with its wrapper (before: re-parented to init, still running)');
  assert.ok(tookMs < 20_000, `the capture ended in ${tookMs} ms, not after waiting for an orphan`);
  assert.ok(result.profiles.some((p) => p.kind === 'cpu'), 'the server wrote its profile as it ended');
});

test("done comes after the program's piped output is read to its end, and a process holding the pipe after the program does not hold it back", { skip: process.platform === 'win32' }, async () => {
  const dir = scratchDir('launcher-pipes');
  // The reader pauses on each chunk, so the last ones are still in the pipe when 'exit' arrives.
  writeFiles(dir, {
    'loud.js': "process.stdout.write(Buffer.alloc(256 << 10, 120));\nprocess.stderr.write('last words\\n');\n",
    'holder.js': "const s = require('node:child_process').spawn('sleep', ['30'], { stdio: 'inherit', detached: true });\ns.unref();\nconsole.log('spawned ' + s.pid);\n",
  });
  for (let i = 0; i < 2; i++) {
    const h = await startCapture({ command: ['node', 'loud.js'], cwd: dir, outDir: path.join(dir, `s${i}`), agentPath, stdio: 'pipe' });
    let out = 0;
    let err = '';
    const stdout = h.child.stdout!;
    stdout.on('data', (d: Buffer) => {
      out += d.length;
      stdout.pause();
      setTimeout(() => stdout.resume(), 100);
    });
    h.child.stderr!.on('data', (d: Buffer) => (err += d));
    const r = await h.done;
    assert.equal(r.exitCode, 0);
    assert.equal(out, 256 << 10, `run ${i}: all of stdout was read when done resolved`);
    assert.equal(err, 'last words\n', `run ${i}: all of stderr was read when done resolved`);
  }
  const h = await startCapture({ command: ['node', 'holder.js'], cwd: dir, outDir: path.join(dir, 'held'), agentPath, stdio: 'pipe' });
  let out = '';
  h.child.stdout!.on('data', (d: Buffer) => (out += d));
  const started = Date.now();
  const r = await h.done;
  const tookMs = Date.now() - started;
  h.child.stdout!.destroy();
  h.child.stderr!.destroy();
  const sleeper = Number(/spawned (\d+)/.exec(out)?.[1]);
  if (sleeper > 0) process.kill(sleeper);
  assert.equal(r.exitCode, 0);
  assert.ok(sleeper > 0, `the program printed before it ended: ${JSON.stringify(out)}`);
  assert.ok(tookMs < 10_000, `done came ${tookMs} ms after the program, though the sleep it started holds the pipes for 30 s`);
});

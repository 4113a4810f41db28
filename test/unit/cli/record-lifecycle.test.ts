// `flamelens record` as a process among processes: signals from a terminal (the whole process
// group) and from `kill PID` (flamelens alone), a long-running server and --duration, and children
// that outlive the program. Real CLI bundles, real programs, loopback only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import { buildBundles, scratchDir, writeFiles, busyFunction, startProcess, isAlive, type RunningProcess } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const started: RunningProcess[] = [];
const strays: number[] = [];
after(() => {
  for (const p of started) p.kill();
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
});

/** flamelens as the leader of its own process group (like a shell's foreground job). */
function record(args: string[], cwd: string): RunningProcess {
  const p = startProcess([cli, 'record', '--no-html', ...args], cwd, { detached: true });
  started.push(p);
  return p;
}

// Cleans up on the first SIGINT (longer than flamelens's grace before it would pass a signal on),
// and on a second one quits at once with 130, as many CLIs and dev servers do.
const politeProgram = `let count = 0;
process.on('SIGINT', () => {
  count++;
  console.log('SIGINT ' + count);
  if (count === 1) setTimeout(() => { console.log('cleanup done'); process.exit(0); }, 2500);
  else { console.log('forced quit'); process.exit(130); }
});
${busyFunction('serveWork', 5)}
setInterval(serveWork, 20);
console.log('ready');
`;

test('Ctrl+C to the whole process group reaches the program once: its cleanup runs and it exits 0', async () => {
  const dir = scratchDir('record-sigint-group');
  writeFiles(dir, { 'polite.js': politeProgram });
  const run = record(['--out', 'p', '--', 'node', 'polite.js'], dir);
  await run.waitFor(/ready/);
  await new Promise((r) => setTimeout(r, 300));
  process.kill(-run.child.pid!, 'SIGINT'); // what a terminal does on Ctrl+C
  const { code } = await run.exited;
  assert.match(run.stdout(), /cleanup done/);
  assert.doesNotMatch(run.stdout(), /SIGINT 2|forced quit/, 'the program got SIGINT twice');
  assert.equal(code, 0, run.stderr());
  assert.match(run.stderr(), /program exited with code 0; 1 profile written/);
});

test('SIGINT sent to flamelens alone is passed on to the program exactly once', async () => {
  const dir = scratchDir('record-sigint-pid');
  writeFiles(dir, { 'polite.js': politeProgram });
  const run = record(['--out', 'p', '--', 'node', 'polite.js'], dir);
  await run.waitFor(/ready/);
  process.kill(run.child.pid!, 'SIGINT'); // `kill -INT <flamelens pid>`: the program did not get it
  const { code } = await run.exited;
  assert.match(run.stdout(), /SIGINT 1\n/);
  assert.match(run.stdout(), /cleanup done/);
  assert.doesNotMatch(run.stdout(), /SIGINT 2|forced quit/);
  assert.equal(code, 0, run.stderr());
});

test('after --duration ended the recording, Ctrl+C still reaches the program only once', async () => {
  const dir = scratchDir('record-sigint-after-duration');
  writeFiles(dir, { 'polite.js': politeProgram });
  const run = record(['--duration', '500ms', '--out', 'p', '--', 'node', 'polite.js'], dir);
  await run.waitFor(/is still running/, 'stderr');
  process.kill(-run.child.pid!, 'SIGINT');
  const { code } = await run.exited;
  assert.match(run.stdout(), /cleanup done/);
  assert.doesNotMatch(run.stdout(), /SIGINT 2|forced quit/);
  assert.equal(code, 0, run.stderr());
});

test('SIGTERM sent to flamelens alone ends a program without handlers, which still saves its profile', async () => {
  const dir = scratchDir('record-sigterm-pid');
  writeFiles(dir, { 'plain.js': `${busyFunction('tick', 5)}setInterval(tick, 20);\nconsole.log('ready');\n` });
  const run = record(['--out', 'p', '--', 'node', 'plain.js'], dir);
  await run.waitFor(/ready/);
  process.kill(run.child.pid!, 'SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 128 + 15, run.stderr());
  assert.match(run.stderr(), /program was ended by SIGTERM; 1 profile written/);
  assert.match(run.stderr(), /== process \d+ \(node plain\.js\): CPU ==/);
});

/** Whether `pid` ends within moments (it saved first; an orphaned zombie counts as ended). */
async function endsSoon(pid: number): Promise<boolean> {
  const ended = () => {
    try {
      return !isAlive(pid) || /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true; // gone meanwhile
    }
  };
  for (let i = 0; i < 100 && !ended(); i++) await new Promise((r) => setTimeout(r, 50));
  return ended();
}

test('SIGTERM sent to flamelens alone, with a shell command line: the program the shell runs ends too (not orphaned) and saves', async () => {
  const dir = scratchDir('record-sigterm-shell');
  writeFiles(dir, {
    'serve.js': `${busyFunction('serveTick', 5)}setInterval(serveTick, 20);\nconsole.log('serving ' + process.pid);\n`,
    'after.js': `console.log('after ran');\n`,
  });
  const run = record(['--out', 'p', '--', 'node serve.js && node after.js'], dir);
  const [, pid] = await run.waitFor(/serving (\d+)/);
  strays.push(Number(pid));
  await new Promise((r) => setTimeout(r, 300));
  process.kill(run.child.pid!, 'SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 128 + 15, run.stderr());
  assert.ok(await endsSoon(Number(pid)), 'the program the shell ran is still running');
  assert.doesNotMatch(run.stdout(), /after ran/);
  assert.match(run.stderr(), /== process \d+ \(node serve\.js\): CPU ==/);
  assert.doesNotMatch(run.stderr(), /waiting for/);
});

test('--stop-after-duration with a shell command line ends the program the shell runs, not only the shell', async () => {
  const dir = scratchDir('record-duration-stop-shell');
  writeFiles(dir, { 'serve.js': `${busyFunction('serveTick', 5)}setInterval(serveTick, 20);\nconsole.log('serving ' + process.pid);\n` });
  const run = record(['--duration', '1s', '--stop-after-duration', '--wait', '3s', '--out', 'p', '--', 'node serve.js && true'], dir);
  const [, pid] = await run.waitFor(/serving (\d+)/);
  strays.push(Number(pid));
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.ok(await endsSoon(Number(pid)), 'the program the shell ran is still running');
  assert.match(run.stderr(), /== process \d+ \(node serve\.js\): CPU ==/);
});

// A real HTTP server on a free loopback port; each request burns a little CPU in `handleRequest`.
const serverProgram = `const http = require('node:http');
${busyFunction('handleRequest', 3)}
const server = http.createServer((req, res) => { handleRequest(); res.end('ok'); });
server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port + ' pid ' + process.pid));
${busyFunction('backgroundWork', 5)}
setInterval(backgroundWork, 20);
`;

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

test('--duration on a server reports when the duration ends and says the server still runs (and how to stop it)', async () => {
  const dir = scratchDir('record-duration-server');
  writeFiles(dir, { 'server.js': serverProgram });
  const run = record(['--duration', '1s', '--out', 'p', '--', 'node', 'server.js'], dir);
  const [, port, pid] = await run.waitFor(/listening on (\d+) pid (\d+)/);
  strays.push(Number(pid));
  for (let i = 0; i < 20; i++) assert.equal(await get(Number(port)), 'ok');
  const [, shownPid] = await run.waitFor(/the program \(pid (\d+)\) is still running: press Ctrl\+C or run `kill \d+` to stop it/, 'stderr');
  assert.equal(Number(shownPid), Number(pid));
  // The report is out while the server keeps serving.
  assert.match(run.stderr(), /== process \d+ \(node server\.js\): CPU ==/);
  assert.match(run.stderr(), /Files written/);
  assert.match(run.stderr(), /recording stopped after 1\.0 s; 1 profile written/);
  assert.equal(await get(Number(port)), 'ok');
  assert.ok(isAlive(Number(pid)));
  assert.equal(run.child.exitCode, null, 'flamelens stays with the program');
  const sidecar = JSON.parse(fs.readFileSync(path.join(dir, 'p', `${pid}-0.json`), 'utf8')) as { stopReason: string };
  assert.equal(sidecar.stopReason, 'duration');
  // Ctrl+C from the terminal ends it; flamelens exits with the program's outcome.
  process.kill(-run.child.pid!, 'SIGINT');
  const { code } = await run.exited;
  assert.equal(code, 128 + 2, run.stderr());
  assert.match(run.stderr(), /program was ended by SIGINT/);
  assert.ok(!isAlive(Number(pid)));
});

test('--stop-after-duration ends the server after the duration (SIGTERM), then reports and exits 0', async () => {
  const dir = scratchDir('record-duration-stop');
  writeFiles(dir, { 'server.js': serverProgram });
  // Long enough for a few requests on a loaded machine (the server ends when it runs out).
  const run = record(['--duration', '3s', '--stop-after-duration', '--out', 'p', '--', 'node', 'server.js'], dir);
  const [, port, pid] = await run.waitFor(/listening on (\d+) pid (\d+)/);
  strays.push(Number(pid));
  for (let i = 0; i < 5; i++) assert.equal(await get(Number(port)), 'ok');
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stderr(), /program was stopped \(SIGTERM\) after the duration; 1 profile written/);
  assert.match(run.stderr(), /== process \d+ \(node server\.js\): CPU ==/);
  assert.ok(!isAlive(Number(pid)));
  await assert.rejects(get(Number(port)), /ECONNREFUSED/);
});

test('--stop-after-duration without --duration is a usage error', async () => {
  const run = record(['--stop-after-duration', '--', 'node', '-e', '0'], scratchDir('record-stop-usage'));
  const { code } = await run.exited;
  assert.equal(code, 2);
  assert.match(run.stderr(), /--stop-after-duration needs --duration/);
});

test('a child that outlives the program by 4 s is waited for (with a message) and reported', async () => {
  const dir = scratchDir('record-late-child');
  writeFiles(dir, {
    'parent.js': `${busyFunction('parentWork', 200)}
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, [__dirname + '/child.js'], { stdio: 'ignore' });
console.log('child pid ' + child.pid);
child.unref();
parentWork();
`,
    'child.js': `${busyFunction('childWork', 300)}childWork();\nsetTimeout(() => childWork(), 4000);\n`,
  });
  const run = record(['--out', 'p', '--', 'node', 'parent.js'], dir);
  const [, childPid] = await run.waitFor(/child pid (\d+)/);
  strays.push(Number(childPid));
  await run.waitFor(new RegExp(`waiting for 1 child process \\(pid ${childPid}\\) to save its profile…`), 'stderr');
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stderr(), /program exited with code 0; 2 profiles written/);
  // The child's profile is reported: in full when it is the busiest process, else on the other-processes
  // line (on a loaded machine the parent's spawn alone can take longer than the child's work).
  const childId = `process ${childPid} \\(node child\\.js\\)`;
  assert.match(run.stderr(), new RegExp(`== ${childId}: CPU ==[^]*childWork +child\\.js:1|${childId}: [\\d.]+ m?s, childWork [\\d.]+% at child\\.js:1`));
  assert.match(run.stderr(), new RegExp(`p/${childPid}-0\\.cpuprofile  \\(process ${childPid} \\(node child\\.js\\), [\\d.]+ s\\)`));
  assert.doesNotMatch(run.stderr(), /warning/);
});

test('--wait bounds the wait for a child; the child still running is named', async () => {
  const dir = scratchDir('record-wait-bound');
  writeFiles(dir, {
    'parent.js': `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, [__dirname + '/child.js'], { stdio: 'ignore' });
console.log('child pid ' + child.pid);
child.unref();
`,
    'child.js': `setTimeout(() => {}, 60_000);\n`,
  });
  const run = record(['--wait', '1s', '--out', 'p', '--', 'node', 'parent.js'], dir);
  const [, childPid] = await run.waitFor(/child pid (\d+)/);
  strays.push(Number(childPid));
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.match(run.stderr(), new RegExp(`warning: process ${childPid} \\(node child\\.js\\) is still running`));
  assert.ok(isAlive(Number(childPid)), 'flamelens does not end processes it was not asked to');
});

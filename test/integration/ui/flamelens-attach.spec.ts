// Attach end to end in a real VS Code (code-server + Chromium): a busy Node HTTP server started outside
// the editor (no --inspect) is picked by its pid in the real "Attach to Node Process…" quick pick,
// recorded for a couple of seconds, stopped from the status bar, and its flame graph opens with the
// server's hot function drawn. Afterwards the server still runs and serves, and the inspector
// FlameLens opened with SIGUSR1 is closed again (the process listens on nothing but its own port).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { findInspector, listeningSocketsOf } from '../../../src/capture/processes';
import { flameFrames, waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

export const timeoutMs = 150_000;

// The request handler is the hot function; the server requests itself, so it keeps busy with no client.
// V8 only records inlined frames for code optimized while a profiler runs: a handler inlined into
// `emit` before we attach shows its time under `emit` (a V8 limit, in the README). The never-taken
// branch makes the handler too big to inline (V8 inlines up to 460 bytes of bytecode), so the frame
// this spec looks for exists however early V8 optimized the server.
const NEVER_TAKEN = Array.from({ length: 120 }, (_, i) => `x += ${i} * Math.cos(x + ${i});`).join(' ');
const SERVER_SCRIPT = `'use strict';
const http = require('node:http');
function hotServerLoop(req, res) {
  let x = 0;
  const end = Date.now() + 20;
  while (Date.now() < end) for (let i = 0; i < 2000; i++) x += Math.sqrt(i) * Math.sin(x + i);
  if (x === -1.5) { ${NEVER_TAKEN} }
  res.end(String(x));
}
const server = http.createServer(hotServerLoop);
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const again = () => setTimeout(drive, 2);
  function drive() {
    http.get({ host: '127.0.0.1', port, path: '/' }, (res) => { res.resume(); res.on('end', again); }).on('error', again);
  }
  drive();
  process.stdout.write('listening ' + port + '\\n');
});
// A spec that dies without its finally must not leave this running.
setTimeout(() => process.exit(0), 240000).unref();
`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the server and resolves with its port once it listens. */
function startServer(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}${err}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening: ${err}`));
    });
  });
}

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error('timed out'));
      })
      .on('error', reject);
  });
}

export async function run(ui: Workbench): Promise<void> {
  const script = ui.workspacePath('hot-server.js');
  writeFileSync(script, SERVER_SCRIPT);
  // `node hot-server.js` with no inspector open and no preload inherited from the runner.
  // --inspect-port=0: SIGUSR1 opens the inspector on a free port instead of 9229, which other tests on this
  // machine use at the same time (9229 taken would fail the attach with "port in use").
  const child = spawn(process.execPath, ['--inspect-port=0', script], {
    cwd: ui.workspace,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exit = '';
  child.on('exit', (code, signal) => (exit = `exited with ${code ?? signal}${stderr ? `: ${stderr.trim()}` : ''}`));
  try {
    const port = await startServer(child);
    const pid = child.pid!;
    ui.log(`server pid ${pid} listening on ${port}`);
    assert.equal(await findInspector(pid), undefined, 'the server has an inspector before attaching');

    await ui.runCommand('FlameLens: Attach to Node Process…');
    // The real quick pick: rows read "<pid>  <command line (cut at 120 characters)>  <cwd>".
    const row = new RegExp(`^${pid}\\s+\\S*node\\s`);
    const rowLocator = ui.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: row });
    const listed = await rowLocator.first().waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
    await ui.screenshot('0-process-pick');
    assert.ok(listed, `the process pick lists no row for pid ${pid}: ${JSON.stringify(await ui.quickInputRows())}`);
    await ui.pickQuickItem(row);
    ui.log(`picked pid ${pid}`);

    // Records until stopped (flamelens.duration defaults to 0): the status bar counts up; stop it after 2 s.
    const recording = ui.statusBarItem(/FlameLens hot-server\.js .*\d+:\d\d/);
    await recording.waitFor({ state: 'visible', timeout: 30_000 });
    ui.log(`recording: ${await recording.innerText()}`);
    // The inspector FlameLens opened is live while it records.
    assert.ok(await findInspector(pid), 'no inspector open on the server while recording');
    await ui.page.waitForFunction(
      () => /FlameLens hot-server\.js .*0:0[2-9]/.test((globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText),
      undefined,
      { timeout: 30_000 },
    );
    await ui.screenshot('1-recording');
    await recording.click();

    const toast = await ui.waitForNotification(new RegExp(`Profiled hot-server\\.js \\(pid ${pid}\\)`), { timeoutMs: 60_000 });
    const message = (await toast.innerText()).replace(/\s+/g, ' ');
    ui.log(`notification: ${message}`);
    assert.match(message, /Inspector closed again/, `the notification does not say the inspector was closed: ${message}`);

    const graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 30_000 });
    await waitForFlameFrame(graph, 'hotServerLoop');
    const frames = (await flameFrames(graph)).length;
    ui.log(`${frames} frames drawn`);
    assert.ok(frames > 2, `only ${frames} frames drawn`);
    assert.match(await graph.locator('.fl-heading-title').innerText(), new RegExp(`hot-server\\.js.*pid ${pid}`));
    await recording.waitFor({ state: 'hidden', timeout: 10_000 });
    await ui.screenshot('2-flame-graph');

    // The server is left as it was: alive, serving, listening on its own port only.
    assert.ok(isAlive(pid) && child.exitCode === null && child.signalCode === null, `the server ${exit || 'is gone'}`);
    assert.equal(await get(port), 200, 'the server no longer answers');
    assert.equal(await findInspector(pid), undefined, 'the inspector FlameLens opened is still open');
    const listening = (await listeningSocketsOf(pid)).map((s) => s.port);
    assert.deepEqual(listening, [port], `the server listens on ${JSON.stringify(listening)}, expected only its own port`);
  } finally {
    child.kill('SIGKILL');
  }
}

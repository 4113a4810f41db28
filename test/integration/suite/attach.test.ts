// Attach to Node Process inside a real VS Code extension host: a real busy HTTP server (started here,
// without an inspector) is picked from the process list, recorded through the inspector FlameLens
// opens with SIGUSR1, and shown as a flame graph; afterwards the server still serves and its inspector
// is closed again. Both the quick-pick path (answered by the command's test-only pick provider) and
// the {pid} argument path with Stop Attached Recording are exercised.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AttachRun, ProcessPickItem } from '../../../src/commands/attach-commands';
import { parseProfile } from '../../../src/model/import';
import { functionTable } from '../../../src/model/tables';
import type { Profile } from '../../../src/model/types';
import type { FlameLensTestApi } from '../../../src/extension';
import { EXTENSION_ID, answerQuickPicks, api, nodeExecutable, until } from './helpers';

const SERVER = `
const http = require('node:http');
function hotServerLoop(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
// Named, so the hot path is the server's own code even when V8 inlines hotServerLoop into it.
// It also allocates (about 8 KB per tick), so a heap profile has something to sample.
let garbage = [];
function tick() { hotServerLoop(15); garbage.push(new Array(1000).fill(Date.now())); if (garbage.length > 50) garbage = []; }
setInterval(tick, 20);
const server = http.createServer((req, res) => res.end('alive ' + process.pid));
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

interface Server {
  child: ChildProcess;
  pid: number;
  httpPort: number;
}

async function startServer(dir: string): Promise<Server> {
  const script = path.join(dir, 'busy-server.js');
  fs.writeFileSync(script, SERVER);
  // --inspect-port=0: SIGUSR1 opens the inspector on a free port (never 9229, which other tests use).
  const exe = process.env.FLAMELENS_NODE ?? nodeExecutable();
  const child = spawn(exe, ['--inspect-port=0', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const httpPort = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
    setTimeout(() => reject(new Error('server did not start')), 15_000);
  });
  return { child, pid: child.pid!, httpPort };
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

function flamePanelTitled(text: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('flamelens.profilePanel') && t.label.includes(text));
}

/** The hottest non-meta function of a profile file, as "name @ file". */
function hottestFunction(file: string): string {
  const profile = parseProfile(fs.readFileSync(file), { fileName: path.basename(file) });
  const row = functionTable(profile).find((r) => profile.frames[r.frame]!.category !== 'meta');
  const frame = row && profile.frames[row.frame]!;
  return frame ? `${frame.functionName} @ ${frame.url.split('/').pop()}` : '(none)';
}

/** hotServerLoop, or tick when V8 inlined it there. */
const serverHot = /^(?:hotServerLoop|tick) @ busy-server\.js$/;

describe('attach: Attach to Node Process', function () {
  this.timeout(90_000);
  let dir = '';
  const servers: Server[] = [];

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-attach-it-'));
  });

  after(async () => {
    for (const s of servers) s.child.kill('SIGKILL');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the server in the quick pick, records it, opens its flame graph and closes the inspector it opened', async () => {
    const server = await startServer(dir);
    servers.push(server);
    let offered: readonly ProcessPickItem[] = [];
    const restore = answerQuickPicks<ProcessPickItem>(await api(), (items) => {
      offered = items;
      return items.find((i) => i.process?.pid === server.pid);
    });
    let run: AttachRun | undefined;
    try {
      run = await vscode.commands.executeCommand<AttachRun | undefined>('flamelens.attachToProcess', { durationMs: 2500 });
    } finally {
      restore();
    }
    // The rows the user would see.
    const row = offered.find((i) => i.process?.pid === server.pid);
    assert.ok(row, `the server (pid ${server.pid}) is offered among ${offered.map((i) => i.label).join(' | ')}`);
    assert.match(row.label, new RegExp(`^${server.pid}  .*busy-server\\.js`));
    assert.equal(row.description, dir);
    assert.equal(row.detail, 'no inspector (will open one and close it afterwards)');
    assert.ok(!offered.some((i) => i.process?.pid === process.pid), 'the extension host itself is not offered');
    const editorRows = offered.filter((i) => /--type=\w+|code-server[\\/]out[\\/]/.test(i.process?.commandLine ?? ''));
    assert.deepEqual(editorRows.map((i) => i.label), [], 'the editor’s own processes (server, file watcher, other extension hosts) are not offered');
    assert.ok(offered.at(-1)?.manual, 'the last row is "Enter host:port or ws:// URL…"');

    assert.ok(run, 'recording started');
    assert.equal(run.pid, server.pid);
    assert.equal(run.openedInspector, true);
    const inspectorPort = run.port;
    assert.equal(await portRefuses(inspectorPort), false, 'the inspector is open while recording');

    const outcome = await run.finished;
    assert.equal(outcome.result.error, undefined, outcome.result.error?.message);
    const file = outcome.result.files.cpuprofile;
    assert.ok(file && fs.existsSync(file), `a .cpuprofile was written (${file})`);
    assert.equal(outcome.opened, file);
    assert.ok(outcome.result.recordedMs >= 2000, `recorded ${outcome.result.recordedMs} ms`);
    assert.match(hottestFunction(file), serverHot);

    const tab = await until('the flame graph panel', () => flamePanelTitled(`pid ${server.pid}`), 20_000);
    assert.match(tab.label, /busy-server\.js \(pid \d+\) \(CPU\)/);

    // Left as found: alive, serving, inspector closed again.
    assert.equal(outcome.result.inspectorClosed, true);
    assert.equal(server.child.exitCode, null);
    assert.equal(await get(server.httpPort), `alive ${server.pid}`);
    assert.equal(await portRefuses(inspectorPort), true, `inspector port ${inspectorPort} is closed`);
  });

  it('takes {pid} as an argument and stops on Stop Attached Recording', async () => {
    const server = await startServer(dir);
    servers.push(server);
    const run = await vscode.commands.executeCommand<AttachRun | undefined>('flamelens.attachToProcess', { pid: server.pid, durationMs: 0 });
    assert.ok(run);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await vscode.commands.getCommands(true)).includes('flamelens.stopAttachedRecording'), true);
    await vscode.commands.executeCommand('flamelens.stopAttachedRecording');
    const outcome = await run.finished;
    const file = outcome.result.files.cpuprofile;
    assert.ok(file && fs.existsSync(file));
    assert.ok(outcome.result.recordedMs >= 1000 && outcome.result.recordedMs < 20_000, `stopped after ${outcome.result.recordedMs} ms`);
    assert.match(hottestFunction(file), serverHot);
    assert.equal(outcome.result.inspectorClosed, true);
    assert.equal(await get(server.httpPort), `alive ${server.pid}`);
    // A second Stop has nothing to stop.
    assert.equal(await vscode.commands.executeCommand('flamelens.stopAttachedRecording'), undefined);
  });

  it('stops an attach recording from the general Stop Profiling command too', async () => {
    const server = await startServer(dir);
    servers.push(server);
    const run = await vscode.commands.executeCommand<AttachRun | undefined>('flamelens.attachToProcess', { pid: server.pid, durationMs: 0 });
    assert.ok(run);
    await new Promise((r) => setTimeout(r, 1000));
    await vscode.commands.executeCommand('flamelens.stopProfiling');
    const outcome = await run.finished;
    assert.ok(outcome.result.files.cpuprofile && fs.existsSync(outcome.result.files.cpuprofile), 'the profile was written');
    assert.ok(outcome.result.recordedMs < 20_000, `stopped after ${outcome.result.recordedMs} ms`);
    assert.equal(outcome.result.inspectorClosed, true);
  });

  it('attaches by host:port to an inspector that was already open and leaves it open', async () => {
    const script = path.join(dir, 'busy-server.js');
    const child = spawn(nodeExecutable(), ['--inspect=127.0.0.1:0', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    servers.push({ child, pid: child.pid!, httpPort: 0 });
    const inspectorPort = await new Promise<number>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (b: Buffer) => {
        err += b.toString();
        const m = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
        if (m) resolve(Number(m[1]));
      });
      setTimeout(() => reject(new Error(`no inspector URL: ${err}`)), 15_000);
    });
    const run = await vscode.commands.executeCommand<AttachRun | undefined>('flamelens.attachToProcess', { target: `127.0.0.1:${inspectorPort}`, durationMs: 1500 });
    assert.ok(run);
    assert.equal(run.openedInspector, false);
    const outcome = await run.finished;
    assert.ok(outcome.result.files.cpuprofile);
    assert.match(hottestFunction(outcome.result.files.cpuprofile), serverHot);
    assert.equal(outcome.result.inspectorClosed, false);
    assert.equal(await portRefuses(inspectorPort), false, 'an inspector the user opened stays open');
    await until('the flame graph panel', () => flamePanelTitled(`127.0.0.1:${inspectorPort}`), 20_000);
  });

  it('records a heap profile too when flamelens.recordHeap is on', async () => {
    const config = vscode.workspace.getConfiguration('flamelens');
    await config.update('recordHeap', true, vscode.ConfigurationTarget.Global);
    try {
      const server = await startServer(dir);
      servers.push(server);
      const run = await vscode.commands.executeCommand<AttachRun | undefined>('flamelens.attachToProcess', { pid: server.pid, durationMs: 1500 });
      assert.ok(run);
      const outcome = await run.finished;
      const { cpuprofile, heapprofile } = outcome.result.files;
      assert.ok(cpuprofile && heapprofile, `both files: ${JSON.stringify(outcome.result.files)}`);
      assert.equal(outcome.opened, cpuprofile, 'the CPU flame graph opens first');
      const heap = parseProfile(fs.readFileSync(heapprofile), { fileName: path.basename(heapprofile) });
      assert.equal(heap.kind, 'heap');
      assert.ok(heap.totalValue[0]! > 0, 'the heap profile saw allocations');
    } finally {
      await config.update('recordHeap', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('reports a pid that is not running instead of attaching', async () => {
    const dead = spawn(nodeExecutable(), ['-e', '0'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    await new Promise((r) => dead.once('exit', r));
    const run = await vscode.commands.executeCommand<AttachRun | undefined>('flamelens.attachToProcess', { pid: dead.pid, durationMs: 500 });
    assert.equal(run, undefined);
  });
});

const WORKERS = `
const { Worker, isMainThread } = require('node:worker_threads');
// Each hot function holds its own loop: a tiny callback would be inlined into its caller and vanish.
function mainHot(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1) % 3; return x; }
function workerHot(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.cbrt(x + 2) % 5; return x; }
if (isMainThread) { new Worker(__filename); mainHot(600); } else { workerHot(600); }
`;

describe('attach: profiles of a multi-thread capture', function () {
  this.timeout(90_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists every thread of a launched capture and opens "All processes (merged)" with one frame per thread', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite needs a workspace folder');
    const script = path.join(folder.uri.fsPath, 'two-threads.js');
    fs.writeFileSync(script, WORKERS);
    await vscode.commands.executeCommand('flamelens.profileCommand', `node ${JSON.stringify(script)}`);
    const api = vscode.extensions.getExtension<FlameLensTestApi>(EXTENSION_ID)!.exports;
    const finished = api.lastCaptureForTest();
    assert.ok(finished, 'the capture started');
    const outcome = await finished;
    assert.equal(outcome.result.profiles.length, 2, 'main thread and worker each left a CPU profile');

    let offered: readonly vscode.QuickPickItem[] = [];
    const restore = answerQuickPicks<vscode.QuickPickItem & { merged?: string }>(api, (items) => {
      offered = items;
      return items.find((i) => i.merged === 'cpu');
    });
    let merged: Profile | undefined;
    try {
      merged = await vscode.commands.executeCommand<Profile | undefined>('flamelens.showCaptureProfiles', outcome.sessionDir);
    } finally {
      restore();
    }
    assert.match(offered[0]!.label, /All processes \(merged\)/);
    assert.equal(offered.length, 3, offered.map((i) => i.label).join(' | '));
    assert.ok(offered.some((i) => /pid \d+ · main thread/.test(i.label)));
    assert.ok(offered.some((i) => /pid \d+ · worker \d+/.test(i.label)));

    assert.ok(merged, 'the merged profile opened');
    const tops = Array.from(merged.childNodes.subarray(merged.childStart[0]!, merged.childStart[1]!));
    const labels = tops.map((n) => merged.frames[merged.nodeFrame[n]!]!.functionName).sort();
    assert.equal(labels.length, 2);
    assert.match(labels[0]!, /^pid \d+ · main thread · node .*two-threads\.js$/);
    assert.match(labels[1]!, /^pid \d+ · worker \d+ · .*two-threads\.js$/);
    const names = (n: number): Set<string> => {
      const out = new Set<string>();
      const stack = [n];
      while (stack.length > 0) {
        const m = stack.pop()!;
        if (merged.selfValue[m]! > 0) out.add(merged.frames[merged.nodeFrame[m]!]!.functionName);
        for (let c = merged.childStart[m]!; c < merged.childStart[m + 1]!; c++) stack.push(merged.childNodes[c]!);
      }
      return out;
    };
    const byLabel = new Map(tops.map((n) => [merged.frames[merged.nodeFrame[n]!]!.functionName, names(n)]));
    const mainSet = byLabel.get(labels[0]!)!;
    const workerSet = byLabel.get(labels[1]!)!;
    assert.ok(mainSet.has('mainHot') && !mainSet.has('workerHot'), 'mainHot only under the main thread');
    assert.ok(workerSet.has('workerHot') && !workerSet.has('mainHot'), 'workerHot only under the worker');
    await until('the merged panel', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('flamelens.mergedProfile')),
      20_000,
    );
  });
});

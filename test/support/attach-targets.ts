// Real target programs for the attach/inspector/heap tests: written to a scratch folder, started
// as child processes, and always killed by killAllTargets() in an after hook.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findInspector } from '../../src/capture/processes';
import { buildBundles } from './capture-helpers';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** A new empty folder under test-output/ (git-ignored). */
export function scratchDir(name: string): string {
  const dir = path.join(repoRoot, 'test-output', `${name}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** An HTTP server on 127.0.0.1:0 that drives load at itself; its handler burns CPU in computeHotPrimes. */
export const BUSY_SERVER = `
const http = require('node:http');
function computeHotPrimes(limit) {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return count;
}
const server = http.createServer((req, res) => res.end(String(computeHotPrimes(30000))));
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // A short pause between requests keeps this from hogging a whole core on a shared machine.
  const hit = () => http.get({ host: '127.0.0.1', port, agent }, (res) => { res.resume(); res.on('end', () => setTimeout(hit, 1)); })
    .on('error', () => setTimeout(hit, 10));
  hit();
  console.log('ready ' + port);
});
`;

/**
 * Holds many LeakyThing instances (argv[2], default 30000) in an array, or with argv[3] = 'chain'
 * in a linked list; each "grow N" line on stdin adds N more.
 */
export const LEAKY_PROGRAM = `
class LeakyThing {
  constructor(id, next) { this.id = id; this.next = next; this.label = 'leak'; this.a = id * 2; this.b = id * 3; }
}
const chain = process.argv[3] === 'chain';
const kept = [];
let head = null;
let count = 0;
function grow(n) {
  for (let i = 0; i < n; i++) {
    if (chain) head = new LeakyThing(count++, head);
    else kept.push(new LeakyThing(count++, null));
  }
}
grow(Number(process.argv[2] || 30000));
process.stdin.setEncoding('utf8');
let buffered = '';
process.stdin.on('data', (text) => {
  buffered += text;
  let nl;
  while ((nl = buffered.indexOf('\\n')) >= 0) {
    const line = buffered.slice(0, nl); buffered = buffered.slice(nl + 1);
    const m = /^grow (\\d+)$/.exec(line.trim());
    if (m) { grow(Number(m[1])); console.log('grown ' + count); }
    if (line.trim() === 'close-inspector') { require('node:inspector').close(); console.log('inspector closed'); }
  }
});
setInterval(() => {}, 1000);
console.log('ready ' + count);
`;

export interface Target {
  child: ChildProcess;
  pid: number;
  script: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout+stderr (waits for it). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<void>;
}

const started: ChildProcess[] = [];

/**
 * Starts `node [nodeArgs] <name>.js [args]` from a new scratch folder; `files` are written beside
 * the script, and `cwd: 'script'` runs it there (so nodeArgs can name them as ./file).
 */
export async function startTarget(
  source: string,
  options: { nodeArgs?: string[]; args?: string[]; name?: string; env?: NodeJS.ProcessEnv; files?: Record<string, string>; cwd?: 'script' } = {},
): Promise<Target> {
  const dir = scratchDir(options.name ?? 'attach-target');
  const script = path.join(dir, `${options.name ?? 'target'}.js`);
  fs.writeFileSync(script, source);
  for (const [name, text] of Object.entries(options.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd === 'script' ? { cwd: dir } : {}),
    // A clean environment for the target: no tsx loader or NODE_OPTIONS from the test runner.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
  });
  started.push(child);
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  const poke = (): void => waiters.splice(0).forEach((w) => w());
  child.stdout!.setEncoding('utf8').on('data', (t: string) => ((out += t), poke()));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => ((err += t), poke()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (poke(), resolve())));
  const waitFor = (re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in target output:\n${out}\n${err}`)), timeoutMs);
      const check = (): void => {
        const m = re.exec(out + err);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`target exited (${child.exitCode ?? child.signalCode}) before printing ${re}:\n${out}\n${err}`));
        } else waiters.push(check);
      };
      check();
    });
  const target: Target = { child, pid: child.pid!, script, stdout: () => out, stderr: () => err, waitFor, exited };
  await waitFor(/ready/);
  return target;
}

/** Starts a sleeping non-Node program (SIGUSR1 would kill it). */
export function startSleep(): ChildProcess {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  started.push(child);
  return child;
}

export async function killAllTargets(): Promise<void> {
  await Promise.all(
    started.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export function isRunning(child: ChildProcess): boolean {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true when a TCP connection to host:port is refused (nothing listens). */
export function connectionRefused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Port 9229 free right now? (Other test runs on this machine may hold it for a moment.) */
export async function waitForPortFree(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  do {
    if (await connectionRefused('127.0.0.1', port)) return true;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < deadline);
  return false;
}

/**
 * Runs `fn` holding a machine-wide lock on port 9229 for these tests (test files run in parallel
 * processes, and two of them need 9229: one to be opened there, one to find it taken).
 */
export async function withPort9229Lock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(os.tmpdir(), 'flamelens-test-port-9229.lock');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // Held: by a live test process, wait; by a dead one, take it over.
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8').trim()) || 0;
      } catch {
        // Just created by another process, pid not written yet (or left empty by a crash).
      }
      let alive = true;
      try {
        if (holder > 0) process.kill(holder, 0);
        else alive = Date.now() - fs.statSync(lock).mtimeMs < 10_000;
      } catch {
        alive = false;
      }
      if (!alive) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`port 9229 test lock ${lock} held by pid ${holder} for over a minute`);
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The real `flamelens` CLI (src/cli/main.ts: its dispatcher and exit codes) bundled from the current
 * sources (buildBundles: shared by the test processes), so a test runs what users run without
 * depending on a fresh `npm run build`.
 */
export async function bundleCli(): Promise<string> {
  return (await buildBundles()).cli;
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in the CLI's stderr (waits for it; rejects if the CLI ends first). */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Settles when the CLI has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `node BUNDLE args…`; killed by killAllTargets() like every target. */
export function startCli(bundle: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [bundle, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  started.push(child);
  let out = '';
  let err = '';
  let closed = false;
  const waiters: Array<() => void> = [];
  const poke = (): void => waiters.splice(0).forEach((w) => w());
  child.stdout!.setEncoding('utf8').on('data', (t: string) => ((out += t), poke()));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => ((err += t), poke()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => ((closed = true), poke(), resolve({ code, signal, stdout: out, stderr: err }))),
  );
  const waitForStderr = (re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in the CLI's stderr:\n${err}`)), timeoutMs);
      const check = (): void => {
        const m = re.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        } else if (closed) {
          clearTimeout(timer);
          reject(new Error(`the CLI exited (${child.exitCode ?? child.signalCode}) before printing ${re}:\n${out}\n${err}`));
        } else waiters.push(check);
      };
      check();
    });
  return { child, stdout: () => out, stderr: () => err, waitForStderr, exited };
}

/** Starts any executable (e.g. a copy of /bin/sleep named `node`); killed by killAllTargets(). */
export function startProgram(file: string, args: string[]): ChildProcess {
  const child = spawn(file, args, { stdio: 'ignore' });
  started.push(child);
  return child;
}

/** Resolves true once `child` has exited, false if it still runs after `ms`. */
export function exitsWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => (child.off('exit', onExit), resolve(false)), ms);
    const onExit = (): void => (clearTimeout(timer), resolve(true));
    child.once('exit', onExit);
  });
}

/** The port of the inspector SIGUSR1 opened, from the target's "Debugger listening on …" line. */
export async function openedPort(target: Target): Promise<number> {
  return Number((await target.waitFor(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//))[1]);
}

/** Running, nothing listening on the inspector port any more, and /proc shows no inspector socket. */
export async function assertLeftAsFound(target: Target, port: number): Promise<void> {
  assert.ok(isRunning(target.child), 'the target still runs');
  assert.ok(await connectionRefused('127.0.0.1', port), `the inspector port ${port} refuses connections`);
  assert.equal(await findInspector(target.pid), undefined, 'the target has no inspector socket');
}

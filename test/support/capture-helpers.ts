// Shared by the capture and CLI tests: bundles of the agent and CLI built from the current sources
// (once per source state, shared by the test processes; see buildBundles), scratch folders, small
// programs written on the fly, and readers for raw DevTools profiles.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const repoRoot = path.resolve(__dirname, '..', '..');
const outRoot = path.join(repoRoot, 'test-output');

let bundleDir: Promise<string> | undefined;

/** A digest of what the bundles are built from: the sources, the lock file and this builder. */
function sourcesDigest(): string {
  const hash = createHash('sha256');
  const add = (file: string): void => {
    hash.update(path.relative(repoRoot, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  };
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else add(full);
    }
  };
  for (const dir of ['src', 'webview']) walk(path.join(repoRoot, dir));
  for (const file of ['package-lock.json', 'tsconfig.json']) if (fs.existsSync(path.join(repoRoot, file))) add(path.join(repoRoot, file));
  add(__filename);
  return hash.digest('hex').slice(0, 16);
}

/** The heap snapshot parser's WebAssembly, as its package ships it (dist/ carries it brotli-compressed). */
export const heapParserWasmPath = path.join(repoRoot, 'node_modules/@vscode/v8-heap-parser/pkg/nodejs/v8_heap_parser_bg.wasm');

async function buildInto(dir: string): Promise<void> {
  const node = { platform: 'node', target: 'node20', format: 'cjs', bundle: true, logLevel: 'error' } as const;
  const web = { bundle: true, logLevel: 'error', minify: true } as const;
  // Beside cli.js, as in dist/: the heap snapshot worker and its .wasm, and the webview bundle the HTML report inlines.
  fs.copyFileSync(heapParserWasmPath, path.join(dir, path.basename(heapParserWasmPath)));
  await Promise.all([
    esbuild.build({ ...node, entryPoints: [path.join(repoRoot, 'src/capture/agent.ts')], outfile: path.join(dir, 'agent.js') }),
    esbuild.build({ ...node, sourcemap: true, entryPoints: [path.join(repoRoot, 'src/cli/main.ts')], outfile: path.join(dir, 'cli.js') }),
    esbuild.build({ ...node, entryPoints: [path.join(repoRoot, 'src/heap/snapshot-worker.ts')], outfile: path.join(dir, 'heap-worker.js') }),
    esbuild.build({ ...web, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: [path.join(repoRoot, 'webview/main.ts')], outfile: path.join(dir, 'webview.js') }),
    esbuild.build({ ...web, entryPoints: [path.join(repoRoot, 'webview/style.css')], outfile: path.join(dir, 'webview.css') }),
  ]);
}

/**
 * Dist-like bundles (agent.js, cli.js side by side, as in dist/) of the current sources. Built once
 * per state of the sources into test-output/bundles-<digest>/ and shared by every test process: a
 * build took 5–8 CPU-seconds, paid by each of some forty test files. A process builds into a folder
 * of its own and renames it into place, so none reads a half-written bundle; when two build at
 * once, the first rename wins and the other's copy is dropped. (One level under test-output/, as
 * dist/ is under the repository: the CLI finds the SVG renderer in ../../dist.)
 */
export function buildBundles(): Promise<{ agent: string; cli: string }> {
  bundleDir ??= (async () => {
    const dir = path.join(outRoot, `bundles-${sourcesDigest()}`);
    if (!fs.existsSync(dir)) {
      const mine = `${dir}.${process.pid}.tmp`;
      fs.rmSync(mine, { recursive: true, force: true });
      fs.mkdirSync(mine, { recursive: true });
      await buildInto(mine);
      try {
        fs.renameSync(mine, dir);
        // Bundles of earlier sources are not needed again.
        for (const old of fs.readdirSync(outRoot)) {
          if (old.startsWith('bundles-') && !old.endsWith('.tmp') && path.join(outRoot, old) !== dir) fs.rmSync(path.join(outRoot, old), { recursive: true, force: true });
        }
      } catch (err) {
        if (!fs.existsSync(dir)) throw err;
        fs.rmSync(mine, { recursive: true, force: true });
      }
    }
    return dir;
  })();
  return bundleDir.then((dir) => ({ agent: path.join(dir, 'agent.js'), cli: path.join(dir, 'cli.js') }));
}

/** A new empty folder under test-output/. */
export function scratchDir(name: string): string {
  const dir = path.join(outRoot, `${name}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

/**
 * JavaScript for a function `name` that keeps the CPU busy for `ms` milliseconds in its own frame
 * (the loop body is inline arithmetic, so samples land on `name` itself).
 */
export function busyFunction(name: string, ms: number): string {
  return `function ${name}() {
  const end = Date.now() + ${ms};
  let acc = 0;
  while (Date.now() < end) {
    for (let i = 1; i < 20000; i++) acc += (i * 7919) % 13 ^ (acc & 1023);
  }
  return acc;
}
`;
}

interface RawCpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface RawCpuProfile {
  nodes: RawCpuNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}
interface RawHeapNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: RawHeapNode[];
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Self samples per function name of a raw .cpuprofile (independent of the model, on purpose). */
export function cpuSelfByFunction(file: string): Map<string, number> {
  const p = readJson<RawCpuProfile>(file);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (const id of p.samples) {
    const name = byId.get(id)?.callFrame.functionName || '(anonymous)';
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

/**
 * Self µs of the function(s) named `name` in a raw .cpuprofile, as DevTools counts it (independent of
 * the model, on purpose): each sample lasts until the next one, the last until endTime.
 */
export function cpuSelfMicros(file: string, name: string): number {
  const p = readJson<RawCpuProfile>(file);
  const names = new Map(p.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let clock = p.startTime;
  const times = p.timeDeltas.map((d) => (clock += d));
  let self = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const end = i + 1 < times.length ? times[i + 1]! : Math.max(p.endTime, times[i]!);
    if (names.get(p.samples[i]!) === name) self += Math.max(0, end - times[i]!);
  }
  return self;
}

/**
 * The program's function with the most self samples: V8's meta nodes, Node's internals and the agent
 * itself are left out (under load, their many small anonymous functions, merged by name, can outweigh
 * a short busy loop).
 */
export function hottestCpuFunction(file: string): string {
  const meta = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
  const p = readJson<RawCpuProfile>(file);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of p.samples) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.url === '' || frame.url.startsWith('node:') || /[\\/]dist[\\/]agent\.js$/.test(frame.url)) continue;
    const name = frame.functionName || '(anonymous)';
    if (!meta.has(name)) self.set(name, (self.get(name) ?? 0) + 1);
  }
  return [...self].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/** Self bytes per function name of a raw .heapprofile. */
export function heapSelfByFunction(file: string): Map<string, number> {
  const p = readJson<{ head: RawHeapNode }>(file);
  const out = new Map<string, number>();
  const stack = [p.head];
  while (stack.length > 0) {
    const n = stack.pop() as RawHeapNode;
    const name = n.callFrame.functionName || '(anonymous)';
    out.set(name, (out.get(name) ?? 0) + n.selfSize);
    stack.push(...n.children);
  }
  return out;
}

/** Compiles examples/shop-api with the repo's TypeScript (once per test process). */
let exampleBuilt = false;
export function buildExample(): string {
  const dir = path.join(repoRoot, 'examples', 'shop-api');
  if (!exampleBuilt) {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir], { stdio: 'inherit' });
    exampleBuilt = true;
  }
  return path.join(dir, 'dist', 'main.js');
}

/** A CLI (or any) process started by `startProcess`: its output so far, and waits on it. */
export interface RunningProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when `stream` has matched `pattern` (rejects if the process exits first). */
  waitFor: (pattern: RegExp, stream?: 'stdout' | 'stderr') => Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the process (its whole group when started detached); safe to call twice. */
  kill: () => void;
}

/**
 * Starts `node <args>` with piped output. `detached`: the process leads its own process group, so a
 * test can signal the whole group as a terminal's Ctrl+C does.
 */
export function startProcess(args: string[], cwd: string, opts: { detached?: boolean; uid?: number; gid?: number } = {}): RunningProcess {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached === true, uid: opts.uid, gid: opts.gid });
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]!.on('data', (d: Buffer) => {
      text[name] += d.toString();
      for (const l of [...listeners]) l();
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const l of [...listeners]) l();
  });
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = text[stream].match(pattern);
        if (m) {
          listeners.delete(check);
          resolve(m);
        } else if (ended) {
          listeners.delete(check);
          reject(new Error(`exited before ${stream} matched ${pattern}:\n--- stdout\n${text.stdout}\n--- stderr\n${text.stderr}`));
        }
      };
      listeners.add(check);
      check();
    });
  const kill = () => {
    if (ended || child.pid === undefined) return;
    try {
      process.kill(opts.detached ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitFor, exited, kill };
}

export { isAlive } from '../../src/capture/signal-relay';

/** Runs the bundled CLI to completion: its exit status and output (generous limits for slow machines). */
export function runCli(cli: string, args: string[], cwd = repoRoot): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Runs a program with the capture agent preloaded and collects what every thread of every Node.js
// process wrote into the session folder. Shared by the CLI and the extension: no vscode here.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { descendsFrom } from './processes';
import { isAlive, SignalRelay, type RelayOutcome } from './signal-relay';
import {
  agentEnv,
  describeThread,
  commandLabel,
  exitCodeFileName,
  isPackageManagerProcess,
  isSidecarFileName,
  startFileName,
  signalsFilePid,
  stopFileName,
  stopPollMs,
  readUnprofiledChild,
  type AgentSidecar,
  type CaptureKind,
  type StopReason,
  type UnprofiledChild,
} from './session';
import { describeFsError, makeFolders, probeWritableDir } from '../fs-output';

export interface CaptureOptions {
  /** argv to run directly, or one string run through the system shell. */
  command: string[] | string;
  cwd?: string;
  /** Base environment (default: this process's). The agent's variables are added to it. */
  env?: NodeJS.ProcessEnv;
  /** Session folder; created if missing. Profiles land here. */
  outDir: string;
  /** Default: true unless `heap` is set. */
  cpu?: boolean;
  heap?: boolean;
  /** CPU sampling interval, µs (default 100). */
  intervalUs?: number;
  /** Heap sampling interval, bytes (default 32768). */
  heapIntervalBytes?: number;
  /** Each thread stops recording after this long (the program keeps running). */
  durationMs?: number;
  /** Default 'inherit'. */
  stdio?: StdioOptions;
  /** Override the agent bundle (default: agentScriptPath()). */
  agentPath?: string;
  /**
   * After the launched process exited, how long to wait for other processes that loaded the agent
   * and are still recording (children that outlive it) to save (default 30 s).
   */
  waitForOthersMs?: number;
  /** Called once when that wait begins, with the pids waited for. */
  onWaiting?: (pids: number[]) => void;
  /** Load the agent but record nothing until handle.start() (a load run's measured phase). */
  waitForStart?: boolean;
}

export interface CapturedProfile {
  /** Absolute path of the .cpuprofile / .heapprofile. */
  path: string;
  kind: CaptureKind;
  pid: number;
  ppid: number;
  threadId: number;
  isMainThread: boolean;
  argv: string[];
  /** Short label, e.g. "process 1234 (node app.js)". */
  label: string;
  /** Wall time the thread was recorded, ms. */
  durationMs: number;
  stopReason: StopReason | undefined;
}

export interface CaptureResult {
  sessionDir: string;
  /** The launched process's exit code (null when a signal ended it). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  profiles: CapturedProfile[];
  /** Every thread that loaded the agent, as it described itself. */
  threads: AgentSidecar[];
  /** Human-readable: threads that left no profile, and why as far as we can tell. */
  problems: string[];
}

export interface CaptureHandle {
  pid: number;
  sessionDir: string;
  /** Epoch ms of the launch: threads that started earlier (an earlier run's files) are ignored. */
  startedAt: number;
  child: ChildProcess;
  /**
   * Stops recording in every thread (profiles are written) while the program keeps running.
   * Resolves once every live thread saved, or after `timeoutMs` (a thread busy in synchronous code
   * notices the request only when its event loop turns). `reason` is what the profiles record.
   */
  stop(timeoutMs?: number, reason?: 'manual' | 'duration'): Promise<void>;
  /**
   * With `waitForStart`: tells every agent to begin recording, and resolves with how many threads
   * did within `timeoutMs` (0 when none: the program may not be a Node.js one).
   */
  start(timeoutMs?: number): Promise<number>;
  /** What the session folder holds now (profiles saved so far; the program may still run). */
  collect(): CaptureResult;
  /** Sends a signal (default SIGTERM) to the launched process (and, for a shell command line, to the Node.js processes its shell runs). */
  kill(signal?: NodeJS.Signals): void;
  /**
   * Passes on a signal the caller itself received, unless the program already got it (same process
   * group: a terminal's Ctrl+C reaches both). See ./signal-relay.ts.
   */
  relaySignal(signal: NodeJS.Signals): Promise<RelayOutcome>;
  /** Settles when the launched process has exited and its threads' files were collected. */
  done: Promise<CaptureResult>;
}

/** A command that could not be started, or bad options. The message is meant for the user. */
export class CaptureError extends Error {
  /**
   * `summary`, then `quoted` (a program's last output lines) one per line: `message` has both, for
   * logs; a terminal prints the summary and the quoted lines, each escaped on its own line.
   */
  constructor(
    readonly summary: string,
    readonly quoted: readonly string[] = [],
    /** Lines said after the quoted output (what was kept of the run). */
    readonly after: readonly string[] = [],
  ) {
    super([summary, ...quoted.map((l) => `    ${l}`), ...after].join('\n'));
    this.name = 'CaptureError';
  }
}

/**
 * Where dist/agent.js is. In the bundles (dist/cli.js, dist/extension.js) it sits beside them;
 * from sources run by tsx (tests) it is <repo>/dist/agent.js.
 */
export function agentScriptPath(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates: [string, string] = [path.join(here, 'agent.js'), path.resolve(here, '..', '..', 'dist', 'agent.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[1];
}

/** The `--require` option that preloads the agent, for NODE_OPTIONS. */
export function agentRequireOption(agentPath: string): string {
  return `--require "${agentPath.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The agent's own variables (FLAMELENS_*): where to write and what to record. */
export function agentVariables(opts: Pick<CaptureOptions, 'outDir' | 'cpu' | 'heap' | 'intervalUs' | 'heapIntervalBytes' | 'durationMs' | 'waitForStart'>): Record<string, string> {
  const heap = opts.heap === true;
  const cpu = opts.cpu ?? !heap;
  const vars: Record<string, string> = {
    [agentEnv.dir]: path.resolve(opts.outDir),
    [agentEnv.cpu]: cpu ? '1' : '0',
    [agentEnv.heap]: heap ? '1' : '0',
  };
  if (opts.intervalUs !== undefined) vars[agentEnv.intervalUs] = String(Math.max(1, Math.round(opts.intervalUs)));
  if (opts.heapIntervalBytes !== undefined) vars[agentEnv.heapIntervalBytes] = String(Math.round(opts.heapIntervalBytes));
  if (opts.durationMs !== undefined && opts.durationMs > 0) vars[agentEnv.durationMs] = String(Math.round(opts.durationMs));
  if (opts.waitForStart) vars[agentEnv.waitForStart] = '1';
  return vars;
}

/** The environment for the launched program: the agent preloaded and configured. */
export function agentEnvironment(opts: Omit<CaptureOptions, 'command'>, agentPath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  env.NODE_OPTIONS = [env.NODE_OPTIONS, agentRequireOption(agentPath)].filter(Boolean).join(' ');
  // An outer recording's settings (flamelens run inside a recorded program) are not this one's.
  for (const name of Object.values(agentEnv)) delete env[name];
  return Object.assign(env, agentVariables(opts));
}

/** A session folder ready for a run: the agent found, the folder writable and free of old control files. */
export interface PreparedSession {
  sessionDir: string;
  agentPath: string;
  /** Epoch ms: threads that started earlier (an earlier run's files) are ignored. */
  since: number;
}

/** Checks the agent bundle and prepares the session folder; throws CaptureError with a message for the user. */
export function prepareSession(opts: Pick<CaptureOptions, 'outDir' | 'agentPath'>): PreparedSession {
  const agentPath = opts.agentPath ?? agentScriptPath();
  if (!fs.existsSync(agentPath)) throw new CaptureError(`capture agent not found at ${agentPath} (run \`npm run build\`)`);
  const sessionDir = path.resolve(opts.outDir);
  prepareSessionDir(sessionDir);
  return { sessionDir, agentPath, since: Date.now() };
}

/** How the launched (root) process ended. */
export interface RootOutcome {
  /** Its pid; -1 when unknown (a program run by a terminal's shell). */
  rootPid: number;
  rootLabel: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Once the launched process has exited: waits (up to `waitForOthersMs`) for the other processes
 * that loaded the agent and still record (children that outlive it), then reads the folder.
 */
export async function collectAfterExit(
  session: Pick<PreparedSession, 'sessionDir' | 'since'>,
  root: RootOutcome,
  waitForOthersMs = 30_000,
  onWaiting: (pids: number[]) => void = () => {},
  notAwaited: readonly number[] = [],
): Promise<CaptureResult> {
  await waitForOtherProcesses(session.sessionDir, [root.rootPid, ...notAwaited], session.since, waitForOthersMs, onWaiting);
  return collectSession(session.sessionDir, root, session.since);
}

/** How long an exited program's piped output may take to be read before its result is given anyway. */
const pipeDrainMs = 1000;

/**
 * Resolves once the child's piped stdout/stderr are read to their end. 'exit' can come before the
 * last bytes the program wrote are read; a caller reading them would miss its final lines. Only
 * pipes someone reads (or paused), and bounded: a process the program started may hold them open after it.
 */
function pipesRead(child: ChildProcess, ms: number): Promise<void> {
  const open = [child.stdout, child.stderr].filter((s): s is NonNullable<typeof s> => s !== null && s.readableFlowing !== null && !s.readableEnded && !s.destroyed);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let left = open.length;
    // (Through setImmediate: a process starved past `ms` runs its timers before the poll that reads
    // the bytes already waiting in the pipes; the immediate comes after that poll.)
    const timer = setTimeout(() => setImmediate(resolve), ms);
    timer.unref();
    for (const s of open)
      s.once('close', () => {
        if (--left > 0) return;
        clearTimeout(timer);
        resolve();
      });
  });
}

export function startCapture(opts: CaptureOptions): Promise<CaptureHandle> {
  const argv = typeof opts.command === 'string' ? [opts.command] : opts.command;
  const exe = argv[0];
  let prepared: PreparedSession;
  try {
    if (exe === undefined || exe === '') throw new CaptureError('no command to run');
    prepared = prepareSession(opts);
  } catch (e) {
    return Promise.reject(e);
  }
  // Files of an earlier run in the same folder are left alone and left out.
  const { sessionDir, agentPath, since } = prepared;
  const cwd = opts.cwd ?? process.cwd();
  const env = agentEnvironment(opts, agentPath);
  const label = typeof opts.command === 'string' ? opts.command : commandLabel(argv);

  return new Promise<CaptureHandle>((resolve, reject) => {
    const child =
      typeof opts.command === 'string'
        ? spawn(opts.command, { cwd, env, stdio: opts.stdio ?? 'inherit', shell: true })
        : spawn(exe, argv.slice(1), { cwd, env, stdio: opts.stdio ?? 'inherit' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
      child.once('exit', (code, signal) => void pipesRead(child, pipeDrainMs).then(() => res({ code, signal })));
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // errors after a successful start surface through 'exit'
      reject(new CaptureError(spawnErrorMessage(err, exe, cwd)));
    });
    child.once('spawn', () => {
      const pid = child.pid as number;
      let awaited: number[] = [];
      const rootRunning = () => child.exitCode === null && child.signalCode === null;
      const done = exited.then(async ({ code, signal }) => {
        const result = await collectAfterExit(prepared, { rootPid: pid, rootLabel: label, exitCode: code, signal }, opts.waitForOthersMs, (pids) => {
          awaited = pids;
          opts.onWaiting?.(pids);
        });
        awaited = [];
        removeControlFiles(sessionDir, since);
        return result;
      });
      // The launched command may be only a wrapper — a shell command line, `npm start`, `sh -c "…"` —
      // and ending it alone leaves the program it runs orphaned and running (a server holding its
      // port, which the run then waits for). The Node.js processes of this session below it get the
      // signal too: found through their ancestry where /proc has it, else (a shell command line) the
      // shell's direct children; once found they are remembered, since a wrapper that dies first
      // leaves them re-parented.
      const known = new Set<number>();
      const descendants = (): number[] => {
        for (const s of readSidecars(sessionDir, since)) {
          if (!s.isMainThread || s.pid === pid || known.has(s.pid) || !isAlive(s.pid)) continue;
          const below = descendsFrom(s.pid, pid);
          if (below === true || (below === undefined && typeof opts.command === 'string' && s.ppid === pid)) known.add(s.pid);
        }
        return [...known].filter(isAlive);
      };
      const relay = new SignalRelay(sessionDir, {
        targets: () => (rootRunning() ? [pid, ...descendants()] : awaited.filter(isAlive)),
        recorded: () => readSidecars(sessionDir, since).filter((s) => s.isMainThread && isAlive(s.pid)).map((s) => s.pid),
      });
      resolve({
        pid,
        sessionDir,
        startedAt: since,
        child,
        stop: (timeoutMs = 10_000, reason: 'manual' | 'duration' = 'manual') => requestStop(sessionDir, timeoutMs, since, reason),
        start: (timeoutMs = 10_000) => requestStart(sessionDir, timeoutMs),
        collect: () => collectSession(sessionDir, undefined, since),
        kill: (sig: NodeJS.Signals = 'SIGTERM') => {
          const children = descendants();
          if (rootRunning()) child.kill(sig);
          for (const p of children) {
            try {
              process.kill(p, sig);
            } catch {
              // Ended meanwhile.
            }
          }
        },
        relaySignal: (sig) => relay.relay(sig),
        done,
      });
    });
  });
}

function spawnErrorMessage(err: NodeJS.ErrnoException, exe: string, cwd: string): string {
  if (err.code === 'ENOENT') {
    return fs.existsSync(cwd) ? `command not found: ${exe}` : `working directory does not exist: ${cwd}`;
  }
  if (err.code === 'EACCES') return `permission denied: ${exe}`;
  return `could not start ${exe}: ${err.message}`;
}

/**
 * Creates the session folder and proves it writable, so an unusable folder is reported as such
 * before the program runs (not later as "no process loaded the agent").
 */
function prepareSessionDir(sessionDir: string): void {
  try {
    probeWritableDir(sessionDir);
    // A stop file left by an earlier run would silence every agent.
    fs.rmSync(path.join(sessionDir, stopFileName), { force: true });
    fs.rmSync(path.join(sessionDir, startFileName), { force: true });
    fs.rmSync(path.join(sessionDir, exitCodeFileName), { force: true });
  } catch (e) {
    throw new CaptureError(`cannot write profiles to ${sessionDir}: ${describeFsError(e)}`);
  }
}

/** Why the session folder cannot take files now, or undefined when it can. */
function unwritableReason(sessionDir: string): string | undefined {
  try {
    probeWritableDir(sessionDir);
    return undefined;
  } catch (e) {
    return describeFsError(e);
  }
}

/**
 * The session's control files (stop, start, each process's signal notes) are FlameLens's own,
 * not results: once its processes have ended they are removed, so the folder holds only what was
 * recorded. While an agent still records (a process that outlived the wait), stop stays: it is
 * what ends that recording.
 */
function removeControlFiles(sessionDir: string, since: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(sessionDir);
  } catch {
    return;
  }
  const stillRecording = readSidecars(sessionDir, since).some((s) => s.state === 'recording' && isAlive(s.pid));
  for (const name of names) {
    const pid = signalsFilePid(name);
    const control = pid !== undefined ? !isAlive(pid) : !stillRecording && (name === stopFileName || name === startFileName);
    if (control) fs.rmSync(path.join(sessionDir, name), { force: true });
  }
}

/** Asks every agent of the session to stop recording; the programs keep running. */
export async function requestStop(sessionDir: string, timeoutMs = 10_000, since = 0, reason: 'manual' | 'duration' = 'manual'): Promise<void> {
  // A session folder removed meanwhile (a clean step, the user) is made again: the agents still
  // hold their profiles and save them there once they see the stop file.
  const remade = makeFolders(sessionDir) !== undefined;
  fs.writeFileSync(path.join(sessionDir, stopFileName), `${reason} ${Date.now()}\n`);
  const deadline = Date.now() + timeoutMs;
  // Remade, it names no thread until they save: give them a few of their polls to.
  const quietUntil = remade ? Date.now() + Math.min(timeoutMs, 10 * stopPollMs) : 0;
  while (Date.now() < deadline) {
    const sidecars = readSidecars(sessionDir, since);
    const live = sidecars.filter((s) => s.state === 'recording' && isAlive(s.pid));
    if (live.length === 0 && (sidecars.length > 0 || Date.now() >= quietUntil)) return;
    await sleep(50);
  }
}

/**
 * Asks every waiting agent of the session to begin recording; resolves with the number of threads
 * recording since, once at least one is (or 0 after `timeoutMs`).
 */
export async function requestStart(sessionDir: string, timeoutMs = 10_000): Promise<number> {
  const at = Date.now();
  fs.writeFileSync(path.join(sessionDir, startFileName), `${at}\n`);
  const deadline = at + timeoutMs;
  for (;;) {
    const started = readSidecars(sessionDir, at).filter((s) => s.state === 'recording');
    if (started.length > 0 || Date.now() >= deadline) return started.length;
    await sleep(20);
  }
}

/**
 * Waits for every other process that loaded the agent and is still recording (children that
 * outlive the launched process) to save, up to `limitMs`; a process that died unsaved is not
 * waited for. `onWaiting` hears once which pids are awaited.
 */
async function waitForOtherProcesses(
  sessionDir: string,
  /** The launched process, and others that carry the session's variables but load no agent (a terminal's shell). */
  skipPids: readonly number[],
  since: number,
  limitMs: number,
  onWaiting: (pids: number[]) => void,
): Promise<void> {
  const start = Date.now();
  const deadline = start + limitMs;
  let announced = false;
  // Processes of this session that have not loaded the agent yet (a child started just before
  // the program ended), by when they were first seen: given a moment to announce themselves.
  const unannounced = new Map<number, number>();
  let scanned = 0;
  for (;;) {
    const all = readSidecars(sessionDir);
    const sidecars = all.filter((s) => s.startTime >= since);
    // (A process of an earlier run into this folder has announced itself too: not awaited.)
    const known = new Set(all.map((s) => s.pid));
    const now = Date.now();
    if (now - scanned >= 500) {
      scanned = now;
      for (const pid of sessionProcesses(sessionDir)) {
        if (!skipPids.includes(pid) && !known.has(pid) && !unannounced.has(pid)) unannounced.set(pid, now);
      }
    }
    const starting = [...unannounced].filter(([pid, seen]) => !known.has(pid) && now - seen < announceGraceMs && isAlive(pid)).map(([pid]) => pid);
    const recording = sidecars.filter((s) => s.state === 'recording' && !skipPids.includes(s.pid) && isAlive(s.pid)).map((s) => s.pid);
    const pids = [...new Set([...recording, ...starting])];
    if (pids.length === 0 || Date.now() >= deadline) return;
    // A short grace first: most children save within moments of their parent's end.
    if (!announced && Date.now() >= deadline - limitMs + 300) {
      announced = true;
      onWaiting(pids);
    }
    await sleep(50);
  }
}

/** How long a process of the session that has not loaded the agent yet may take to. */
const announceGraceMs = 3000;

/**
 * Live processes (other than this one) whose environment names this session folder — the
 * program's descendants, including those still starting. Linux only (/proc); elsewhere none.
 */
function sessionProcesses(sessionDir: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`\0${agentEnv.dir}=${sessionDir}\0`);
  const pids: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const env = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${e}/environ`)]);
      if (env.includes(needle)) pids.push(Number(e));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/** Sidecars of the session folder, oldest first; `since` (epoch ms) leaves out threads started before it. */
export function readSidecars(sessionDir: string, since = 0): AgentSidecar[] {
  let names: string[];
  try {
    names = fs.readdirSync(sessionDir);
  } catch {
    return [];
  }
  const out: AgentSidecar[] = [];
  for (const name of names.filter(isSidecarFileName)) {
    try {
      const s = JSON.parse(fs.readFileSync(path.join(sessionDir, name), 'utf8')) as AgentSidecar;
      if (s && s.version === 1 && typeof s.pid === 'number' && s.startTime >= since) out.push(s);
    } catch {
      // Not ours, or unreadable: ignore.
    }
  }
  return out.sort((a, b) => a.startTime - b.startTime || a.pid - b.pid || a.threadId - b.threadId);
}

/** Reads a session folder into profiles and problems. Also usable on a folder from an earlier run. */
export function collectSession(sessionDir: string, root?: RootOutcome, since = 0): CaptureResult {
  const threads = readSidecars(sessionDir, since);
  const profiles: CapturedProfile[] = [];
  const problems: string[] = [];
  // A folder that stopped taking files explains every thread that could not save.
  let unwritable: string | undefined | null = null;
  const folderProblem = () => (unwritable === null ? (unwritable = unwritableReason(sessionDir)) : unwritable);
  for (const s of threads) {
    const label = describeThread(s);
    for (const f of s.files) {
      const p = path.join(sessionDir, f.file);
      if (!fs.existsSync(p)) continue;
      profiles.push({
        path: p,
        kind: f.kind,
        pid: s.pid,
        ppid: s.ppid,
        threadId: s.threadId,
        isMainThread: s.isMainThread,
        argv: s.argv,
        label,
        durationMs: (s.endTime ?? s.startTime) - s.startTime,
        stopReason: s.stopReason,
      });
    }
    if (s.state === 'recording') {
      const folder = isAlive(s.pid) ? undefined : folderProblem();
      problems.push(`${label} ${folder ? `could not save its profile: the session folder is not writable (${folder})` : missingReason(s, threads, root)}`);
    }
    else if (s.state === 'failed') problems.push(`${label} could not save its profile: ${s.errors.join('; ') || 'unknown error'}`);
    else if (s.errors.length > 0) problems.push(`${label}: ${s.errors.join('; ')}`);
    for (const entry of s.unprofiledChildren ?? []) problems.push(`${label} started ${unprofiledChildProblem(readUnprofiledChild(entry))}`);
  }
  // `npm run x` where only npm itself recorded: the program it ran never loaded the agent.
  const mains = threads.filter((s) => s.isMainThread);
  if (root && mains.length > 0 && mains.every((s) => isPackageManagerProcess(s.argv))) {
    problems.push(
      `only the package manager was profiled (${mains.map(describeThread).join(', ')}): if the script it ran starts Node.js, that process did not load the agent — a script that sets NODE_OPTIONS replaces FlameLens's; add to it instead: NODE_OPTIONS="$NODE_OPTIONS --your-option"`,
    );
  }
  if (threads.length === 0 && root) {
    const folder = folderProblem();
    problems.push(
      folder
        ? `no profile could be saved: the session folder ${sessionDir} is not writable (${folder})`
        : `no Node.js process loaded the agent (is \`${root.rootLabel}\` a Node.js program, and does it keep NODE_OPTIONS in the environment of its children?)`,
    );
  }
  return {
    sessionDir,
    exitCode: root?.exitCode ?? null,
    signal: root?.signal ?? null,
    profiles,
    threads,
    problems,
  };
}

/** Why a child was not profiled, and what keeps FlameLens's `--require` in its NODE_OPTIONS. */
function unprofiledChildProblem({ commandLine, ownNodeOptions }: UnprofiledChild): string {
  if (ownNodeOptions === undefined) {
    return `\`${commandLine}\` with an environment whose NODE_OPTIONS lacks FlameLens's agent, so that process was not profiled: pass the parent's environment on (env: { ...process.env, … })`;
  }
  const own = ownNodeOptions.trim() ? ` ${ownNodeOptions.trim()}` : '';
  return (
    `\`${commandLine}\` with its own NODE_OPTIONS (${JSON.stringify(ownNodeOptions)}), which replaced FlameLens's (the --require of its agent), ` +
    `so that process was not profiled: append to the inherited value rather than replacing it (NODE_OPTIONS: \`\${process.env.NODE_OPTIONS ?? ''}${own}\`)`
  );
}

function missingReason(s: AgentSidecar, all: AgentSidecar[], root: RootOutcome | undefined): string {
  if (s.isMainThread) {
    if (root && s.pid === root.rootPid && root.signal) {
      return `exited without writing a profile: killed by ${root.signal}`;
    }
    if (isAlive(s.pid)) return 'is still running: its profile is written when it exits or is stopped';
    return 'exited without writing a profile: killed by SIGKILL or crashed';
  }
  const main = all.find((o) => o.pid === s.pid && o.isMainThread);
  if (main && main.state !== 'recording') {
    return 'ended without writing a profile: it was torn down before it could save (a worker started by another worker, or one blocked in a synchronous wait)';
  }
  return 'ended without writing a profile: its process was killed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

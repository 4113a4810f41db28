// The contract between the capture agent (running inside the profiled program) and whoever reads
// its session folder (launcher, CLI, extension). Everything crosses through environment variables
// and files: the agent has no port, no socket and no way to talk back.
//
// Session folder layout, one set per JavaScript thread (main thread or worker) of every process:
//   <pid>-<threadId>.json         sidecar (AgentSidecar), written at start and rewritten when saved; a thread
//                                 whose name is taken (a reused pid) adds -2, -3…: nothing is overwritten
//   <pid>-<threadId>.cpuprofile   DevTools CPU profile          (when CPU profiling)
//   <pid>-<threadId>.heapprofile  DevTools sampling heap profile (when heap profiling)
//   <pid>.signals                 one line per SIGINT/SIGTERM/SIGHUP/SIGUSR2 the process received ("SIGINT <epoch ms>"):
//                                 tells the launcher a signal reached the program, so it is not sent twice
//   stop                          control file: its existence asks every agent to stop recording; its
//                                 first word is the reason ('duration' when the launcher's time limit ran out)
//   start                         control file: with FLAMELENS_WAIT_FOR_START=1, agents begin recording
//                                 only once it exists (a load run records its measured phase alone)
//   exit-code                     written by the terminal wrapper (./terminal-command.ts) when the program
//                                 it ran ended: its exit status, how VS Code learns the program is done

/** Environment variables read by the agent. */
export const agentEnv = {
  /** Absolute path of the session folder. Without it the agent does nothing. */
  dir: 'FLAMELENS_DIR',
  /** '1' to record a CPU profile. When neither CPU nor heap is set, CPU is recorded. */
  cpu: 'FLAMELENS_CPU',
  /** '1' to record a sampling heap profile. */
  heap: 'FLAMELENS_HEAP',
  /** CPU sampling interval in microseconds (default 100). */
  intervalUs: 'FLAMELENS_INTERVAL_US',
  /** Heap sampling interval in bytes (default 32768, V8's default). */
  heapIntervalBytes: 'FLAMELENS_HEAP_INTERVAL',
  /** Stop recording this many milliseconds after each thread started. */
  durationMs: 'FLAMELENS_DURATION_MS',
  /** '1': load, but record nothing until the start file appears in the session folder. */
  waitForStart: 'FLAMELENS_WAIT_FOR_START',
  /**
   * '1': signals are caught by a main-thread listener, as before the signal thread (see
   * ./signal-watch.ts): a way out should that thread misbehave somewhere, and how tests reach that path.
   */
  noSignalWatch: 'FLAMELENS_NO_SIGNAL_WATCH',
} as const;

export const stopFileName = 'stop';
export const startFileName = 'start';
export const exitCodeFileName = 'exit-code';

/** The file where a process's agent notes each signal it received. */
export function signalsFileName(pid: number): string {
  return `${pid}.signals`;
}

const signalsPattern = /^(\d+)\.signals$/;

/** The pid of a `<pid>.signals` file name, or undefined. */
export function signalsFilePid(name: string): number | undefined {
  const m = signalsPattern.exec(name);
  return m ? Number(m[1]) : undefined;
}
/** How often each agent looks for the stop file (an unref'd timer: never keeps the program alive). */
export const stopPollMs = 100;

/** The name of the agent's signal thread in a process (see ./signal-watch.ts; the worker relay leaves it out). */
export const signalWatchName = 'FlameLens signal watch';

export type CaptureKind = 'cpu' | 'heap';

/** Why an agent stopped recording. */
export type StopReason =
  | 'exit' // the thread ended (process.exit, end of event loop, uncaught exception, worker end)
  | 'terminated' // a worker saved just before worker.terminate() or its process's exit tore it down
  | 'manual' // the stop file appeared
  | 'duration' // FLAMELENS_DURATION_MS elapsed
  | 'SIGINT'
  | 'SIGTERM'
  | 'SIGHUP'
  | 'SIGUSR2';

export interface SidecarFile {
  kind: CaptureKind;
  /** File name inside the session folder. */
  file: string;
}

/** Metadata the agent writes next to each thread's profiles. */
export interface AgentSidecar {
  version: 1;
  pid: number;
  ppid: number;
  threadId: number;
  isMainThread: boolean;
  /** process.argv of the process; for a worker, [node, worker script] as Node reports it. */
  argv: string[];
  execArgv: string[];
  cwd: string;
  nodeVersion: string;
  kinds: CaptureKind[];
  /** Epoch milliseconds. */
  startTime: number;
  endTime?: number;
  /** 'recording' until saved: a sidecar still 'recording' after its thread ended means lost profiles. */
  state: 'recording' | 'saved' | 'failed';
  stopReason?: StopReason;
  /** process.exitCode / exit code seen at stop time, when the stop was an exit. */
  exitCode?: number;
  files: SidecarFile[];
  /** The agent's own errors, swallowed here so the program never sees them. */
  errors: string[];
  /**
   * Node.js children this thread started with an env that drops the agent from NODE_OPTIONS (see
   * child-env.ts), each written by unprofiledChildEntry.
   */
  unprofiledChildren?: string[];
}

/** A Node.js child started without the agent, and the NODE_OPTIONS its env set instead, if it set one. */
export interface UnprofiledChild {
  commandLine: string;
  /** Absent when the env had no NODE_OPTIONS at all. */
  ownNodeOptions?: string;
}

// One string per child, as the sidecar has always held: the command line, then after a NUL (which
// neither a command line nor an environment variable can hold) the child's own NODE_OPTIONS.
export function unprofiledChildEntry(child: UnprofiledChild): string {
  const line = child.commandLine.replace(/\0/g, '');
  return child.ownNodeOptions === undefined ? line : `${line}\0${child.ownNodeOptions.replace(/\0/g, '')}`;
}

export function readUnprofiledChild(entry: string): UnprofiledChild {
  const nul = entry.indexOf('\0');
  return nul < 0 ? { commandLine: entry } : { commandLine: entry.slice(0, nul), ownNodeOptions: entry.slice(nul + 1) };
}

/**
 * `<pid>-<threadId>`, or `<pid>-<threadId>-<n>` for the n-th thread of that name in one folder: a
 * pid the system reused (long sessions, pid_max 32768 in containers), or an earlier run's files.
 */
export function threadBaseName(pid: number, threadId: number, n = 1): string {
  return n > 1 ? `${pid}-${threadId}-${n}` : `${pid}-${threadId}`;
}

export function profileFileName(base: string, kind: CaptureKind): string {
  return `${base}.${kind === 'cpu' ? 'cpuprofile' : 'heapprofile'}`;
}

export function sidecarFileName(base: string): string {
  return `${base}.json`;
}

const sidecarPattern = /^(\d+)-(\d+)(?:-\d+)?\.json$/;

export function isSidecarFileName(name: string): boolean {
  return sidecarPattern.test(name);
}

/** A short human label for a thread, e.g. "process 1234 (node app.js)" or "worker 2 of process 1234 (worker.js)". */
export function describeThread(s: Pick<AgentSidecar, 'pid' | 'threadId' | 'isMainThread' | 'argv' | 'cwd'>): string {
  const cmd = commandLabel(s.argv, s.cwd);
  return s.isMainThread ? `process ${s.pid} (${cmd})` : `worker ${s.threadId} of process ${s.pid} (${cmd})`;
}

/** argv as a short command line: the executable's base name, then the arguments (relative to cwd when inside it). */
export function commandLabel(argv: readonly string[], cwd?: string): string {
  const first = argv[0];
  if (first === undefined) return '?';
  const exe = first.split(/[\\/]/).pop() ?? first;
  const prefix = cwd ? cwd.replace(/[\\/]+$/, '') : undefined;
  const args = argv.slice(1).map((a) => (prefix && (a.startsWith(`${prefix}/`) || a.startsWith(`${prefix}\\`)) ? a.slice(prefix.length + 1) : a));
  return [exe, ...args].map(quoteArg).join(' ');
}

function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** npm/npx/yarn/pnpm themselves load the agent too (NODE_OPTIONS reaches every Node process): never the profile to show first. */
const packageManager = /(?:^|[\\/])(?:npm|npx|yarn|pnpm|corepack)(?:-cli)?(?:\.c?js)?$|[\\/](?:npm|yarn|pnpm|corepack)[\\/]bin[\\/]/;

export function isPackageManagerProcess(argv: readonly string[]): boolean {
  return argv.slice(0, 2).some((a) => packageManager.test(a));
}

// The capture agent: preloaded into every Node.js process and worker thread of a profiled program
// (`NODE_OPTIONS="--require /abs/dist/agent.js"`; Node applies --require to worker threads and,
// through the inherited environment, to child processes). It profiles its own thread through an
// in-process `node:inspector` Session — no port, no native code — and writes the result into the
// session folder described in ./session.ts. A worker that is torn down (worker.terminate(), or
// its process exiting) gets no 'exit' event; the main thread's agent makes it save first (see
// ./worker-relay.ts).
//
// Rules it lives by: never write to stdout/stderr, never keep the event loop alive (all timers are
// unref'd), never throw into the program (errors go to the sidecar), and never change how the
// program ends (signals it intercepts are re-raised with their default action).
import * as inspector from 'node:inspector';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants as osConstants } from 'node:os';
import { getEnvironmentData, isMainThread, setEnvironmentData, threadId } from 'node:worker_threads';
import {
  agentEnv,
  profileFileName,
  sidecarFileName,
  signalsFileName,
  threadBaseName,
  startFileName,
  stopFileName,
  stopPollMs,
  type AgentSidecar,
  type CaptureKind,
  type StopReason,
} from './session';
import {
  WorkerRegistry,
  WorkerRelay,
  registerWithParent,
  saveBeforeTerminate,
  stopFunctionKey,
  workerSaveWaitMs,
  type Registration,
} from './worker-relay';
import { MetricsSampler, metricsEnv, metricsFileName } from './server-metrics';
import { preloadIntoWorkersWithOwnEnv } from './worker-env';
import { watchChildrenWithoutAgent } from './child-env';
import { cpuProfileWithout, heapProfileWithout } from './agent-frames';
import { callFramesOf, embeddedMapsKey, inMemorySourceMaps } from './agent-source-maps';
import { pathToFileURL } from 'node:url';
import { SignalWatch, isSignalWatchThread, runSignalWatch } from './signal-watch';

const loadedKey = Symbol.for('flamelens.agent.loaded');
// SIGUSR2 too: nodemon (and other restarters) end the program with it by default.
const handledSignals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR2'] as const;
type HandledSignal = (typeof handledSignals)[number];

interface AgentConfig {
  dir: string;
  cpu: boolean;
  heap: boolean;
  intervalUs: number;
  heapIntervalBytes: number;
  durationMs: number;
  waitForStart: boolean;
  signalWatch: boolean;
}

function readConfig(env: NodeJS.ProcessEnv): AgentConfig | undefined {
  const dir = env[agentEnv.dir];
  if (!dir) return undefined;
  const cpuSet = env[agentEnv.cpu] === '1';
  const heap = env[agentEnv.heap] === '1';
  return {
    dir,
    cpu: cpuSet || !heap,
    heap,
    intervalUs: positiveInt(env[agentEnv.intervalUs], 100),
    heapIntervalBytes: positiveInt(env[agentEnv.heapIntervalBytes], 32768),
    durationMs: positiveInt(env[agentEnv.durationMs], 0),
    waitForStart: env[agentEnv.waitForStart] === '1',
    signalWatch: env[agentEnv.noSignalWatch] !== '1',
  };
}

/**
 * Environment data key under which an agent publishes its config: every worker created afterwards
 * inherits it, also one given its own `env` (`new Worker(file, { env: {} })`), which has no
 * FLAMELENS_* variables (see ./worker-env.ts). Child processes still get the environment.
 */
const configKey = 'flamelens.agent.config';

/** This thread's config: from its environment, else from the thread that created it. */
function findConfig(): AgentConfig | undefined {
  const fromEnv = readConfig(process.env);
  if (fromEnv) {
    setEnvironmentData(configKey, fromEnv);
    return fromEnv;
  }
  const inherited = isMainThread ? undefined : getEnvironmentData(configKey);
  return isAgentConfig(inherited) ? inherited : undefined;
}

function isAgentConfig(value: unknown): value is AgentConfig {
  const c = value as Partial<AgentConfig> | undefined;
  return typeof c?.dir === 'string' && typeof c.cpu === 'boolean' && typeof c.heap === 'boolean';
}

function positiveInt(text: string | undefined, fallback: number): number {
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : fallback;
}

/** Writes via a temporary file so a reader never sees half a file; a failed write leaves no temporary file. */
function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}-${threadId}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Never created, or the folder is gone.
    }
    throw e;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

class Recorder {
  private readonly session = new inspector.Session();
  private readonly sidecar: AgentSidecar;
  private readonly sidecarPath: string;
  /** This thread's file names (see threadBaseName), claimed in the session folder. */
  private readonly baseName: string;
  private stopped = false;
  private readonly relay: WorkerRelay;
  private readonly registry = new WorkerRegistry();
  private pollTimer: NodeJS.Timeout | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  /** The process's health once a second, when asked (load runs; main thread only: CPU, heap and RSS are per process). */
  private metrics: MetricsSampler | undefined;
  private readonly onExit = (code: number): void => this.exiting(code);
  private readonly onSignal = (signal: NodeJS.Signals): void => this.handleSignal(signal as HandledSignal);
  /** The main thread's signals, held by a thread of their own (see ./signal-watch.ts). */
  private watch: SignalWatch | undefined;
  /** A signal whose listeners the program runs without ours (see stepAside). */
  private steppedAside: HandledSignal | undefined;

  /** Set while start() runs: a stop request arriving then (an inspector interrupt) is applied at its end. */
  private starting = false;
  private stopDuringStart: StopReason | undefined;

  constructor(
    private readonly config: AgentConfig,
    private readonly registration: Registration,
  ) {
    const kinds: CaptureKind[] = [];
    if (config.cpu) kinds.push('cpu');
    if (config.heap) kinds.push('heap');
    this.baseName = claimBaseName(config.dir);
    this.sidecar = {
      version: 1,
      pid: process.pid,
      ppid: process.ppid,
      threadId,
      isMainThread,
      argv: [...process.argv],
      execArgv: [...process.execArgv],
      cwd: process.cwd(),
      nodeVersion: process.version,
      kinds,
      startTime: Date.now(),
      state: 'recording',
      files: [],
      errors: [],
      unprofiledChildren,
    };
    this.sidecarPath = path.join(config.dir, sidecarFileName(this.baseName));
    this.relay = new WorkerRelay(this.session, (message) => this.sidecar.errors.push(message));
  }

  /** `stopBeforeStart`: a stop request that arrived before this recorder existed. */
  start(stopBeforeStart?: StopReason): void {
    this.starting = true;
    this.stopDuringStart = stopBeforeStart;
    try {
      this.startRecording();
    } finally {
      this.starting = false;
    }
    if (this.stopDuringStart) this.stop(this.stopDuringStart);
  }

  /** A stop request from the parent thread (an inspector interrupt: it may arrive inside start()). */
  requestStop(reason: StopReason): void {
    if (this.starting) this.stopDuringStart ??= reason;
    else this.stop(reason);
  }

  private startRecording(): void {
    fs.mkdirSync(this.config.dir, { recursive: true });
    // Written first, so a thread that dies without saving (SIGKILL, worker.terminate()) is still known.
    this.writeSidecar();
    this.session.connect();
    // The agent's own setup (the watch thread's Worker, listeners, timers) comes before the profilers
    // start, so its cost is not in the user's profile: it was about 20 ms of Worker, addListener and
    // inspector posts under loadPreloadModules in every recording. It also gives the watch thread a
    // head start on booting.
    // Workers of this thread: reachable through the inspector so they can save before teardown.
    // (The NodeWorker domain exists only in the main thread: workers of workers are not reached.)
    if (isMainThread) this.relay.enable();
    saveBeforeTerminate(() => (this.stopped ? undefined : this.relay));
    process.on('exit', this.onExit);
    if (isMainThread) this.watchSignals();
    if (isMainThread && process.env[metricsEnv] === '1') {
      try {
        this.metrics = new MetricsSampler(path.join(this.config.dir, metricsFileName(process.pid, threadId)), (m) => this.sidecar.errors.push(m));
      } catch (e) {
        this.sidecar.errors.push(`metrics: ${errorText(e)}`);
      }
    }
    this.pollTimer = setInterval(() => this.pollStopFile(), stopPollMs);
    this.pollTimer.unref();
    if (this.config.durationMs > 0) {
      this.durationTimer = setTimeout(() => this.stop('duration'), this.config.durationMs);
      this.durationTimer.unref();
    }
    if (this.config.cpu) {
      this.post('Profiler.enable');
      this.post('Profiler.setSamplingInterval', { interval: this.config.intervalUs });
      this.post('Profiler.start');
    }
    if (this.config.heap) {
      this.post('HeapProfiler.enable');
      this.post('HeapProfiler.startSampling', {
        samplingInterval: this.config.heapIntervalBytes,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
  }

  private post(method: string, params?: object): void {
    this.session.post(method, params, (err) => {
      if (err) this.sidecar.errors.push(`${method}: ${errorText(err)}`);
    });
  }

  private pollStopFile(): void {
    if (this.watch && process.listeners('SIGINT').includes(this.onSignal)) this.dropSignalListener();
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.config.dir, stopFileName), 'utf8');
    } catch {
      return; // no stop request (or a vanished session folder, which is not the program's problem)
    }
    this.stop(text.startsWith('duration') ? 'duration' : 'manual');
  }

  /**
   * Signals are held by the watch thread once it runs; until then (and where it cannot run) by a
   * listener here, which acts only when the event loop turns and counts among the program's
   * listeners. Either notes each signal: the launcher reads the notes to avoid sending one twice.
   */
  private watchSignals(): void {
    for (const s of handledSignals) process.on(s, this.onSignal);
    // The program dropped its last listener of a signal it was handling (see stepAside).
    process.on('removeListener', (event: string | symbol) => {
      if (event === this.steppedAside && process.listenerCount(event) === 0) this.stepBack(this.steppedAside);
    });
    if (!this.config.signalWatch) return;
    const watch = new SignalWatch(handledSignals, {
      save: (signal) => {
        // The watch re-raises next: no listener of ours may catch that.
        this.dropSignalListener();
        // Inside the watch's request: the watch waits for the workers (see waitForSiblingWorkers).
        this.stop(signal as HandledSignal, undefined, false);
      },
      stop: (reason) => this.stop(reason),
      ours: (listener) => listener === this.onSignal,
    });
    const started = watch.start(__filename, {
      notesFile: path.join(this.config.dir, signalsFileName(process.pid)),
      stopFile: path.join(this.config.dir, stopFileName),
      durationMs: this.config.durationMs,
    });
    if (started) this.watch = watch;
  }

  /** The watch holds the signals now: the listener here goes (it counts among the program's). */
  private dropSignalListener(): boolean {
    if (!this.watch?.ready()) return false;
    for (const s of handledSignals) process.removeListener(s, this.onSignal);
    return true;
  }

  /**
   * The program is exiting. A signal that reached the watch just before (still on its way here)
   * would have ended the process without us: it is saved under that signal and re-raised by the
   * watch once it has its answer (the wait lets that answer through); failing that, the exit code
   * says it (128 + signal number), never 0.
   */
  private exiting(code: number): void {
    const signal = this.watch?.pendingSignal();
    if (!signal) return this.stop('exit', code);
    this.dropSignalListener();
    this.stop(signal as HandledSignal, code);
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const deadline = Date.now() + pendingSignalWaitMs;
    while (Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
    process.exitCode = 128 + (osConstants.signals[signal] ?? 0);
  }

  private handleSignal(signal: HandledSignal): void {
    // The watch got this signal too, and acts on it. Leaving now (our listener runs first, having
    // been added first) lets the program's listeners that run next see themselves alone. Unless
    // the watch became ready just after this signal arrived, and so never saw it: then it is
    // acted on here, as without the watch (a SIGUSR2 sent 150 ms into a program on a loaded
    // machine was lost that way: the program kept running, unsaved).
    if (this.watch?.ready() && this.watch.watchGot(signal, watchGotWaitMs)) {
      this.dropSignalListener();
      return;
    }
    try {
      fs.appendFileSync(path.join(this.config.dir, signalsFileName(process.pid)), `${signal} ${Date.now()}\n`);
    } catch {
      // The launcher then assumes the signal did not arrive and may send it once more.
    }
    // If the program handles this signal itself, it decides whether to end; our exit hook saves then.
    if (process.listenerCount(signal) > 1) return this.stepAside(signal);
    this.stop(signal);
    // Back to Node's default action for this signal: die by it.
    process.removeListener(signal, this.onSignal);
    process.kill(process.pid, signal);
  }

  /**
   * Leaves this signal's listeners to the program while they run: signal-exit (execa, ora, nyc…)
   * re-raises only when its listeners are the only ones. One that does removes them first; ours
   * is back by then (see the 'removeListener' hook in watchSignals) and catches the re-raised
   * signal, to save and die by it. Otherwise ours is back once this signal's listeners have run.
   */
  private stepAside(signal: HandledSignal): void {
    process.removeListener(signal, this.onSignal);
    this.steppedAside = signal;
    process.nextTick(() => this.stepBack(signal));
  }

  private stepBack(signal: HandledSignal): void {
    if (this.steppedAside !== signal) return;
    this.steppedAside = undefined;
    if (!this.watch?.ready()) process.on(signal, this.onSignal);
  }

  /**
   * Stops profiling and writes every file. In-process inspector sessions answer synchronously, so
   * this completes inside an 'exit' listener; an answer that has not arrived by the end is recorded.
   */
  stop(reason: StopReason, exitCode?: number, waitForWorkers = true): void {
    if (this.stopped) return;
    this.stopped = true;
    this.watch?.stopped();
    // Workers are asked first, so they save while this thread does: when it ends they are torn
    // down without an 'exit' event. Waiting is only needed when this thread is about to end, and
    // happens after this thread's profiler stopped (the wait is not the program's time).
    const ending = reason !== 'manual' && reason !== 'duration';
    let request: number | undefined;
    try {
      if (ending) this.registry.markExiting();
      // (The NodeWorker domain exists only in the main thread: workers of workers are not reached.)
      if (isMainThread) request = this.relay.ask(reason === 'exit' ? 'terminated' : reason, null, ending);
    } catch (e) {
      this.sidecar.errors.push(`stopping workers: ${errorText(e)}`);
    }
    this.detach();
    this.sidecar.stopReason = reason;
    // A worker's argv gains its script only after preloads ran.
    this.sidecar.argv = [...process.argv];
    if (exitCode !== undefined) this.sidecar.exitCode = exitCode;
    let pending = 0;
    const finish = (): void => {
      if (--pending > 0) return;
      this.sidecar.endTime = Date.now();
      this.sidecar.state = this.sidecar.files.length > 0 ? 'saved' : 'failed';
      this.writeSidecar();
      this.registration.saved();
    };
    pending++; // held until every request below is posted
    // The heap profile is taken first and written last: stopping and writing the CPU profile
    // allocates its whole tree and JSON (~200 MB sampled for a 6.5 MB CPU profile), which the heap
    // profile would otherwise charge to the program's exit path.
    let heapAnswer: { err: Error | null; profile: object | undefined } | undefined;
    let cpuPosted = false;
    const saveHeap = (): void => {
      if (!heapAnswer) return;
      this.save('heap', heapAnswer.err, heapAnswer.profile);
      heapAnswer = undefined;
      finish();
    };
    if (this.config.heap) {
      pending++;
      this.session.post('HeapProfiler.getSamplingProfile', (err, result) => {
        this.post('HeapProfiler.stopSampling');
        heapAnswer = { err, profile: result?.profile };
        // (An answer that comes after the CPU profile was asked for is written at once.)
        if (cpuPosted) saveHeap();
      });
    }
    if (this.config.cpu) {
      pending++;
      this.session.post('Profiler.stop', (err, result) => {
        this.save('cpu', err, result?.profile);
        finish();
      });
    }
    cpuPosted = true;
    saveHeap();
    finish();
    if (pending > 0) {
      this.sidecar.errors.push(`${reason}: the inspector did not answer synchronously; profile may be missing`);
      this.writeSidecar();
    }
    // The session carries the workers' answers, so it is closed only once they arrived.
    const disconnect = (): void => {
      try {
        this.session.disconnect();
      } catch {
        // Already gone at exit.
      }
    };
    if (request === undefined) return disconnect();
    try {
      if (ending && waitForWorkers) {
        this.relay.waitSync(request, workerSaveWaitMs, this.registry);
        disconnect();
      } else {
        void this.relay.whenAnswered(request, workerSaveWaitMs).then(disconnect);
      }
    } catch (e) {
      this.sidecar.errors.push(`stopping workers: ${errorText(e)}`);
      disconnect();
    }
  }

  private save(kind: CaptureKind, err: Error | null, profile: object | undefined): void {
    if (err || !profile) {
      this.sidecar.errors.push(`${kind}: ${err ? errorText(err) : 'no profile returned'}`);
      return;
    }
    try {
      const file = profileFileName(this.baseName, kind);
      const written = withoutAgentFrames(kind, profile);
      const maps = inMemorySourceMaps(callFramesOf(written));
      writeAtomic(path.join(this.config.dir, file), JSON.stringify(maps ? { ...written, [embeddedMapsKey]: maps } : written));
      this.sidecar.files.push({ kind, file });
    } catch (e) {
      this.sidecar.errors.push(`${kind}: ${errorText(e)}`);
    }
  }

  private detach(): void {
    process.removeListener('exit', this.onExit);
    this.metrics?.stop();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.durationTimer) clearTimeout(this.durationTimer);
  }

  /** A child started without the agent: said in the sidecar now, so a thread killed later still tells. */
  noteUnprofiledChild(): void {
    if (!this.stopped) this.writeSidecar();
  }

  private writeSidecar(): void {
    try {
      writeAtomic(this.sidecarPath, JSON.stringify(this.sidecar, null, 2));
    } catch {
      // Nowhere left to report to; the launcher will see the thread as missing.
    }
  }
}

/**
 * Claims this thread's file names in the session folder by creating its sidecar (exclusively): a
 * process that got the pid of an earlier one (same session, or an earlier run into the folder)
 * must not overwrite that one's profile.
 */
function claimBaseName(dir: string): string {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch {
    // Reported by the writes that follow.
  }
  for (let n = 1; n < 1000; n++) {
    const base = threadBaseName(process.pid, threadId, n);
    try {
      fs.closeSync(fs.openSync(path.join(dir, sidecarFileName(base)), 'wx'));
      return base;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') break;
    }
  }
  // An unwritable folder: the first name, and the failure is the writes' to report.
  return threadBaseName(process.pid, threadId);
}

/** This thread's children started without the agent (the sidecar shares the array). */
const unprofiledChildren: string[] = [];

/** The agent's own file as a profile names it (a path for CommonJS; as a URL, to be safe). */
const agentUrls = new Set([__filename, pathToFileURL(__filename).href]);

/** The profile without the agent's frames (see ./agent-frames.ts); as it was if that fails: never lose a profile. */
function withoutAgentFrames(kind: CaptureKind, profile: object): object {
  try {
    return kind === 'cpu'
      ? cpuProfileWithout(profile as Parameters<typeof cpuProfileWithout>[0], agentUrls)
      : heapProfileWithout(profile as Parameters<typeof heapProfileWithout>[0], agentUrls);
  } catch {
    return profile;
  }
}

function main(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[loadedKey]) return; // loaded twice (e.g. --require given twice): one recorder per thread
  g[loadedKey] = true;
  // The agent's own signal thread (see ./signal-watch.ts) is not part of the program.
  if (isSignalWatchThread()) return runSignalWatch();
  const config = findConfig();
  if (!config) return;
  hideAgentFlag();
  preloadIntoWorkersWithOwnEnv(__filename);
  // A process started after a manual stop stays unrecorded.
  if (fs.existsSync(path.join(config.dir, stopFileName))) return;
  // Nor does a worker starting while its parent thread exits: it would be torn down unsaved.
  // Published before this thread registers with its parent: from then on the parent may ask it to
  // save at any moment (see worker-relay.ts), and must not be answered with nothing done.
  const thread: { recorder?: Recorder; stopBeforeStart?: StopReason } = {};
  g[Symbol.for(stopFunctionKey)] = (reason: StopReason, target: number | null) => {
    if (target !== null && target !== threadId) return;
    if (thread.recorder) thread.recorder.requestStop(reason);
    else thread.stopBeforeStart ??= reason;
  };
  watchChildrenWithoutAgent(__filename, (commandLine) => {
    unprofiledChildren.push(commandLine);
    thread.recorder?.noteUnprofiledChild();
  });
  const begin = (): void => {
    const registration = registerWithParent();
    if (!registration.record) return;
    thread.recorder = new Recorder(config, registration);
    thread.recorder.start(thread.stopBeforeStart);
  };
  if (config.waitForStart && !fs.existsSync(path.join(config.dir, startFileName))) waitForStartFile(config.dir, begin);
  else begin();
}

/**
 * A worker given its own env gets the agent through `--require <agent>` in its execArgv (see
 * ./worker-env.ts); the program asked for no such flag and must not see it.
 */
function hideAgentFlag(): void {
  const argv = process.execArgv;
  for (let i = argv.length - 2; i >= 0; i--) {
    if ((argv[i] === '--require' || argv[i] === '-r') && argv[i + 1] === __filename) argv.splice(i, 2);
  }
}

/**
 * Begins recording when the start file appears (never, if the stop file comes first). Until then
 * the thread is not registered with its parent, so nothing waits for it to save.
 */
function waitForStartFile(dir: string, begin: () => void): void {
  const timer = setInterval(() => {
    try {
      if (fs.existsSync(path.join(dir, stopFileName))) return clearInterval(timer);
      if (!fs.existsSync(path.join(dir, startFileName))) return;
      clearInterval(timer);
      begin();
    } catch {
      clearInterval(timer);
    }
  }, startPollMs);
  timer.unref();
}

/** How long the main thread's listener waits for the watch to have received the same signal (see handleSignal). */
const watchGotWaitMs = 200;

/** How long an exiting main thread gives the signal watch to re-raise a signal that arrived just before. */
const pendingSignalWaitMs = 1000;

/** How often a waiting agent looks for the start file: the load driver waits for it before measuring. */
const startPollMs = 20;

try {
  main();
} catch {
  // Never let the agent break the program it observes.
}

// Part of the agent: catches the signals that end a program (SIGINT, SIGTERM, SIGHUP, SIGUSR2) on
// a thread of its own, so that
//   - a signal ends a busy program at once, as it would without us: a listener on the main thread
//     runs only when the event loop turns, so Ctrl+C did nothing during a long computation, and a
//     program that then finished exited 0 with the signal lost;
//   - the program's own signal listeners count as they would without us: signal-exit (execa, ora,
//     nyc…) re-raises a signal only when its listeners are the only ones, and ours broke that.
//
// The watch is a worker thread (this same agent file, started with a marker in its workerData)
// holding libuv signal handles of its own. Signals reach it whatever the main thread is doing. On
// one, it notes it for the launcher (see ./signal-relay.ts). If the program listens for it (the
// main thread keeps the count in shared memory), the program decides, as it would without us.
// Otherwise the watch asks the main thread to save — through an inspector session, so the request
// runs at the next interrupt check even inside a busy loop — then re-raises the signal with its
// default action: the process dies by it. The session is connected only for that request: one
// left connected makes process.exit() print "Waiting for the debugger to disconnect...".
//
// The watch also follows the stop file and the recording's duration, which the main thread only
// sees when its event loop turns: a program stuck in a loop can be stopped and keeps its profile.
//
// `process.binding('signal_wrap')` is the only way a worker can hold a signal; where it (or the
// worker) is unavailable, the agent keeps its main-thread listener (see agent.ts).
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import { constants } from 'node:os';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { waitForSiblingWorkers, workerSaveWaitMs } from './worker-relay';
import { signalWatchName, stopPollMs } from './session';

/** The workerData key that makes the agent file run as the signal watch. */
const watchKey = 'flamelens.agent.signalWatch';
/**
 * The Worker class as Node made it: the agent wraps the module's own (./worker-env.ts) for the
 * program's workers, and this module is evaluated before that.
 */
const NodeWorker = Worker;

/** The global functions (symbol keys, invisible to the program) the watch calls on the main thread. */
const onSignalKey = 'flamelens.agent.onSignal';
const onStopKey = 'flamelens.agent.onStopRequest';

/** Slots of the state shared with the watch; then one per signal: how many listeners the program has for it. */
const signalSlot = 0; // number of a signal the watch is acting on (0: none)
const savingSlot = 1; // 1 while the main thread saves for a signal, 2 once it has
const readySlot = 2; // 1 once the watch holds every signal
const stoppedSlot = 3; // 1 once the main thread stopped recording
const listenerSlots = 4;
/** After the listener slots, one per signal: how many times the program's listeners for it all went away. */
const droppedSlots = (signalCount: number) => listenerSlots + signalCount;
/** Then one per signal: how many of it the watch received. */
const receivedSlots = (signalCount: number) => listenerSlots + 2 * signalCount;
/**
 * How long the watch waits for a program to re-raise a signal it was handling when the watch looked
 * (see runSignalWatch's onSignal).
 */
const reraiseWaitMs = 250;

/**
 * A stop request (the stop file, or the recording's duration) the main thread has not acted on
 * this long after its own poll would have: it is busy, and the watch makes it stop.
 */
const stopGraceMs = 3 * stopPollMs;

/** How long the watch waits for the main thread to start saving (it may be in native code that never checks for interrupts) before re-raising regardless. */
const answerWaitMs = 2000;
/** How long a save already under way may take (a large profile) before the watch re-raises regardless. */
const saveWaitMs = 60_000;

export type SignalAnswer = 'program' | 'saved';

interface WatchData {
  signals: string[];
  notesFile: string;
  /** The session's stop file, and the recording's duration (0: none), as the main thread's agent follows them. */
  stopFile: string;
  durationMs: number;
  state: SharedArrayBuffer;
}

export interface WatchOptions {
  notesFile: string;
  stopFile: string;
  durationMs: number;
}

/** True in the watch's own thread: the agent must not record it. */
export function isSignalWatchThread(): boolean {
  return !isMainThread && typeof workerData === 'object' && workerData !== null && watchKey in workerData;
}

/** The main thread's side: starts the watch, tells it what the program listens for, and saves when asked. */
export class SignalWatch {
  private readonly state: Int32Array;
  /** Per signal: how many of it the main thread's listener saw while the watch was ready. */
  private readonly seen: number[];

  /**
   * `save(signal)` saves the profile for a signal the program does not listen for; `stop(reason)`
   * stops recording for a stop request or the duration the main thread was too busy to see;
   * `ours` tells the agent's own listeners apart from the program's.
   */
  constructor(
    private readonly signals: readonly NodeJS.Signals[],
    private readonly handlers: {
      save: (signal: NodeJS.Signals) => void;
      stop: (reason: 'manual' | 'duration') => void;
      ours: (listener: unknown) => boolean;
    },
  ) {
    this.state = new Int32Array(new SharedArrayBuffer(4 * (listenerSlots + 3 * signals.length)));
    this.seen = signals.map(() => 0);
  }

  /** Starts the watch; false when no worker could be started (the caller keeps its own listener). */
  start(agentFile: string, options: WatchOptions): boolean {
    const g = globalThis as Record<symbol, unknown>;
    g[Symbol.for(onSignalKey)] = (signal: NodeJS.Signals): SignalAnswer => this.onSignal(signal);
    g[Symbol.for(onStopKey)] = (reason: 'manual' | 'duration') => this.handlers.stop(reason);
    this.signals.forEach((s) => this.publish(s, 0));
    // 'newListener' comes before the listener is added, 'removeListener' after it was removed.
    process.on('newListener', (event: string | symbol, listener: unknown) => this.publish(event, this.handlers.ours(listener) ? 0 : 1));
    process.on('removeListener', (event: string | symbol) => this.publish(event, 0));
    try {
      const data: WatchData = { signals: [...this.signals], ...options, state: this.state.buffer as SharedArrayBuffer };
      // None of the program's flags or environment: its loaders (--import tsx) would slow the start,
      // and the agent needs none of it (it runs as the script).
      const worker = new NodeWorker(agentFile, { name: signalWatchName, workerData: { [watchKey]: data }, execArgv: [], env: {} });
      // It never keeps the program alive, and ends with it.
      worker.unref();
      // A watch that failed (no signal_wrap) simply ends; the main-thread listener stays.
      worker.on('error', () => undefined);
      return true;
    } catch {
      return false;
    }
  }

  /** Recording stopped: the watch no longer follows the stop file or the duration. */
  stopped(): void {
    Atomics.store(this.state, stoppedSlot, 1);
  }

  /** True once the watch holds every signal: the agent's main-thread listener can go. */
  ready(): boolean {
    return Atomics.load(this.state, readySlot) === 1;
  }

  /**
   * The main thread's listener got `signal` while the watch is ready: did the watch get it too?
   * Waits up to `ms` for it to say so. No: the watch began holding signals just after this one
   * arrived (it booted while the program ran), and the main thread must act on it itself.
   */
  watchGot(signal: NodeJS.Signals, ms: number): boolean {
    const i = this.signals.indexOf(signal);
    if (i < 0) return true;
    const want = ++this.seen[i]!;
    const slot = receivedSlots(this.signals.length) + i;
    const deadline = Date.now() + ms;
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    while (Atomics.load(this.state, slot) < want) {
      if (Date.now() >= deadline) {
        // Counted as the watch's: the next one is compared with what it receives from now on.
        this.seen[i] = Atomics.load(this.state, slot);
        return false;
      }
      Atomics.wait(sleeper, 0, 0, 2);
    }
    return true;
  }

  /**
   * At exit: a signal the watch is acting on that has not reached the main thread yet (the
   * program finished first). Without us it would have ended the process.
   */
  pendingSignal(): NodeJS.Signals | undefined {
    const n = Atomics.load(this.state, signalSlot);
    const name = this.signals.find((s) => constants.signals[s] === n);
    return name && !this.programListens(name) ? name : undefined;
  }

  private publish(event: string | symbol, adding: number): void {
    const i = this.signals.indexOf(event as NodeJS.Signals);
    if (i < 0) return;
    const count = process.listeners(event as NodeJS.Signals).filter((l) => !this.handlers.ours(l)).length + adding;
    const before = Atomics.exchange(this.state, listenerSlots + i, count);
    if (before > 0 && count === 0) Atomics.add(this.state, droppedSlots(this.signals.length) + i, 1);
  }

  private onSignal(signal: NodeJS.Signals): SignalAnswer {
    // The program may have started listening since the watch looked.
    if (this.programListens(signal)) return 'program';
    Atomics.store(this.state, savingSlot, 1);
    try {
      this.handlers.save(signal);
    } finally {
      Atomics.store(this.state, savingSlot, 2);
    }
    return 'saved';
  }

  private programListens(signal: NodeJS.Signals): boolean {
    return process.listeners(signal).some((l) => !this.handlers.ours(l));
  }
}

/** The watch thread's body (the agent runs it when isSignalWatchThread()). */
export function runSignalWatch(): void {
  const data = (workerData as Record<string, WatchData>)[watchKey]!;
  const state = new Int32Array(data.state);
  // The binding is deprecated (DEP0111): the warning would go to the program's stderr.
  process.noDeprecation = true;
  let Signal: (new () => SignalHandle) | undefined;
  try {
    Signal = (process as unknown as { binding(name: string): { Signal: new () => SignalHandle } }).binding('signal_wrap').Signal;
  } catch {
    // Not in this runtime: the main-thread listener keeps the signals; stop requests are still followed.
  }
  const handles = new Map<string, SignalHandle>();
  let acting = false;
  const dropped = (index: number) => Atomics.load(state, droppedSlots(data.signals.length) + index);
  /** Per signal: how often the program's listeners had gone away when the watch last looked. */
  const seenDropped = data.signals.map((_, i) => dropped(i));
  /** Per signal: the program was listening at its last arrival, so the next one is its re-raise. */
  const programHad = data.signals.map(() => false);
  /** A signal waiting for the program's re-raise (see onSignal). */
  let waiting: { index: number; timer: NodeJS.Timeout } | undefined;

  /**
   * Runs `expression` on the main thread at its next interrupt check. The session is connected
   * only for the request: one left connected makes process.exit() print "Waiting for the
   * debugger to disconnect...". `answer` gets the result's value, or undefined on an error.
   */
  const askMain = (expression: string, answer: (value: unknown) => void): void => {
    const session = new inspector.Session();
    try {
      session.connectToMainThread();
      session.post('Runtime.evaluate', { expression, silent: true, returnByValue: true }, (err, res) => {
        session.disconnect();
        answer(err ? undefined : (res?.result?.value as unknown));
      });
    } catch {
      answer(undefined);
    }
  };
  const call = (key: string, arg: string) => `globalThis[Symbol.for(${JSON.stringify(key)})]?.(${JSON.stringify(arg)})`;

  const reraise = (signal: string): void => {
    // With no handle left for it, libuv restores the default action: the process dies by the signal
    // (unless the program started listening meanwhile, and then it is the program's).
    handles.get(signal)?.close();
    handles.delete(signal);
    process.kill(process.pid, signal);
  };

  const onSignal = (signal: string, index: number): void => {
    Atomics.add(state, receivedSlots(data.signals.length) + index, 1);
    try {
      fs.appendFileSync(data.notesFile, `${signal} ${Date.now()}\n`);
    } catch {
      // The launcher then assumes the signal did not arrive and may send it once more.
    }
    if (waiting) {
      // The re-raise that was waited for (below): the program is done with it. Any other signal meanwhile: the waiting one decides.
      if (waiting.index !== index) return;
      clearTimeout(waiting.timer);
      waiting = undefined;
      return act(signal);
    }
    // The program's: it decides. A second signal while the first is acted on: that one decides.
    if (acting) return;
    if (Atomics.load(state, listenerSlots + index) > 0) {
      programHad[index] = true;
      return;
    }
    const gone = dropped(index);
    const reraised = programHad[index];
    programHad[index] = false;
    if (gone !== seenDropped[index] && !reraised) {
      // The program's listeners for it went away since the watch last looked: it may be handling
      // this very signal on the main thread right now (signal-exit removes its listeners, runs its
      // callbacks, then re-raises). Acting now would end the process inside those callbacks.
      seenDropped[index] = gone;
      waiting = {
        index,
        timer: setTimeout(() => {
          waiting = undefined;
          if (Atomics.load(state, listenerSlots + index) === 0) act(signal);
        }, reraiseWaitMs),
      };
      return;
    }
    seenDropped[index] = gone;
    act(signal);
  };

  /** Ends the process by `signal` as it would without us: the main thread saves first. */
  const act = (signal: string): void => {
    acting = true;
    Atomics.store(state, signalSlot, constants.signals[signal as NodeJS.Signals] ?? 0);
    const started = Date.now();
    let settled = false;
    const settle = (answer: unknown): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (answer === 'program') {
        Atomics.store(state, signalSlot, 0);
        acting = false;
        return;
      }
      // The main thread asked its workers to save without waiting for them: that wait is here.
      if (answer === 'saved') waitForSiblingWorkers(workerSaveWaitMs);
      reraise(signal);
    };
    // The main thread may never take the request (stuck in native code): the signal must still act.
    const timer = setInterval(() => {
      const saving = Atomics.load(state, savingSlot) === 1;
      if (Date.now() - started > (saving ? saveWaitMs : answerWaitMs)) settle('timeout');
    }, 50);
    askMain(call(onSignalKey, signal), (value) => settle(value ?? 'error'));
  };

  if (Signal) {
    for (const [index, signal] of data.signals.entries()) {
      const handle = new Signal();
      handle.onsignal = () => onSignal(signal, index);
      const number = constants.signals[signal as NodeJS.Signals];
      if (number === undefined || handle.start(number) !== 0) {
        handle.close();
        break;
      }
      handles.set(signal, handle);
    }
    // Partly held is worse than not at all: the main-thread listener covers every signal.
    if (handles.size !== data.signals.length) for (const h of handles.values()) h.close();
    else Atomics.store(state, readySlot, 1);
  }
  followStopRequests(data, state, (reason) => askMain(call(onStopKey, reason), () => undefined));
}

/**
 * The main thread follows the stop file and its duration on its own event loop, which a busy
 * thread never turns: a stop asked for while it computes would wait for the computation to end
 * (a program stuck in a loop could not be stopped at all). The watch asks it instead.
 */
function followStopRequests(data: WatchData, state: Int32Array, stop: (reason: 'manual' | 'duration') => void): void {
  const began = Date.now();
  let seenAt: number | undefined;
  const timer = setInterval(() => {
    if (Atomics.load(state, stoppedSlot) === 1) return clearInterval(timer);
    const now = Date.now();
    let reason: 'manual' | 'duration' | undefined;
    if (data.durationMs > 0 && now - began >= data.durationMs + stopGraceMs) reason = 'duration';
    else {
      let text: string | undefined;
      try {
        text = fs.readFileSync(data.stopFile, 'utf8');
      } catch {
        // No stop request.
      }
      if (text !== undefined && now - (seenAt ??= now) >= stopGraceMs) reason = text.startsWith('duration') ? 'duration' : 'manual';
    }
    if (!reason) return;
    clearInterval(timer);
    stop(reason);
  }, stopPollMs);
}

/** libuv's signal handle as Node's internal binding exposes it. */
interface SignalHandle {
  onsignal: (signum: number) => void;
  start(signum: number): number;
  close(): void;
}

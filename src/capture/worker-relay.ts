// Part of the agent: lets a thread make its worker threads save their profiles before they are
// torn down. A worker killed by worker.terminate(), or by its process exiting, gets no 'exit'
// event, so its own agent cannot save. The parent thread's inspector session, with the NodeWorker
// domain, can still reach it: a Runtime.evaluate sent to the worker runs on the worker's thread
// at its next interrupt check — even inside a busy loop — and calls that worker's agent.
//
// A worker whose inspector attach has not reached the main thread yet (it was starting when the
// program called process.exit()) is not known to the relay. The registry below closes that gap:
// every worker's agent registers in a SharedArrayBuffer handed down by its parent (worker
// environment data), and does not start recording once the parent announced its exit; so the
// exiting parent knows how many attaches it still has to wait for.
import type * as inspector from 'node:inspector';
import { Worker, getEnvironmentData, setEnvironmentData, isMainThread } from 'node:worker_threads';
import { signalWatchName, type StopReason } from './session';

/** Each agent publishes its stop function under this global symbol (invisible to string keys). */
export const stopFunctionKey = 'flamelens.agent.stop';
const patchedKey = Symbol.for('flamelens.agent.terminatePatched');
const registryKey = 'flamelens.agent.workerRegistry';

/** Longest a thread waits, synchronously, for its workers to save when it is about to end. */
export const workerSaveWaitMs = 3000;

interface AttachedEvent {
  params: { sessionId: string; workerInfo: { workerId: string; title?: string } };
}
interface DetachedEvent {
  params: { sessionId: string };
}
interface ReceivedEvent {
  params: { sessionId: string; message: string };
}

// Slots of the registry's Int32Array.
const exitingSlot = 0;
const startedSlot = 1;
const doneSlot = 2;

/**
 * The registry a thread hands to the workers it starts: they count themselves in, and stay
 * unrecorded once this thread is exiting (it could not wait for them any more).
 */
export class WorkerRegistry {
  private readonly slots = new Int32Array(new SharedArrayBuffer(12));

  constructor() {
    try {
      setEnvironmentData(registryKey, this.slots.buffer);
    } catch {
      // Older runtimes: exit relies on the attach events alone.
    }
  }

  markExiting(): void {
    Atomics.store(this.slots, exitingSlot, 1);
  }

  /** Workers that registered (and so record) so far. */
  started(): number {
    return Atomics.load(this.slots, startedSlot);
  }

  /** Registered workers that have saved (or failed to). */
  done(): number {
    return Atomics.load(this.slots, doneSlot);
  }
}

/**
 * From a worker of the main thread that does not record (the signal watch): blocks until every
 * worker registered with the main thread has saved, or `waitMs` passed. The main thread cannot
 * wait for its workers' answers while it is inside the watch's request (inspector messages are
 * not dispatched within one another); the registry's counts need no message.
 */
export function waitForSiblingWorkers(waitMs: number): void {
  let buffer: unknown;
  try {
    buffer = getEnvironmentData(registryKey);
  } catch {
    return;
  }
  if (!(buffer instanceof SharedArrayBuffer)) return;
  const slots = new Int32Array(buffer);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + waitMs;
  while (Atomics.load(slots, doneSlot) < Atomics.load(slots, startedSlot) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
}

/** A worker's entry in its parent's registry. */
export interface Registration {
  /** False when the parent is already exiting: this worker must not record. */
  record: boolean;
  /** Tells the parent this worker has saved (or given up). Call once. */
  saved(): void;
}

const unregistered: Registration = { record: true, saved: () => undefined };

/** In a worker: registers with the parent thread's registry (see Registration). */
export function registerWithParent(): Registration {
  if (isMainThread) return unregistered;
  let buffer: unknown;
  try {
    buffer = getEnvironmentData(registryKey);
  } catch {
    return unregistered;
  }
  if (!(buffer instanceof SharedArrayBuffer)) return unregistered;
  const slots = new Int32Array(buffer);
  // Count in first, then look: the parent sets the flag first, then counts (both sequentially
  // consistent), so either this worker sees the flag or the parent sees this worker.
  Atomics.add(slots, startedSlot, 1);
  if (Atomics.load(slots, exitingSlot) !== 0) {
    Atomics.sub(slots, startedSlot, 1);
    return { record: false, saved: () => undefined };
  }
  let reported = false;
  return {
    record: true,
    saved: () => {
      if (!reported) Atomics.add(slots, doneSlot, 1);
      reported = true;
    },
  };
}

interface Request {
  message: string;
  /** Sessions asked whose answer has not arrived (a session that detaches is dropped). */
  pending: Set<string>;
  /** Also ask workers that attach while this request is open (the thread is ending). */
  followNew: boolean;
  settled?: () => void;
}

export class WorkerRelay {
  /**
   * NodeWorker session ids of this thread's live workers, by the inspector's workerId. That id is
   * not the worker's threadId (workers starting together can swap), so a request for one thread
   * goes to every worker and names its target; only that worker's agent acts.
   */
  private readonly workers = new Map<string, string>();
  /** Every worker attach seen, live or ended. */
  private attachedEver = 0;
  private readonly requests = new Map<number, Request>();
  private nextId = 0x7f000000;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly session: inspector.Session,
    private readonly onError: (message: string) => void,
  ) {}

  /** Starts tracking this thread's workers (their attach events arrive even while we are busy). */
  enable(): void {
    this.session.on('NodeWorker.attachedToWorker', (m: AttachedEvent) => {
      // The agent's own signal thread records nothing, and may be the one waiting for this thread.
      if (m.params.workerInfo.title?.endsWith(signalWatchName)) return;
      this.workers.set(m.params.workerInfo.workerId, m.params.sessionId);
      this.attachedEver++;
      for (const r of this.requests.values()) if (r.followNew) this.send(r, m.params.sessionId);
    });
    this.session.on('NodeWorker.detachedFromWorker', (m: DetachedEvent) => {
      for (const [id, sid] of this.workers) if (sid === m.params.sessionId) this.workers.delete(id);
      for (const r of this.requests.values()) this.answered(r, m.params.sessionId);
    });
    // Answers are delivered as inspector interrupts, so they arrive even inside our Atomics.wait.
    this.session.on('NodeWorker.receivedMessageFromWorker', (m: ReceivedEvent) => {
      const id = answerId(m.params.message);
      const r = id === undefined ? undefined : this.requests.get(id);
      if (r) this.answered(r, m.params.sessionId);
    });
    this.session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, (err) => {
      if (err) this.onError(`NodeWorker.enable: ${err.message}`);
    });
  }

  /**
   * Asks every live worker (or only `target`, a threadId) to stop recording, without waiting.
   * Returns the request's id for `waitSync`/`whenAnswered`; the request stays open until one of
   * them ends it. `followNew`: workers attaching meanwhile are asked too.
   */
  ask(reason: StopReason, target: number | null, followNew: boolean): number {
    const id = this.nextId++;
    const expression = `globalThis[Symbol.for(${JSON.stringify(stopFunctionKey)})]?.(${JSON.stringify(reason)}, ${target})`;
    const request: Request = {
      message: JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, silent: true } }),
      pending: new Set(),
      followNew,
    };
    this.requests.set(id, request);
    for (const sessionId of this.workers.values()) this.send(request, sessionId);
    return id;
  }

  /**
   * Blocks (this thread is ending) until every worker asked by request `id` has finished the
   * request, and — with a registry — until every registered worker has attached, been asked and
   * saved (while any worker is still alive), or `waitMs` passed. Waiting for the answer, not just for the files, matters: a worker torn
   * down while still inside the request would ignore the termination and run on.
   */
  waitSync(id: number, waitMs: number, registry?: WorkerRegistry): void {
    const request = this.requests.get(id);
    if (!request) return;
    try {
      const deadline = Date.now() + waitMs;
      // A worker asked while its agent was still starting answers before it has saved.
      const unsaved = () => registry !== undefined && (registry.started() > this.attachedEver || (registry.done() < registry.started() && this.workers.size > 0));
      while ((request.pending.size > 0 || unsaved()) && Date.now() < deadline) Atomics.wait(this.sleeper, 0, 0, 5);
    } finally {
      this.requests.delete(id);
    }
  }

  /** Settles when request `id` is answered by every worker asked, or after `timeoutMs`. Never blocks. */
  whenAnswered(id: number, timeoutMs: number): Promise<void> {
    const request = this.requests.get(id);
    if (!request || request.pending.size === 0) {
      this.requests.delete(id);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => request.settled?.(), timeoutMs);
      timer.unref();
      request.settled = () => {
        clearTimeout(timer);
        this.requests.delete(id);
        resolve();
      };
    });
  }

  private send(request: Request, sessionId: string): void {
    if (request.pending.has(sessionId)) return;
    try {
      this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message: request.message });
      request.pending.add(sessionId);
    } catch (e) {
      this.onError(`stopping workers: ${(e as Error).message}`);
    }
  }

  private answered(request: Request, sessionId: string): void {
    if (!request.pending.delete(sessionId)) return;
    if (request.pending.size === 0) request.settled?.();
  }
}

function answerId(message: string): number | undefined {
  // Only our own requests' answers matter; they start with their id.
  if (!message.startsWith('{"id":')) return undefined;
  try {
    const id = (JSON.parse(message) as { id?: unknown }).id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes worker.terminate() let the worker save first, without blocking the caller: the worker is
 * asked to save, and the original terminate runs once it has (or after `workerSaveWaitMs`). The
 * returned promise settles as the original's would.
 */
export function saveBeforeTerminate(relay: () => WorkerRelay | undefined): void {
  const proto = Worker.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[patchedKey]) return;
  const original = Worker.prototype.terminate as (this: Worker, ...a: unknown[]) => ReturnType<Worker['terminate']>;
  const terminate = function (this: Worker, ...args: unknown[]) {
    let saved: Promise<void> | undefined;
    try {
      const r = relay();
      if (r && this.threadId >= 0) saved = r.whenAnswered(r.ask('terminated', this.threadId, false), workerSaveWaitMs);
    } catch {
      // Never stand between the program and its terminate().
    }
    if (!saved) return original.apply(this, args);
    return saved.then(() => original.apply(this, args));
  };
  Object.defineProperty(proto, 'terminate', { value: terminate, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(proto, patchedKey, { value: true });
}

// Part of the agent: lets a thread make its worker threads save their profiles before they are
// torn down. A worker killed by worker.terminate(), or by its process exiting, gets no 'exit'
// event, so its own agent cannot save. The parent thread's inspector session, with the NodeWorker
// domain, can still reach it: a Runtime.evaluate sent to the worker runs on the worker's thread
// at its next interrupt check — even inside a busy loop — and calls that worker's agent.
import type * as inspector from 'node:inspector';
import { Worker } from 'node:worker_threads';
import type { StopReason } from './session';

/** Each agent publishes its stop function under this global symbol (invisible to string keys). */
export const stopFunctionKey = 'flamelens.agent.stop';
const patchedKey = Symbol.for('flamelens.agent.terminatePatched');

/** Longest a thread waits, synchronously, for its workers to save when it is about to end. */
export const workerSaveWaitMs = 3000;

interface AttachedEvent {
  params: { sessionId: string; workerInfo: { workerId: string } };
}
interface DetachedEvent {
  params: { sessionId: string };
}
interface ReceivedEvent {
  params: { sessionId: string; message: string };
}

export class WorkerRelay {
  /**
   * NodeWorker session ids of this thread's live workers, by the inspector's workerId. That id is
   * not the worker's threadId (workers starting together can swap), so a request for one thread
   * goes to every worker and names its target; only that worker's agent acts.
   */
  private readonly workers = new Map<string, string>();
  /** Request id → sessions whose answer is still awaited. */
  private readonly awaiting = new Map<number, Set<string>>();
  private nextId = 0x7f000000;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly session: inspector.Session,
    private readonly onError: (message: string) => void,
  ) {}

  /** Starts tracking this thread's workers (their attach events arrive even while we are busy). */
  enable(): void {
    this.session.on('NodeWorker.attachedToWorker', (m: AttachedEvent) => {
      this.workers.set(m.params.workerInfo.workerId, m.params.sessionId);
    });
    this.session.on('NodeWorker.detachedFromWorker', (m: DetachedEvent) => {
      for (const [id, sid] of this.workers) if (sid === m.params.sessionId) this.workers.delete(id);
      for (const pending of this.awaiting.values()) pending.delete(m.params.sessionId);
    });
    // Answers are delivered as inspector interrupts, so they arrive even inside our Atomics.wait.
    this.session.on('NodeWorker.receivedMessageFromWorker', (m: ReceivedEvent) => {
      const id = answerId(m.params.message);
      if (id !== undefined) this.awaiting.get(id)?.delete(m.params.sessionId);
    });
    this.session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, (err) => {
      if (err) this.onError(`NodeWorker.enable: ${err.message}`);
    });
  }

  /**
   * Asks every live worker (or only `target`, a threadId) to stop recording, and waits
   * synchronously up to `waitMs` until each has finished the request. Waiting for the answer, not
   * just for the files, matters: a worker torn down while still inside the request would ignore
   * the termination and run on.
   */
  stop(reason: StopReason, target: number | null, waitMs: number): void {
    if (this.workers.size === 0 || (target !== null && target < 0)) return;
    const id = this.nextId++;
    const expression = `globalThis[Symbol.for(${JSON.stringify(stopFunctionKey)})]?.(${JSON.stringify(reason)}, ${target})`;
    const message = JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, silent: true } });
    const pending = new Set<string>();
    this.awaiting.set(id, pending);
    try {
      for (const sessionId of this.workers.values()) {
        try {
          this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message });
          pending.add(sessionId);
        } catch (e) {
          this.onError(`stopping workers: ${(e as Error).message}`);
        }
      }
      const deadline = Date.now() + waitMs;
      while (pending.size > 0 && Date.now() < deadline) Atomics.wait(this.sleeper, 0, 0, 5);
    } finally {
      this.awaiting.delete(id);
    }
  }
}

function answerId(message: string): number | undefined {
  try {
    const id = (JSON.parse(message) as { id?: unknown }).id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes worker.terminate() let the worker save first. The wrapper only adds a short synchronous
 * wait before the original terminate runs; what terminate returns is unchanged.
 */
export function saveBeforeTerminate(relay: () => WorkerRelay | undefined): void {
  const proto = Worker.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[patchedKey]) return;
  const original = Worker.prototype.terminate;
  const terminate = function (this: Worker, ...args: unknown[]) {
    try {
      relay()?.stop('terminated', this.threadId, workerSaveWaitMs);
    } catch {
      // Never stand between the program and its terminate().
    }
    return (original as (...a: unknown[]) => ReturnType<Worker['terminate']>).apply(this, args);
  };
  Object.defineProperty(proto, 'terminate', { value: terminate, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(proto, patchedKey, { value: true });
}

// Part of the agent: lets a thread make its worker threads save their profiles before they are
// torn down. A worker killed by worker.terminate(), or by its process exiting, gets no 'exit'
// event, so its own agent cannot save. The parent thread's inspector session, with the NodeWorker
// domain, can still reach it: a Runtime.evaluate sent to the worker runs on the worker's thread
// at its next interrupt check — even inside a busy loop — and calls that worker's agent.
import type * as inspector from 'node:inspector';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { sidecarFileName, type AgentSidecar, type StopReason } from './session';

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

export class WorkerRelay {
  /**
   * NodeWorker session ids of this thread's live workers, by the inspector's workerId. That id is
   * not the worker's threadId (workers starting together can swap), so a request for one thread
   * goes to every worker and names its target; only that worker's agent acts.
   */
  private readonly workers = new Map<string, string>();
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly session: inspector.Session,
    private readonly dir: string,
    private readonly onError: (message: string) => void,
  ) {}

  /** Starts tracking this thread's workers (their attach events arrive even while we are busy). */
  enable(): void {
    this.session.on('NodeWorker.attachedToWorker', (m: AttachedEvent) => {
      this.workers.set(m.params.workerInfo.workerId, m.params.sessionId);
    });
    this.session.on('NodeWorker.detachedFromWorker', (m: DetachedEvent) => {
      for (const [id, sid] of this.workers) if (sid === m.params.sessionId) this.workers.delete(id);
    });
    this.session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, (err) => {
      if (err) this.onError(`NodeWorker.enable: ${err.message}`);
    });
  }

  /** Asks every live worker to stop recording; waits (synchronously) up to `waitMs` for them to save. */
  stopAll(reason: StopReason, waitMs: number): void {
    // Sidecars still 'recording' may include threads we cannot reach (already dead, or workers of
    // workers): expect only as many to save as there are workers attached to us.
    const recording = waitMs > 0 ? this.recordingWorkers() : [];
    this.send(reason, null);
    const mayStayRecording = recording.length - Math.min(recording.length, this.workers.size);
    this.waitUntil(waitMs, () => recording.filter((t) => this.stillRecording(t)).length <= mayStayRecording);
  }

  /** Asks the worker with this threadId to stop; waits up to `waitMs` for it to save. */
  stopOne(threadId: number, reason: StopReason, waitMs: number): void {
    if (threadId < 0) return; // already gone
    this.send(reason, threadId);
    this.waitUntil(waitMs, () => !this.stillRecording(threadId));
  }

  private send(reason: StopReason, target: number | null): void {
    const expression = `globalThis[Symbol.for(${JSON.stringify(stopFunctionKey)})]?.(${JSON.stringify(reason)}, ${target})`;
    const message = JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, silent: true } });
    for (const sessionId of this.workers.values()) {
      try {
        this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message });
      } catch (e) {
        this.onError(`stopping workers: ${(e as Error).message}`);
      }
    }
  }

  /** Sleeps in small steps until `done()` or the deadline. */
  private waitUntil(waitMs: number, done: () => boolean): void {
    if (waitMs <= 0) return;
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline && !done()) Atomics.wait(this.sleeper, 0, 0, 5);
  }

  /** threadIds of this process's workers whose sidecar says 'recording'. */
  private recordingWorkers(): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const prefix = `${process.pid}-`;
    return names
      .filter((n) => n.startsWith(prefix) && n.endsWith('.json'))
      .map((n) => Number(n.slice(prefix.length, -'.json'.length)))
      .filter((t) => Number.isInteger(t) && t > 0 && this.stillRecording(t));
  }

  /** True while the worker's sidecar says it has not saved (a worker without agent never has one). */
  private stillRecording(threadId: number): boolean {
    try {
      const file = path.join(this.dir, sidecarFileName(process.pid, threadId));
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as AgentSidecar).state === 'recording';
    } catch {
      return false;
    }
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
      relay()?.stopOne(this.threadId, 'terminated', workerSaveWaitMs);
    } catch {
      // Never stand between the program and its terminate().
    }
    return (original as (...a: unknown[]) => ReturnType<Worker['terminate']>).apply(this, args);
  };
  Object.defineProperty(proto, 'terminate', { value: terminate, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(proto, patchedKey, { value: true });
}

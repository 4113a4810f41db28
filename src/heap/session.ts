// A snapshot kept open in its worker thread (summarizeSnapshotFile's `keep`) for the questions the
// snapshot view asks: a constructor's largest objects and what retains one. The worker answers them in
// turn, off the calling thread; dispose() ends the thread, which frees the decoded graph.
import type { Worker } from 'node:worker_threads';
import { SnapshotError, summarizeSnapshotFile, type SummarizeOptions } from './summarize';
import type { SnapshotSummary } from './types';
import type { SnapshotAnswer, SnapshotQuery, SnapshotWorkerMessage, SnapshotWorkerRequest } from './worker-protocol';

export interface SnapshotSession {
  query<Q extends SnapshotQuery>(query: Q): Promise<SnapshotAnswer<Q>>;
  /** Ends the worker (freeing the graph); pending and later questions fail as closed. */
  dispose(): void;
}

/** Takes over a worker that kept its snapshot. */
export function snapshotSession(worker: Worker): SnapshotSession {
  let seq = 0;
  let ended: string | undefined;
  const pending = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();
  const end = (reason: string): void => {
    ended ??= reason;
    for (const request of pending.values()) request.reject(new SnapshotError(ended));
    pending.clear();
  };
  worker.on('message', (m: SnapshotWorkerMessage) => {
    if (m.type === 'error') end(m.message);
    if (m.type !== 'answer') return;
    const request = pending.get(m.seq);
    pending.delete(m.seq);
    if (m.result === undefined) request?.reject(new SnapshotError(m.error ?? 'no answer'));
    else request?.resolve(m.result as never);
  });
  worker.on('error', (error) => end(`the snapshot worker failed: ${error.message}`));
  worker.on('exit', () => end('the snapshot worker has ended'));
  return {
    query: (query) =>
      new Promise((resolve, reject) => {
        if (ended !== undefined) return reject(new SnapshotError(ended));
        pending.set(++seq, { resolve, reject });
        worker.postMessage({ seq, query } satisfies SnapshotWorkerRequest);
      }),
    dispose: () => {
      end('the snapshot was closed');
      void worker.terminate();
    },
  };
}

/** The summary, and a session when the worker kept the snapshot (not in-process, nor when retained sizes timed out). */
export async function openSnapshotFile(file: string, options: SummarizeOptions = {}): Promise<{ summary: SnapshotSummary; session: SnapshotSession | undefined }> {
  let session = undefined as SnapshotSession | undefined;
  const summary = await summarizeSnapshotFile(file, { ...options, keep: (worker) => (session = snapshotSession(worker)) });
  return { summary, session };
}

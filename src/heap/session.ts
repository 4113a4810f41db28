// A snapshot kept open in its worker thread (summarizeSnapshotFile's `keep`) for the questions the
// snapshot view asks: a constructor's largest objects and what retains one. Requests are answered in
// turn, off the calling thread; dispose() ends the thread, which frees the decoded graph.
import type { Worker } from 'node:worker_threads';
import { SnapshotError, summarizeSnapshotFile, type SummarizeOptions } from './summarize';
import type { SnapshotSummary } from './types';
import type { SnapshotAnswer, SnapshotQuery, SnapshotWorkerMessage, SnapshotWorkerRequest } from './worker-protocol';

export class SnapshotSession {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();
  private ended: string | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: SnapshotWorkerMessage) => {
      if (m.type === 'error') this.end(m.message);
      if (m.type !== 'answer') return;
      const request = this.pending.get(m.seq);
      this.pending.delete(m.seq);
      if (m.error !== undefined || m.result === undefined) request?.reject(new SnapshotError(m.error ?? 'no answer'));
      else request?.resolve(m.result as never);
    });
    worker.on('error', (error) => this.end(`the snapshot worker failed: ${error.message}`));
    worker.on('exit', () => this.end('the snapshot worker has ended'));
  }

  query<Q extends SnapshotQuery>(query: Q): Promise<SnapshotAnswer<Q>> {
    if (this.ended !== undefined) return Promise.reject(new SnapshotError(this.ended));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ seq, query } satisfies SnapshotWorkerRequest);
    });
  }

  /** Ends the worker (freeing the graph); pending questions fail as closed. */
  dispose(): void {
    this.end('the snapshot was closed');
    void this.worker.terminate();
  }

  private end(reason: string): void {
    this.ended ??= reason;
    for (const request of this.pending.values()) request.reject(new SnapshotError(this.ended));
    this.pending.clear();
  }
}

/** The summary, and a session when the worker kept the snapshot (not in-process, nor when retained sizes timed out). */
export async function openSnapshotFile(file: string, options: SummarizeOptions = {}): Promise<{ summary: SnapshotSummary; session: SnapshotSession | undefined }> {
  let session = undefined as SnapshotSession | undefined;
  const summary = await summarizeSnapshotFile(file, { ...options, keep: (worker) => (session = new SnapshotSession(worker)) });
  return { summary, session };
}

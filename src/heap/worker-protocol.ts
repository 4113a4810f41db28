// Messages between summarizeSnapshotFile (main thread) and the snapshot worker.
import type { InstancePage, RetainerReport } from './retainer-types';
import type { SnapshotSummary } from './types';

export interface SnapshotWorkerData {
  file: string;
  /** Also compute retained sizes (the dominator tree: slow on some heaps). */
  withRetained: boolean;
  /** Keep the decoded snapshot once retained sizes are in, and answer SnapshotWorkerRequests about it. */
  keep?: boolean;
}

export type SnapshotWorkerMessage =
  | { type: 'progress'; message: string }
  /** Counts and self sizes: arrives first, fast. */
  | { type: 'summary'; summary: SnapshotSummary }
  /** The same with retained sizes. */
  | { type: 'retained'; summary: SnapshotSummary }
  /** Retained sizes could not be computed (the parser trapped or threw); the counts posted before stand. */
  | { type: 'retained-failed'; message: string; outOfMemory?: boolean }
  /** outOfMemory: the parser's memory could not grow (the snapshot is too large for it), not a broken file. */
  | { type: 'error'; message: string; outOfMemory?: boolean }
  | { type: 'answer'; seq: number; result?: InstancePage | RetainerReport; error?: string };

/** Questions about a kept snapshot: a constructor's largest objects, or what keeps one object alive. */
export type SnapshotQuery = { type: 'instances'; name: string; count: number } | { type: 'retainers'; index: number };
export type SnapshotAnswer<Q extends SnapshotQuery> = Q extends { type: 'instances' } ? InstancePage : RetainerReport;
export interface SnapshotWorkerRequest {
  seq: number;
  query: SnapshotQuery;
}

// Messages between summarizeSnapshotFile (main thread) and the snapshot worker.
import type { SnapshotSummary } from './types';

export interface SnapshotWorkerData {
  file: string;
  /** Also compute retained sizes (the dominator tree: slow on some heaps). */
  withRetained: boolean;
}

export type SnapshotWorkerMessage =
  | { type: 'progress'; message: string }
  /** Counts and self sizes: arrives first, fast. */
  | { type: 'summary'; summary: SnapshotSummary }
  /** The same with retained sizes. */
  | { type: 'retained'; summary: SnapshotSummary }
  | { type: 'error'; message: string };

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
  /** outOfMemory: the parser's memory could not grow (the snapshot is too large for it), not a broken file. */
  | { type: 'error'; message: string; outOfMemory?: boolean };

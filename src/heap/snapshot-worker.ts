// worker_threads entry (bundled to dist/heap-worker.js, with the parser's .wasm copied beside it):
// parses a .heapsnapshot off the main thread and posts a fast summary, then one with retained sizes.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { Graph } from '@vscode/v8-heap-parser';
import { decodeSnapshot, describeParserError, freeAfterFailure, parsableSnapshot, summarizeGraph } from './summary';
import type { SnapshotWorkerInput } from './summarize';
import type { SnapshotSummary } from './types';
import { snapshotInspector } from './inspect';
import type { SnapshotWorkerMessage, SnapshotWorkerRequest } from './worker-protocol';

function post(message: SnapshotWorkerMessage): void {
  parentPort?.postMessage(message);
}

function run(data: SnapshotWorkerInput): void {
  post({ type: 'progress', message: `reading ${data.file}` });
  // A gzip snapshot arrives inflated (summarizeSnapshotFile applies the size limit first).
  const bytes = parsableSnapshot(data.bytes ?? readFileSync(data.file));
  post({ type: 'progress', message: `parsing ${(bytes.length / 1048576).toFixed(1)} MB` });
  // The parser caches its class groups on the first query, so the fast pass (no retained sizes)
  // and the full pass each get their own decoded graph, one at a time.
  const fast = decodeSnapshot(bytes);
  let counts: SnapshotSummary;
  try {
    counts = summarizeGraph(fast, false);
  } catch (error) {
    freeAfterFailure(fast);
    throw error;
  }
  fast.free();
  post({ type: 'summary', summary: counts });
  if (!data.withRetained) return;
  post({ type: 'progress', message: 'computing retained sizes' });
  let full: Graph | undefined;
  let retained: SnapshotSummary;
  try {
    full = decodeSnapshot(bytes);
    retained = summarizeGraph(full, true);
  } catch (error) {
    // The counts are posted already: say why retained sizes are missing rather than fail the whole summary.
    post({ type: 'retained-failed', ...describeParserError(error) });
    freeAfterFailure(full);
    return;
  }
  post({ type: 'retained', summary: retained });
  let kept = false;
  try {
    if (data.keep) kept = keep(snapshotInspector(full, bytes), data);
  } finally {
    if (!kept) full.free();
  }
}

/** Answers the host's questions about the kept graph until the host ends this thread. */
function keep(answer: ReturnType<typeof snapshotInspector>, data: SnapshotWorkerInput): boolean {
  delete data.bytes;
  parentPort?.on('message', ({ seq, query }: SnapshotWorkerRequest) => {
    try {
      post({ type: 'answer', seq, result: answer(query) });
    } catch (error) {
      post({ type: 'answer', seq, error: error instanceof Error ? error.message : String(error) });
    }
  });
  return true;
}

try {
  run(workerData as SnapshotWorkerInput);
} catch (error) {
  post({ type: 'error', ...describeParserError(error) });
}

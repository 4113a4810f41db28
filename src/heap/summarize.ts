// summarizeSnapshotFile: parse a .heapsnapshot in a worker thread so neither the extension host nor
// the CLI blocks, with a time limit on the retained-size computation (the parser's dominator pass
// can take minutes on heaps with long linked chains; the counts are ready long before).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SnapshotSummary } from './types';
import { finishSummary } from './types';
import type { SnapshotWorkerData, SnapshotWorkerMessage } from './worker-protocol';

export interface SummarizeOptions {
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** Compute retained sizes. Default true. */
  retained?: boolean;
  /** Give up on retained sizes after this long and return counts and self sizes. Default 60 s. */
  retainedTimeoutMs?: number;
  /** The worker script; default dist/heap-worker.js beside this bundle (or the .ts source under tsx). */
  workerPath?: string;
  /** Parse on the calling thread (tests, scripts): blocks it, and has no retained-size time limit. */
  inProcess?: boolean;
}

export class SnapshotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SnapshotError';
  }
}

export function summarizeSnapshotFile(file: string, options: SummarizeOptions = {}): Promise<SnapshotSummary> {
  if (!existsSync(file)) return Promise.reject(new SnapshotError(`${file} does not exist`));
  if (options.inProcess) return summarizeInProcess(file, options);
  return summarizeInWorker(file, options);
}

async function summarizeInProcess(file: string, options: SummarizeOptions): Promise<SnapshotSummary> {
  if (options.signal?.aborted) throw new SnapshotError('cancelled');
  options.onProgress?.(`parsing ${file}`);
  // Loaded only here: importing the parser instantiates its WASM module.
  const { summarizeSnapshotBytes } = await import('./summary');
  try {
    return summarizeSnapshotBytes(readFileSync(file), options.retained ?? true);
  } catch (error) {
    throw new SnapshotError(`${file} is not a readable heap snapshot: ${(error as Error).message}`, { cause: error });
  }
}

function summarizeInWorker(file: string, options: SummarizeOptions): Promise<SnapshotSummary> {
  const { signal, onProgress, retainedTimeoutMs = 60_000 } = options;
  const withRetained = options.retained ?? true;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SnapshotError('cancelled'));
      return;
    }
    const { script, execArgv } = workerScript(options.workerPath);
    const data: SnapshotWorkerData = { file, withRetained };
    const worker = new Worker(script, { workerData: data, ...(execArgv ? { execArgv } : {}) });
    let fast: SnapshotSummary | undefined;
    let retainedTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (outcome: { summary: SnapshotSummary } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(retainedTimer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('summary' in outcome) resolve(outcome.summary);
      else reject(outcome.error);
    };
    const onAbort = (): void => finish({ error: new SnapshotError('cancelled') });
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: SnapshotWorkerMessage) => {
      switch (message.type) {
        case 'progress':
          onProgress?.(message.message);
          break;
        case 'summary':
          fast = message.summary;
          if (!withRetained) finish({ summary: fast });
          else {
            retainedTimer = setTimeout(() => {
              const seconds = Math.round(retainedTimeoutMs / 1000);
              const note = `retained sizes were not computed: it took longer than ${seconds} s (long chains of objects make the dominator pass slow); sorted by self size`;
              finish({ summary: finishSummary(fast!.constructors, false, [...fast!.notes, note]) });
            }, retainedTimeoutMs);
          }
          break;
        case 'retained':
          finish({ summary: message.summary });
          break;
        case 'error':
          finish({ error: new SnapshotError(`${file} is not a readable heap snapshot: ${message.message}`) });
          break;
      }
    });
    worker.on('error', (error) => finish({ error: new SnapshotError(`the snapshot worker failed: ${error.message}`, { cause: error }) }));
    worker.on('exit', (code) => {
      if (!settled) finish({ error: new SnapshotError(`the snapshot worker exited (code ${code}) before it answered; out of memory?`) });
    });
  });
}

/**
 * Bundled (dist/extension.js, dist/cli.js): dist/heap-worker.js sits beside us, and the parser
 * finds its .wasm beside that. From source under tsx: the .ts worker, loaded through tsx.
 */
function workerScript(explicit: string | undefined): { script: string; execArgv?: string[] } {
  if (explicit) return { script: explicit };
  const bundled = path.join(__dirname, 'heap-worker.js');
  if (existsSync(bundled)) return { script: bundled };
  const source = path.join(__dirname, 'snapshot-worker.ts');
  if (existsSync(source)) return { script: source, execArgv: ['--require', 'tsx/cjs'] };
  throw new SnapshotError(`the snapshot worker is missing (looked for ${bundled}); rebuild with npm run build`);
}

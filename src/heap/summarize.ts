// summarizeSnapshotFile: parse a .heapsnapshot in a worker thread so neither the extension host nor
// the CLI blocks, with a time limit on the retained-size computation (the parser's dominator pass
// can take minutes on heaps with long linked chains; the counts are ready long before).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SnapshotSummary } from './types';
import { finishSummary } from './types';
import type { SnapshotWorkerData, SnapshotWorkerMessage } from './worker-protocol';
import { inflateOrCheck } from '../input-file';
import { ProfileError } from '../model/types';

/** What the worker gets: the file, or its bytes already un-gzipped (moved, not copied). */
export type SnapshotWorkerInput = SnapshotWorkerData & { bytes?: Uint8Array };

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
  /** Refuse snapshots larger than this many bytes once un-gzipped (default: from the machine's memory). */
  maxSize?: number;
  /** Appended to the too-large message (the CLI names its --max-size option). */
  raiseHint?: string;
}

export class SnapshotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SnapshotError';
  }
}

export async function summarizeSnapshotFile(file: string, options: SummarizeOptions = {}): Promise<SnapshotSummary> {
  if (!existsSync(file)) throw new SnapshotError(`${file} does not exist`);
  // Gzip is inflated here, as a stream with the size limit; plain files are checked by size.
  let inflated: Uint8Array | undefined;
  try {
    inflated = await inflateOrCheck(file, { ...(options.maxSize !== undefined ? { maxSize: options.maxSize } : {}), ...(options.raiseHint ? { raiseHint: options.raiseHint } : {}) });
  } catch (error) {
    if (error instanceof ProfileError) throw new SnapshotError(error.code === 'too-large' ? error.message : `${file}: ${error.message}`, { cause: error });
    throw new SnapshotError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (options.inProcess) return summarizeInProcess(file, inflated, options);
  return summarizeInWorker(file, inflated, options);
}

async function summarizeInProcess(file: string, inflated: Uint8Array | undefined, options: SummarizeOptions): Promise<SnapshotSummary> {
  if (options.signal?.aborted) throw new SnapshotError('cancelled');
  options.onProgress?.(`parsing ${file}`);
  // Loaded only here: importing the parser instantiates its WASM module.
  const { summarizeSnapshotBytes } = await import('./summary');
  try {
    return summarizeSnapshotBytes(inflated ?? readFileSync(file), options.retained ?? true);
  } catch (error) {
    throw new SnapshotError(`${file} is not a readable heap snapshot: ${(error as Error).message}`, { cause: error });
  }
}

function summarizeInWorker(file: string, inflated: Uint8Array | undefined, options: SummarizeOptions): Promise<SnapshotSummary> {
  const { signal, onProgress, retainedTimeoutMs = 60_000 } = options;
  const withRetained = options.retained ?? true;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SnapshotError('cancelled'));
      return;
    }
    const { script, execArgv } = workerScript(options.workerPath);
    const data: SnapshotWorkerInput = { file, withRetained, ...(inflated ? { bytes: inflated } : {}) };
    // Inflated bytes that own their whole buffer move to the worker instead of being copied.
    const movable = inflated && inflated.byteOffset === 0 && inflated.buffer instanceof ArrayBuffer && inflated.byteLength === inflated.buffer.byteLength;
    const transferList = movable ? [inflated.buffer as ArrayBuffer] : [];
    const worker = new Worker(script, { workerData: data, transferList, ...(execArgv ? { execArgv } : {}) });
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

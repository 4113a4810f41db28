// summarizeSnapshotFile: parse a .heapsnapshot in a worker thread so neither the extension host nor
// the CLI blocks, with a time limit on the retained-size computation (the parser's dominator pass
// can take minutes on heaps with long linked chains; the counts are ready long before). When that
// pass times out or fails, the counts are returned with a note saying why.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SnapshotSummary } from './types';
import { finishSummary } from './types';
import type { SnapshotWorkerData, SnapshotWorkerMessage } from './worker-protocol';
import { inflateOrCheck } from '../input-file';
import { ProfileError } from '../model/types';
import { describeUtf16, utf16Advice, utf16Text } from '../model/text-encoding';

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
  /**
   * Parse on the calling thread (tests, scripts) with this: `summarizeInProcess` of ./summarize-in-process,
   * passed in so that the parser's WASM glue is not in the bundles that only use the worker.
   */
  inProcess?: InProcessSummarizer;
  /** Refuse snapshots larger than this many bytes once un-gzipped (default: from the machine's memory). */
  maxSize?: number;
  /** Appended to the too-large message (the CLI names its --max-size option). */
  raiseHint?: string;
  /** Keep the worker and its decoded snapshot for questions (see SnapshotSession): handed over once retained sizes are in. */
  keep?: (worker: Worker) => void;
  /**
   * The file's bytes, un-gzipped, when the caller has read them already (a pipe can be read only
   * once; see readIfPipe): used instead of reading `file`, and may be moved to the worker.
   */
  input?: Uint8Array;
}

export type InProcessSummarizer = (file: string, inflated: Uint8Array | undefined, options: SummarizeOptions) => Promise<SnapshotSummary>;

/** The message of the SnapshotError a cancelled parse rejects with. */
export const cancelledMessage = 'cancelled';

export class SnapshotError extends Error {
  /** Set when the file is a CPU or sampling heap profile under a snapshot's name: callers may read it as one. */
  readonly profileKind: 'cpu' | 'heap' | undefined;
  constructor(message: string, options?: { cause?: unknown; profileKind?: 'cpu' | 'heap' }) {
    super(message, options);
    this.name = 'SnapshotError';
    this.profileKind = options?.profileKind;
  }
}

export async function summarizeSnapshotFile(file: string, options: SummarizeOptions = {}): Promise<SnapshotSummary> {
  const inflated = options.input ?? (await readSnapshotInput(file, options));
  // What the file is, when it is plainly not a snapshot: said before the parser's generic error.
  const wrong = notASnapshot(file, inflated);
  if (wrong !== undefined) {
    const profileKind = /^is a CPU profile/.test(wrong) ? 'cpu' : /^is a sampling heap profile/.test(wrong) ? 'heap' : undefined;
    throw new SnapshotError(`${file} ${wrong}`, profileKind ? { profileKind } : {});
  }
  if (options.inProcess) return options.inProcess(file, inflated, options);
  return summarizeInWorker(file, inflated, options);
}

/** Gzip inflated, as a stream with the size limit; a pipe read whole; undefined for a plain file within the limit. */
async function readSnapshotInput(file: string, options: SummarizeOptions): Promise<Uint8Array | undefined> {
  if (!existsSync(file)) throw new SnapshotError(`${file} does not exist`);
  try {
    return await inflateOrCheck(file, { ...(options.maxSize !== undefined ? { maxSize: options.maxSize } : {}), ...(options.raiseHint ? { raiseHint: options.raiseHint } : {}) });
  } catch (error) {
    if (error instanceof ProfileError) throw new SnapshotError(error.code === 'too-large' ? error.message : `${file}: ${error.message}`, { cause: error });
    throw new SnapshotError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Why the file cannot be a heap snapshot, from its first and last bytes; undefined when it may be one. */
export function notASnapshot(file: string, inflated: Uint8Array | undefined): string | undefined {
  let headBytes: Uint8Array;
  let tail: string;
  if (inflated) {
    headBytes = inflated.subarray(0, 256);
    tail = Buffer.from(inflated.subarray(Math.max(0, inflated.length - 64))).toString('latin1');
  } else {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const a = Buffer.alloc(Math.min(256, size));
      readSync(fd, a, 0, a.length, 0);
      const b = Buffer.alloc(Math.min(64, size));
      readSync(fd, b, 0, b.length, Math.max(0, size - b.length));
      headBytes = a;
      tail = b.toString('latin1');
    } finally {
      closeSync(fd);
    }
  }
  // UTF-16 JSON is no snapshot the parser reads either, but the fix is the encoding, so say that.
  const utf16 = utf16Text(headBytes);
  if (utf16) return `${inflated ? 'holds text' : 'is'} saved as ${describeUtf16(utf16)}, not UTF-8: ${utf16Advice} or take the snapshot again`;
  const head = Buffer.from(headBytes).toString('latin1');
  const start = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (start === '') return 'is empty: no snapshot was written into it (did the process end while it was being taken?)';
  // A snapshot's first member is "snapshot"; profiles start with theirs.
  const first = /^\{\s*"([^"]*)"/.exec(start)?.[1];
  if (first === 'nodes' || first === 'head' || first === 'typeId') {
    // Worded for every caller: the CLI's report reads such a file as the profile it is, by content.
    return `is a ${first === 'head' ? 'sampling heap' : 'CPU'} profile, not a heap snapshot: open it as a profile (\`flamelens report\` reads it whatever its name, and so does FlameLens: Open Profile…; \`flamelens diff\` compares two profiles)`;
  }
  if (!start.startsWith('{')) return 'is not a heap snapshot (a .heapsnapshot file is JSON starting with {"snapshot": …)';
  if (first === 'snapshot' && !tail.trimEnd().endsWith('}')) return 'is cut off: the snapshot was not written to its end (the process may have ended, or the disk filled, while it was being taken)';
  return undefined;
}

/** What the parser's failure says about the file: too large for the parser, or not readable. */
export function parserFailure(file: string, failure: { message: string; outOfMemory?: boolean }): string {
  return failure.outOfMemory ? `${file} is too large for the heap parser: ${failure.message}` : `${file} is not a readable heap snapshot: ${failure.message}`;
}

function summarizeInWorker(file: string, inflated: Uint8Array | undefined, options: SummarizeOptions): Promise<SnapshotSummary> {
  const { signal, onProgress, retainedTimeoutMs = 60_000 } = options;
  const withRetained = options.retained ?? true;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SnapshotError(cancelledMessage));
      return;
    }
    const { script, execArgv } = workerScript(options.workerPath);
    const data: SnapshotWorkerInput = { file, withRetained, keep: !!options.keep, ...(inflated ? { bytes: inflated } : {}) };
    // Inflated bytes that own their whole buffer move to the worker instead of being copied.
    const movable = inflated && inflated.byteOffset === 0 && inflated.buffer instanceof ArrayBuffer && inflated.byteLength === inflated.buffer.byteLength;
    const transferList = movable ? [inflated.buffer as ArrayBuffer] : [];
    const worker = new Worker(script, { workerData: data, transferList, ...(execArgv ? { execArgv } : {}) });
    let fast: SnapshotSummary | undefined;
    let retainedTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (outcome: { summary: SnapshotSummary; kept?: boolean } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(retainedTimer);
      signal?.removeEventListener('abort', onAbort);
      if ('summary' in outcome && outcome.kept && options.keep) options.keep(worker);
      else void worker.terminate();
      if ('summary' in outcome) resolve(outcome.summary);
      else reject(outcome.error);
    };
    const onAbort = (): void => finish({ error: new SnapshotError(cancelledMessage) });
    /** The counts and self sizes the worker posted first, with `note` on why retained sizes are missing. */
    const countsOnly = (note: string): void => {
      if (fast) finish({ summary: finishSummary(fast.constructors, false, [...fast.notes, note]) });
      else finish({ error: new SnapshotError(`${file}: ${note}`) });
    };
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
              countsOnly(`retained sizes were not computed: it took longer than ${seconds} s (long chains of objects make the dominator pass slow); sorted by self size`);
            }, retainedTimeoutMs);
          }
          break;
        case 'retained':
          finish({ summary: message.summary, kept: true });
          break;
        case 'retained-failed':
          countsOnly(`retained sizes are unavailable: computing them failed: ${message.message}; sorted by self size`);
          break;
        case 'error':
          finish({ error: new SnapshotError(parserFailure(file, message)) });
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

// Parses profiles in a worker thread (dist/parse-worker.js) so a big file doesn't freeze the
// extension host. One worker is kept alive between parses: the scanner is JavaScript that V8 must
// compile first, and a fresh worker per file would always parse cold (2–4× slower on small files).
// It is unref'd while idle and ended after a minute without work, so it never holds the host open.
// No vscode here: plain Node, tested directly.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ProfileError, type Profile, type ProfileErrorCode } from '../model/types';

/** The file's bytes (transferred, not copied), or its path for the worker to stream it from. */
export type ParseRequest = { id: number; fileName: string } & ({ bytes: Uint8Array } | { path: string });

export type ParseReply = { id: number } & ({ ok: true; profile: Profile } | { ok: false; code: ProfileErrorCode | undefined; message: string });

const idleMs = 60_000;

interface Pending {
  resolve(p: Profile): void;
  reject(e: Error): void;
}

class ParseWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  dead = false;

  constructor(readonly script: string) {
    this.worker = new Worker(script);
    this.worker.on('message', (reply: ParseReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.profile);
      else p.reject(reply.code ? new ProfileError(reply.code, reply.message) : new Error(reply.message));
      this.settleIdle();
    });
    const fail = (err: Error) => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`parse worker exited with code ${code} without an answer`)));
    this.settleIdle();
  }

  parse(input: { bytes: Uint8Array } | { path: string }, fileName: string): Promise<Profile> {
    const id = this.nextId++;
    return new Promise<Profile>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.settleIdle();
      const request: ParseRequest = { id, fileName, ...input };
      this.worker.postMessage(request, 'bytes' in input ? transferable(input.bytes) : []);
    });
  }

  dispose(): void {
    this.dead = true;
    clearTimeout(this.idleTimer);
    void this.worker.terminate();
  }

  /** Busy: keep the process alive for the answer. Idle: unref, and end after a while. */
  private settleIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.pending.size > 0) {
      this.worker.ref();
      return;
    }
    this.worker.unref();
    this.idleTimer = setTimeout(() => this.dispose(), idleMs);
    this.idleTimer.unref();
  }
}

/**
 * The buffer to move to the worker rather than copy (a copy would hold the file twice): only one
 * that `bytes` covers whole. A view into a larger buffer (Node's pool, a slice) is cloned instead.
 */
function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
}

let shared: ParseWorker | undefined;

function worker(script: string): ParseWorker {
  if (!shared || shared.dead || shared.script !== script) {
    shared?.dispose();
    shared = new ParseWorker(script);
  }
  return shared;
}

/**
 * Parses `bytes` (gzip or not) in the worker running `script`. Rejects with ProfileError for bad
 * input. The bytes' buffer is transferred: afterwards `bytes` is empty (detached) for the caller.
 */
export function parseInWorker(script: string, bytes: Uint8Array, fileName: string): Promise<Profile> {
  if (!existsSync(script)) return Promise.reject(new Error(`parse worker not found at ${script}`));
  return worker(script).parse({ bytes }, fileName);
}

/**
 * Parses the profile file at `path` in the worker, which streams it (parse-file.ts): the file is
 * never whole in memory, on either thread. Rejects with ProfileError for bad input, with a plain
 * Error when the file cannot be read.
 */
export function parseFileInWorker(script: string, path: string, fileName: string): Promise<Profile> {
  if (!existsSync(script)) return Promise.reject(new Error(`parse worker not found at ${script}`));
  return worker(script).parse({ path }, fileName);
}

/** Ends the shared worker (extension deactivation, tests). */
export function disposeParseWorker(): void {
  shared?.dispose();
  shared = undefined;
}

// Parses a profile in a worker thread (dist/parse-worker.js) so a big file doesn't freeze the
// extension host. No vscode here: plain Node, tested directly.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ProfileError, type Profile, type ProfileErrorCode } from '../model/types';

export interface ParseRequest {
  bytes: Uint8Array;
  fileName: string;
}

export type ParseReply = { ok: true; profile: Profile } | { ok: false; code: ProfileErrorCode | undefined; message: string };

/** Parses `bytes` (gzip or not) in a worker running `script`. Rejects with ProfileError for bad input. */
export function parseInWorker(script: string, bytes: Uint8Array, fileName: string): Promise<Profile> {
  if (!existsSync(script)) return Promise.reject(new Error(`parse worker not found at ${script}`));
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { bytes, fileName } satisfies ParseRequest });
    let settled = false;
    worker.once('message', (reply: ParseReply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) resolve(reply.profile);
      else reject(reply.code ? new ProfileError(reply.code, reply.message) : new Error(reply.message));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`parse worker exited with code ${code} without an answer`));
    });
  });
}

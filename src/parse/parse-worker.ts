// Worker-thread entry (bundled to dist/parse-worker.js): un-gzips and parses profiles off the
// extension host's main thread, one request after another for as long as the host keeps it, and
// hands the typed arrays back without copying them.
import { parentPort } from 'node:worker_threads';
import { maybeGunzip } from '../model/gunzip';
import { parseProfile } from '../model/import';
import { ProfileError } from '../model/types';
import type { ParseRequest, ParseReply } from './parse-in-worker';

parentPort?.on('message', ({ id, bytes, fileName }: ParseRequest) => {
  let reply: ParseReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const profile = parseProfile(maybeGunzip(bytes), { fileName });
    for (const v of Object.values(profile)) {
      if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !transfer.includes(v.buffer)) transfer.push(v.buffer);
    }
    reply = { id, ok: true, profile };
  } catch (err) {
    reply = { id, ok: false, code: err instanceof ProfileError ? err.code : undefined, message: (err as Error).message };
  }
  parentPort?.postMessage(reply, transfer);
});

// Worker-thread entry (bundled to dist/parse-worker.js): un-gzips and parses one profile off the
// extension host's main thread and hands the typed arrays back without copying them.
import { parentPort, workerData } from 'node:worker_threads';
import { maybeGunzip } from '../model/gunzip';
import { parseProfile } from '../model/import';
import { ProfileError } from '../model/types';
import type { ParseRequest, ParseReply } from './parse-in-worker';

const { bytes, fileName } = workerData as ParseRequest;
let reply: ParseReply;
const transfer: ArrayBuffer[] = [];
try {
  const profile = parseProfile(maybeGunzip(bytes), { fileName });
  for (const v of Object.values(profile)) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !transfer.includes(v.buffer)) transfer.push(v.buffer);
  }
  reply = { ok: true, profile };
} catch (err) {
  reply = { ok: false, code: err instanceof ProfileError ? err.code : undefined, message: (err as Error).message };
}
parentPort?.postMessage(reply, transfer);

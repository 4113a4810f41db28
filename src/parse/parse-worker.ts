// Worker-thread entry (bundled to dist/parse-worker.js): un-gzips and parses profiles off the
// extension host's main thread, one request after another for as long as the host keeps it, and
// hands the typed arrays back without copying them. A request names a file by its path (streamed
// from disk, parse-file.ts) or carries the bytes (transferred by the sender).
import { parentPort } from 'node:worker_threads';
import { ProfileError, type Profile } from '../model/types';
import { parseFile } from './parse-file';
import { parseProfileBytes } from './parse-bytes';
import type { ParseRequest, ParseReply } from './parse-in-worker';

async function parseRequest(request: ParseRequest): Promise<Profile> {
  const { fileName } = request;
  if ('path' in request) return parseFile(request.path, { fileName, shownAs: fileName });
  return parseProfileBytes(request.bytes, { fileName });
}

parentPort?.on('message', (request: ParseRequest) => {
  void parseRequest(request).then(
    (profile) => {
      const transfer: ArrayBuffer[] = [];
      for (const v of Object.values(profile)) {
        if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !transfer.includes(v.buffer)) transfer.push(v.buffer);
      }
      parentPort?.postMessage({ id: request.id, ok: true, profile } satisfies ParseReply, transfer);
    },
    (err: unknown) => {
      const reply: ParseReply = { id: request.id, ok: false, code: err instanceof ProfileError ? err.code : undefined, message: (err as Error).message };
      parentPort?.postMessage(reply);
    },
  );
});

// Reading a profile or heap-snapshot file with a size limit, for the CLI and the extension host:
// plain files are checked by size before they are read, gzip files are inflated as a stream that
// stops as soon as the output passes the limit (see model/gunzip.ts), so a small "gzip bomb" is
// refused after reading a little of it rather than after filling the memory.
import * as fs from 'node:fs';
import { defaultMaxInputSize, formatSize, gunzipCapped, isGzip, type InflateLimit } from './model/gunzip';
import { ProfileError } from './model/types';

export interface ReadInputOptions {
  /** Most bytes the (inflated) input may have. Default defaultMaxInputSize(). */
  maxSize?: number;
  /** How the file is named in messages (default: the path). */
  shownAs?: string;
  /** Appended to the too-large message, e.g. "use --max-size to raise it". */
  raiseHint?: string;
  /** For gzip input: sees the first inflated bytes and throws to refuse the rest (InflateLimit.checkHead). */
  checkHead?: (head: Uint8Array) => void;
}

/** The CLI's advice in a too-large message. */
export const cliRaiseHint = 'use --max-size to raise it';

/**
 * For a gzip file: its inflated bytes. For a pipe or device: its bytes (inflated when gzip). For a
 * plain regular file within the limit: undefined (read it as you like). Throws
 * ProfileError('too-large') past the limit, or the fs error (ENOENT…).
 */
export async function inflateOrCheck(file: string, options: ReadInputOptions = {}): Promise<Uint8Array | undefined> {
  return (await readInput(file, options))?.bytes;
}

/** What readInput read: the bytes, and whether they were inflated from gzip (for messages). */
export interface InputBytes {
  bytes: Uint8Array;
  gzip: boolean;
}

/** inflateOrCheck, also saying whether the input was gzip (a pipe may be either). */
export async function readInput(file: string, options: ReadInputOptions = {}): Promise<InputBytes | undefined> {
  const maxSize = options.maxSize ?? defaultMaxInputSize();
  const limit: InflateLimit = { maxSize, name: options.shownAs ?? file, ...(options.raiseHint ? { raiseHint: options.raiseHint } : {}), ...(options.checkHead ? { checkHead: options.checkHead } : {}) };
  const handle = await fs.promises.open(file, 'r');
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
    if (!stat.isFile()) {
      // A pipe or device: no size to check up front, so read it with the limit applied as it comes.
      return await readCapped(handle, limit, maxSize);
    }
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    if (isGzip(head.subarray(0, bytesRead))) {
      return { bytes: await gunzipCapped(handle.createReadStream({ start: 0, autoClose: false }), { ...limit, compressedSize: stat.size }), gzip: true };
    }
    if (stat.size > maxSize) {
      const hint = options.raiseHint ? `; ${options.raiseHint}` : '';
      throw new ProfileError('too-large', `${limit.name} is ${formatSize(stat.size)}, past the ${formatSize(maxSize)} limit${hint}`);
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * A pipe or device (/dev/stdin, a shell's `<(…)`) can be read only once: for a caller that may read
 * its input twice (report tries a profile, then a heap snapshot), its bytes as readInput reads them.
 * Undefined for a regular file, a folder or a missing path: read those by path.
 */
export async function readIfPipe(file: string, options: ReadInputOptions = {}): Promise<InputBytes | undefined> {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat || stat.isFile() || stat.isDirectory()) return undefined;
  return readInput(file, options);
}

async function readCapped(handle: fs.promises.FileHandle, limit: InflateLimit, maxSize: number): Promise<InputBytes> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxSize) {
      const hint = limit.raiseHint ? `; ${limit.raiseHint}` : '';
      throw new ProfileError('too-large', `${limit.name} is larger than the ${formatSize(maxSize)} limit${hint}`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks, size);
  return isGzip(bytes) ? { bytes: await gunzipCapped([bytes], { ...limit, compressedSize: bytes.length }), gzip: true } : { bytes, gzip: false };
}

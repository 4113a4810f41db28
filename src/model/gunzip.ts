// Gzip support for profiles and snapshots (`.cpuprofile.gz` etc.), detected by the magic bytes
// rather than the file name, with a cap on the inflated size: a few MB of gzip can inflate to
// many GB, so inflating stops as soon as the output passes the limit. Kept out of import.ts so
// bundles that never see compressed input (the webview) do not pull in node:zlib. No file
// access here: callers hand in bytes or a stream of chunks.
import { totalmem } from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { startCheckBytes } from './import';
import { ProfileError } from './types';
import { formatSize } from './size';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const GB = 1024 ** 3;

/**
 * The default input limit: an eighth of the machine's memory, at most 2 GB. Inflating briefly holds
 * the chunks and their concatenation (2×), and parsing needs 1.6–2× the input on top.
 */
export function defaultMaxInputSize(machineMemory: number = totalmem()): number {
  return Math.max(64 * 1024 * 1024, Math.min(2 * GB, Math.floor(machineMemory / 8)));
}

export { formatSize } from './size';

export interface InflateLimit {
  /** Most bytes the inflated data may have. Default defaultMaxInputSize(). */
  maxSize?: number;
  /** How the input is named in messages. */
  name?: string;
  /** Appended to the too-large message, e.g. "use --max-size to raise it". */
  raiseHint?: string;
  /**
   * Sees the first startCheckBytes inflated bytes (or all, when fewer) and throws to stop there:
   * what cannot be a profile is refused without inflating the rest (a gzip of 600 MB of zeros).
   */
  checkHead?: (head: Uint8Array) => void;
}

function tooLarge(limit: InflateLimit, maxSize: number, progress: string): ProfileError {
  const hint = limit.raiseHint ? `; ${limit.raiseHint}` : '';
  return new ProfileError('too-large', `${limit.name ?? 'the gzip-compressed input'} inflates past the ${formatSize(maxSize)} limit (${progress})${hint}`);
}

function inflateError(err: unknown): ProfileError {
  const code = (err as { code?: string }).code;
  if (code === 'Z_BUF_ERROR') {
    return new ProfileError('truncated', 'The gzip-compressed profile ends early: it was probably cut off while being written or copied.');
  }
  if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
    return new ProfileError('too-large', 'The gzip-compressed profile expands to more than this process can hold.');
  }
  return new ProfileError('invalid-json', `The file starts like gzip but does not decompress: ${(err as Error).message}.`);
}

/** Returns the decompressed bytes for gzip input, the input itself otherwise; stops past `maxSize`. */
export function maybeGunzip(bytes: Uint8Array, limit: InflateLimit = {}): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const maxSize = limit.maxSize ?? defaultMaxInputSize();
  try {
    // zlib checks the output after every chunk and gives up as soon as it passes the limit.
    return gunzipSync(bytes, { maxOutputLength: maxSize });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit, maxSize, `${formatSize(bytes.length)} compressed`);
    throw inflateError(err);
  }
}

/**
 * Inflates a gzip stream chunk by chunk, refusing as soon as the output passes the limit; the
 * message says how much of the compressed input (of `compressedSize`, when known) was read.
 */
export async function gunzipCapped(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, limit: InflateLimit & { compressedSize?: number } = {}): Promise<Uint8Array> {
  const maxSize = limit.maxSize ?? defaultMaxInputSize();
  let consumed = 0;
  let produced = 0;
  let refused: ProfileError | undefined;
  const chunks: Buffer[] = [];
  const counted = async function* (input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      consumed += chunk.length;
      yield chunk;
    }
  };
  let headChecked = limit.checkHead === undefined;
  const checkHead = (): ProfileError | undefined => {
    headChecked = true;
    try {
      limit.checkHead!(Buffer.concat(chunks, produced).subarray(0, startCheckBytes));
      return undefined;
    } catch (err) {
      return err instanceof ProfileError ? err : inflateError(err);
    }
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      produced += chunk.length;
      if (produced > maxSize) {
        const of = limit.compressedSize !== undefined ? ` of ${formatSize(limit.compressedSize)}` : '';
        refused = tooLarge(limit, maxSize, `stopped after reading ${formatSize(consumed)}${of}`);
        done(refused);
        return;
      }
      chunks.push(chunk);
      if (!headChecked && produced >= startCheckBytes) refused = checkHead();
      done(refused);
    },
    final(done) {
      if (!headChecked) refused = checkHead();
      done(refused);
    },
  });
  try {
    await pipeline(source, counted, createGunzip(), sink);
  } catch (err) {
    if (refused) throw refused;
    if (err instanceof ProfileError) throw err;
    throw inflateError(err);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, produced);
}

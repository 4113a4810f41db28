// Gzip support for profiles (`.cpuprofile.gz` etc.), detected by the magic bytes rather than the
// file name. Kept out of import.ts so bundles that never see compressed input (the webview) do
// not pull in node:zlib.
import { gunzipSync } from 'node:zlib';
import { ProfileError } from './types';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Returns the decompressed bytes for gzip input, the input itself otherwise. */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'Z_BUF_ERROR') {
      throw new ProfileError('truncated', 'The gzip-compressed profile ends early: it was probably cut off while being written or copied.');
    }
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new ProfileError('too-large', 'The gzip-compressed profile expands to more than this process can hold.');
    }
    throw new ProfileError('invalid-json', `The file starts like gzip but does not decompress: ${(err as Error).message}.`);
  }
}

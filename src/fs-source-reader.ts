// The SourceReader both front ends use for source mapping (the CLI and the extension host, which
// runs where the workspace's files are): profile locations are file:// URLs or paths on this machine.
//
// A profile names its files itself, so a location may be anything: a FIFO (an open would wait
// for a writer forever, holding one of libuv's four threadpool threads), a device such as
// /dev/zero or /dev/urandom (endless), a folder, or a huge file. Only regular files are read,
// and never more than the size cap: stat first (so devices are never even opened), then open
// with O_NONBLOCK and fstat the handle (the path may have been swapped in between), then read at
// most cap + 1 bytes (procfs files claim size 0 and still have content).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SkippedFile, SourceReader } from './model/sourcemap';
import { formatSize } from './model/size';
import { locationPath } from './profile-location';

export { formatSize, parseSize } from './model/size';

/** Largest script, source map or source read by default: 8 MB. */
export const defaultMaxSourceFileSize = 8 * 1024 * 1024;

export interface FsSourceReaderOptions {
  /** Files larger than this many bytes are skipped (default 8 MB). */
  readonly maxFileSize?: number;
}

const openFlags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);
const notRegular: SkippedFile = { skipped: 'not a regular file' };

/** Reads local regular files up to a size cap; anything remote (node:, http:, …) is simply not available. */
export function createFsSourceReader(options: FsSourceReaderOptions = {}): SourceReader {
  return readerWith(validCap(options.maxFileSize), undefined);
}

/** `missing`: the folders one mapping step found missing (forStep), else none remembered. */
function readerWith(cap: number, missing: MissingFolders | undefined): SourceReader {
  const tooLarge: SkippedFile = { skipped: `larger than ${formatSize(cap)}` };
  /** The path's stat, or undefined when there is nothing there (its folder is then checked, once per step). */
  const statOf = async (file: string): Promise<fs.Stats | undefined> => {
    // A path with . or .. segments is left to the system: Windows drops "gone\.." by text, so a file can
    // exist under a folder that does not.
    const remembered = missing && !dotSegment.test(file) ? missing : undefined;
    if (remembered?.holds(file)) return undefined;
    try {
      return await fs.promises.stat(file);
    } catch (err) {
      if (remembered && isNotFound(err)) await remembered.check(path.dirname(file));
      return undefined;
    }
  };
  return {
    async read(location: string): Promise<string | undefined | SkippedFile> {
      const file = locationPath(location);
      if (file === undefined) return undefined;
      const before = await statOf(file);
      if (!before) return undefined;
      if (!before.isFile()) return notRegular;
      if (before.size > cap) return tooLarge;
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, openFlags);
      } catch {
        return undefined;
      }
      try {
        const st = await handle.stat();
        if (!st.isFile()) return notRegular;
        if (st.size > cap) return tooLarge;
        const bytes = await readAtMost(handle, cap + 1, st.size);
        if (bytes.length > cap) return tooLarge;
        return bytes.toString('utf8');
      } catch {
        return undefined;
      } finally {
        await handle.close().catch(() => undefined);
      }
    },

    async exists(location: string): Promise<boolean | SkippedFile> {
      const file = locationPath(location);
      if (file === undefined) return false;
      const st = await statOf(file);
      if (!st) return false;
      if (!st.isFile()) return notRegular;
      try {
        await fs.promises.access(file, fs.constants.R_OK);
        return true;
      } catch {
        return false;
      }
    },

    forStep: () => readerWith(cap, new MissingFolders()),
  };
}

/**
 * Folders found missing during one mapping step. A profile from another machine names hundreds of
 * scripts under folders this disk does not have: after the first miss, the folder and its parents are
 * checked once, and every later script under a missing one costs no system call (a step is short, so
 * a folder created meanwhile is seen by the next one).
 */
class MissingFolders {
  private readonly known = new Set<string>();
  private readonly checks = new Map<string, Promise<boolean>>();

  /** Whether `file` is under a folder known to be missing. */
  holds(file: string): boolean {
    if (this.known.size === 0) return false;
    for (let dir = path.dirname(file), up = path.dirname(dir); ; dir = up, up = path.dirname(dir)) {
      if (this.known.has(dir)) return true;
      if (up === dir) return false;
    }
  }

  /** Whether `dir` is missing: its parent first (a missing parent settles it), then the folder itself. */
  check(dir: string): Promise<boolean> {
    let check = this.checks.get(dir);
    if (!check) {
      check = (async () => {
        const up = path.dirname(dir);
        if (up !== dir && (await this.check(up))) return true;
        try {
          await fs.promises.stat(dir);
          return false;
        } catch (err) {
          if (!isNotFound(err)) return false;
          this.known.add(dir);
          return true;
        }
      })();
      this.checks.set(dir, check);
    }
    return check;
  }
}

const dotSegment = /(^|[\\/])\.\.?([\\/]|$)/;

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The reader with the default size cap. */
export const fsSourceReader: SourceReader = createFsSourceReader();


/** Reads until EOF or `limit` bytes, whichever comes first; `sizeHint` is fstat's (0 for procfs). */
async function readAtMost(handle: fs.promises.FileHandle, limit: number, sizeHint: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(sizeHint + 1, 64 * 1024)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length >= limit) break;
      const grown = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

function validCap(size: number | undefined): number {
  if (size === undefined) return defaultMaxSourceFileSize;
  if (!Number.isFinite(size) || size < 0) throw new RangeError(`maxFileSize must be a number of bytes ≥ 0, got ${String(size)}`);
  return Math.floor(size);
}

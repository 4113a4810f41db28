// Writing outputs safely, for every front end (CLI, attach, launcher; no vscode): files appear whole
// or not at all, a folder is proven writable before anything that would write there runs, and a
// failure is named by its errno code and what it means here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

const fsErrorText: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  ENOTDIR: 'a parent in the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is in the way',
  ENOENT: 'no such file or folder',
  EIO: 'input/output error',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
};

/** The fs error codes that mean "this output cannot be written" rather than a FlameLens bug. */
export const outputErrorCodes: ReadonlySet<string> = new Set(Object.keys(fsErrorText));

/** "ENOSPC (no space left on device)"; the message for codes without an explanation. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  const code = err?.code;
  const text = code !== undefined ? fsErrorText[code] : undefined;
  if (code !== undefined && text !== undefined) return `${code} (${text})`;
  if (code !== undefined) return `${code}: ${err?.message ?? ''}`;
  return err?.message ?? String(e);
}

/**
 * Creates `dir` (with its parents) and proves a file can be written in it. Returns the topmost
 * folder it created (undefined when `dir` existed); throws the fs error, after removing what it created.
 */
export function probeWritableDir(dir: string): string | undefined {
  const resolved = path.resolve(dir);
  let created: string | undefined;
  const probe = path.join(resolved, `.flamelens-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    created = makeFolders(resolved);
    fs.writeFileSync(probe, 'probe\n', { flag: 'wx' });
  } catch (e) {
    removeEmptyFolders(resolved, created);
    throw e;
  } finally {
    removeQuietly(probe);
  }
  return created;
}

/**
 * `mkdir -p`: creates `dir` and its missing parents, one by one; returns the topmost one it
 * created (undefined when `dir` existed). Not fs.mkdirSync's recursive mode: under /proc (and
 * similar pseudo file systems) Node 20's never returns when a parent is missing.
 */
export function makeFolders(dir: string): string | undefined {
  const missing: string[] = [];
  const target = path.resolve(dir);
  for (let d = target; ; d = path.dirname(d)) {
    try {
      if (!fs.statSync(d).isDirectory()) {
        // As mkdir -p says it: the folder itself is a file (EEXIST), or one of its parents is (ENOTDIR).
        const code = d === target ? 'EEXIST' : 'ENOTDIR';
        throw Object.assign(new Error(`${code}: mkdir '${dir}'`), { code, syscall: 'mkdir', path: dir });
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(d) === d) throw e;
      missing.push(d);
    }
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      fs.mkdirSync(missing[i]!);
    } catch (e) {
      // Made meanwhile by someone else: fine; anything else is the caller's to report.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return missing.length > 0 ? missing[missing.length - 1] : undefined;
}

/**
 * A new folder of its own: `base`, else `base-2`, `base-3`… (created here, atomically, so two runs
 * started in the same second by different processes never share one and mistake each other's
 * programs for their own), with the topmost folder made for it (its parent when that was missing
 * too), for removeEmptyFolders. Undefined when none could be made: the caller's writability check says why.
 */
export function claimNewFolder(base: string): { dir: string; created: string } | undefined {
  try {
    const parent = makeFolders(path.dirname(path.resolve(base)));
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      try {
        fs.mkdirSync(candidate);
        return { dir: candidate, created: parent ?? path.resolve(candidate) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
      }
    }
  } catch {
    // Reported by the caller's writability check.
  }
  return undefined;
}

/** `base`, else `base-2`, `base-3`…: the first that does not exist yet (one process: nothing races it). */
export function unusedPath(base: string, exists: (p: string) => boolean = fs.existsSync): string {
  for (let n = 2; exists(base) && n < 1000; n++) if (!exists(`${base}-${n}`)) return `${base}-${n}`;
  return base;
}

/** Removes `dir` and its parents up to and including `created` (what a mkdir -p made), while empty. */
export function removeEmptyFolders(dir: string, created: string | undefined): void {
  if (!created) return;
  for (let d = path.resolve(dir); d === created || d.startsWith(created + path.sep); d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // Not empty (or already gone): keep it and its parents.
    }
    if (d === created) return;
  }
}

/**
 * Writes `target` completely or not at all: the data goes to a temporary file in the same folder,
 * then replaces the target with one rename (so a full disk leaves no truncated file), and the
 * temporary file is removed on any failure. A target that exists but is not a regular file (a
 * device such as /dev/stdout or /dev/full, a FIFO) is written in place: renaming over it would
 * replace the device node. A symbolic link is written through, so the link stays. Throws fs errors.
 */
export function writeFileWhole(target: string, data: string | Uint8Array | Iterable<string>): void {
  const resolved = path.resolve(target);
  let existing: fs.Stats | undefined;
  try {
    existing = fs.statSync(resolved);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing?.isDirectory()) throw Object.assign(new Error(`EISDIR: ${resolved} is a folder`), { code: 'EISDIR' });
  if (existing && !existing.isFile()) {
    const fd = fs.openSync(resolved, 'w');
    try {
      writeData(fd, data);
    } finally {
      closeQuietly(fd);
    }
    return;
  }
  const final = existing ? fs.realpathSync(resolved) : resolved;
  const dir = path.dirname(final);
  makeFolders(dir);
  const temp = tempSibling(final);
  let fd: number | undefined;
  try {
    // A replaced file keeps its permissions; a new one gets the usual 0666 minus umask.
    fd = fs.openSync(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    writeData(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, final);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw e;
  }
}

/** A file written in chunks (a heap snapshot): visible under its name only after commit(). */
export class StreamedFile {
  private readonly temp: string;
  private readonly fd: number;
  /** The first write error; later chunks are dropped. */
  failure: unknown;

  constructor(readonly file: string) {
    this.temp = tempSibling(path.resolve(file));
    this.fd = fs.openSync(this.temp, 'wx');
  }

  write(chunk: string): void {
    if (this.failure !== undefined) return;
    try {
      writeAll(this.fd, chunk);
    } catch (error) {
      this.failure = error;
    }
  }

  /** Closes and renames into place; throws the first write error instead (the file is then removed). */
  commit(): void {
    try {
      if (this.failure === undefined) fs.fsyncSync(this.fd);
    } catch (error) {
      this.failure = error;
    }
    closeQuietly(this.fd);
    if (this.failure !== undefined) {
      removeQuietly(this.temp);
      throw this.failure;
    }
    try {
      fs.renameSync(this.temp, this.file);
    } catch (error) {
      removeQuietly(this.temp);
      throw error;
    }
  }

  abort(): void {
    closeQuietly(this.fd);
    removeQuietly(this.temp);
  }
}

export function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Never created, or already gone.
  }
}

function tempSibling(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** The data whole, or chunk by chunk (a large export, never held as one string). */
function writeData(fd: number, data: string | Uint8Array | Iterable<string>): void {
  if (typeof data === 'string' || data instanceof Uint8Array) writeAll(fd, data);
  else for (const chunk of data) writeAll(fd, chunk);
}

/** write(2) may write less than asked (a full disk, a signal): loop until all of it is written. */
function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed, or the write already failed: that error is the one to report.
  }
}

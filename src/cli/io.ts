// Where the CLI writes: results to stdout, progress and warnings to stderr, files atomically.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { escapeControlText, escapeControlTextJsonSafe } from '../model/escape-text';

/** A file or folder the CLI was asked to write cannot be written: the user's to fix (exit 2). */
export class OutputError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'OutputError';
  }
}

let stdoutClosed = false;
let stdoutFailure: NodeJS.ErrnoException | undefined;

/**
 * Stream errors on stdout/stderr must not become uncaught exceptions. A closed pipe
 * (`flamelens report x | head`) only means nobody reads any more: writing stops and the command
 * finishes with its own exit code (so a `diff --fail-above` gate still fails). Other stdout
 * failures (`> /dev/full`) are kept for exitCodeAfterOutput.
 */
export function guardStandardStreams(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    stdoutClosed = true;
    if (e.code !== 'EPIPE') stdoutFailure ??= e;
  });
  // Nowhere left to say anything about a failing stderr.
  process.stderr.on('error', () => undefined);
}

/** The command's exit code, or 2 with a message when its results could not be written to stdout. */
export function exitCodeAfterOutput(code: number): number {
  if (!stdoutFailure) return code;
  process.stderr.write(`flamelens: cannot write the results to standard output: ${describeFsError(stdoutFailure)}\n`);
  return code === 0 ? 2 : code;
}

/**
 * Results. A last guard behind the per-cell escaping of text.ts: lines keep their newlines, any
 * other control, C1 or bidi character becomes `\uXXXX`, which also keeps JSON output valid.
 */
export function out(text: string): void {
  if (stdoutClosed) return;
  const safe = escapeControlTextJsonSafe(text);
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** One line of progress on stderr (profile text in it is escaped, newlines included). */
export function info(text: string): void {
  process.stderr.write(`flamelens: ${escapeControlText(text)}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`flamelens: warning: ${escapeControlText(text)}\n`);
}

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

/** "ENOSPC (no space left on device)". */
export function describeFsError(e: NodeJS.ErrnoException): string {
  const code = e.code ?? 'error';
  const text = fsErrorText[code];
  return text ? `${code} (${text})` : `${code}: ${e.message}`;
}

/** An OutputError naming `target` and the real cause of `e`; other errors are returned as they are. */
export function toOutputError(target: string, e: unknown): unknown {
  if (e instanceof OutputError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string' || !outputErrorCodes.has(err.code)) return e;
  return new OutputError(`cannot write to ${escapeControlText(target)}: ${describeFsError(err)}`, err.code);
}

/**
 * Writes `target` completely or not at all: the data goes to a temporary file in the same folder,
 * then replaces the target with one rename (so a full disk leaves no truncated report), and the
 * temporary file is removed on any failure. A target that exists but is not a regular file (a
 * device such as /dev/stdout or /dev/full, a FIFO) is written in place: renaming over it would
 * replace the device node. A symbolic link is written through, so the link stays.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const resolved = path.resolve(target);
  let existing: fs.Stats | undefined;
  try {
    existing = fs.statSync(resolved);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw toOutputError(target, e);
  }
  if (existing?.isDirectory()) throw new OutputError(`cannot write to ${escapeControlText(target)}: EISDIR (it is a folder)`, 'EISDIR');
  if (existing && !existing.isFile()) {
    try {
      fs.writeFileSync(resolved, data);
    } catch (e) {
      throw toOutputError(target, e);
    }
    return;
  }
  const final = existing ? fs.realpathSync(resolved) : resolved;
  const dir = path.dirname(final);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw toOutputError(target, e);
  }
  const temp = path.join(dir, `.${path.basename(final)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    // A replaced file keeps its permissions; a new one gets the usual 0666 minus umask.
    fd = fs.openSync(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, final);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw toOutputError(target, e);
  }
}

/**
 * Creates `dir` (with its parents) and proves a file can be written in it, before anything runs
 * that would write there: an unwritable --out fails at once with the real cause.
 */
export function ensureWritableDir(dir: string): void {
  const probe = path.join(path.resolve(dir), `.flamelens-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, 'probe\n', { flag: 'wx' });
  } catch (e) {
    throw toOutputError(dir, e);
  } finally {
    removeQuietly(probe);
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // The write already failed; that error is the one to report.
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Nothing was created there, or the folder itself is gone: nothing to clean.
  }
}

// Where an attach capture writes. The folder is created and proven writable before the target is
// touched (a failure then leaves nothing open behind); files are written whole or not at all; and a
// profile that cannot be written where asked goes to a temporary folder rather than being lost.
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AttachError } from './attach-errors';

export interface OutputFolder {
  readonly dir: string;
  /** The topmost folder we created (mkdir -p), if any: removed again when nothing was written. */
  readonly created: string | undefined;
}

/** Creates `dir` and writes and removes a probe file in it; throws AttachError('output-unwritable'). */
export function prepareOutputFolder(dir: string): OutputFolder {
  const resolved = path.resolve(dir);
  let created: string | undefined;
  try {
    created = mkdirSync(resolved, { recursive: true });
    const probe = path.join(resolved, `.flamelens-write-check-${process.pid}-${Date.now().toString(36)}`);
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (error) {
    const folder = { dir: resolved, created };
    removeIfEmpty(folder);
    throw new AttachError(
      'output-unwritable',
      `cannot write to the output folder ${resolved}: ${describeFsError(error)}; nothing was attached — choose a folder you can write to`,
      { cause: error },
    );
  }
  return { dir: resolved, created };
}

/** Removes the folders prepareOutputFolder created, innermost first, while they are empty. */
export function removeIfEmpty(folder: OutputFolder): void {
  if (!folder.created) return;
  const { created } = folder;
  for (let dir = folder.dir; dir === created || dir.startsWith(created + path.sep); dir = path.dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // Not empty (or already gone): keep it and its parents.
    }
    if (dir === created) return;
  }
}

/** Writes `data` to `file` through a temporary sibling and a rename: never a truncated file. */
export function writeFileWhole(file: string, data: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeAll(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
}

/** A file being streamed (a heap snapshot): becomes visible under its name only on commit(). */
export class StreamedFile {
  private readonly temp: string;
  private readonly fd: number;
  /** The first write error; later chunks are dropped. */
  failure: unknown;

  constructor(readonly file: string) {
    this.temp = `${file}.${process.pid}.tmp`;
    this.fd = openSync(this.temp, 'wx');
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
      if (this.failure === undefined) fsyncSync(this.fd);
    } catch (error) {
      this.failure = error;
    }
    closeSync(this.fd);
    if (this.failure !== undefined) {
      removeQuietly(this.temp);
      throw this.failure;
    }
    try {
      renameSync(this.temp, this.file);
    } catch (error) {
      removeQuietly(this.temp);
      throw error;
    }
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Closed by commit().
    }
    removeQuietly(this.temp);
  }
}

/** A fresh private folder under the system temp folder for a file that could not go where asked. */
export function fallbackPath(file: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-attach-'));
  return path.join(dir, path.basename(file));
}

/** "ENOTDIR: a part of the path is a file, not a folder" — the errno code plus what it means here. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const meaning: Record<string, string> = {
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a file with that name is in the way',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOENT: 'the folder no longer exists',
    ENAMETOOLONG: 'the path is too long',
  };
  const explained = code !== undefined ? meaning[code] : undefined;
  if (code && explained) return `${code}: ${explained}`;
  return (error as Error | undefined)?.message ?? String(error);
}

/** write(2) may write less than asked (a full disk, a signal): loop until all of it is written. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Never created, or already gone.
  }
}

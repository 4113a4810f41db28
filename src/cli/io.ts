// Where the CLI writes: results to stdout, progress and warnings to stderr, files atomically.
// `record` is the exception: the program it runs owns stdout, so its report goes to stderr (report()).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';
import { describeFsError, outputErrorCodes, probeWritableDir, writeFileWhole } from '../fs-output';
import { escapeControlText, escapeControlTextJsonSafe } from '../model/escape-text';

export { describeFsError, outputErrorCodes } from '../fs-output';

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
let stderrClosed = false;

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
  // Nowhere left to say anything about a failing stderr: writing to it stops (report() checks).
  process.stderr.on('error', () => {
    stderrClosed = true;
  });
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
  writeEscaped(process.stdout, text);
}

/**
 * The report of a command that runs a program (`record`): escaped as out() does, but on stderr,
 * since the program's own output owns stdout (`flamelens record -- node gen.js > data.json`
 * must capture the program's output alone). A closed or failing stderr only stops the report.
 */
export function report(text: string): void {
  if (stderrClosed) return;
  writeEscaped(process.stderr, text);
}

function writeEscaped(stream: NodeJS.WriteStream, text: string): void {
  const safe = escapeControlTextJsonSafe(text);
  stream.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** One line of progress on stderr (profile text in it is escaped, newlines included). */
export function info(text: string): void {
  process.stderr.write(`flamelens: ${escapeControlText(text)}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`flamelens: warning: ${escapeControlText(text)}\n`);
}

/** A program's own output lines after a message about it: each escaped on its own line, indented. */
export function quote(lines: readonly string[]): void {
  for (const line of lines) process.stderr.write(`    ${escapeControlText(line)}\n`);
}

/** An OutputError naming `target` and the real cause of `e`; other errors are returned as they are. */
export function toOutputError(target: string, e: unknown): unknown {
  if (e instanceof OutputError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string' || !outputErrorCodes.has(err.code)) return e;
  return new OutputError(`cannot write to ${escapeControlText(target)}: ${describeFsError(err)}`, err.code);
}

/**
 * The file an output option names: a folder — one that exists, or a path ending in a separator, as
 * `-o out/` — means `defaultName` in it (else `-o out/` wrote a file named `out`); `-` stays stdout.
 * An empty path (`-o ''`, an unset variable) is a usage error naming `option`, not a write to ''.
 */
export function fileTarget(given: string, defaultName: string, option?: string): string {
  if (given === '') throw new UsageError(option ? `${option} needs a file path, not an empty string` : 'an output path is empty: give a file path');
  if (given === '-') return given;
  if (given.endsWith('/') || given.endsWith(path.sep)) return path.join(given, defaultName);
  try {
    if (fs.statSync(given).isDirectory()) return path.join(given, defaultName);
  } catch {
    // Not there yet: a file to create.
  }
  return given;
}

/** writeFileWhole (whole or nothing; see fs-output.ts), with failures as OutputError. */
export function writeFileAtomic(target: string, data: string | Uint8Array | Iterable<string>): void {
  try {
    writeFileWhole(target, data);
  } catch (e) {
    throw toOutputError(target, e);
  }
}

/**
 * Creates `dir` (with its parents) and proves a file can be written in it, before anything runs
 * that would write there: an unwritable --out fails at once with the real cause. Returns the
 * topmost folder it created (for removeEmptyFolders when nothing was written after all).
 */
export function ensureWritableDir(dir: string): string | undefined {
  try {
    return probeWritableDir(dir);
  } catch (e) {
    throw toOutputError(dir, e);
  }
}

/** Whether `a` and `b` are one file: the same path, or (through a symbolic or hard link) the same inode. */
export function isSameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // One does not exist (yet): not the same file.
  }
}

/** A UsageError when the output `target` is one of the `inputs` (writing it would destroy the input). */
export function refuseInputAsOutput(target: string, inputs: readonly string[], option: string): void {
  if (target === '-') return;
  if (inputs.some((f) => isSameFile(f, target))) throw new UsageError(`${target} is the input file${inputs.length > 1 ? ' (or one of them)' : ''}; writing it would replace the profile: choose another with ${option}`);
}


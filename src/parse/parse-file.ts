// Parses a profile file by its path without holding the file whole: the model's windowed scanner
// reads it through fs.readSync at the offsets it asks for (parseProfileStream). Gzip and pipes are
// inflated or read first (input-file.ts applies the size limit either way). Used by the parse
// worker (a path sent instead of the bytes) and by the CLI.
import * as fs from 'node:fs';
import { parseProfile, parseProfileStream, refuseNonProfileStart, type ParseOptions } from '../model/import';
import type { WindowedInput } from '../model/scan';
import type { Profile } from '../model/types';
import { readInput, type InputBytes, type ReadInputOptions } from '../input-file';

export interface ParseFileOptions extends ParseOptions, ReadInputOptions {
  /** Bytes of the scanner's window (tests and benches; default defaultWindowBytes). */
  windowBytes?: number;
  /** The file's bytes when already read (a pipe, read once by readIfPipe): parsed instead of reading `file`. */
  input?: InputBytes;
}

/** Reads and parses the profile at `file`. Throws ProfileError for bad input, fs errors (ENOENT…) as they are. */
export async function parseFile(file: string, options: ParseFileOptions = {}): Promise<Profile> {
  // A gzip file whose start cannot be a profile is refused from its first few KB, not inflated whole.
  const inflatedOptions = { ...options, inflated: true };
  const read = options.input ?? (await readInput(file, { ...options, checkHead: (head) => refuseNonProfileStart(head, inflatedOptions) }));
  // A pipe is read whole too, gzip or not: only gzip input is worded as such.
  if (read !== undefined) return parseProfile(read.bytes, read.gzip ? inflatedOptions : options);
  return parsePlainFile(file, options);
}

/** A plain (not gzip) regular file, streamed through the window. */
export function parsePlainFile(file: string, options: ParseFileOptions = {}): Profile {
  const fd = fs.openSync(file, 'r');
  try {
    const input: WindowedInput = {
      size: fs.fstatSync(fd).size,
      readAt: (into, position) => fs.readSync(fd, into, 0, into.length, position),
      ...(options.windowBytes !== undefined ? { windowBytes: options.windowBytes } : {}),
    };
    return parseProfileStream(input, options);
  } finally {
    fs.closeSync(fd);
  }
}

// Helpers for the windowed-parse tests: bytes read through a WindowedInput the way parse-file.ts
// reads a file, and a parse's outcome (the profile, or its error's kind and words) to compare a
// streamed parse with the whole-bytes one in a single deepEqual.
import assert from 'node:assert/strict';
import type { WindowedInput } from '../../src/model/scan';
import type { Profile } from '../../src/model/types';

/** `bytes` as a windowed input, recording where each read ended; reads return at most `maxRead` bytes (a short read). */
export function windowedInput(bytes: Uint8Array, windowBytes: number | undefined, maxRead = Infinity): WindowedInput & { readEnds: number[] } {
  const readEnds: number[] = [];
  return {
    size: bytes.length,
    ...(windowBytes !== undefined ? { windowBytes } : {}),
    readEnds,
    readAt(into, position) {
      const part = bytes.subarray(position, position + Math.min(into.length, maxRead));
      into.set(part);
      readEnds.push(position + part.length);
      return part.length;
    },
  };
}

export function errorOf(parse: () => unknown): Error {
  try {
    parse();
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected an error');
}

export type ParseOutcome = Profile | { error: string; code: string | undefined; message: string };

/** What a parse gave: the profile, or which error it threw and what it said. */
export function outcomeOf(parse: () => Profile): ParseOutcome {
  try {
    return parse();
  } catch (err) {
    return { error: (err as Error).name, code: (err as { code?: string }).code, message: (err as Error).message };
  }
}

// Entry point for reading a profile from bytes. Detects the format from the content (not the
// file name): a top-level `nodes` array is a CPU profile (DevTools or v8-profiler-next), a
// `head` object is a sampling heap profile. Everything else becomes a ProfileError with a
// message that says what was wrong. Gzip is handled by gunzip.ts (kept apart: it needs zlib).
import { FloatList, IntList, JsonScanner, NeedsWholeInput, describeByte, keyBytes, type WindowedInput } from './scan';
import { RawCpuNodes, buildCpuProfile, scanCpuNodes, scanNumberArray } from './parse-cpuprofile';
import { RawHeapNodes, buildHeapProfile, scanHeapHead, scanHeapSamples } from './parse-heapprofile';
import { isPprofKey, parsePprof, sniffPprof, type PprofParseOptions } from './parse-pprof';
import { LegacyCpuProfile, legacyCpuToFlat } from './parse-legacy-cpu';
import { parseProfileObject } from './parse-object';
import { embeddedMapsKey, withEmbeddedMaps } from './embedded-maps';
import type { Profile } from './types';
import { ProfileError } from './types';
import { describeUtf16, utf16Advice, utf16Text } from './text-encoding';

export interface ParseOptions extends PprofParseOptions {
  /** Used only to word error messages. */
  fileName?: string;
  /** The bytes were inflated from a gzip file (words error messages only). */
  inflated?: boolean;
  /** Tests and benches: overrides objectPathMaxBytes (-1: always the byte scanner). */
  objectPathMaxBytes?: number;
}

const K_NODES = keyBytes('nodes');
const K_HEAD = keyBytes('head');
const K_SAMPLES = keyBytes('samples');
const K_TIMEDELTAS = keyBytes('timeDeltas');
const K_STARTTIME = keyBytes('startTime');
const K_ENDTIME = keyBytes('endTime');
const K_TYPEID = keyBytes('typeId');
const K_TRACEEVENTS = keyBytes('traceEvents');
const K_SNAPSHOT = keyBytes('snapshot');
const K_EMBEDDED_MAPS = keyBytes(embeddedMapsKey);

const utf8 = new TextDecoder();

/** What a .heapsnapshot given as a profile gets told. */
export const heapSnapshotMessage =
  'This is a heap snapshot (.heapsnapshot), not a CPU or sampling heap profile: summarize it with `flamelens report`, compare two with `flamelens snapshot-diff BEFORE AFTER`, or open it in VS Code with FlameLens.';

/** Parses a .cpuprofile / v8-profiler-next dump / .heapprofile / pprof. Throws ProfileError for anything else. */
export function parseProfile(bytes: Uint8Array, options: ParseOptions = {}): Profile {
  return withProfileErrors(options, () => parseBytes(bytes, options));
}

/**
 * parseProfile for an input read through `readAt` (a file): a plain CPU profile larger than
 * objectPathMaxBytes is scanned through a window and never held whole; anything else (small
 * files, heap profiles, pprof, gzip, a node too big for the window) is read whole and parsed as
 * parseProfile does. Same profile, same errors.
 */
export function parseProfileStream(input: WindowedInput, options: ParseOptions = {}): Profile {
  return withProfileErrors(options, () => {
    if (input.size > (options.objectPathMaxBytes ?? objectPathMaxBytes)) {
      refuseByStart(input, options);
      try {
        return scanWindowed(input);
      } catch (err) {
        if (!(err instanceof NeedsWholeInput)) throw err;
      }
    }
    return parseBytes(readWhole(input), options);
  });
}

/** The windowed scan alone: throws NeedsWholeInput where parseProfileStream would read the input whole. */
export function parseProfileWindowed(input: WindowedInput, options: ParseOptions = {}): Profile {
  return withProfileErrors(options, () => scanWindowed(input));
}

/**
 * A big input whose start is neither JSON (nor whitespace before it) nor a pprof field gets
 * parseBytes's error for that start at once: a file of zeros a crash left, binary junk or UTF-16
 * was read whole first (600 MB of zeros: 4.7 s and 676 MB to say "found 0x00 at byte 0").
 */
function refuseByStart(input: WindowedInput, options: ParseOptions): void {
  const head = new Uint8Array(Math.min(input.size, startCheckBytes));
  const n = Math.max(0, input.readAt(head, 0));
  refuseByPrefix(head.subarray(0, n), options);
}

/** How much of an input's start refuseNonProfileStart needs. */
export const startCheckBytes = 4096;

/**
 * Throws parseBytes's error for `prefix` (an input's first startCheckBytes) when it can start
 * neither JSON nor pprof: the same check for a big plain file and for what a gzip file inflates
 * to, which is then refused after its first few KB instead of after inflating whole.
 */
export function refuseNonProfileStart(prefix: Uint8Array, options: ParseOptions = {}): void {
  withProfileErrors(options, () => refuseByPrefix(prefix, options));
}

function refuseByPrefix(prefix: Uint8Array, options: ParseOptions): void {
  if (prefix.length === 0) return;
  const sc = new JsonScanner(prefix);
  const first = sc.peek();
  if (utf16Text(prefix)) parseBytes(prefix, options);
  if (first === -1 || isPprofKey(prefix[0]!) || isPprofKey(prefix[sc.pos]!) || jsonStarts.has(first) || (first === 0x1f && prefix[sc.pos + 1] === 0x8b)) return;
  parseBytes(prefix, options);
}

/** Bytes a JSON text can start with (after whitespace): { [ " - digits t f n. */
const jsonStarts = new Set([0x7b, 0x5b, 0x22, 0x2d, 0x74, 0x66, 0x6e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]);

function readWhole(input: WindowedInput): Uint8Array {
  const bytes = new Uint8Array(input.size);
  let filled = 0;
  while (filled < bytes.length) {
    const n = input.readAt(bytes.subarray(filled), filled);
    if (n <= 0) return bytes.subarray(0, filled);
    filled += n;
  }
  return bytes;
}

function withProfileErrors<T>(options: ParseOptions, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ProfileError) {
      if (options.fileName !== undefined) throw new ProfileError(err.code, `${options.fileName}: ${err.message}`);
      throw err;
    }
    if (err instanceof RangeError) {
      // Typed-array allocation failures on absurd inputs.
      throw new ProfileError('too-large', `The profile is too large to load here (${err.message}).`);
    }
    throw err;
  }
}

/**
 * Largest JSON profile read through JSON.parse (parse-object.ts) rather than the byte scanner:
 * below it JSON.parse wins in a fresh process, above it the scanner is as fast and needs far less
 * memory. Measured with `npm run bench` (bench/ingest.ts).
 */
export const objectPathMaxBytes = 6 * 1024 * 1024;

function parseBytes(bytes: Uint8Array, options: ParseOptions): Profile {
  const sc = new JsonScanner(bytes);
  const first = sc.peek();
  if (first === -1) throw new ProfileError('empty', 'The file is empty: there is no profile in it. The profiled program may have been killed before it wrote the profile.');
  // Before the JSON checks: UTF-16 JSON without a byte-order mark starts with '{' too.
  const utf16 = utf16Text(bytes);
  if (utf16) {
    throw new ProfileError('invalid-json', `${options.inflated ? 'This gzip file holds text' : 'The file is'} saved as ${describeUtf16(utf16)}, not UTF-8: ${utf16Advice} or capture it again.`);
  }
  if (first === 0x1f && bytes[sc.pos + 1] === 0x8b) {
    throw new ProfileError('unknown-format', 'The file is gzip-compressed; decompress it first (maybeGunzip).');
  }
  // pprof (profile.proto) is binary: told apart from JSON by walking its wire format.
  if (first !== 0x7b && first !== 0x5b && sniffPprof(bytes) !== 'no') return parsePprof(bytes, options);
  if (first === 0x5b) {
    throw new ProfileError('unknown-format', 'This JSON is an array, not a profile. Chrome performance traces (trace-event arrays) are not supported; save a .cpuprofile or .heapprofile instead.');
  }
  if (first !== 0x7b) {
    if (first === 0x22 || first === 0x2d || (first >= 0x30 && first <= 0x39) || first === 0x74 || first === 0x66 || first === 0x6e) {
      sc.skipValue();
      sc.end();
      throw new ProfileError('unknown-format', 'This JSON is a single value, not a profile (.cpuprofile or .heapprofile).');
    }
    if (first === 0 && bytes.subarray(0, 64).every((b) => b === 0)) {
      throw new ProfileError('invalid-json', 'The file starts with zero bytes, not a profile: it was probably never written (a crash or a full disk while saving). Capture the profile again.');
    }
    throw new ProfileError('unknown-format', `${options.inflated ? 'This gzip file holds no profile FlameLens reads' : 'This file is not a profile FlameLens reads'}: those are JSON (.cpuprofile, .heapprofile, v8-profiler-next dumps) or pprof (profile.proto), and ${options.inflated ? 'what it inflates to' : 'this one'} starts with ${describeByte(first)} at byte ${sc.pos}, which begins neither. Check that the right file was chosen, or capture or download it again.`);
  }

  // Small files: JSON.parse is faster cold (see parse-object.ts); it hands unusual input back here.
  if (bytes.length <= (options.objectPathMaxBytes ?? objectPathMaxBytes)) {
    const parsed = parseProfileObject(bytes);
    if (parsed !== undefined) return parsed;
  }
  try {
    return scanTopLevel(sc, false);
  } catch (err) {
    if (!(err instanceof LegacyCpuProfile)) throw err;
  }
  // v8-profiler-next's default (legacy "head") CPU format, rewritten as its flat one and read as that.
  const flat = new TextEncoder().encode(legacyCpuToFlat(utf8.decode(bytes)));
  return parseBytes(flat, options);
}

function scanWindowed(input: WindowedInput): Profile {
  const sc = new JsonScanner(input);
  if (sc.peek() !== 0x7b) throw new NeedsWholeInput('not a JSON object');
  return scanTopLevel(sc, true);
}

/** The top-level object's members (the scanner sits at its '{'). Windowed: CPU profiles only. */
function scanTopLevel(sc: JsonScanner, windowed: boolean): Profile {
  let cpu: RawCpuNodes | null = null;
  let heap: RawHeapNodes | null = null;
  let cpuSamples: IntList | null = null;
  let timeDeltas: FloatList | null = null;
  let startTime: number | null = null;
  let endTime: number | null = null;
  let hasTypeId = false;
  let otherKind: string | null = null;
  let embeddedMaps: unknown;

  if (sc.openObject()) {
    do {
      if (sc.pos > sc.refillAt) sc.refill();
      sc.readKey();
      if (sc.keyIs(K_NODES)) {
        cpu = new RawCpuNodes();
        scanCpuNodes(sc, cpu);
      } else if (sc.keyIs(K_SAMPLES)) {
        if (sc.peek() !== 0x5b) sc.typeError('"samples"', 'an array');
        // CPU samples are node ids; heap samples are objects. Look at the first element.
        const save = sc.pos;
        sc.pos++;
        const c = sc.peek();
        sc.pos = save;
        // Windowed, blank space can hide the first element past the window's end: unseen, the
        // samples could be a heap profile's objects, which the CPU path would refuse as bad ids.
        if (windowed && c === -1) throw new NeedsWholeInput('the first sample is past the window');
        if (c === 0x7b) {
          if (windowed) throw new NeedsWholeInput('a heap profile');
          heap ??= new RawHeapNodes();
          scanHeapSamples(sc, heap);
        } else {
          cpuSamples = new IntList(Math.max(1024, (sc.size - sc.offset()) >>> 4));
          scanNumberArray(sc, '"samples"', cpuSamples, true);
        }
      } else if (sc.keyIs(K_TIMEDELTAS)) {
        timeDeltas = new FloatList(cpuSamples ? cpuSamples.length : 1024);
        scanNumberArray(sc, '"timeDeltas"', timeDeltas, false);
      } else if (sc.keyIs(K_HEAD)) {
        if (windowed) throw new NeedsWholeInput('a heap profile');
        heap ??= new RawHeapNodes();
        if (heap.ids.length > 0) throw new ProfileError('invalid-structure', 'Not a valid profile: "head" appears twice.');
        scanHeapHead(sc, heap);
      } else if (sc.keyIs(K_STARTTIME)) {
        startTime = readTime(sc, '"startTime"');
      } else if (sc.keyIs(K_ENDTIME)) {
        endTime = readTime(sc, '"endTime"');
      } else if (sc.keyIs(K_TYPEID)) {
        hasTypeId = true;
        sc.skipValue();
      } else if (sc.keyIs(K_EMBEDDED_MAPS)) {
        // The recording process's in-memory source maps (embedded-maps.ts): small, read with JSON.parse.
        if (windowed) throw new NeedsWholeInput('embedded source maps');
        sc.skipWs();
        const start = sc.pos;
        sc.skipValue();
        try {
          embeddedMaps = JSON.parse(utf8.decode(sc.buf.subarray(start, sc.pos)));
        } catch {
          // Unreadable maps are no maps: the profile itself is fine.
        }
      } else {
        // A heap snapshot starts with "snapshot" and has a flat "nodes" array of numbers: say what
        // it is before the "nodes" scan would call it a broken CPU profile.
        if (sc.keyIs(K_SNAPSHOT) && cpu === null && heap === null) throw new ProfileError('unknown-format', heapSnapshotMessage);
        if (sc.keyIs(K_TRACEEVENTS)) otherKind = 'a Chrome performance trace (traceEvents); save a .cpuprofile instead';
        else if (sc.keyIs(K_SNAPSHOT)) otherKind = heapSnapshotMessage.replace(/^This is /, '').replace(/\.$/, '');
        sc.skipValue();
      }
    } while (sc.next(0x7d));
  }
  sc.end();

  if (cpu !== null) {
    return withEmbeddedMaps(buildCpuProfile({ nodes: cpu, samples: cpuSamples, timeDeltas, startTime, endTime, hasTypeId }), embeddedMaps);
  }
  if (heap !== null && heap.ids.length > 0) {
    // "samples": [] went the CPU way (no first element to tell): a heap profile with no samples yet.
    if (cpuSamples !== null && cpuSamples.length === 0) heap.hasSamples = true;
    return withEmbeddedMaps(buildHeapProfile(heap), embeddedMaps);
  }
  if (otherKind !== null) throw new ProfileError('unknown-format', `This is ${otherKind}.`);
  throw new ProfileError('unknown-format', 'This JSON is not a profile FlameLens knows: expected a CPU profile (a "nodes" array, as in .cpuprofile) or a sampling heap profile (a "head" object, as in .heapprofile).');
}

function readTime(sc: JsonScanner, what: string): number | null {
  if (sc.takeNull()) return null;
  const v = sc.readNumber(what);
  return Number.isFinite(v) ? v : null;
}

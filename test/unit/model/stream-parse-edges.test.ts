// The windowed scan against awkward inputs built from the real fixtures: names and urls in
// multi-byte UTF-8 and JSON escapes, pretty-printed and CRLF layouts with a BOM, keys in unusual
// order and repeated, numbers in every JSON spelling, elements sized right at the window's half,
// reads cut short, an input that ends before its stated size or whose reads fail. For every window
// swept, parseProfileStream must give what parseProfile gives on the whole bytes: the same profile,
// or the same error in the same words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProfile, parseProfileStream, parseProfileWindowed } from '../../../src/model/import';
import { NeedsWholeInput } from '../../../src/model/scan';
import { ProfileError } from '../../../src/model/types';
import { readFixture } from '../../support/model-helpers';
import { errorOf, outcomeOf, windowedInput } from '../../support/stream-helpers';

/** Always the byte scanner: the streamed parse of a large file is compared with it. */
const scanner = { objectPathMaxBytes: -1 };

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; scriptId: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuJson {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const marked = JSON.parse(readFixture('small-marked-1000us.cpuprofile').toString('utf8')) as CpuJson;

/**
 * The marked fixture cut to its nodes with id ≤ `maxId` (V8 writes nodes in preorder, so parents
 * come first) and to their samples: a real profile small enough to sweep every window size over.
 */
function markedPart(maxId: number): CpuJson {
  const nodes = marked.nodes.filter((n) => n.id <= maxId).map((n) => ({ ...n, callFrame: { ...n.callFrame }, ...(n.children ? { children: n.children.filter((c) => c <= maxId) } : {}) }));
  const kept = marked.samples.map((s, i) => [s, marked.timeDeltas[i]!] as const).filter(([s]) => s <= maxId);
  return { nodes, startTime: marked.startTime, endTime: marked.endTime, samples: kept.map(([s]) => s), timeDeltas: kept.map(([, d]) => d) };
}

/** 2-, 3- and 4-byte UTF-8, quotes, backslashes and slashes, and mixes of them. */
const awkwardNames = ['é', '日本語', '😀', 'a"b', 'back\\slash', 'sl/ash', 'mix é😀"\\/ 日', 'ü'.repeat(40), '𝄞😀'.repeat(15)];

function withAwkwardNames(p: CpuJson): CpuJson {
  return {
    ...p,
    nodes: p.nodes.map((n, i) => ({
      ...n,
      callFrame: { ...n.callFrame, functionName: awkwardNames[i % awkwardNames.length] + n.callFrame.functionName, url: `${awkwardNames[(i + 4) % awkwardNames.length]}/${n.callFrame.url}` },
    })),
  };
}

/** The same text with non-ASCII characters and slashes written as JSON escapes (surrogate pairs for emoji). */
function escaped(json: string): string {
  return json.replace(/[^\x20-\x7e]|\//gu, (ch) => (ch === '/' ? '\\/' : [...ch].map((c) => Array.from({ length: c.length }, (_, k) => `\\u${c.charCodeAt(k).toString(16).padStart(4, '0')}`).join('')).join('')));
}

/**
 * Asserts that the streamed parse matches the whole-bytes scan for every window from `from` to
 * `to`. Returns the smallest window from which every larger one swept streamed to the end
 * without handing the input back.
 */
function assertSweep(label: string, bytes: Uint8Array, from: number, to: number, step = 1): number {
  const whole = outcomeOf(() => parseProfile(bytes, scanner));
  let streamsFrom = from;
  for (let windowBytes = from; windowBytes <= to; windowBytes += step) {
    assert.deepEqual(outcomeOf(() => parseProfileStream(windowedInput(bytes, windowBytes), scanner)), whole, `${label}: ${windowBytes}-byte window`);
    try {
      parseProfileWindowed(windowedInput(bytes, windowBytes), scanner);
    } catch (err) {
      // Handed back, or the error parseProfileStream gave (compared above).
      if (!(err instanceof NeedsWholeInput || err instanceof ProfileError)) throw err;
      if (err instanceof NeedsWholeInput) streamsFrom = windowBytes + step;
    }
  }
  return streamsFrom;
}

/** Bytes of the largest node, written by `write`, with the ',' after it: half a window must hold that much. */
function largestNodeBytes(p: CpuJson, write: (json: string) => string): number {
  return Math.max(...p.nodes.map((n) => Buffer.byteLength(write(JSON.stringify(n))) + 1));
}

test('multi-byte UTF-8 and escaped names and urls: every window from 16 to 1200 bytes reads the profile parseProfile reads', () => {
  const part = withAwkwardNames(markedPart(40));
  const writers = { utf8: (json: string) => json, escapes: escaped };
  assert.match(escaped(JSON.stringify(part)), /\\ud83d\\ude00/, 'emoji as a surrogate pair');
  assert.match(escaped(JSON.stringify(part)), /\\\//, 'escaped slashes');
  for (const [label, write] of Object.entries(writers)) {
    const bytes = Buffer.from(write(JSON.stringify(part)));
    const whole = parseProfile(bytes, scanner);
    // The decoded names survive: the sweep compares against something that is right.
    assert.ok(whole.frames.some((f) => f.functionName.startsWith('mix é😀"\\/ 日')) && whole.frames.some((f) => f.url.startsWith('𝄞😀')), `${label}: names decoded`);
    assert.deepEqual(whole, parseProfile(bytes), `${label}: the scanner reads what JSON.parse reads`);
    // Windows whose half holds the largest node streamed to the end, with their ends inside names.
    const streamsFrom = assertSweep(label, bytes, 16, 1200);
    const needed = 2 * largestNodeBytes(part, write);
    assert.ok(needed < 1200 && streamsFrom <= needed, `${label}: every window from ${streamsFrom} bytes streamed (the largest node needs ${needed})`);
  }
});

test('pretty-printed, CRLF, with a BOM, keys out of order, unknown keys holding "nodes", repeated keys: the same profile as the whole bytes', () => {
  const part = withAwkwardNames(markedPart(30));
  const pretty = JSON.stringify(part, null, 2);
  const reordered = JSON.stringify({
    timeDeltas: part.timeDeltas,
    meta: { nodes: [{ id: 1 }], deep: [[[{ samples: 'x'.repeat(300) }]]], n: null, t: true, f: false },
    samples: part.samples,
    endTime: part.endTime,
    nodes: part.nodes,
    startTime: part.startTime,
  });
  // A first "nodes" (and "samples") that a later one replaces, as in the whole-bytes scan.
  const repeated = `{"nodes":[{"id":7,"callFrame":{"functionName":"gone"}}],"samples":[7,7],${JSON.stringify(part).slice(1)}`;
  const variants = {
    pretty,
    crlfBom: `\ufeff${pretty.replace(/\n/g, '\r\n')}`,
    tabs: JSON.stringify(part, null, '\t'),
    reordered,
    repeated,
  };
  for (const [label, text] of Object.entries(variants)) {
    const bytes = Buffer.from(text);
    const whole = parseProfile(bytes, scanner);
    assert.equal(whole.frames.length, parseProfile(Buffer.from(JSON.stringify(part)), scanner).frames.length, `${label}: a real profile`);
    assertSweep(label, bytes, 16, 900, 3);
  }
});

test('numbers in every JSON spelling, and across window ends: the same values, and the same errors for bad ones', () => {
  const part = markedPart(60);
  // Exponents, fractions, negative zero, more digits than exact integer arithmetic, each in the deltas.
  const spellings = ['1e2', '1E+2', '2.5e-1', '-0', '0.0', '-0.0e0', '1234567890123456', '1.00000000000000000001', '7'];
  // Every other delta respelled, in turn: deltas of other lengths between them move the window ends.
  const text = JSON.stringify(part).replace(/"timeDeltas":\[([^\]]*)\]/, (_, list: string) => `"timeDeltas":[${list.split(',').map((d, i) => (i % 2 === 0 ? spellings[(i / 2) % spellings.length] : d)).join(',')}]`);
  for (const spelling of spellings) assert.ok(text.includes(`${spelling},`), spelling);
  const bytes = Buffer.from(text);
  const whole = parseProfile(bytes, scanner);
  assert.deepEqual(whole, parseProfile(bytes), 'the scanner reads the numbers as JSON.parse does');
  assertSweep('spellings', bytes, 16, 700);

  // Values the model refuses: the same ProfileError, wherever the window ends.
  const bad = {
    huge: text.replace(/"timeDeltas":\[[^,]*,/, '"timeDeltas":[1e400,'),
    hugeEnd: text.replace(/"endTime":[^,]*/, '"endTime":-1.5e300'),
    fractionId: text.replace(/"samples":\[[^,]*,/, '"samples":[2.5,'),
    hugeId: text.replace(/"samples":\[[^,]*,/, '"samples":[4294967297,'),
    noDigit: text.replace(/"samples":\[[^,]*,/, '"samples":[-,'),
    noExponent: text.replace(/"timeDeltas":\[([^,]*),([^,]*),/, '"timeDeltas":[$1,1e,'),
    leadingDot: text.replace(/"timeDeltas":\[([^,]*),/, '"timeDeltas":[.5,'),
  };
  for (const [label, badText] of Object.entries(bad)) {
    const badBytes = Buffer.from(badText);
    const expected = errorOf(() => parseProfile(badBytes, scanner));
    assert.ok(expected instanceof ProfileError, `${label}: ${expected.message}`);
    assertSweep(label, badBytes, 16, 500, 3);
  }
});

test('a node exactly half the window streams; one byte more is read whole, and both give the same profile', () => {
  const part = markedPart(20);
  const windowBytes = 1024;
  const at = 12;
  /** A node's bytes with the ',' after it: what must be in the window when its scan starts. */
  const nodeBytes = (p: CpuJson): number => Buffer.byteLength(JSON.stringify(p.nodes[at])) + 1;
  // The node before it grows by `shift` bytes: a refill happens at a node's start, so this moves
  // the node's start over every offset from the last refill (one of them the refill point itself).
  const variant = (extra: number, shift: number): Buffer => {
    const p = structuredClone(part);
    p.nodes[at - 1]!.callFrame.url += 'x'.repeat(shift);
    p.nodes[at]!.callFrame.functionName = '';
    const pad = windowBytes / 2 - nodeBytes(p) + extra;
    // Mostly 2-byte characters: window ends fall between a character's bytes.
    p.nodes[at]!.callFrame.functionName = 'é'.repeat(pad >> 1) + 'x'.repeat(pad & 1);
    assert.equal(nodeBytes(p), windowBytes / 2 + extra);
    return Buffer.from(JSON.stringify(p));
  };
  let handedBack = 0;
  for (let shift = 0; shift < windowBytes / 2; shift++) {
    const half = variant(0, shift);
    assert.deepEqual(parseProfileWindowed(windowedInput(half, windowBytes), scanner), parseProfile(half, scanner), `half, shift ${shift}`);
    const over = variant(1, shift);
    assert.deepEqual(parseProfileStream(windowedInput(over, windowBytes), scanner), parseProfile(over, scanner), `half + 1, shift ${shift}`);
    try {
      parseProfileWindowed(windowedInput(over, windowBytes), scanner);
    } catch (err) {
      assert.ok(err instanceof NeedsWholeInput, String(err));
      handedBack++;
    }
  }
  assert.ok(handedBack > 0, 'a node one byte past half the window is handed back where it starts at a refill point');
});

test('short reads, an input shorter than its stated size, and a read that fails', () => {
  const bytes = Buffer.from(JSON.stringify(withAwkwardNames(markedPart(40))));
  const whole = parseProfile(bytes, scanner);
  // A reader that returns at most 7 bytes a call, as a pipe or network file system may.
  for (const windowBytes of [64, 301, 4096]) assert.deepEqual(parseProfileStream(windowedInput(bytes, windowBytes, 7), scanner), whole, `short reads, ${windowBytes}`);

  // Stated larger than it is (a file cut after its size was read): the input ends where the reads
  // stop, and parses as those bytes do — here the whole profile.
  assert.deepEqual(parseProfileStream({ ...windowedInput(bytes, 256), size: bytes.length + 5000 }, scanner), whole);
  // Cut inside: the truncated error the whole-bytes parse of the cut bytes gives, with the same size.
  const cut = bytes.subarray(0, bytes.length - 300);
  const expected = errorOf(() => parseProfile(cut, scanner));
  assert.equal((expected as ProfileError).code, 'truncated');
  for (const windowBytes of [64, 256, 4096]) {
    const streamed = errorOf(() => parseProfileStream({ ...windowedInput(cut, windowBytes), size: bytes.length }, scanner));
    assert.equal(streamed.message, expected.message, `${windowBytes}-byte window`);
  }

  // A read that fails (EIO): the error reaches the caller as it is, not as a profile error.
  for (const failOn of [1, 2, 5]) {
    let reads = 0;
    const input = windowedInput(bytes, 256);
    const readAt = input.readAt;
    input.readAt = (into, position) => {
      if (++reads === failOn) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      return readAt(into, position);
    };
    const err = errorOf(() => parseProfileStream(input, scanner));
    assert.ok(!(err instanceof ProfileError) && !(err instanceof NeedsWholeInput), `read ${failOn}: ${err.name}`);
    assert.equal((err as { code?: string }).code, 'EIO');
  }
});

test('heap samples behind more blank space than the window shows: read whole as a heap profile, not refused as bad CPU samples', () => {
  // Samples before "head", with blank space after the '[' reaching past the window: the windowed
  // scan cannot see that the samples are objects. It used to take them for CPU sample ids and fail
  // ("an entry of "samples" should be a number but is an object"); the whole-bytes parse reads a
  // heap profile.
  const heap = JSON.parse(readFixture('heap-webpack-16k.heapprofile').toString('utf8')) as { head: unknown; samples: unknown[] };
  const reordered = JSON.stringify({ samples: heap.samples, head: heap.head });
  const whole = parseProfile(Buffer.from(reordered), scanner);
  assert.equal(whole.kind, 'heap');
  for (const [windowBytes, blank] of [[4096, 5000], [undefined, 200_000]] as const) {
    const bytes = Buffer.from(reordered.replace('"samples":[', `"samples":[${' '.repeat(blank)}`));
    assert.deepEqual(parseProfileStream(windowedInput(bytes, windowBytes), scanner), whole, `${windowBytes ?? 'default'}-byte window`);
  }
  // Pretty-printed, through the smallest windows.
  assertSweep('pretty heap', Buffer.from(JSON.stringify({ samples: heap.samples.slice(0, 50), head: heap.head }, null, 2)), 16, 64, 8);
});

test('a big input that starts with no profile format is refused from its first bytes, with the whole-input error (zeros, UTF-16 with or without a byte-order mark, junk); a big pprof-looking or JSON start is read on', () => {
  const size = 8 * 1024 * 1024; // above objectPathMaxBytes: the streamed path
  const cases: [string, Uint8Array, RegExp][] = [
    ['zeros', new Uint8Array(size), /starts with zero bytes.*never written/],
    ['UTF-16', Uint8Array.from({ length: size }, (_, i) => (i === 0 ? 0xff : i === 1 ? 0xfe : i % 2 ? 0 : 0x7b)), /saved as UTF-16 \(little-endian, with a byte-order mark\), not UTF-8: re-save it as UTF-8/],
    // No byte-order mark: '{' then NULs (was scanned as JSON: "found byte 0x00 at byte 1").
    ['UTF-16 without a byte-order mark', Buffer.from(`{"nodes":[${' '.repeat(size / 2)}]}`, 'utf16le'), /saved as UTF-16 \(little-endian, without a byte-order mark\), not UTF-8: re-save it as UTF-8/],
    ['junk', Uint8Array.from({ length: size }, (_, i) => (i * 7919 + 0x80) & 0xff | 0x80), /not a profile FlameLens reads.*starts with byte 0x80 at byte 0, which begins neither/],
  ];
  for (const [label, bytes, message] of cases) {
    const input = windowedInput(bytes, undefined);
    const streamed = errorOf(() => parseProfileStream(input));
    assert.ok(streamed instanceof ProfileError, `${label}: ${String(streamed)}`);
    assert.match(streamed.message, message, label);
    assert.equal(streamed.message, errorOf(() => parseProfile(bytes)).message, `${label}: the whole input's error`);
    assert.ok(Math.max(...input.readEnds) <= 64 * 1024, `${label}: read up to byte ${Math.max(...input.readEnds)}, not the whole ${size}`);
  }
  // A start that could be JSON (whitespace, then a string) is read on to give its real error.
  const text = new TextEncoder().encode(`  "${'x'.repeat(size)}"`);
  const input = windowedInput(text, undefined);
  assert.match(errorOf(() => parseProfileStream(input)).message, /single value, not a profile/);
  assert.ok(Math.max(...input.readEnds) >= text.length);
});

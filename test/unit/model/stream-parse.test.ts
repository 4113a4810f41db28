// The windowed scan (parseProfileStream): a profile read through a small window, refilled between
// nodes, samples and deltas, must be the profile parseProfile reads from the whole bytes — on
// every fixture and a real v8-profiler-next dump, with windows small enough that every read ends
// inside an element — and must fail the way parseProfile fails, with the same message. Whatever
// the window cannot take (heap profiles, gzip, an element larger than half the window) is read
// whole instead, and still comes out right.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { parseProfile, parseProfileStream, parseProfileWindowed } from '../../../src/model/import';
import { NeedsWholeInput } from '../../../src/model/scan';
import { fixtures, readFixture, removeDir, tempDir, writeV8ProfilerNextDump } from '../../support/model-helpers';
import { errorOf, windowedInput } from '../../support/stream-helpers';

/** Always the byte scanner (the fixtures are under the JSON.parse path's size). */
const scanner = { objectPathMaxBytes: -1 };

const cpuFixtures = readdirSync(fixtures).filter((f) => f.endsWith('.cpuprofile'));
let dir = '';
let v8pnDump = '';
before(() => {
  dir = tempDir('flamelens-stream-');
  v8pnDump = writeV8ProfilerNextDump(dir);
});
after(() => removeDir(dir));

test('every CPU fixture and a v8-profiler-next dump: the windowed scan reads the same profile, refilling many times', () => {
  const files = [...cpuFixtures.map((f) => path.join(fixtures, f)), v8pnDump];
  assert.ok(files.length >= 3, 'fixtures found');
  for (const file of files) {
    const bytes = readFileSync(file);
    const whole = parseProfile(bytes, scanner);
    // 4 KB holds any node of these profiles in half of it; 4099 puts every read end somewhere new.
    for (const windowBytes of [4096, 4099, 65536]) {
      const input = windowedInput(bytes, windowBytes);
      const streamed = parseProfileWindowed(input, scanner);
      assert.deepEqual(streamed, whole, `${path.basename(file)}, ${windowBytes}-byte window`);
      // No read covered the file: it went through the window piece by piece.
      assert.ok(input.readEnds.length >= Math.floor(bytes.length / windowBytes), `${path.basename(file)}: ${input.readEnds.length} reads`);
      // Reads end where the window is full, not where an element ends: elements straddle them.
      const straddled = input.readEnds.filter((end) => end < bytes.length && !/[,\]}]/.test(String.fromCharCode(bytes[end - 1]!)));
      if (bytes.length > 4 * windowBytes) assert.ok(straddled.length > 0, `${path.basename(file)}: some read ends inside an element`);
      assert.deepEqual(parseProfileStream(windowedInput(bytes, windowBytes), scanner), whole);
    }
  }
});

test('a window smaller than a node: the windowed scan asks for the whole input, and parseProfileStream reads it whole, correctly', () => {
  const bytes = readFixture('small-webpack-1000us.cpuprofile');
  const whole = parseProfile(bytes, scanner);
  for (const windowBytes of [16, 100, 257]) {
    assert.throws(() => parseProfileWindowed(windowedInput(bytes, windowBytes), scanner), NeedsWholeInput);
    assert.deepEqual(parseProfileStream(windowedInput(bytes, windowBytes), scanner), whole, `${windowBytes}-byte window`);
  }
});

test('windows around the size of an element: each one reads the profile right or hands it back, never wrong', () => {
  // Two nodes of ~140 bytes, then 400 samples and deltas of 12–16 digits: from windows whose half is
  // shorter than a delta to windows that hold a node twice, the window's ends fall inside numbers,
  // strings and keys.
  const nodes = [
    { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2] },
    { id: 2, callFrame: { functionName: 'f', scriptId: '1', url: 'a.js', lineNumber: 1, columnNumber: 1 }, hitCount: 0 },
  ];
  const samples = Array.from({ length: 400 }, (_, i) => (i % 2) + 1);
  const timeDeltas = samples.map((_, i) => 123456789012 + i * 1111);
  const bytes = Buffer.from(JSON.stringify({ nodes, startTime: 1_000_000, endTime: 900_000_000_000_000, samples, timeDeltas }));
  const whole = parseProfile(bytes, scanner);
  let read = 0;
  let handedBack = 0;
  for (let windowBytes = 24; windowBytes <= 400; windowBytes += 7) {
    let streamed;
    try {
      streamed = parseProfileWindowed(windowedInput(bytes, windowBytes), scanner);
    } catch (err) {
      assert.ok(err instanceof NeedsWholeInput, `${windowBytes}: ${String(err)}`);
      handedBack++;
      continue;
    }
    assert.deepEqual(streamed, whole, `${windowBytes}-byte window`);
    read++;
  }
  assert.ok(read > 0 && handedBack > 0, `${read} windows read it, ${handedBack} handed it back`);
});

test('a truncated file fails with the same clear message as the whole-bytes parse', () => {
  const bytes = readFixture('small-webpack-1000us.cpuprofile');
  for (const cut of [bytes.length >> 1, bytes.length - 1, Math.floor(bytes.length * 0.9)]) {
    const truncated = bytes.subarray(0, cut);
    const expected = errorOf(() => parseProfile(truncated, { ...scanner, fileName: 'cut.cpuprofile' }));
    assert.match(expected.message, /^cut\.cpuprofile: The file ends early \(after \d+ bytes/);
    const streamed = errorOf(() => parseProfileStream(windowedInput(truncated, 4096), { ...scanner, fileName: 'cut.cpuprofile' }));
    assert.equal(streamed.message, expected.message, `cut at ${cut}`);
    assert.equal((streamed as { code?: string }).code, 'truncated');
  }
});

test('a bad byte deep in the file: the same message, at the same file offset', () => {
  const bytes = Buffer.from(readFixture('small-webpack-1000us.cpuprofile'));
  // A '#' in place of a ',' between two samples, three quarters into the file.
  const at = bytes.indexOf(',', Math.floor(bytes.length * 0.75));
  bytes[at] = 0x23;
  const expected = errorOf(() => parseProfile(bytes, scanner));
  assert.match(expected.message, new RegExp(`at byte ${at} `));
  assert.equal(errorOf(() => parseProfileStream(windowedInput(bytes, 4096), scanner)).message, expected.message);
});

test('what the window does not take is read whole: heap profile, gzip, leading blank space, small files', () => {
  const heap = readFixture('heap-webpack-16k.heapprofile');
  assert.throws(() => parseProfileWindowed(windowedInput(heap, 4096), scanner), NeedsWholeInput);
  assert.deepEqual(parseProfileStream(windowedInput(heap, 4096), scanner), parseProfile(heap, scanner));

  const cpu = readFixture('small-marked-1000us.cpuprofile');
  const gzipped = gzipSync(cpu);
  assert.equal(errorOf(() => parseProfileStream(windowedInput(gzipped, 4096), scanner)).message, errorOf(() => parseProfile(gzipped, scanner)).message);

  // More blank space than the window before the '{': not an empty file.
  const padded = Buffer.concat([Buffer.alloc(10_000, 0x20), cpu]);
  assert.deepEqual(parseProfileStream(windowedInput(padded, 4096), scanner), parseProfile(padded, scanner));
  // And blank space after it, more than a window of it.
  const trailing = Buffer.concat([cpu, Buffer.alloc(10_000, 0x0a)]);
  assert.deepEqual(parseProfileWindowed(windowedInput(trailing, 4096), scanner), parseProfile(trailing, scanner));
  const garbage = Buffer.concat([cpu, Buffer.alloc(10_000, 0x0a), Buffer.from('x')]);
  assert.equal(errorOf(() => parseProfileStream(windowedInput(garbage, 4096), scanner)).message, errorOf(() => parseProfile(garbage, scanner)).message);

  // Under objectPathMaxBytes, the default: the JSON.parse path, on the whole bytes.
  assert.deepEqual(parseProfileStream(windowedInput(cpu, 4096)), parseProfile(cpu));
});

// Two readers of JSON profiles — JSON.parse plus an object walk for small files (parse-object.ts),
// the byte scanner for large ones — must give the same model, to the last frame, tick and note.
// Each real profile (the fixtures, and a v8-profiler-next dump made here) and reshaped copies of
// them (other key orders, parent links instead of children) go through both and are compared whole.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { objectPathMaxBytes, parseProfile } from '../../../src/model/import';
import { parseProfileObject } from '../../../src/model/parse-object';
import { writeV8ProfilerNextDump } from '../../support/model-helpers';
import type { Profile } from '../../../src/model/types';

const repo = path.resolve(__dirname, '../../..');
const fixtures = path.join(repo, 'test/fixtures');
const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-paths-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;

/** Both readers on the same bytes; the object path must not have handed the input back. */
function bothPaths(bytes: Uint8Array): { scanned: Profile; walked: Profile } {
  const walked = parseProfileObject(bytes);
  assert.ok(walked, 'the JSON.parse path reads this profile itself');
  const scanned = parseProfile(bytes, { objectPathMaxBytes: -1 });
  return { scanned, walked };
}

function assertSameModel(walked: Profile, scanned: Profile): void {
  assert.ok(scanned.nodeCount > 1);
  // The whole model: node arrays, frames, self and total values, samples, line tables, notes.
  assert.deepStrictEqual(walked, scanned);
}

const fixtureFiles = ['small-marked-1000us.cpuprofile', 'small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile'];

for (const name of fixtureFiles) {
  test(`${name}: JSON.parse path and byte scanner give the same model`, () => {
    const bytes = readFileSync(path.join(fixtures, name));
    const { scanned, walked } = bothPaths(bytes);
    assertSameModel(walked, scanned);
    assert.ok(scanned.lineNumber.length > 0, 'the profile has line ticks');
    // What a caller gets by default for a file this small is the same model too.
    assert.ok(bytes.length <= objectPathMaxBytes);
    assert.deepStrictEqual(parseProfile(bytes), scanned);
  });
}

test('CPU profile with keys in other orders (positionTicks first, callFrame last, top-level reversed): same model', () => {
  const raw = JSON.parse(readFileSync(path.join(fixtures, 'small-webpack-1000us.cpuprofile'), 'utf8')) as Json & { nodes: Json[] };
  const nodes = raw.nodes.map((n) => Object.fromEntries(Object.entries(n).reverse()));
  const reordered = Object.fromEntries(Object.entries({ ...raw, nodes }).reverse());
  const { scanned, walked } = bothPaths(Buffer.from(JSON.stringify(reordered)));
  assertSameModel(walked, scanned);
  assertSameModel(scanned, parseProfile(readFileSync(path.join(fixtures, 'small-webpack-1000us.cpuprofile'))));
});

test('CPU profile linked by parent ids instead of children lists: same model', () => {
  const raw = JSON.parse(readFileSync(path.join(fixtures, 'small-marked-1000us.cpuprofile'), 'utf8')) as Json & { nodes: (Json & { id: number; children?: number[] })[] };
  const parentOf = new Map<number, number>();
  for (const n of raw.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const nodes = raw.nodes.map(({ children: _children, ...rest }) => (parentOf.has(rest.id) ? { ...rest, parent: parentOf.get(rest.id) } : rest));
  const { scanned, walked } = bothPaths(Buffer.from(JSON.stringify({ ...raw, nodes })));
  assertSameModel(walked, scanned);
});

test('heap profile with children before callFrame (frames interned in another order): same model', () => {
  const raw = JSON.parse(readFileSync(path.join(fixtures, 'heap-webpack-16k.heapprofile'), 'utf8')) as Json & { head: Json };
  const reorder = (n: Json): Json => {
    const { children, ...rest } = n as Json & { children?: Json[] };
    return { children: (children ?? []).map(reorder), ...rest };
  };
  const { scanned, walked } = bothPaths(Buffer.from(JSON.stringify({ ...raw, head: reorder(raw.head) })));
  assertSameModel(walked, scanned);
});

test('a byte-order mark and escaped names read the same on both paths', () => {
  const raw = JSON.parse(readFileSync(path.join(fixtures, 'small-marked-1000us.cpuprofile'), 'utf8')) as Json & { nodes: { callFrame: { functionName: string } }[] };
  raw.nodes[1]!.callFrame.functionName = 'x<"é\u0000\\\ud83d\ude00';
  const { scanned, walked } = bothPaths(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(raw))]));
  assertSameModel(walked, scanned);
  assert.ok(scanned.frames.some((f) => f.functionName === 'x<"é\u0000\\\ud83d\ude00'));
  // Without the mark too.
  const plain = bothPaths(Buffer.from(JSON.stringify(raw)));
  assertSameModel(plain.walked, plain.scanned);
  assert.ok(plain.walked.frames.some((f) => f.functionName === 'x<"é\u0000\\\ud83d\ude00'), 'UTF-8 names decoded as UTF-8');
});

test('input the JSON.parse path does not read itself goes to the scanner, which words the error', () => {
  const cases: [string, RegExp][] = [
    ['{"nodes":[{"id":1,"callFrame":{"functionName":1}}]}', /callFrame\.functionName should be a string/],
    ['{"nodes":[{"id":-1,"callFrame":{}}]}', /not a usable node id/],
    ['{"nodes":[{"callFrame":{}}]}', /node #0 has no "id"/],
    ['{"nodes":[{"id":1,"callFrame":{}}],"samples":[1,"x"]}', /should be a number but is a string/],
    ['{"head":{"id":1,"hitCount":3,"children":{}}}', /legacy CPU profile: the children of node 1 are not an array/],
    ['{"snapshot":{},"nodes":[1,2]}', /heap snapshot/],
    ['{"nodes":[{"id":1,"callFrame":{}}],', /ends early/],
  ];
  for (const [text, message] of cases) {
    const bytes = Buffer.from(text);
    assert.equal(parseProfileObject(bytes), undefined, text);
    assert.throws(() => parseProfile(bytes), message, text);
  }
});

let v8pnFile = '';
before(() => {
  v8pnFile = writeV8ProfilerNextDump(dir);
});

test('a v8-profiler-next dump (1-based lines, lineTicks): same model on both paths, lines kept 1-based', () => {
  const bytes = readFileSync(v8pnFile);
  const raw = JSON.parse(bytes.toString('utf8')) as { typeId?: unknown; nodes: { callFrame: { functionName: string; lineNumber: number; lineTicks?: { line: number }[] } }[] };
  assert.ok(raw.typeId !== undefined && raw.nodes.some((n) => (n.callFrame.lineTicks?.length ?? 0) > 0), 'the dump has typeId and lineTicks');
  const { scanned, walked } = bothPaths(bytes);
  assertSameModel(walked, scanned);
  assert.equal(walked.format, 'v8-profiler-next');
  const spin = raw.nodes.find((n) => n.callFrame.functionName === 'spin')!;
  const frame = walked.frames.find((f) => f.functionName === 'spin')!;
  assert.equal(frame.line, spin.callFrame.lineNumber, 'v8-profiler-next lines are already 1-based');
  assert.equal(frame.line, 2);
  // The hot loop's line ticks land on line 4 of busy.js.
  const node = Array.from(walked.nodeFrame).findIndex((f) => walked.frames[f] === frame);
  const lines = Array.from(walked.lineNumber.subarray(walked.lineStart[node], walked.lineStart[node + 1]));
  assert.ok(lines.includes(4), `spin's ticked lines ${lines.join(',')} include the loop`);
});

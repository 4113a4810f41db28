// Importers against the real fixtures: the model's invariants, time and sample accounting checked
// against an independent straightforward reading of the same JSON, key order/whitespace/escapes
// not mattering, gzip, heap profiles with and without samples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseProfile } from '../../../src/model/import';
import { maybeGunzip } from '../../../src/model/gunzip';
import { lineTable } from '../../../src/model/tables';
import { assertClose, assertProfileInvariants, readFixture, removeDir, runNode, sum, tempDir } from '../../support/model-helpers';

interface RawCpu {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number; children?: number[]; positionTicks?: { line: number; ticks: number }[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface RawHeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  id: number;
  children: RawHeapNode[];
}

const cpuFixtures = ['small-marked-1000us.cpuprofile', 'small-webpack-1000us.cpuprofile'];

/**
 * Reference: per (function, url, 0-based line) self time the plain way — objects and Maps.
 * Sample i lasts until the next sample (DevTools), on a clock that never runs backwards.
 */
function referenceSelf(raw: RawCpu): Map<string, number> {
  const byId = new Map(raw.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  const add = (id: number, v: number): void => {
    const cf = byId.get(id)!.callFrame;
    const key = `${cf.functionName}|${cf.url}|${cf.lineNumber}`;
    out.set(key, (out.get(key) ?? 0) + v);
  };
  let ts = raw.startTime;
  let clock = -Infinity;
  for (let i = 0; i < raw.samples.length; i++) {
    ts += raw.timeDeltas[i]!;
    if (i > 0 && ts > clock) add(raw.samples[i - 1]!, ts - clock);
    if (ts > clock) clock = ts;
  }
  add(raw.samples[raw.samples.length - 1]!, Math.max(0, raw.endTime - clock));
  return out;
}

describe('parseProfile: DevTools .cpuprofile fixtures', () => {
  for (const name of cpuFixtures) {
    it(`${name}: invariants, time and samples accounted for`, () => {
      const bytes = readFixture(name);
      const raw = JSON.parse(bytes.toString('utf8')) as RawCpu;
      const p = parseProfile(bytes);
      assert.equal(p.kind, 'cpu');
      assert.equal(p.unit, 'us');
      assert.equal(p.format, 'devtools-cpuprofile');
      assert.equal(p.nodeCount, raw.nodes.length);
      assertProfileInvariants(p);
      // Every sample is accounted for.
      assert.equal(p.sampleCount, raw.samples.length);
      assert.equal(sum(p.selfSamples), raw.samples.length);
      // Self times add up to the sampled span: first sample to the end of the profile.
      let ts = raw.startTime;
      let maxTs = -Infinity;
      for (const d of raw.timeDeltas) maxTs = Math.max(maxTs, (ts += d));
      const firstTs = raw.startTime + raw.timeDeltas[0]!;
      assertClose(sum(p.selfValue), Math.max(raw.endTime, maxTs) - firstTs, 'self sums to the profile duration');
      assertClose(p.totalValue[0]!, sum(p.selfValue), 'root total is the whole profile');
      // …and, when V8 recorded no out-of-order samples, to the sum of the deltas after the first plus the tail.
      if (raw.timeDeltas.every((d) => d >= 0)) {
        assertClose(sum(p.selfValue), sum(raw.timeDeltas) - raw.timeDeltas[0]! + (raw.endTime - maxTs), 'sum of timeDeltas');
      }
      // Per-frame self time matches the straightforward reference computation.
      const ours = new Map<string, number>();
      for (let i = 0; i < p.nodeCount; i++) {
        const f = p.frames[p.nodeFrame[i]!]!;
        const key = `${f.functionName === '(anonymous)' ? '' : f.functionName}|${f.url}|${f.line - 1}`;
        ours.set(key, (ours.get(key) ?? 0) + p.selfValue[i]!);
      }
      for (const [key, v] of referenceSelf(raw)) assertClose(ours.get(key) ?? 0, v, `self of ${key}`);
      // Samples per frame equal the occurrences in \`samples\` (V8's hitCount can disagree slightly, so not that).
      const byId = new Map(raw.nodes.map((n) => [n.id, n]));
      const expectedSamples = new Map<string, number>();
      for (const id of raw.samples) {
        const cf = byId.get(id)!.callFrame;
        const key = `${cf.functionName}|${cf.url}|${cf.lineNumber}`;
        expectedSamples.set(key, (expectedSamples.get(key) ?? 0) + 1);
      }
      const samplesByFrame = new Map<string, number>();
      for (let i = 0; i < p.nodeCount; i++) {
        const f = p.frames[p.nodeFrame[i]!]!;
        const key = `${f.functionName === '(anonymous)' ? '' : f.functionName}|${f.url}|${f.line - 1}`;
        if (p.selfSamples[i]! > 0) samplesByFrame.set(key, (samplesByFrame.get(key) ?? 0) + p.selfSamples[i]!);
      }
      assert.deepEqual(new Map([...samplesByFrame].sort()), new Map([...expectedSamples].sort()));
    });

    it(`${name}: line tables come from positionTicks with 1-based lines`, () => {
      const bytes = readFixture(name);
      const raw = JSON.parse(bytes.toString('utf8')) as RawCpu;
      const p = parseProfile(bytes);
      // The heaviest node with several ticked lines whose frame occurs on no other node: its line
      // entries are exactly its ticked lines.
      const frameKey = (n: RawCpu['nodes'][number]): string => JSON.stringify(n.callFrame);
      const occurrences = new Map<string, number>();
      for (const n of raw.nodes) occurrences.set(frameKey(n), (occurrences.get(frameKey(n)) ?? 0) + 1);
      const ticked = raw.nodes
        .filter((n) => n.positionTicks && n.positionTicks.length > 1 && occurrences.get(frameKey(n)) === 1)
        .sort((a, b) => (b.hitCount ?? 0) - (a.hitCount ?? 0))[0]!;
      const frameIdx = p.frames.findIndex((f) => f.url === ticked.callFrame.url && f.line === ticked.callFrame.lineNumber + 1 && f.column === ticked.callFrame.columnNumber + 1 && (f.functionName === ticked.callFrame.functionName || (ticked.callFrame.functionName === '' && f.functionName === '(anonymous)')));
      assert.ok(frameIdx >= 0, 'frame of the heaviest ticked node');
      const candidates = [...Array(p.nodeCount).keys()].filter((i) => p.nodeFrame[i] === frameIdx);
      assert.equal(candidates.length, 1);
      const node = candidates[0]!;
      const lines = [...p.lineNumber.subarray(p.lineStart[node], p.lineStart[node + 1])];
      const expected = [...new Set(ticked.positionTicks!.map((t) => t.line))].sort((a, b) => a - b);
      assert.deepEqual(lines, expected);
      // Proportional: the share of each line is its share of ticks.
      const totalTicks = ticked.positionTicks!.reduce((a, t) => a + t.ticks, 0);
      for (const t of ticked.positionTicks!) {
        const k = p.lineStart[node]! + lines.indexOf(t.line);
        assertClose(p.lineValue[k]! / p.selfValue[node]!, t.ticks / totalTicks, `share of line ${t.line}`);
      }
    });
  }

  it('does not depend on key order, whitespace or string escapes', () => {
    const bytes = readFixture('small-marked-1000us.cpuprofile');
    const raw = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    // Reverse the key order of every object and pretty-print with tabs and CRLF.
    const reorder = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reorder);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
      return v;
    };
    const text = JSON.stringify(reorder(raw), null, '\t').replace(/\n/g, '\r\n');
    // Escape every '/' in urls and give one function a non-ASCII, quoted, escaped name.
    const nodes = (raw as unknown as RawCpu).nodes;
    const renamedId = nodes.find((n) => n.callFrame.functionName !== '' && !n.callFrame.functionName.startsWith('('))!.callFrame.functionName;
    const exotic = 'héllo "wörld" \u2603 \\ end';
    const mangled = text.split(`"functionName": "${renamedId}"`).join(`"functionName": ${JSON.stringify(exotic).replace(/é/g, '\\u00e9')}`).replace(/"url": "([^"]*)"/g, (_m, u: string) => `"url": "${u.replace(/\//g, '\\/')}"`);
    const a = parseProfile(bytes);
    const b = parseProfile(Buffer.from(mangled, 'utf8'));
    assertProfileInvariants(b);
    assert.equal(b.nodeCount, a.nodeCount);
    assert.deepEqual([...b.selfValue], [...a.selfValue]);
    assert.deepEqual([...b.nodeParent], [...a.nodeParent]);
    assert.deepEqual([...b.lineNumber], [...a.lineNumber]);
    assert.deepEqual(b.frames.map((f) => f.url), a.frames.map((f) => f.url));
    assert.deepEqual(
      b.frames.map((f) => f.functionName),
      a.frames.map((f) => (f.functionName === renamedId ? exotic : f.functionName)),
    );
  });

  it('gzip-compressed input decompresses to the same model', () => {
    const bytes = readFixture('small-webpack-1000us.cpuprofile');
    const gz = gzipSync(bytes);
    assert.notDeepEqual(gz.subarray(0, 2), bytes.subarray(0, 2));
    const a = parseProfile(bytes);
    const b = parseProfile(maybeGunzip(gz));
    assert.equal(maybeGunzip(bytes), bytes, 'plain input passes through untouched');
    assert.deepEqual([...b.selfValue], [...a.selfValue]);
    assert.deepEqual([...b.nodeFrame], [...a.nodeFrame]);
    assert.deepEqual(b.frames, a.frames);
    assert.deepEqual([...b.lineValue], [...a.lineValue]);
    assert.throws(() => parseProfile(gz), { name: 'ProfileError', code: 'unknown-format' }, 'compressed bytes straight to parseProfile say so');
  });

  it('nodes linked by "parent" instead of "children" (as in Chrome trace profile chunks) give the same tree', () => {
    const bytes = readFixture('small-marked-1000us.cpuprofile');
    const raw = JSON.parse(bytes.toString('utf8')) as RawCpu;
    const parentOf = new Map<number, number>();
    for (const n of raw.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
    const nodes = raw.nodes.map(({ children: _children, ...n }) => (parentOf.has(n.id) ? { ...n, parent: parentOf.get(n.id) } : n));
    const a = parseProfile(bytes);
    const b = parseProfile(Buffer.from(JSON.stringify({ ...raw, nodes })));
    assertProfileInvariants(b);
    assert.deepEqual([...b.nodeParent], [...a.nodeParent]);
    assert.deepEqual([...b.selfValue], [...a.selfValue]);
  });

  it('the legacy "head" CPU format (v8-profiler-next\'s default, Chrome before 57) reads as its flat twin: a real profile rewritten nested', () => {
    // small-marked as Chrome's old format would hold it: nested under head, 1-based lines and
    // columns, positionTicks, absolute timestamps, start and end in (fractional) seconds.
    const flat = JSON.parse(readFixture('small-marked-1000us.cpuprofile').toString('utf8')) as {
      nodes: { id: number; callFrame: { functionName: string; url: string; scriptId: string; lineNumber: number; columnNumber: number }; hitCount?: number; children?: number[]; positionTicks?: { line: number; ticks: number }[] }[];
      startTime: number;
      endTime: number;
      samples: number[];
      timeDeltas: number[];
    };
    const byId = new Map(flat.nodes.map((n) => [n.id, n]));
    type Legacy = { functionName: string; url: string; scriptId: number; lineNumber: number; columnNumber: number; id: number; hitCount: number; children: Legacy[]; positionTicks?: { line: number; ticks: number }[] };
    const nest = (id: number): Legacy => {
      const n = byId.get(id)!;
      const out: Legacy = { functionName: n.callFrame.functionName, url: n.callFrame.url, scriptId: Number(n.callFrame.scriptId), lineNumber: n.callFrame.lineNumber + 1, columnNumber: n.callFrame.columnNumber + 1, id, hitCount: n.hitCount ?? 0, children: [] };
      if (n.positionTicks) out.positionTicks = n.positionTicks;
      // Iteratively would be kinder, but the fixture is shallow enough for a test.
      out.children = (n.children ?? []).map(nest);
      return out;
    };
    let t = flat.startTime;
    const timestamps = flat.timeDeltas.map((d) => (t += d));
    const legacy = { typeId: 'CPU', uid: '1', title: 'p', head: nest(flat.nodes[0]!.id), startTime: flat.startTime / 1e6, endTime: flat.endTime / 1e6, samples: flat.samples, timestamps };
    const a = parseProfile(readFixture('small-marked-1000us.cpuprofile'));
    const b = parseProfile(Buffer.from(JSON.stringify(legacy)));
    assert.equal(b.format, 'v8-profiler-next');
    assertProfileInvariants(b);
    assert.deepEqual(b.frames, a.frames);
    assert.deepEqual([...b.nodeParent], [...a.nodeParent]);
    assert.deepEqual([...b.nodeFrame], [...a.nodeFrame]);
    assert.equal(b.sampleCount, a.sampleCount);
    for (let i = 0; i < a.nodeCount; i++) assert.ok(Math.abs(b.selfValue[i]! - a.selfValue[i]!) < 1e-3, `node ${i}: ${b.selfValue[i]} vs ${a.selfValue[i]}`);
    assert.deepEqual(lineTable(b), lineTable(a));
    // The windowed scanner's path (a big file) gets the same.
    assert.deepEqual(parseProfile(Buffer.from(JSON.stringify(legacy)), { objectPathMaxBytes: -1 }), b);
    // A tree deeper than any call stack: walked without recursion.
    // (Written out by hand: JSON.stringify itself recurses.)
    const depth = 200_000;
    const opens = Array.from({ length: depth }, (_, i) => `{"functionName":"f${i + 1}","url":"/x.js","scriptId":1,"lineNumber":1,"columnNumber":1,"id":${i + 1},"hitCount":0,"children":[`).join('');
    const leaf = `{"functionName":"leaf","url":"/x.js","scriptId":1,"lineNumber":3,"columnNumber":1,"id":${depth + 1},"hitCount":1,"children":[]}`;
    const deepText = `{"typeId":"CPU","head":${opens}${leaf}${']}'.repeat(depth)},"startTime":1,"endTime":1.5,"samples":[${depth + 1}],"timestamps":[1100000]}`;
    const deepProfile = parseProfile(Buffer.from(deepText));
    assert.equal(deepProfile.nodeCount, depth + 1);
    assert.equal(deepProfile.sampleCount, 1);
    // Broken ones say what is wrong.
    assert.throws(() => parseProfile(Buffer.from(JSON.stringify({ head: { functionName: 'a', id: 1, hitCount: 0, children: [{ functionName: 'b', id: 1, hitCount: 1, children: [] }] } }))), { name: 'ProfileError', message: /node id 1 appears twice/ });
    // A timestamp short (the samples' times no longer line up): refused, not read from hit counts.
    for (const objectPathMaxBytes of [undefined, -1]) {
      assert.throws(() => parseProfile(Buffer.from(JSON.stringify({ ...legacy, timestamps: timestamps.slice(1) })), objectPathMaxBytes === undefined ? {} : { objectPathMaxBytes }), {
        name: 'ProfileError',
        message: new RegExp(`it has ${flat.samples.length} samples but ${flat.samples.length - 1} timestamps`),
      });
    }
    // Timestamps running backwards: read (nothing is lost), with a note that the timing is corrupt.
    const backwards = parseProfile(Buffer.from(JSON.stringify({ ...legacy, timestamps: [...timestamps].reverse() })));
    assert.equal(backwards.sampleCount, a.sampleCount);
    assert.ok(backwards.notes.some((n) => new RegExp(`^${flat.samples.length - 1} of ${flat.samples.length} samples \\(99\\.8 %\\) are timed before an earlier sample.*timing is corrupt`).test(n)), backwards.notes.join(' | '));
    assert.ok(!a.notes.some((n) => /timed before/.test(n)) && !b.notes.some((n) => /timed before/.test(n)), 'the real profile gets no such note');
  });

  it('negative timeDeltas: a few (as V8 writes now and then) pass quietly; many get a note that the timing is corrupt, on both parse paths', () => {
    const raw = JSON.parse(readFixture('small-marked-1000us.cpuprofile').toString('utf8')) as RawCpu;
    const n = raw.timeDeltas.length;
    // Every sample after a negative delta is timed before the one it follows (if the delta outweighs the previous step).
    const withNegatives = (count: number) => ({ ...raw, timeDeltas: raw.timeDeltas.map((d, i) => (i > 0 && i % Math.floor(n / count) === 0 && count-- > 0 ? -Math.abs(d) - 1 : d)) });
    for (const objectPathMaxBytes of [undefined, -1]) {
      const options = objectPathMaxBytes === undefined ? {} : { objectPathMaxBytes };
      const few = parseProfile(Buffer.from(JSON.stringify(withNegatives(3))), options);
      assert.ok(!few.notes.some((x) => /timed before/.test(x)), few.notes.join(' | '));
      const many = parseProfile(Buffer.from(JSON.stringify(withNegatives(60))), options);
      assertProfileInvariants(many);
      const note = many.notes.find((x) => /timed before an earlier sample/.test(x));
      assert.ok(note, `${objectPathMaxBytes ?? 'object'} path: ${many.notes.join(' | ')}`);
      assert.match(note, new RegExp(`^(\\d+) of ${n} samples`));
      assert.ok(Number(/^(\d+)/.exec(note)![1]) >= 30, note);
    }
  });

  it('without samples, falls back to hitCount × average interval', () => {
    const raw = JSON.parse(readFixture('small-marked-1000us.cpuprofile').toString('utf8')) as RawCpu;
    const stripped: Partial<RawCpu> = { ...raw };
    delete stripped.samples;
    delete stripped.timeDeltas;
    const p = parseProfile(Buffer.from(JSON.stringify(stripped)));
    assertProfileInvariants(p);
    const hits = raw.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
    assert.equal(sum(p.selfSamples), hits);
    assertClose(sum(p.selfValue), raw.endTime - raw.startTime, 'whole span distributed');
    const perHit = (raw.endTime - raw.startTime) / hits;
    for (let i = 0; i < p.nodeCount; i++) assertClose(p.selfValue[i]!, p.selfSamples[i]! * perHit, `node ${i}`);
    assert.ok(p.notes.some((n) => n.includes('hit counts')));
  });

  it('samples that carry no time (every timeDelta 0, one sample, hit counts over 0 µs) are weighed by sample count, on both parse paths', () => {
    const raw = JSON.parse(readFixture('small-marked-1000us.cpuprofile').toString('utf8')) as RawCpu;
    const allZero: RawCpu = { ...raw, timeDeltas: raw.timeDeltas.map(() => 0), endTime: raw.startTime };
    const one: RawCpu = { ...raw, samples: [raw.samples[300]!], timeDeltas: [1000], endTime: raw.startTime + 1000 };
    const hitsOnly: Partial<RawCpu> = { ...raw, endTime: raw.startTime };
    delete hitsOnly.samples;
    delete hitsOnly.timeDeltas;
    const hits = raw.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
    const cases: [string, object, number][] = [
      ['all timeDeltas 0', allZero, raw.samples.length],
      ['one sample', one, 1],
      ['hit counts, endTime = startTime', hitsOnly, hits],
    ];
    for (const [label, json, count] of cases) {
      for (const objectPathMaxBytes of [undefined, -1]) {
        const p = parseProfile(Buffer.from(JSON.stringify(json)), objectPathMaxBytes === undefined ? {} : { objectPathMaxBytes });
        const where = `${label}, ${objectPathMaxBytes ?? 'object'} path`;
        assertProfileInvariants(p);
        assert.equal(p.totalValue[0], count, `${where}: 1 µs per sample`);
        assert.deepEqual(Array.from(p.selfValue), Array.from(p.selfSamples), where);
        assert.ok(p.notes.some((n) => n.startsWith("The profile's samples carry no time (it spans 0 µs)") && n.includes('times here are sample counts')), `${where}: ${p.notes.join(' | ')}`);
        // No per-sample times to draw a timeline or slice a range from.
        assert.equal(p.sampleTimes, undefined, where);
      }
    }
    // Samples with time keep it, and get no such note.
    const timed = parseProfile(readFixture('small-marked-1000us.cpuprofile'));
    assert.ok(!timed.notes.some((n) => n.includes('carry no time')));
    assert.ok(timed.sampleTimes);
  });
});

describe('parseProfile: sampling heap profile', () => {
  const bytes = readFixture('heap-webpack-16k.heapprofile');
  const raw = JSON.parse(bytes.toString('utf8')) as { head: RawHeapNode; samples: { size: number; nodeId: number }[] };
  const walk = (n: RawHeapNode, f: (n: RawHeapNode) => void): void => {
    f(n);
    for (const c of n.children) walk(c, f);
  };

  it('bytes sum to the sum of selfSize; samples counted per node', () => {
    const p = parseProfile(bytes);
    assert.equal(p.kind, 'heap');
    assert.equal(p.unit, 'bytes');
    assert.equal(p.format, 'heapprofile');
    assertProfileInvariants(p);
    let bytesTotal = 0;
    let count = 0;
    const ids = new Set<number>();
    walk(raw.head, (n) => {
      bytesTotal += n.selfSize;
      count++;
      ids.add(n.id);
    });
    assert.equal(p.nodeCount, count);
    assert.equal(sum(p.selfValue), bytesTotal);
    assert.equal(p.totalValue[0], bytesTotal);
    // Samples whose node is not in the tree (V8's own, taken while it wrote the profile) are in
    // no count: sampleCount is what the tree is made of, and the rest are counted apart and noted.
    const inTree = raw.samples.filter((s) => ids.has(s.nodeId)).length;
    assert.equal(sum(p.selfSamples), inTree);
    assert.equal(p.sampleCount, inTree);
    assert.equal((p.uncountedSamples ?? 0) + inTree, raw.samples.length);
    if (inTree < raw.samples.length) assert.ok(p.notes.some((n) => n.includes('not in the tree')));
    // Heap callFrames are 0-based like DevTools: the frames come out 1-based.
    const named = p.frames.find((f) => f.functionName === '#createModuleJob')!;
    assert.equal(named.line, 558 + 1);
    assert.equal(named.column, 18 + 1);
  });

  it('parses without samples to the same tree', () => {
    const withSamples = parseProfile(bytes);
    const p = parseProfile(Buffer.from(JSON.stringify({ head: raw.head })));
    assertProfileInvariants(p);
    assert.deepEqual([...p.selfValue], [...withSamples.selfValue]);
    assert.deepEqual([...p.nodeParent], [...withSamples.nodeParent]);
    assert.equal(sum(p.selfSamples), 0);
    assert.equal(p.sampleCount, 0);
  });

  it('a profile whose sample list is empty (`node --heap-prof` that sampled nothing) is not said to have no sample list', () => {
    const dir = tempDir('flamelens-heap-prof-empty-');
    try {
      // An interval past everything the program allocates: V8 takes no sample.
      const [file] = runNode(['--heap-prof', `--heap-prof-dir=${dir}`, `--heap-prof-interval=${2 ** 30}`, '-e', '0'], dir, dir);
      const bytes = readFileSync(file!);
      assert.deepEqual((JSON.parse(bytes.toString('utf8')) as { samples: unknown }).samples, []);
      for (const objectPathMaxBytes of [undefined, -1]) {
        const p = parseProfile(bytes, objectPathMaxBytes === undefined ? {} : { objectPathMaxBytes });
        assert.equal(p.kind, 'heap');
        assert.equal(p.sampleCount, 0);
        assert.deepEqual(p.notes, [], `objectPathMaxBytes ${objectPathMaxBytes}`);
      }
    } finally {
      removeDir(dir);
    }
  });
});

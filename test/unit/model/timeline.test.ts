// The timeline series and time slices on the real fixtures, each checked against a plain
// recomputation from the raw JSON's samples and timeDeltas (not from the arrays under test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { functionTable } from '../../../src/model/tables';
import { nodeLanes, timelineLanes, timelineSeries } from '../../../src/model/timeline';
import { sampleSpan, sliceProfile } from '../../../src/model/time-slice';
import { applyViewOptions } from '../../../src/model/view';
import { defaultViewOptions } from '../../../src/protocol';
import { HotLineIndex } from '../../../src/editor/hotlines-model';
import { initMessage } from '../../../src/webview-page/payload';
import type { Profile } from '../../../src/model/types';
import { assertClose, assertProfileInvariants, readFixture, sum } from '../../support/model-helpers';

const cpuNames = ['small-marked-1000us.cpuprofile', 'small-webpack-1000us.cpuprofile'];
const heapName = 'heap-webpack-16k.heapprofile';

interface RawCpu {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Per sample of the raw JSON: [start, end) on the monotonic clock and the sampled node's function. */
function rawIntervals(raw: RawCpu): { start: number; end: number; fn: string; url: string }[] {
  const byId = new Map(raw.nodes.map((n) => [n.id, n.callFrame]));
  const out: { start: number; end: number; fn: string; url: string }[] = [];
  let ts = raw.startTime;
  let clock = -Infinity;
  const starts = raw.timeDeltas.map((d) => ((ts += d), (clock = Math.max(clock, ts))));
  raw.samples.forEach((id, i) => {
    const cf = byId.get(id)!;
    const end = i + 1 < starts.length ? starts[i + 1]! : Math.max(raw.endTime, starts[i]!);
    out.push({ start: starts[i]!, end, fn: cf.functionName || '(anonymous)', url: cf.url });
  });
  return out;
}

/** Self value per function (name + url) of a profile. */
function selfByFunction(p: Profile): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of functionTable(p)) {
    const f = p.frames[row.frame]!;
    const key = `${f.functionName}\u0000${f.url}`;
    out.set(key, (out.get(key) ?? 0) + row.self);
  }
  return out;
}

function assertSameFunctions(a: Map<string, number>, b: Map<string, number>, what: string): void {
  for (const [k, v] of a) if (v > 1e-3 || (b.get(k) ?? 0) > 1e-3) assertClose(b.get(k) ?? 0, v, `${what}: ${k.replace('\u0000', ' ')}`);
  for (const [k, v] of b) if (v > 1e-3) assert.ok(a.has(k), `${what}: ${k} only on one side`);
}

describe('per-sample data kept by the importers', () => {
  for (const name of cpuNames) {
    it(`${name}: one node and one never-decreasing time per sample, agreeing with selfSamples`, () => {
      const p = parseProfile(readFixture(name));
      const raw = JSON.parse(readFixture(name).toString('utf8')) as RawCpu;
      assert.equal(p.sampleNodes?.length, raw.samples.length);
      assert.equal(p.sampleTimes?.length, raw.samples.length);
      const counts = new Float64Array(p.nodeCount);
      for (const k of p.sampleNodes!) counts[k]!++;
      assert.deepEqual([...counts], [...p.selfSamples]);
      for (let i = 1; i < p.sampleTimes!.length; i++) assert.ok(p.sampleTimes![i]! >= p.sampleTimes![i - 1]!, `time ${i} goes back`);
    });
  }
  it(`${heapName}: samples in allocation order with their sizes`, () => {
    const p = parseProfile(readFixture(heapName));
    assert.equal(p.sampleValues?.length, p.sampleNodes?.length);
    assert.ok(p.sampleNodes!.length > 900);
    const raw = JSON.parse(readFixture(heapName).toString('utf8')) as { samples: { size: number; ordinal: number }[] };
    const bySize = [...raw.samples].sort((a, b) => a.ordinal - b.ordinal);
    // The first samples in allocation order (orphans aside, which are few) come first.
    assert.equal(p.sampleValues![0], bySize[0]!.size);
  });
});

describe('timelineSeries', () => {
  for (const name of cpuNames) {
    it(`${name}: the buckets add up to the profile, and each lane to its functions' self time`, () => {
      const p = parseProfile(readFixture(name));
      const series = timelineSeries(p)!;
      assert.equal(series.axis, 'time');
      assert.ok(series.buckets <= 2000 && series.buckets > 100);
      assert.deepEqual(series.lanes, [...timelineLanes]);
      const laneSums = series.values.map((v) => sum(v));
      assertClose(sum(laneSums), p.totalValue[0]!, 'buckets sum to the total');
      // Lanes recomputed from the frames: nearest non-native frame's category.
      const lanes = nodeLanes(p);
      const expected = timelineLanes.map(() => 0);
      for (let i = 0; i < p.nodeCount; i++) expected[lanes[i]!]! += p.selfValue[i]!;
      expected.forEach((v, lane) => assertClose(laneSums[lane]!, v, `lane ${timelineLanes[lane]}`));
      for (const v of series.values) for (const x of v) assert.ok(Number.isFinite(x) && x >= 0);
    });
  }

  it('categories on the webpack fixture: webpack is node_modules, GC and (program) have their lanes', () => {
    const p = parseProfile(readFixture('small-webpack-1000us.cpuprofile'));
    const raw = JSON.parse(readFixture('small-webpack-1000us.cpuprofile').toString('utf8')) as RawCpu;
    const iv = rawIntervals(raw);
    const time = (pred: (s: { fn: string; url: string }) => boolean) => sum(iv.filter(pred).map((s) => s.end - s.start));
    const series = timelineSeries(p)!;
    const lane = (l: string) => sum(series.values[series.lanes.indexOf(l as never)]!);
    assertClose(lane('gc'), time((s) => s.fn === '(garbage collector)'), 'gc');
    assertClose(lane('idle'), time((s) => s.fn === '(program)' || s.fn === '(idle)' || s.fn === '(root)'), 'idle');
    // Samples in a node_modules file count there (native leaves add to it through their callers).
    assert.ok(lane('node_modules') >= time((s) => s.url.includes('/node_modules/')) - 1e-6);
    assert.ok(lane('node_modules') > lane('user'), 'webpack runs in node_modules');
  });

  it(`${heapName}: one bucket per sample at most; the buckets add up to the samples' bytes`, () => {
    const p = parseProfile(readFixture(heapName));
    const series = timelineSeries(p)!;
    assert.equal(series.axis, 'order');
    assert.equal(series.unit, 'bytes');
    assert.equal(series.buckets, p.sampleNodes!.length);
    assertClose(sum(series.values.map((v) => sum(v))), sum(p.sampleValues!), 'bytes');
  });

  it('is undefined for a profile without per-sample data (a transformed view)', () => {
    const p = parseProfile(readFixture(cpuNames[0]!));
    assert.equal(timelineSeries(applyViewOptions(p, { ...defaultViewOptions, hideMeta: true })), undefined);
  });
});

describe('sliceProfile', () => {
  for (const name of cpuNames) {
    const p = parseProfile(readFixture(name));
    const span = sampleSpan(p)!;
    const raw = JSON.parse(readFixture(name).toString('utf8')) as RawCpu;
    const iv = rawIntervals(raw);

    it(`${name}: [start, end) is the whole profile`, () => {
      const whole = sliceProfile(p, span.start, span.end);
      assertProfileInvariants(whole);
      assertClose(whole.totalValue[0]!, p.totalValue[0]!, 'total');
      assertSameFunctions(selfByFunction(p), selfByFunction(whole), 'whole');
    });

    it(`${name}: self times over a slice are the parts of the samples' intervals inside it`, () => {
      for (const [a, b] of [[0.3, 0.6], [0, 0.1], [0.95, 1], [0.5, 0.5001]] as const) {
        const from = span.start + (span.end - span.start) * a;
        const to = span.start + (span.end - span.start) * b;
        const slice = sliceProfile(p, from, to);
        assertProfileInvariants(slice);
        const expected = new Map<string, number>();
        for (const s of iv) {
          const part = Math.min(s.end, to) - Math.max(s.start, from);
          if (part > 0) expected.set(`${s.fn}\u0000${s.url}`, (expected.get(`${s.fn}\u0000${s.url}`) ?? 0) + part);
        }
        assertSameFunctions(expected, selfByFunction(slice), `[${a}, ${b})`);
        assertClose(slice.totalValue[0]!, to - from, 'the slice lasts its range');
        assert.equal(slice.startTime, from);
        assert.equal(slice.endTime, to);
      }
    });

    it(`${name}: two adjacent slices add up to their union, and a slice of a slice is the narrower slice`, () => {
      const at = (f: number) => span.start + (span.end - span.start) * f;
      const left = selfByFunction(sliceProfile(p, at(0.2), at(0.45)));
      const right = selfByFunction(sliceProfile(p, at(0.45), at(0.7)));
      for (const [k, v] of right) left.set(k, (left.get(k) ?? 0) + v);
      assertSameFunctions(selfByFunction(sliceProfile(p, at(0.2), at(0.7))), left, 'union');
      const nested = sliceProfile(sliceProfile(p, at(0.2), at(0.7)), at(0.3), at(0.5));
      assertSameFunctions(selfByFunction(sliceProfile(p, at(0.3), at(0.5))), selfByFunction(nested), 'nested');
      // Every view works on a slice: filters and the bottom-up tree.
      assertProfileInvariants(applyViewOptions(nested, { ...defaultViewOptions, hideNodeModules: true, invert: true }));
    });
  }

  it(`${heapName}: a slice holds the bytes of the samples in its range of allocation order, each node's at its selfSize`, () => {
    const p = parseProfile(readFixture(heapName));
    const n = p.sampleNodes!.length;
    // From the file itself: each node's selfSize, and its samples' sizes in allocation order.
    type RawHeapNode = { id: number; selfSize: number; children?: RawHeapNode[] };
    const raw = JSON.parse(readFixture(heapName).toString('utf8')) as { head: RawHeapNode; samples: { size: number; nodeId: number; ordinal: number }[] };
    const selfSize = new Map<number, number>();
    const visit = (node: RawHeapNode): void => {
      selfSize.set(node.id, node.selfSize);
      node.children?.forEach(visit);
    };
    visit(raw.head);
    const ordered = [...raw.samples].sort((a, b) => a.ordinal - b.ordinal);
    const bytesOf = (samples: typeof ordered) => {
      const m = new Map<number, number>();
      for (const s of samples) m.set(s.nodeId, (m.get(s.nodeId) ?? 0) + s.size);
      return m;
    };
    const all = bytesOf(ordered);
    // V8 rounds a node's scaled count once and each sample's on its own: some nodes' samples do not add up to their selfSize.
    assert.ok([...all].some(([id, b]) => b !== selfSize.get(id)), 'the fixture has nodes whose samples miss their selfSize');
    let expected = 0;
    for (const [id, b] of bytesOf(ordered.slice(100, 400))) expected += Math.round((b * selfSize.get(id)!) / all.get(id)!);

    const slice = sliceProfile(p, 100, 400);
    assertProfileInvariants(slice);
    assert.equal(slice.totalValue[0], expected, 'bytes');
    assert.equal(slice.sampleCount, 300);
    // The whole range is the unselected profile to the byte (before, 1,568 B short: the samples' sum).
    const whole = sliceProfile(p, 0, n);
    assert.equal(whole.totalValue[0], sum([...selfSize.values()]));
    assert.equal(whole.totalValue[0], p.totalValue[0]);
    assert.deepEqual(selfByFunction(whole), selfByFunction(p));
    // A slice of a slice is the narrower slice, within a byte per node of rounding.
    const nested = sliceProfile(sliceProfile(p, 50, 600), 100, 400);
    assert.ok(Math.abs(nested.totalValue[0]! - expected) <= slice.nodeCount, `nested ${nested.totalValue[0]} vs ${expected}`);
  });
});

describe('the host side of the timeline', () => {
  const p = parseProfile(readFixture('small-webpack-1000us.cpuprofile'));
  const span = sampleSpan(p)!;

  it('init carries the series (a few thousand numbers, never the samples); transformed and diff views carry none', () => {
    const init = initMessage(p, p, 'x', defaultViewOptions);
    assert.equal(init.type, 'init');
    const timeline = init.type === 'init' ? init.timeline : undefined;
    assert.ok(timeline, 'a CPU profile with samples has a timeline');
    assert.ok(JSON.stringify(timeline).length < 200_000);
    assert.equal(JSON.stringify(init).includes('sampleNodes'), false);
    const filtered = applyViewOptions(p, { ...defaultViewOptions, hideMeta: true });
    const other = initMessage(filtered, filtered, 'x', defaultViewOptions);
    assert.equal(other.type === 'init' ? other.timeline : 'wrong', undefined);
  });

  it('hot lines of a slice: the lines of the range only, as shares of the range', () => {
    const slice = sliceProfile(p, span.start, span.start + (span.end - span.start) / 4);
    const whole = new HotLineIndex(p);
    const part = new HotLineIndex(slice);
    assertClose(part.total, slice.totalValue[0]!, 'total of the range');
    // Every file's line values in the slice are at most the whole profile's.
    let lines = 0;
    for (const file of part.filePaths()) {
      const full = new Map(whole.linesFor(file, { thresholdPercent: 0 }).map((l) => [l.line, l.self]));
      for (const l of part.linesFor(file, { thresholdPercent: 0 })) {
        assert.ok(l.self <= (full.get(l.line) ?? 0) * (1 + 1e-9) + 1e-6, `${file}:${l.line}`);
        lines++;
      }
    }
    assert.ok(lines > 10);
    assert.ok(part.filePaths().length <= whole.filePaths().length);
  });
});

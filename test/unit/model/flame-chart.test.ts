// The flame chart layout on the real fixtures, checked against a brute-force walk of the samples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flameChart } from '../../../src/model/flame-chart';
import { parseProfile } from '../../../src/model/import';
import { sampleSpan } from '../../../src/model/time-slice';
import type { Profile } from '../../../src/model/types';
import { assertClose, readFixture } from '../../support/model-helpers';

/** Time each node was on the stack within [from, to), straight from the samples. */
function onStack(p: Profile, from: number, to: number): Float64Array {
  const out = new Float64Array(p.nodeCount);
  const times = p.sampleTimes!;
  const nodes = p.sampleNodes!;
  for (let i = 0; i < nodes.length; i++) {
    const part = Math.min(i + 1 < nodes.length ? times[i + 1]! : p.endTime, to) - Math.max(times[i]!, from);
    if (part > 0) for (let n = nodes[i]!; n > 0; n = p.nodeParent[n]!) out[n]! += part;
  }
  return out;
}

describe('flameChart', () => {
  for (const name of ['small-marked-1000us.cpuprofile', 'small-webpack-1000us.cpuprofile']) {
    const p = parseProfile(readFixture(name));
    const span = sampleSpan(p)!;
    for (const [a, b] of [[0, 1], [0.25, 0.4]] as const) {
      const from = span.start + (span.end - span.start) * a;
      const to = span.start + (span.end - span.start) * b;
      it(`${name} [${a}, ${b}): each node's rectangles add up to its time on the stack; callees sit inside their caller`, () => {
        const chart = flameChart(p, from, to)!;
        assert.ok(chart.count > 10);
        const widths = new Float64Array(p.nodeCount);
        for (let k = 0; k < chart.count; k++) {
          assert.ok(chart.to[k]! > chart.from[k]! && chart.from[k]! >= from && chart.to[k]! <= to);
          widths[chart.node[k]!]! += chart.to[k]! - chart.from[k]!;
        }
        const expected = onStack(p, from, to);
        for (let n = 1; n < p.nodeCount; n++) assertClose(widths[n]!, expected[n]!, `node ${n}`);
        // Parents first at equal starts; every callee inside a rectangle of its caller one level up.
        const byDepth = new Map<number, number[]>();
        for (let k = 0; k < chart.count; k++) byDepth.set(chart.depth[k]!, [...(byDepth.get(chart.depth[k]!) ?? []), k]);
        for (let k = 0; k < chart.count; k++) {
          const d = chart.depth[k]!;
          if (d === 0) {
            assert.equal(p.nodeParent[chart.node[k]!], 0);
            continue;
          }
          const parent = (byDepth.get(d - 1) ?? []).find((j) => chart.from[j]! <= chart.from[k]! && chart.to[j]! >= chart.to[k]!);
          assert.ok(parent !== undefined, `rectangle ${k} has a caller around it`);
          assert.equal(chart.node[parent], p.nodeParent[chart.node[k]!]);
        }
        // Calls that ran on are one rectangle: no two touching rectangles of one node on a level.
        for (const ks of byDepth.values()) {
          const sorted = [...ks].sort((x, y) => chart.from[x]! - chart.from[y]!);
          for (let i = 1; i < sorted.length; i++) {
            const [x, y] = [sorted[i - 1]!, sorted[i]!];
            assert.ok(chart.to[x]! <= chart.from[y]!, 'no overlap on a level');
            assert.ok(!(chart.to[x] === chart.from[y] && chart.node[x] === chart.node[y]), 'merged');
          }
        }
      });
    }
    it(`${name}: minWidth leaves out what is narrower than a pixel`, () => {
      const all = flameChart(p, span.start, span.end)!;
      const width = (span.end - span.start) / 800;
      const some = flameChart(p, span.start, span.end, width)!;
      assert.ok(some.count < all.count);
      for (let k = 0; k < some.count; k++) assert.ok(some.to[k]! - some.from[k]! >= width);
    });
  }
  it('is undefined for a heap profile (no times)', () => {
    assert.equal(flameChart(parseProfile(readFixture('heap-webpack-16k.heapprofile')), 0, 100), undefined);
  });
});

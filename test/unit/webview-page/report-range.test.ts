// The standalone report's range data (src/webview-page/report-range.ts) added up the way the page
// does it (webview/report-range.ts), on real profiles: all buckets give back the tree and table the
// report embeds, and a range on bucket edges gives the function table the extension host's real
// slice gives (sliceProfile + the host's payload) — up to the whole-µs rounding of the embedded data.
// The same holds for filtered views (hidden node_modules, internals, idle; packages grouped,
// recursion merged; bottom-up): the host slices, then filters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { sliceProfile } from '../../../src/model/time-slice';
import type { FlameNode } from '../../../src/model/types';
import { buildInitMessage, reportExtras } from '../../../src/cli/html-report';
import { treeAndTable } from '../../../src/webview-page/payload';
import { applyViewOptions, applyViewOptionsMapped } from '../../../src/model/view';
import { defaultViewOptions, type ViewOptions } from '../../../src/protocol';
import { reportRangeData, type ReportRangeData } from '../../../src/webview-page/report-range';
import { ReportRange } from '../../../webview/report-range';
import { readFixture } from '../../support/model-helpers';

function nodes(root: FlameNode): FlameNode[] {
  const out: FlameNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    stack.push(...(n.children ?? []));
  }
  return out;
}

/** Rounding: each bucket's value is whole µs, so a sum over k buckets is off by at most k/2. */
const near = (a: number, b: number, buckets: number, what: string) => assert.ok(Math.abs(a - b) <= buckets / 2 + 1e-6, `${what}: ${a} vs ${b}`);

const filtered: [string, Partial<ViewOptions>][] = [
  ['unfiltered', {}],
  ['node_modules hidden', { hideNodeModules: true }],
  ['internals and idle hidden', { hideInternals: true, hideMeta: true }],
  ['packages grouped, recursion merged', { groupByPackage: true, mergeRecursion: true }],
  ['bottom-up, node_modules hidden', { hideNodeModules: true, invert: true }],
];

describe('report range data', () => {
  for (const [file, view] of [
    ['small-webpack-1000us.cpuprofile', 'unfiltered'],
    ['small-marked-1000us.cpuprofile', 'unfiltered'],
    ...filtered.slice(1).map(([label]) => ['small-webpack-1000us.cpuprofile', label] as const),
  ] as const) {
    const options: ViewOptions = { ...defaultViewOptions, ...filtered.find(([label]) => label === view)![1] };
    const p = parseProfile(readFixture(file));
    const name = `${file} (${view})`;
    const init = buildInitMessage(p, name, options);
    const data = reportExtras(p, init, options).range as ReportRangeData;
    const range = ReportRange.from(init, data)!;

    it(`${name}: all buckets add up to the embedded tree and table`, () => {
      assert.ok(range, 'the page accepts the data');
      const whole = range.scoped({ from: data.start, to: data.end });
      const value = new Map(nodes(whole.tree.root).map((n) => [n.id, n.value]));
      for (const n of nodes(init.tree.root)) if (n.value >= 1) near(value.get(n.id) ?? 0, n.value, data.buckets, `node ${n.id} ${n.name}`);
      assert.equal(whole.table.rows.length, init.table.rows.filter((r) => r.total >= 1 || r.self >= 1).length);
      const byFrame = new Map(whole.table.rows.map((r) => [r.frame, r]));
      for (const r of init.table.rows) {
        const got = byFrame.get(r.frame);
        if (!got) continue;
        near(got.self, r.self, data.buckets, `self of ${init.table.frames[r.frame]!.name}`);
        near(got.total, r.total, data.buckets, `total of ${init.table.frames[r.frame]!.name}`);
      }
    });

    for (const [a, b] of [[10, 35], [50, 51], [0, 100]] as const) {
      it(`${name}: buckets [${a}, ${b}) give the host's sliced function table; nodes not in the range are left out`, () => {
        const w = (data.end - data.start) / data.buckets;
        const from = data.start + a * w;
        const to = b === data.buckets ? data.end : data.start + b * w;
        // A drag that ends a little inside the edges rounds to the same buckets.
        const scoped = range.scoped({ from: from + w * 0.3, to: to - w * 0.3 });
        assert.deepEqual(range.buckets({ from: from + w * 0.3, to: to - w * 0.3 }), [a, b]);
        const sliced = applyViewOptions(sliceProfile(p, from, to), options);
        const host = treeAndTable(sliced).table;
        const want = new Map(host.rows.map((r) => [JSON.stringify(host.frames[r.frame]), r]));
        let compared = 0;
        for (const r of scoped.table.rows) {
          const h = want.get(JSON.stringify(scoped.table.frames[r.frame]));
          if (!h) continue;
          near(r.self, h.self, b - a, `self of ${scoped.table.frames[r.frame]!.name}`);
          near(r.total, h.total, b - a, `total of ${scoped.table.frames[r.frame]!.name}`);
          compared++;
        }
        assert.ok(compared >= Math.min(20, scoped.table.rows.length), `${compared} rows compared`);
        // The root is the range's time; each node's self is what its drawn children leave.
        near(scoped.tree.root.value, sliced.totalValue[0]!, b - a, 'root');
        assert.equal(scoped.tree.total, scoped.tree.root.value);
        for (const n of nodes(scoped.tree.root)) {
          assert.ok(Number.isFinite(n.value) && n.value > 0 && n.self >= 0, `${n.id} ${n.name} ${n.value} ${n.self}`);
          const kids = (n.children ?? []).reduce((s, c) => s + c.value, 0);
          assert.ok(Math.abs(n.value - n.self - kids) < 1e-6);
        }
        if (b - a < data.buckets) assert.ok(nodes(scoped.tree.root).length < nodes(init.tree.root).length);
      });
    }
  }

  it('none for a heap profile, or a filtered view of one', () => {
    const heap = parseProfile(readFixture('heap-webpack-16k.heapprofile'));
    const init = buildInitMessage(heap, 'heap');
    assert.equal(reportRangeData(heap, init.tree, init.table), undefined);
    const options = { ...defaultViewOptions, hideNodeModules: true };
    const filtered = buildInitMessage(heap, 'filtered', options);
    assert.equal(reportRangeData(heap, filtered.tree, filtered.table, applyViewOptionsMapped(heap, options)), undefined);
  });

  it('the filters\' node map: each node\'s self lands on the view node that holds it (values add up exactly)', () => {
    const p = parseProfile(readFixture('small-webpack-1000us.cpuprofile'));
    for (const [label, o] of filtered) {
      const options = { ...defaultViewOptions, ...o };
      const { view, nodeMap } = applyViewOptionsMapped(p, options);
      // The same view as applyViewOptions (the report's tree ids are its node indexes).
      const plain = applyViewOptions(p, options);
      assert.deepEqual([view.nodeCount, [...view.nodeFrame], [...view.selfValue]], [plain.nodeCount, [...plain.nodeFrame], [...plain.selfValue]], label);
      const self = new Float64Array(view.nodeCount);
      let dropped = 0;
      for (let i = 0; i < p.nodeCount; i++) {
        if (nodeMap[i]! >= 0) self[nodeMap[i]!]! += p.selfValue[i]!;
        else dropped += p.selfValue[i]!;
      }
      for (let v = 0; v < view.nodeCount; v++) assert.ok(Math.abs(self[v]! - view.selfValue[v]!) < 1e-6, `${label}: node ${v}`);
      assert.ok(options.hideMeta ? dropped > 0 : dropped === 0, `${label}: dropped ${dropped}`);
    }
  });
});

// The standalone report's search data (src/webview-page/report-search.ts) read the way the page
// reads it (webview/report-search.ts), on real profiles pruned hard (as a large profile's tree is to
// 16,000 nodes): the share of any term equals searchShare over the whole view (src/model/search.ts),
// for filtered and bottom-up views too; with blocks left out it is a lower bound and says so; a
// range-scoped tree (no data for its folded frames) is a bound too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportExtras } from '../../../src/cli/html-report';
import { parseProfile } from '../../../src/model/import';
import { searchShare } from '../../../src/model/search';
import type { FlameNode } from '../../../src/model/types';
import { applyViewOptions } from '../../../src/model/view';
import { defaultViewOptions, type ViewOptions } from '../../../src/protocol';
import type { InitMessage } from '../../../src/webview-page/html';
import { initMessage } from '../../../src/webview-page/payload';
import { reportSearchData, searchDigits } from '../../../src/webview-page/report-search';
import { ReportSearch } from '../../../webview/report-search';
import { readFixture } from '../../support/model-helpers';

const views: [string, Partial<ViewOptions>][] = [
  ['unfiltered', {}],
  ['node_modules hidden', { hideNodeModules: true }],
  ['recursion merged, packages grouped', { mergeRecursion: true, groupByPackage: true }],
  ['bottom-up', { invert: true }],
];

/** Terms: a few substrings many names hold, and every function's own name (any case). */
function termsOf(names: string[]): string[] {
  return ['a', 'e', 'parse', 'resolve', 'walk', 'module', 'call', '(', 'zzz-none', ...names.slice(0, 400).map((n, i) => (i % 2 ? n.toUpperCase() : ` ${n} `))];
}

describe('report search data', () => {
  for (const name of ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
    for (const [label, partial] of views) {
      it(`${name}, ${label}: the page's share equals searchShare on a tree pruned to a fifth of its nodes (200 at most)`, () => {
        const options = { ...defaultViewOptions, ...partial };
        const profile = parseProfile(readFixture(name));
        const view = applyViewOptions(profile, options);
        const init = initMessage(profile, view, 't', options, Math.min(200, Math.ceil(view.nodeCount / 5))) as InitMessage;
        const data = reportExtras(profile, init, options).search as ReturnType<typeof reportSearchData>;
        assert.ok(data, 'embedded: the tree folded frames');
        assert.ok([...data.nodes].every((c) => searchDigits.includes(c)));
        // Through JSON, as the page reads it.
        const search = ReportSearch.from(JSON.parse(JSON.stringify(data)))!;
        assert.ok(search);
        let differ = 0;
        for (const term of termsOf(view.frames.map((f) => f.functionName))) {
          const want = searchShare(view, term);
          const got = search.share(init.tree.root, term, true, init.table);
          assert.equal(got.folded, undefined, `${term}: exact`);
          assert.ok(Math.abs(got.matchedValue - want.matchedValue) < 1e-6, `${JSON.stringify(term)}: ${got.matchedValue} vs ${want.matchedValue}`);
          assert.equal(got.count === 0, want.count === 0, `${term}: match or not`);
          assert.equal(got.total, want.total);
          if (Math.abs(drawnShare(init.tree.root, term) - want.matchedValue) > 1e-6) differ++;
        }
        assert.ok(differ >= 2, `${differ} terms whose drawn count is not the share`);
      });
    }
  }

  it('with blocks left out for size, or on a range-scoped tree, the share is a lower bound with the folded frames', () => {
    const profile = parseProfile(readFixture('small-webpack-1000us.cpuprofile'));
    const view = applyViewOptions(profile, defaultViewOptions);
    const init = initMessage(profile, view, 't', defaultViewOptions, 200) as InitMessage;
    const full = reportSearchData(view, init.tree)!;
    const half = reportSearchData(view, init.tree, Math.floor(full.nodes.length / 2))!;
    assert.ok(half.omitted.length > 0 && half.ids.length > 0 && half.nodes.length <= full.nodes.length / 2);
    const none = reportSearchData(view, init.tree, 0)!;
    assert.equal(none.ids.length, 0);
    let exactWithHalf = 0;
    for (const term of termsOf(view.frames.map((f) => f.functionName))) {
      const want = searchShare(view, term).matchedValue;
      for (const data of [half, none]) {
        const got = ReportSearch.from(data)!.share(init.tree.root, term, true, init.table);
        assert.ok(got.matchedValue <= want + 1e-6, `${term}: ${got.matchedValue} ≤ ${want}`);
        assert.ok(got.matchedValue >= drawnShare(init.tree.root, term) - 1e-6);
        if (got.folded === undefined) assert.ok(Math.abs(got.matchedValue - want) < 1e-6, `${term}: exact when it says so`);
        else assert.ok(got.folded > 0);
        if (data === half && got.folded === undefined) exactWithHalf++;
      }
      // A range: the data says nothing of the re-scoped tree's folded frames.
      const ranged = ReportSearch.from(full)!.share(init.tree.root, term, false, init.table);
      assert.ok(ranged.matchedValue <= want + 1e-6);
      if (ranged.folded === undefined) assert.ok(Math.abs(ranged.matchedValue - want) < 1e-6);
    }
    assert.ok(exactWithHalf > 0, 'the heaviest blocks kept answer some terms exactly');
    // No data at all (a report from before, or broken data): the drawn count, as a bound.
    assert.equal(ReportSearch.from({ ...full, nodes: full.nodes.slice(1) }), undefined);
    assert.notEqual(ReportSearch.none().share(init.tree.root, 'parse', true).folded, undefined);
  });

  it('embeds nothing when the tree folded nothing', () => {
    const profile = parseProfile(readFixture('small-marked-1000us.cpuprofile'));
    const init = initMessage(profile, profile, 't', defaultViewOptions) as InitMessage;
    assert.equal(reportExtras(profile, init).search, undefined);
  });
});

function drawnShare(root: FlameNode, term: string): number {
  const needle = term.trim().toLowerCase();
  let sum = 0;
  const stack: FlameNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.id >= 0 && node.name.toLowerCase().includes(needle)) sum += node.value;
    else stack.push(...(node.children ?? []));
  }
  return sum;
}

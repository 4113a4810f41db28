// searchShare (the flame graph's search share over a whole view) on the real fixtures: a name only
// one function has matches that function's Total in the function table (recursion counted once);
// over the whole tree it equals the page's own count, which only sees the tree it was sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFlameTree } from '../../../src/model/flame';
import { parseProfile } from '../../../src/model/import';
import { searchShare } from '../../../src/model/search';
import { functionTable } from '../../../src/model/tables';
import type { FlameNode } from '../../../src/model/types';
import { applyViewOptions } from '../../../src/model/view';
import { defaultViewOptions } from '../../../src/protocol';
import { assertClose, readFixture } from '../../support/model-helpers';

const names = ['small-marked-1000us.cpuprofile', 'small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile'];

/** The page's count (webview/flamegraph.ts applySearch) over a tree. */
function shareInTree(root: FlameNode, term: string): { matchedValue: number; count: number } {
  let matchedValue = 0;
  let count = 0;
  const stack: [FlameNode, boolean][] = [[root, false]];
  while (stack.length) {
    const [node, above] = stack.pop()!;
    const m = node.name.toLowerCase().includes(term);
    if (m) {
      count++;
      if (!above) matchedValue += node.value;
    }
    for (const c of node.children ?? []) stack.push([c, above || m]);
  }
  return { matchedValue, count };
}

describe('searchShare', () => {
  for (const name of names) {
    it(`${name}: a function's own name gives its Total; the whole tree's count agrees; filters and bottom-up too`, () => {
      for (const options of [defaultViewOptions, { ...defaultViewOptions, hideInternals: true }, { ...defaultViewOptions, invert: true }]) {
        const p = applyViewOptions(parseProfile(readFixture(name)), options);
        const lower = p.frames.map((f) => f.functionName.toLowerCase());
        let checked = 0;
        for (const row of functionTable(p).slice(0, 100)) {
          const fn = lower[row.frame]!;
          if (!fn || lower.filter((n) => n.includes(fn)).length !== 1) continue;
          const share = searchShare(p, p.frames[row.frame]!.functionName.toUpperCase());
          assertClose(share.matchedValue, row.total, `${fn}`);
          assert.equal(share.total, p.totalValue[0]);
          checked++;
        }
        assert.ok(checked >= 5, `${checked} functions checked`);
        const whole = toFlameTree(p, { maxNodes: p.nodeCount + 1 }).root;
        for (const term of ['a', 'parse', 'read', 'zzz-no-such-function']) {
          const share = searchShare(p, `  ${term} `);
          const inTree = shareInTree(whole, term);
          assertClose(share.matchedValue, inTree.matchedValue, term);
          assert.equal(share.count, inTree.count, term);
        }
      }
    });
  }
  it('an empty term matches nothing', () => {
    const p = parseProfile(readFixture(names[0]!));
    assert.deepEqual(searchShare(p, '  '), { matchedValue: 0, total: p.totalValue[0], count: 0 });
  });
});

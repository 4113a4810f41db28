// The canvas flame graph's layout (webview/flame-layout.ts) on the host payload of real profiles:
// every node's extent nests in its parent's, rows run left to right, a subtree's slice of a row is
// exactly its descendants there, and the per-row binary search lands every point on the node that
// covers it — which is what makes a click at a frame's drawn rectangle hit that frame.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { initMessage } from '../../../src/webview-page/payload';
import { defaultViewOptions } from '../../../src/protocol';
import { byName, byValueDescending, hitRow, isWithin, layoutTree, rowSlice } from '../../../webview/flame-layout';
import { adoptTree } from '../../../webview/nodes';
import { readFixture } from '../../support/model-helpers';

for (const name of ['small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
  describe(`flame layout: ${name}`, () => {
    const profile = parseProfile(readFixture(name));
    const init = initMessage(profile, profile, name, defaultViewOptions);
    assert.ok(init.type === 'init');
    const root = adoptTree(init.tree);

    for (const [label, order] of [['left-heavy', byValueDescending], ['by name', byName]] as const) {
      it(`${label}: extents nest, rows run left to right, slices are subtrees`, () => {
        const l = layoutTree(root, order);
        const n = l.nodes.length;
        assert.ok(n > 500, `${n} nodes`);
        assert.equal(l.x0[0], 0);
        assert.equal(l.x1[0], 1);
        for (let i = 1; i < n; i++) {
          const p = l.parent[i]!;
          assert.ok(p < i && l.depth[i] === l.depth[p]! + 1);
          assert.ok(l.x0[i]! >= l.x0[p]! - 1e-12 && l.x1[i]! <= l.x1[p]! + 1e-12, `node ${i} inside its parent`);
          assert.ok(Math.abs(l.x1[i]! - l.x0[i]! - l.nodes[i]!.value / root.value) < 1e-9, 'width is the share of the root');
          assert.ok(isWithin(l, i, p) && !isWithin(l, p, i));
        }
        for (const row of l.rows) {
          for (let k = 1; k < row.length; k++) assert.ok(l.x0[row[k]!]! >= l.x1[row[k - 1]!]! - 1e-12, 'no overlap, left to right');
        }
        // Siblings in the requested order.
        for (let i = 0; i < n; i++) {
          const kids = l.rows[l.depth[i]! + 1]?.filter((c) => l.parent[c] === i) ?? [];
          for (let k = 1; k < kids.length; k++) assert.ok(order(l.nodes[kids[k - 1]!]!, l.nodes[kids[k]!]!) <= 0);
        }
        // A subtree's slice of each row is exactly its descendants at that depth.
        for (const top of [0, 1, l.rows[3]?.[0] ?? 0]) {
          for (let d = l.depth[top]!; d < l.rows.length; d++) {
            const [from, to] = rowSlice(l, d, top);
            const brute = [...l.rows[d]!].filter((i) => isWithin(l, i, top));
            assert.deepEqual([...l.rows[d]!.slice(from, to)], brute);
          }
        }
      });

      it(`${label}: the per-row binary search hits the node under every frame's centre and edges`, () => {
        const l = layoutTree(root, order);
        for (let i = 0; i < l.nodes.length; i++) {
          const w = l.x1[i]! - l.x0[i]!;
          if (w <= 0) continue;
          for (const x of [l.x0[i]!, l.x0[i]! + w / 2, l.x1[i]! - w * 1e-6]) assert.equal(hitRow(l, l.depth[i]!, 0, x), i, `node ${i} at ${x}`);
          // Restricted to a subtree the node is outside of, the search finds nothing there.
          const p = l.parent[i]!;
          if (p > 0) {
            const sibling = l.rows[l.depth[p]!]!.find((s) => s !== p && l.x1[s]! > l.x0[s]!);
            if (sibling !== undefined) assert.equal(hitRow(l, l.depth[i]!, sibling, l.x0[i]! + w / 2), -1);
          }
        }
        assert.equal(hitRow(l, 0, 0, 1), -1, 'right of the root is nothing');
        assert.equal(hitRow(l, l.rows.length, 0, 0.5), -1, 'above the deepest row is nothing');
      });
    }
  });
}

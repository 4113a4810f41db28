// toFlameTree, bottomUp, functionTable and lineTable on the real fixtures, each checked against
// a plain recomputation from the Profile arrays.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bottomUp } from '../../../src/model/bottom-up';
import { ProfileBuilder, copyValues } from '../../../src/model/builder';
import { toFlameTree } from '../../../src/model/flame';
import { parseProfile } from '../../../src/model/import';
import { functionTable, lineTable } from '../../../src/model/tables';
import type { FlameNode, Profile } from '../../../src/model/types';
import { assertClose, assertProfileInvariants, readFixture, sum } from '../../support/model-helpers';

const names = ['small-marked-1000us.cpuprofile', 'small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile'];
const profiles = new Map<string, Profile>(names.map((n) => [n, parseProfile(readFixture(n))]));

function walk(node: FlameNode, f: (n: FlameNode, parent: FlameNode | null) => void, parent: FlameNode | null = null): void {
  f(node, parent);
  for (const c of node.children ?? []) walk(c, f, node);
}

function subtreeSize(p: Profile, i: number): number {
  let size = 1;
  for (let c = p.childStart[i]!; c < p.childStart[i + 1]!; c++) size += subtreeSize(p, p.childNodes[c]!);
  return size;
}

describe('toFlameTree', () => {
  for (const [name, p] of profiles) {
    it(`${name}: budget respected, nothing lost, ids and frames consistent`, () => {
      for (const maxNodes of [1, 50, 500, 100000]) {
        const { root, frames } = toFlameTree(p, { maxNodes });
        let count = 0;
        let folded = 0;
        const used = new Set<number>();
        walk(root, (n, parent) => {
          count++;
          folded += n.folded ?? 0;
          used.add(n.frame);
          assert.equal(n.value, p.totalValue[n.id]);
          assert.equal(n.self, p.selfValue[n.id]);
          assert.equal(n.frame, p.nodeFrame[n.id]);
          assert.equal(n.name, p.frames[n.frame]!.functionName);
          if (parent) assert.equal(p.nodeParent[n.id], parent.id, 'tree edges are profile edges');
          assert.ok((n.children ?? []).reduce((a, c) => a + c.value, 0) <= n.value + 1e-6);
          assert.equal(n.delta, undefined);
        });
        assert.ok(count <= maxNodes, `${count} ≤ ${maxNodes}`);
        // Emitted + folded covers every node with a non-zero total (zero-total nodes are always folded).
        assert.equal(count + folded, p.nodeCount);
        assert.deepEqual(frames, [...used].sort((a, b) => a - b));
        assert.equal(root.id, 0);
        assert.equal(root.value, p.totalValue[0]);
      }
    });

    it(`${name}: a tree nothing is cut from comes out the same built directly or grown best-first`, () => {
      // With the budget at or above the subtree, toFlameTree builds the tree without its heap;
      // with the budget exactly at what the threshold keeps, it grows it through the heap. Both
      // must give the same tree, to the children's order and the order of each node's keys.
      for (const minFraction of [0, 0.001, 0.01]) {
        const direct = toFlameTree(p, { minFraction, maxNodes: p.nodeCount });
        let kept = 0;
        walk(direct.root, () => kept++);
        if (kept === p.nodeCount) continue;
        const grown = toFlameTree(p, { minFraction, maxNodes: kept });
        assert.equal(JSON.stringify(grown), JSON.stringify(direct), `minFraction ${minFraction}`);
      }
      // Every node kept (equal siblings included): the same profile plus one empty leaf, which
      // is folded, never drawn, so a budget of one less than the node count cuts nothing.
      const b = ProfileBuilder.like(p);
      const into = new Int32Array(p.nodeCount);
      for (let i = 1; i < p.nodeCount; i++) into[i] = b.addNode(into[p.nodeParent[i]!]!, p.nodeFrame[i]!);
      for (let i = 0; i < p.nodeCount; i++) copyValues(p, i, b, into[i]!);
      b.addNode(0, b.frame({ functionName: '(empty)', url: '', line: 0, column: 0, category: 'meta' }));
      const q = b.finish();
      const all = toFlameTree(q, { maxNodes: q.nodeCount });
      assert.equal(all.root.folded, 1);
      assert.equal(JSON.stringify(toFlameTree(q, { maxNodes: q.nodeCount - 1 })), JSON.stringify(all), 'every node kept');
      const deep = toFlameTree(p, { maxDepth: 4, maxNodes: p.nodeCount });
      let kept = 0;
      walk(deep.root, () => kept++);
      assert.ok(kept < p.nodeCount);
      assert.equal(JSON.stringify(toFlameTree(p, { maxDepth: 4, maxNodes: kept })), JSON.stringify(deep), 'maxDepth 4');
    });

    it(`${name}: keeps the heaviest nodes first`, () => {
      const { root } = toFlameTree(p, { maxNodes: 200 });
      const kept = new Set<number>();
      walk(root, (n) => kept.add(n.id));
      // Every dropped child of a kept node weighs no more than the lightest kept non-root node… (best-first)
      let lightestKept = Infinity;
      for (const id of kept) if (id !== 0) lightestKept = Math.min(lightestKept, p.totalValue[id]!);
      for (const id of kept) {
        for (let c = p.childStart[id]!; c < p.childStart[id + 1]!; c++) {
          const child = p.childNodes[c]!;
          if (!kept.has(child)) assert.ok(p.totalValue[child]! <= lightestKept, `dropped ${child} is not heavier than kept nodes`);
        }
      }
    });
  }

  it('minFraction and subtree roots', () => {
    const p = profiles.get('small-webpack-1000us.cpuprofile')!;
    const { root } = toFlameTree(p, { minFraction: 0.01, maxNodes: 1e9 });
    walk(root, (n) => assert.ok(n.value >= 0.01 * p.totalValue[0]!));
    // A subtree: the heaviest child of the root's heaviest child.
    let sub = 0;
    for (let k = 0; k < 2; k++) {
      let best = -1;
      for (let c = p.childStart[sub]!; c < p.childStart[sub + 1]!; c++) if (best < 0 || p.totalValue[p.childNodes[c]!]! > p.totalValue[best]!) best = p.childNodes[c]!;
      sub = best;
    }
    const t = toFlameTree(p, { root: sub, maxNodes: 100000 });
    assert.equal(t.root.id, sub);
    let count = 0;
    let folded = 0;
    walk(t.root, (n) => {
      count++;
      folded += n.folded ?? 0;
    });
    assert.equal(count + folded, subtreeSize(p, sub));
    assert.throws(() => toFlameTree(p, { root: p.nodeCount }), RangeError);
  });

  it('maxDepth: nothing deeper than the limit, nothing lost, every node as deep as allowed kept (subtree roots too)', () => {
    const p = profiles.get('small-webpack-1000us.cpuprofile')!;
    const levels = (i: number, root: number) => {
      let d = 0;
      for (let k = i; k !== root; k = p.nodeParent[k]!) d++;
      return d;
    };
    const deepest = Math.max(...Array.from({ length: p.nodeCount }, (_, i) => levels(i, 0)));
    assert.ok(deepest > 6, `the fixture has deep stacks (${deepest})`);
    for (const [root, maxDepth] of [[0, 0], [0, 3], [0, 6], [p.childNodes[p.childStart[0]!]!, 2]] as const) {
      const t = toFlameTree(p, { root, maxDepth, maxNodes: 1e9 });
      const kept = new Set<number>();
      let folded = 0;
      let deepestKept = 0;
      walk(t.root, (n) => {
        kept.add(n.id);
        folded += n.folded ?? 0;
        deepestKept = Math.max(deepestKept, levels(n.id, root));
      });
      assert.ok(deepestKept <= maxDepth, `deepest kept ${deepestKept} ≤ ${maxDepth}`);
      assert.equal(kept.size + folded, subtreeSize(p, root), 'emitted + folded covers the subtree');
      // With an unlimited budget, every node within the limit that has time is kept.
      for (let i = 0; i < p.nodeCount; i++) {
        let inside = i === root;
        for (let k = i; k > 0 && !inside; k = p.nodeParent[k]!) inside = p.nodeParent[k] === root;
        if (inside && p.totalValue[i]! > 0 && levels(i, root) <= maxDepth) assert.ok(kept.has(i), `node ${i} at depth ${levels(i, root)} kept`);
      }
    }
  });

  it('emits delta = total − baseline total for diff profiles', () => {
    const p = profiles.get('small-marked-1000us.cpuprofile')!;
    const base = new Float64Array(p.nodeCount);
    for (let i = 0; i < p.nodeCount; i++) base[i] = p.totalValue[i]! / 2;
    const diff: Profile = { ...p, baseSelfValue: p.selfValue.map((v) => v / 2), baseTotalValue: base };
    walk(toFlameTree(diff).root, (n) => assertClose(n.delta!, p.totalValue[n.id]! / 2, `delta of ${n.id}`));
  });
});

describe('bottomUp', () => {
  for (const [name, p] of profiles) {
    it(`${name}: functions by self time under the root, callers below`, () => {
      const inv = bottomUp(p);
      assertProfileInvariants(inv);
      assertClose(inv.totalValue[0]!, p.totalValue[0]! - p.selfValue[0]!, 'same total');
      // Level-1 nodes: one per frame with self time, total = that frame's self time.
      const selfByFrame = new Map<number, number>();
      for (let i = 1; i < p.nodeCount; i++) if (p.selfValue[i]! > 0) selfByFrame.set(p.nodeFrame[i]!, (selfByFrame.get(p.nodeFrame[i]!) ?? 0) + p.selfValue[i]!);
      const level1 = new Map<number, number>();
      for (let c = inv.childStart[0]!; c < inv.childStart[1]!; c++) {
        const k = inv.childNodes[c]!;
        assert.ok(!level1.has(inv.nodeFrame[k]!), 'one node per function');
        level1.set(inv.nodeFrame[k]!, inv.totalValue[k]!);
      }
      for (const [f, v] of selfByFrame) assertClose(level1.get(f) ?? 0, v, `function ${p.frames[f]!.functionName}`);
      // A level-2 node is a caller: some original node of the callee frame has a parent of that frame.
      for (let c = inv.childStart[0]!; c < Math.min(inv.childStart[1]!, 20); c++) {
        const callee = inv.childNodes[c]!;
        for (let d = inv.childStart[callee]!; d < inv.childStart[callee + 1]!; d++) {
          const caller = inv.childNodes[d]!;
          let found = false;
          for (let i = 1; i < p.nodeCount && !found; i++) found = p.nodeFrame[i] === inv.nodeFrame[callee] && p.nodeParent[i]! > 0 && p.nodeFrame[p.nodeParent[i]!] === inv.nodeFrame[caller];
          assert.ok(found, 'caller edges exist in the original');
        }
      }
      assert.equal(sum(inv.selfSamples), sum(p.selfSamples) - p.selfSamples[0]!);
      // Works on its own output too, and never touches its input.
      const again = bottomUp(inv);
      assertProfileInvariants(again);
    });
  }
});

describe('functionTable', () => {
  for (const [name, p] of profiles) {
    it(`${name}: self per frame, recursion counted once, sorted`, () => {
      const rows = functionTable(p);
      assertClose(rows.reduce((a, r) => a + r.self, 0), p.totalValue[0]!, 'self sums to the total');
      assert.equal(rows.reduce((a, r) => a + r.samples, 0), sum(p.selfSamples));
      for (let k = 1; k < rows.length; k++) assert.ok(rows[k - 1]!.self >= rows[k]!.self, 'sorted by self');
      // Naive total: nodes of the frame that have no ancestor with the same frame.
      const naive = new Map<number, number>();
      for (let i = 0; i < p.nodeCount; i++) {
        const f = p.nodeFrame[i]!;
        let outer = true;
        for (let a = p.nodeParent[i]!; a >= 0; a = p.nodeParent[a]!) if (p.nodeFrame[a] === f) outer = false;
        if (outer) naive.set(f, (naive.get(f) ?? 0) + p.totalValue[i]!);
      }
      for (const r of rows) {
        assertClose(r.total, naive.get(r.frame)!, `total of ${p.frames[r.frame]!.functionName}`);
        assert.ok(r.total <= p.totalValue[0]! + 1e-6, 'recursion never exceeds 100%');
        assert.ok(r.total + 1e-6 >= r.self);
      }
    });
  }
});

describe('lineTable', () => {
  for (const [name, p] of profiles) {
    it(`${name}: self per (url, line) from the node line tables`, () => {
      const rows = lineTable(p);
      assert.ok(rows.length > 0);
      let expected = 0;
      for (let i = 0; i < p.nodeCount; i++) {
        if (p.frames[p.nodeFrame[i]!]!.url === '') continue;
        for (let k = p.lineStart[i]!; k < p.lineStart[i + 1]!; k++) if (p.lineNumber[k]! > 0) expected += p.lineValue[k]!;
      }
      assertClose(rows.reduce((a, r) => a + r.self, 0), expected, 'rows sum to all attributed line values');
      const keys = new Set<string>();
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!;
        if (k > 0) assert.ok(rows[k - 1]!.self >= r.self, 'sorted');
        assert.ok(r.line >= 1 && r.url !== '');
        assert.equal(p.frames[r.frame]!.url, r.url, 'the owning frame is in that file');
        const key = `${r.url}:${r.line}`;
        assert.ok(!keys.has(key), 'one row per line');
        keys.add(key);
      }
    });
  }
});

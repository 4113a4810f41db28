// What the host sends the webview, built from real profiles: self-contained frame lists, pruned
// trees, subtrees and sandwiches keyed by view-profile node ids.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProfile } from '../../../src/model/import';
import { applyViewOptions } from '../../../src/model/view';
import type { FlameNode } from '../../../src/model/types';
import { defaultViewOptions } from '../../../src/protocol';
import type { HostMessage, TreePayload } from '../../../src/protocol';
import { functionTable } from '../../../src/model/tables';
import { diffFunctions, diffProfiles } from '../../../src/model/diff';
import { initMessage, maxTableRows, maxTreeNodes, previewMaxNodes, previewMessage, sandwichMessage, setDisplayRoots, subtreeMessage, treeAndTable, viewFrame } from '../../../src/webview-page/payload';
import { makeFrame } from '../../../src/model/frames';

const fixture = (name: string) => parseProfile(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', name)));

function walk(n: FlameNode, visit: (n: FlameNode) => void): void {
  visit(n);
  n.children?.forEach((c) => walk(c, visit));
}

function checkFrames(tree: TreePayload): number {
  let count = 0;
  walk(tree.root, (n) => {
    count++;
    assert.ok(n.frame >= 0 && n.frame < tree.frames.length, `frame ${n.frame} outside ${tree.frames.length}`);
    assert.equal(tree.frames[n.frame]!.name, n.name);
  });
  return count;
}

describe('webview payloads', () => {
  const profile = fixture('small-webpack-1000us.cpuprofile');

  it('a comparison\'s table rows carry the change of self (the Δ Self column), as diffFunctions computes it', () => {
    const base = fixture('small-marked-1000us.cpuprofile');
    const diff = diffProfiles(base, profile);
    const m = initMessage(diff, diff, 'diff', defaultViewOptions) as Extract<HostMessage, { type: 'init' }>;
    assert.equal(m.summary.diff, true);
    // diffFunctions pairs a function that moved (same name and url, another line) with its old self, and
    // merges same-named functions on one line (marked.esm.js:86 has two parse); the union tree (and so
    // the table) keeps them apart: compare the functions that did not move and share no line.
    const lines = new Map<string, Set<string>>();
    for (const f of [...base.frames, ...profile.frames]) lines.set(`${f.functionName}\u0000${f.url}`, (lines.get(`${f.functionName}\u0000${f.url}`) ?? new Set()).add(`${f.line}:${f.column}`));
    const unmoved = diffFunctions(base, profile).filter((d) => lines.get(`${d.frame.functionName}\u0000${d.frame.url}`)!.size === 1);
    const expected = new Map(unmoved.map((d) => [`${d.frame.functionName}\u0000${d.frame.url}\u0000${d.frame.line}`, d.selfDelta]));
    let compared = 0;
    for (const row of m.table.rows) {
      assert.ok(Number.isFinite(row.selfDelta), `${m.table.frames[row.frame]!.name} has a change of self`);
      const f = m.table.frames[row.frame]!;
      const want = expected.get(`${f.name}\u0000${f.url}\u0000${f.line}`);
      if (want === undefined) continue;
      assert.ok(Math.abs(row.selfDelta! - want) < 1e-6, `${f.name}: ${row.selfDelta} vs ${want}`);
      compared++;
    }
    assert.ok(compared > 100, `compared ${compared} rows`);
    assert.ok(m.table.rows.some((r) => r.selfDelta! > 0) && m.table.rows.some((r) => r.selfDelta! < 0), 'some grew, some shrank');
    // A plain profile's rows carry none.
    const plain = initMessage(profile, profile, 'p', defaultViewOptions) as Extract<HostMessage, { type: 'init' }>;
    assert.ok(plain.table.rows.every((r) => r.selfDelta === undefined));
  });

  it('init carries a summary, a pruned tree and at most 500 table rows sharing one frame list', () => {
    const m = initMessage(profile, profile, 'webpack', defaultViewOptions) as Extract<HostMessage, { type: 'init' }>;
    assert.equal(m.summary.title, 'webpack');
    assert.equal(m.summary.total, profile.totalValue[0]);
    assert.equal(m.summary.diff, false);
    const nodes = checkFrames(m.tree);
    assert.ok(nodes <= maxTreeNodes);
    assert.equal(m.tree.root.value, profile.totalValue[0]);
    assert.ok(m.table.rows.length > 0 && m.table.rows.length <= maxTableRows);
    assert.equal(m.table.frames, m.tree.frames);
    assert.ok(m.table.rows.every((r) => r.frame < m.table.frames.length && r.total >= r.self));
    // The heaviest functions by total are listed even when their self time is small.
    const table = functionTable(profile);
    const names = new Set(m.table.rows.map((r) => m.table.frames[r.frame]!.name));
    for (const r of [...table].sort((a, b) => b.total - a.total).slice(0, 50)) {
      assert.ok(names.has(profile.frames[r.frame]!.functionName), `top-by-total ${profile.frames[r.frame]!.functionName} is in the table`);
    }
    assert.equal(new Set(m.table.rows.map((r) => r.frame)).size, m.table.rows.length, 'no function twice');
    // never the raw profile: nothing in the message is a typed array
    assert.ok(!JSON.stringify(m).includes('nodeParent'));
  });

  it('a preview holds the frames a graph of that size draws: ≥ 1 px wide, in the rows shown, ids of the same view as init', () => {
    const init = initMessage(profile, profile, 'webpack', defaultViewOptions) as Extract<HostMessage, { type: 'init' }>;
    for (const size of [{ width: 1200, rows: 8 }, { width: 300, rows: 30 }]) {
      const m = previewMessage(profile, profile, 'webpack', defaultViewOptions, size) as Extract<HostMessage, { type: 'preview' }>;
      assert.equal(m.type, 'preview');
      assert.deepEqual(m.summary, init.summary);
      assert.deepEqual(m.options, defaultViewOptions);
      const count = checkFrames(m.tree);
      assert.ok(count <= previewMaxNodes && count > 1);
      assert.equal(m.tree.total, init.tree.total);
      const minValue = profile.totalValue[0]! / size.width;
      const stack: [FlameNode, number][] = [[m.tree.root, 0]];
      let deepest = 0;
      while (stack.length) {
        const [n, depth] = stack.pop()!;
        deepest = Math.max(deepest, depth);
        assert.ok(depth < size.rows, `depth ${depth} within ${size.rows} rows`);
        if (depth > 0) assert.ok(n.value >= minValue, `${n.name}: ${n.value} ≥ 1 px (${minValue})`);
        // Node ids are profile node ids: a zoom or sandwich asked on the preview means the same node.
        assert.equal(n.value, profile.totalValue[n.id]);
        for (const c of n.children ?? []) stack.push([c, depth + 1]);
      }
      assert.equal(deepest, size.rows - 1, 'the rows in view are filled (the fixture is deeper)');
    }
    // Absurd sizes from the page are clamped, not trusted.
    const odd = previewMessage(profile, profile, 'webpack', defaultViewOptions, { width: Number.NaN, rows: -5 }) as Extract<HostMessage, { type: 'preview' }>;
    assert.ok(checkFrames(odd.tree) >= 1);
  });

  it('a subtree and a sandwich refer to nodes of the filtered view profile', () => {
    const view = applyViewOptions(profile, { ...defaultViewOptions, hideMeta: true, invert: false });
    const { tree } = treeAndTable(view);
    const child = tree.root.children!.reduce((a, b) => (b.value > a.value ? b : a));
    const sub = subtreeMessage(view, 7, child.id) as Extract<HostMessage, { type: 'subtree' }>;
    assert.equal(sub.requestId, 7);
    assert.equal(sub.tree.root.id, child.id);
    assert.equal(sub.tree.root.value, child.value);
    checkFrames(sub.tree);
    const sw = sandwichMessage(view, 8, child.id) as Extract<HostMessage, { type: 'sandwich' }>;
    assert.equal(sw.frame.name, child.name);
    checkFrames(sw.callers);
    checkFrames(sw.callees);
    assert.equal(sw.callees.root.name, child.name);
  });
});

describe('display paths in the payload', () => {
  it('frames in a workspace folder read relative to it; others keep their path; urls stay as recorded', () => {
    setDisplayRoots(['/ws/app']);
    try {
      const inside = viewFrame(makeFrame('hot', 'file:///ws/app/dist/hot.js', 3, 1));
      assert.equal(inside.file, 'dist/hot.js');
      assert.equal(inside.url, 'file:///ws/app/dist/hot.js');
      assert.equal(viewFrame(makeFrame('x', '/ws/app/src/a.js', 1, 1)).file, 'src/a.js');
      assert.equal(viewFrame(makeFrame('y', '/tmp/other.js', 1, 1)).file, undefined);
      assert.equal(viewFrame(makeFrame('z', 'node:internal/timers', 1, 1)).file, undefined);
      // Every frame of a real payload carries it once the roots hold the profile's files.
      const p = fixture('small-marked-1000us.cpuprofile');
      const local = p.frames.find((f) => f.url.startsWith('/') || f.url.startsWith('file://'));
      assert.ok(local);
      const dir = path.dirname(local.url.replace(/^file:\/\//, ''));
      setDisplayRoots([dir]);
      const { table } = treeAndTable(p);
      const row = table.frames.find((f) => f.url === local.url);
      assert.ok(row?.file && !row.file.startsWith('/'), JSON.stringify(row));
    } finally {
      setDisplayRoots([]);
    }
  });
});

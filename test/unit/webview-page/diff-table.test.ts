// The comparison's function table (its Δ Self column) on a real profile with more functions than the
// table carries: a function removed from the program (its samples now in its caller) has no self or
// total left, and must still be there to sort by Δ Self.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProfile } from '../../../src/model/import';
import { diffProfiles } from '../../../src/model/diff';
import { defaultViewOptions, type HostMessage } from '../../../src/protocol';
import { initMessage, maxTableRows } from '../../../src/webview-page/payload';
import { cpuSelfMicros, repoRoot, scratchDir } from '../../support/capture-helpers';

interface RawNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

test('a function gone from the new profile keeps its row and its whole self as the change', () => {
  const file = path.join(repoRoot, 'test/fixtures/small-webpack-1000us.cpuprofile');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: RawNode[]; samples: number[] };
  // The leaf function (named once in the profile) with the most samples: the one "removed".
  const parent = new Map<number, number>();
  for (const n of raw.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byName = new Map<string, RawNode[]>();
  for (const n of raw.nodes) byName.set(n.callFrame.functionName, [...(byName.get(n.callFrame.functionName) ?? []), n]);
  const hits = new Map<number, number>();
  for (const s of raw.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const [name, nodes] = [...byName]
    .filter(([n, list]) => n !== '' && !n.startsWith('(') && list[0]!.callFrame.url.startsWith('file:') && new Set(list.map((x) => x.callFrame.url)).size === 1 && list.every((x) => !x.children?.length))
    .sort((a, b) => b[1].reduce((t, x) => t + (hits.get(x.id) ?? 0), 0) - a[1].reduce((t, x) => t + (hits.get(x.id) ?? 0), 0))[0]!;
  const gone = new Set(nodes.map((n) => n.id));
  const removed = { ...raw, samples: raw.samples.map((s) => (gone.has(s) ? parent.get(s)! : s)) };
  const nextFile = path.join(scratchDir('diff-table'), 'next.cpuprofile');
  fs.writeFileSync(nextFile, JSON.stringify(removed));

  const before = parseProfile(fs.readFileSync(file));
  const diff = diffProfiles(before, parseProfile(fs.readFileSync(nextFile)));
  const m = initMessage(diff, diff, 'diff', defaultViewOptions) as Extract<HostMessage, { type: 'init' }>;
  assert.equal(m.table.rows.length, maxTableRows, 'more functions than the table carries');
  const row = m.table.rows.find((r) => m.table.frames[r.frame]!.name === name);
  assert.ok(row, `${name} (self ${cpuSelfMicros(file, name)} µs before, none after) is in the table`);
  assert.equal(row.self, 0);
  assert.ok(Math.abs(row.selfDelta! + cpuSelfMicros(file, name)) < 1, `${row.selfDelta} vs -${cpuSelfMicros(file, name)}`);
  // Sorted by Δ Self ascending (most shrunk first), it is near the top.
  const rank = [...m.table.rows].sort((a, b) => a.selfDelta! - b.selfDelta!).indexOf(row);
  assert.ok(rank < 20, `rank ${rank}`);
});

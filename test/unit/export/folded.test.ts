// Folded stacks: counts add up, the heaviest line is the profile's heaviest path, and no function
// name can break the one-stack-per-line format. Through the model and through the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { foldedChunks, foldedLabel, toFolded } from '../../../src/export/folded';
import { parseProfile } from '../../../src/model/import';
import type { Profile } from '../../../src/model/types';
import { buildBundles, repoRoot, scratchDir } from '../../support/capture-helpers';
import { readFixture, sum } from '../../support/model-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

function parseFolded(text: string): { stack: string[]; count: number }[] {
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = /^(.+) (\d+)$/.exec(line);
      assert.ok(m, `"${line}" is "stack count"`);
      return { stack: m[1]!.split(';'), count: Number(m[2]) };
    });
}

/** Labels from the root's child down to `node`. */
function pathOf(p: Profile, node: number): string[] {
  const out: string[] = [];
  for (let n = node; n > 0; n = p.nodeParent[n]!) out.unshift(foldedLabel(p.frames[p.nodeFrame[n]!]!));
  return out;
}

test('folded: sample counts sum to the profile\'s samples, µs to its total, heap bytes to its total', () => {
  for (const name of ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile']) {
    const p = parseProfile(readFixture(name));
    assert.equal(sum(parseFolded(toFolded(p, 'samples')).map((l) => l.count)), p.sampleCount, `${name}: samples`);
    assert.equal(sum(parseFolded(toFolded(p, 'us')).map((l) => l.count)), Math.round(p.totalValue[0]!), `${name}: µs`);
  }
  const heap = parseProfile(readFixture('heap-webpack-16k.heapprofile'));
  assert.equal(sum(parseFolded(toFolded(heap)).map((l) => l.count)), Math.round(heap.totalValue[0]!), 'heap: bytes by default');
  // Heap samples whose node is not in the tree are on no stack and in no count (see the profile's notes).
  assert.equal(sum(parseFolded(toFolded(heap, 'samples')).map((l) => l.count)), heap.sampleCount, 'heap: samples on the tree');
});

test('folded: the heaviest stack is the profile\'s heaviest path', () => {
  for (const name of ['small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
    const p = parseProfile(readFixture(name));
    const unit = p.kind === 'cpu' ? 'samples' : 'bytes';
    const values = p.kind === 'cpu' ? p.selfSamples : p.selfValue;
    let heaviest = 1;
    for (let i = 1; i < p.nodeCount; i++) if (values[i]! > values[heaviest]!) heaviest = i;
    const lines = parseFolded(toFolded(p, unit));
    const top = lines.reduce((a, b) => (b.count > a.count ? b : a));
    assert.equal(top.count, Math.round(values[heaviest]!), `${name}: heaviest count`);
    // Ties: the heaviest path must be among the lines with the top count.
    const tied = lines.filter((l) => l.count === top.count).map((l) => l.stack.join(';'));
    assert.ok(tied.includes(pathOf(p, heaviest).join(';')), `${name}: ${pathOf(p, heaviest).join(';')} in ${tied.join(' | ')}`);
  }
});

test('folded: a function named with ";" and a line break stays one frame on one line', () => {
  const json = JSON.parse(readFixture('small-marked-1000us.cpuprofile').toString('utf8')) as { nodes: { callFrame: { functionName: string } }[]; samples: number[] };
  // Rename the hottest node's function (the leaf of the heaviest stack).
  const counts = new Map<number, number>();
  for (const s of json.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  const hotId = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const node = (json.nodes as unknown as { id: number; callFrame: { functionName: string } }[]).find((n) => n.id === hotId)!;
  node.callFrame.functionName = 'evil;name\nwith\r\nbreaks';
  const p = parseProfile(Buffer.from(JSON.stringify(json)));
  const text = toFolded(p, 'samples');
  const lines = parseFolded(text);
  assert.equal(sum(lines.map((l) => l.count)), p.sampleCount, 'every sample still on a well-formed line');
  const evil = lines.filter((l) => l.stack.some((f) => f.startsWith('evil')));
  assert.ok(evil.length > 0);
  for (const l of evil) {
    const leaf = l.stack.at(-1)!;
    assert.match(leaf, /^evil\uff1bname with breaks/, 'escaped into one frame');
  }
});

test('folded through the CLI: -o - prints to stdout, --unit us; a unit that does not fit is a usage error (exit 2)', () => {
  const file = path.join(repoRoot, 'test/fixtures/small-marked-1000us.cpuprofile');
  const r = spawnSync(process.execPath, [cli, 'export', file, '--format', 'folded', '--unit', 'us', '-o', '-'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const p = parseProfile(readFixture('small-marked-1000us.cpuprofile'));
  assert.equal(sum(parseFolded(r.stdout).map((l) => l.count)), Math.round(p.totalValue[0]!));

  const dir = scratchDir('export-folded');
  const out = path.join(dir, 'marked.folded');
  const w = spawnSync(process.execPath, [cli, 'export', file, '--format', 'folded', '-o', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(w.status, 0, w.stderr);
  assert.equal(sum(parseFolded(fs.readFileSync(out, 'utf8')).map((l) => l.count)), p.sampleCount, 'samples by default for CPU');

  const heap = path.join(repoRoot, 'test/fixtures/heap-webpack-16k.heapprofile');
  const bad = spawnSync(process.execPath, [cli, 'export', heap, '--format', 'folded', '--unit', 'us', '-o', '-'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--unit us does not fit a heap profile \(use bytes or samples\)/);
  const noFormat = spawnSync(process.execPath, [cli, 'export', heap], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(noFormat.status, 2);
  assert.match(noFormat.stderr, /export needs --format/);
});

test('folded: lines come byte-wise sorted, each stack once, and in chunks of whole lines that add up to the same text', () => {
  for (const name of ['small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
    const p = parseProfile(readFixture(name));
    const text = toFolded(p);
    const lines = text.slice(0, -1).split('\n');
    assert.deepEqual(lines, [...lines].sort(), `${name}: sorted as sort(1) with LC_ALL=C would`);
    const stacks = lines.map((l) => l.slice(0, l.lastIndexOf(' ')));
    assert.equal(new Set(stacks).size, stacks.length, `${name}: equal stacks merged`);
    // Each stack's count is the sum over the nodes that print as it (a naive fold, by path).
    const naive = new Map<string, number>();
    const values = p.kind === 'cpu' ? p.selfSamples : p.selfValue;
    for (let i = 1; i < p.nodeCount; i++) if (values[i]! > 0) naive.set(pathOf(p, i).join(';'), (naive.get(pathOf(p, i).join(';')) ?? 0) + values[i]!);
    for (const l of parseFolded(text)) assert.ok(Math.abs(l.count - (naive.get(l.stack.join(';')) ?? 0)) <= 1, `${name}: ${l.stack.join(';')}`);
    const chunks = [...foldedChunks(p, undefined, 4096)];
    assert.ok(chunks.length > 10, `${name}: ${chunks.length} chunks`);
    assert.ok(chunks.every((c) => c.endsWith('\n')), 'whole lines');
    assert.equal(chunks.join(''), text);
  }
});

// mergeProfiles on real profiles: a program with a worker thread run under `node --cpu-prof`
// writes one .cpuprofile per thread; merged, each thread sits under its own synthetic frame with
// its tree and totals unchanged.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { mergeByConcatenation, mergeProfiles, mergeWithBuilder } from '../../../src/model/merge';
import { functionTable } from '../../../src/model/tables';
import type { Profile } from '../../../src/model/types';
import { applyViewOptions, defaultViewOptions } from '../../../src/model/view';
import { assertClose, assertProfileInvariants, readFixture, removeDir, runNode, tempDir } from '../../support/model-helpers';

const program = `
const { Worker, isMainThread } = require('node:worker_threads');
// Each hot function holds its own loop, so V8 cannot inline it away into a caller.
function mainHot(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1) % 3; return x; }
function workerHot(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.cbrt(x + 2) % 5; return x; }
if (isMainThread) {
  const w = new Worker(__filename);
  mainHot(400);
  w.on('exit', () => {});
} else {
  workerHot(400);
}
`;

/** Self value of functions named `name`, in the whole profile or inside the subtree of node `under`. */
function selfIn(p: Profile, name: string, under = 0): number {
  let total = 0;
  const stack = [under];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (p.frames[p.nodeFrame[n]!]!.functionName === name) total += p.selfValue[n]!;
    for (let c = p.childStart[n]!; c < p.childStart[n + 1]!; c++) stack.push(p.childNodes[c]!);
  }
  return total;
}

function children(p: Profile, n: number): number[] {
  return Array.from(p.childNodes.subarray(p.childStart[n]!, p.childStart[n + 1]!));
}

describe('mergeProfiles (real worker-thread capture)', () => {
  let dir = '';
  let main: Profile;
  let worker: Profile;

  before(() => {
    dir = tempDir('flamelens-merge-');
    const script = path.join(dir, 'workers.js');
    writeFileSync(script, program);
    const files = runNode(['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '500', script], dir, dir).filter((f) => f.endsWith('.cpuprofile'));
    assert.equal(files.length, 2, `one profile per thread: ${files.join(', ')}`);
    const parsed = files.map((f) => parseProfile(readFileSync(f), { fileName: path.basename(f) }));
    main = parsed.find((p) => selfIn(p, 'mainHot') > 0 && selfIn(p, 'workerHot') === 0)!;
    worker = parsed.find((p) => selfIn(p, 'workerHot') > 0 && selfIn(p, 'mainHot') === 0)!;
    assert.ok(main && worker, 'the main thread profile samples mainHot only, the worker workerHot only');
  });
  after(() => removeDir(dir));

  it('puts each thread under its own labelled frame with its total preserved', () => {
    const merged = mergeProfiles([
      { label: 'pid 1 · main thread · node workers.js', profile: main },
      { label: 'pid 1 · worker 1 · workers.js', profile: worker },
    ]);
    assertProfileInvariants(merged);
    assertClose(merged.totalValue[0]!, main.totalValue[0]! + worker.totalValue[0]!, 'root total = sum of inputs');
    assert.equal(merged.sampleCount, main.sampleCount + worker.sampleCount);
    const tops = children(merged, 0);
    assert.deepEqual(
      tops.map((n) => merged.frames[merged.nodeFrame[n]!]!.functionName),
      ['pid 1 · main thread · node workers.js', 'pid 1 · worker 1 · workers.js'],
    );
    assertClose(merged.totalValue[tops[0]!]!, main.totalValue[0]!, 'main subtree total');
    assertClose(merged.totalValue[tops[1]!]!, worker.totalValue[0]!, 'worker subtree total');
    assertClose(selfIn(merged, 'mainHot', tops[0]), selfIn(main, 'mainHot'), 'mainHot stays under the main thread');
    assert.equal(selfIn(merged, 'workerHot', tops[0]), 0);
    assertClose(selfIn(merged, 'workerHot', tops[1]), selfIn(worker, 'workerHot'), 'workerHot stays under the worker');
    assert.equal(selfIn(merged, 'mainHot', tops[1]), 0);
    // Every input node is kept (plus root and one synthetic frame per input; the inputs' roots become those).
    assert.equal(merged.nodeCount, 1 + main.nodeCount + worker.nodeCount);
  });

  it('keeps functions per thread in the function table and keeps the start/end span', () => {
    const merged = mergeProfiles([
      { label: 'main', profile: main },
      { label: 'worker', profile: worker },
    ]);
    const table = functionTable(merged);
    const selfOf = (name: string) => table.filter((r) => merged.frames[r.frame]!.functionName === name).reduce((s, r) => s + r.self, 0);
    const origSelf = (p: Profile, name: string) => functionTable(p).filter((r) => p.frames[r.frame]!.functionName === name).reduce((s, r) => s + r.self, 0);
    assertClose(selfOf('mainHot'), origSelf(main, 'mainHot'), 'mainHot self unchanged');
    assertClose(selfOf('workerHot'), origSelf(worker, 'workerHot'), 'workerHot self unchanged');
    assert.equal(merged.startTime, Math.min(main.startTime, worker.startTime));
    assert.equal(merged.endTime, Math.max(main.endTime, worker.endTime));
  });

  it('keeps two inputs with the same label apart and does not mutate its inputs', () => {
    const before = { total: main.totalValue[0], nodes: main.nodeCount, frames: main.frames.length, self: Float64Array.from(main.selfValue) };
    const merged = mergeProfiles([
      { label: 'same', profile: main },
      { label: 'same', profile: main },
    ]);
    assertProfileInvariants(merged);
    const tops = children(merged, 0);
    assert.equal(tops.length, 2);
    assert.deepEqual(
      tops.map((n) => merged.frames[merged.nodeFrame[n]!]!.functionName),
      ['same', 'same (2)'],
    );
    assertClose(merged.totalValue[0]!, 2 * main.totalValue[0]!, 'doubled');
    assert.equal(main.totalValue[0], before.total);
    assert.equal(main.nodeCount, before.nodes);
    assert.equal(main.frames.length, before.frames);
    assert.deepEqual(Array.from(main.selfValue), Array.from(before.self));
  });

  it('refuses to mix CPU and heap profiles', () => {
    const heap = parseProfile(readFixture('heap-webpack-16k.heapprofile'), { fileName: 'heap-webpack-16k.heapprofile' });
    assert.throws(() => mergeProfiles([{ label: 'cpu', profile: main }, { label: 'heap', profile: heap }]), /cannot merge a heap profile/);
    assert.throws(() => mergeProfiles([]), /at least one/);
  });

  it('merges heap profiles too (bytes add up)', () => {
    const heap = parseProfile(readFixture('heap-webpack-16k.heapprofile'), { fileName: 'heap-webpack-16k.heapprofile' });
    const merged = mergeProfiles([{ label: 'a', profile: heap }, { label: 'b', profile: heap }]);
    assertProfileInvariants(merged);
    assert.equal(merged.unit, 'bytes');
    assertClose(merged.totalValue[0]!, 2 * heap.totalValue[0]!, 'bytes');
  });
});

describe('mergeProfiles by concatenation equals the node-by-node builder merge', () => {
  /** Every array and field of two profiles, compared whole. */
  function assertSameProfile(a: Profile, b: Profile): void {
    assert.equal(a.nodeCount, b.nodeCount);
    assert.deepEqual(a.frames, b.frames);
    for (const key of ['nodeFrame', 'nodeParent', 'childStart', 'childNodes', 'selfValue', 'totalValue', 'selfSamples', 'lineStart', 'lineNumber', 'lineValue', 'baseSelfValue', 'baseTotalValue'] as const) {
      assert.deepEqual(a[key], b[key], key);
    }
    assert.deepEqual([a.kind, a.unit, a.format, a.startTime, a.endTime, a.sampleCount, a.notes], [b.kind, b.unit, b.format, b.startTime, b.endTime, b.sampleCount, b.notes]);
  }

  it('on real profiles whose siblings are unique by function, under the same label twice', () => {
    const marked = parseProfile(readFixture('small-marked-1000us.cpuprofile'));
    const inputs = [
      { label: 'pid 1 · main', profile: marked },
      { label: 'pid 2 · worker 1', profile: applyViewOptions(marked, { ...defaultViewOptions, hideNodeModules: true }) },
      { label: 'pid 1 · main', profile: marked },
    ];
    const fast = mergeByConcatenation(inputs);
    assert.ok(fast, 'these inputs are concatenated');
    assertSameProfile(fast, mergeWithBuilder(inputs));
    assertProfileInvariants(fast);
    // Node n of the second input is node 1 + marked.nodeCount + n.
    assert.equal(fast.nodeParent[1 + marked.nodeCount]!, 0);
  });

  it('real imports with sibling twins (V8 emits them) fall back to the builder', () => {
    const webpack = parseProfile(readFixture('small-webpack-1000us.cpuprofile'));
    const heap = parseProfile(readFixture('heap-webpack-16k.heapprofile'));
    for (const profile of [webpack, heap]) {
      const inputs = [
        { label: 'a', profile },
        { label: 'b', profile },
      ];
      assert.equal(mergeByConcatenation(inputs), undefined);
      assertSameProfile(mergeProfiles(inputs), mergeWithBuilder(inputs));
    }
  });

  it('an input with two siblings of one function goes through the builder, which merges them', () => {
    const json = JSON.parse(readFixture('small-webpack-1000us.cpuprofile').toString('utf8')) as { nodes: { id: number; callFrame: unknown; children?: number[] }[] };
    // Give the root's second child the first child's function: V8 can emit such siblings (other call sites).
    const root = json.nodes.find((n) => (n.children?.length ?? 0) >= 2)!;
    const [a, b] = root.children!.map((id) => json.nodes.find((n) => n.id === id)!);
    b!.callFrame = a!.callFrame;
    const twin = parseProfile(Buffer.from(JSON.stringify(json)));
    const inputs = [{ label: 'twin', profile: twin }];
    const merged = mergeProfiles(inputs);
    assert.equal(mergeByConcatenation(inputs), undefined);
    assertSameProfile(merged, mergeWithBuilder(inputs));
    assert.ok(merged.nodeCount < twin.nodeCount + 1, 'the two siblings became one node');
  });
});

// "Why is this alive?" on a real leak: a program fills a module-level `cache` Map with LeakyThing
// objects and writes its own heap snapshot; the snapshot worker keeps the decoded graph and answers
// which LeakyThing objects are largest and which chains of references keep one alive.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decodeSnapshot, summarizeGraph } from '../../../src/heap/summary';
import { snapshotInspector } from '../../../src/heap/inspect';
import { maxNameLength, type InstancePage, type RetainerPath, type RetainerStep } from '../../../src/heap/retainers';
import { openSnapshotFile, type SnapshotSession } from '../../../src/heap/session';
import { SnapshotError } from '../../../src/heap/summarize';
import type { SnapshotSummary } from '../../../src/heap/types';
import { isSnapshotWebviewMessage } from '../../../src/snapshot-protocol';
import { scratchDir } from '../../support/attach-targets';
import { leakyCount, writeLeakySnapshot } from '../../support/leaky-snapshot';

const describeStep = (s: RetainerStep): string => `${s.edge} (${s.edgeType}) in ${s.name}`;
const pathText = (p: RetainerPath): string => p.steps.map(describeStep).join(' ← ');

describe('retainers of a leaking cache', () => {
  let dir = '';
  let file = '';
  let summary: SnapshotSummary;
  let session: SnapshotSession | undefined;

  before(async () => {
    dir = scratchDir('heap-retainers');
    file = writeLeakySnapshot(dir);
    ({ summary, session } = await openSnapshotFile(file));
  });
  after(() => {
    session?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the snapshot in its worker and lists a constructor’s largest objects', async () => {
    assert.ok(session, 'the worker kept the snapshot');
    assert.equal(summary.constructors.find((c) => c.name === 'LeakyThing')?.count, leakyCount);
    const first = await session.query({ type: 'instances', name: 'LeakyThing', count: 20 });
    assert.equal(first.total, leakyCount);
    assert.equal(first.instances.length, 20);
    const retained = first.instances.map((i) => i.retainedSize);
    assert.deepEqual(retained, [...retained].sort((a, b) => b - a), 'largest retained size first');
    for (const i of first.instances) {
      assert.equal(i.name, 'LeakyThing');
      assert.ok(Number.isInteger(i.id) && i.id > 0 && Number.isFinite(i.selfSize) && i.retainedSize >= i.selfSize, JSON.stringify(i));
    }
    // The last one made holds the longest payload: (leakyCount) numbers, 8 bytes or more each.
    assert.ok(first.instances[0]!.retainedSize >= leakyCount * 8, `largest retains ${first.instances[0]!.retainedSize}`);
    const all = await session.query({ type: 'instances', name: 'LeakyThing', count: 1000 });
    assert.equal(all.instances.length, leakyCount, 'a count past the constructor’s stops at it');
    assert.equal(new Set(all.instances.map((i) => i.index)).size, leakyCount);
  });

  it('shows the largest LeakyThing kept alive through the Map and the `cache` variable, shortest path first', async () => {
    const [largest] = (await session!.query({ type: 'instances', name: 'LeakyThing', count: 1 })).instances;
    const report = await session!.query({ type: 'retainers', index: largest!.index });
    assert.equal(report.index, largest!.index);
    assert.ok(report.retainers >= 1 && report.paths.length >= 1);
    const shortest = report.paths[0]!;
    const text = pathText(shortest);
    assert.equal(shortest.end, 'root', text);
    const map = shortest.steps.findIndex((s) => s.name === 'Map');
    const cache = shortest.steps.findIndex((s) => s.edge === 'cache' && s.edgeType === 'context');
    assert.ok(map >= 0 && cache > map, `through the Map, then the cache variable: ${text}`);
    assert.equal(shortest.steps[map + 1], shortest.steps[cache], `the Map is what \`cache\` holds: ${text}`);
    assert.match(shortest.steps[cache]!.name, /Context/);
    assert.ok(shortest.steps.length <= 10 && shortest.steps.every((s) => Number.isInteger(s.id)), text);
    const lengths = report.paths.filter((p) => p.end === 'root').map((p) => p.steps.length);
    assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b));
  });

  it('puts a weak reference last and marks it weak', async () => {
    // thing-0 is the smallest LeakyThing: the last of the constructor's objects.
    const page = await session!.query({ type: 'instances', name: 'LeakyThing', count: leakyCount });
    const report = await session!.query({ type: 'retainers', index: page.instances.at(-1)!.index });
    const weak = report.paths.findIndex((p) => p.steps[0]!.edgeType === 'weak');
    assert.ok(weak > 0, report.paths.map(pathText).join('\n'));
    assert.ok(report.paths.slice(weak).every((p) => p.steps[0]!.edgeType === 'weak'), 'weak references come after strong ones');
    assert.ok(report.paths[0]!.steps.some((s) => s.edge === 'cache'));
  });

  it('caps huge names (a 200 KB string) and refuses what is not in the snapshot', async () => {
    const strings = await session!.query({ type: 'instances', name: '(string)', count: 5 });
    assert.ok(strings.instances.length > 0);
    assert.ok(strings.instances.every((i) => i.name.length <= maxNameLength + 1), 'names are capped');
    assert.ok(strings.instances.some((i) => i.name.startsWith('yyyy') && i.name.endsWith('…') && i.selfSize >= 200_000), 'the big string, cut');
    await assert.rejects(session!.query({ type: 'retainers', index: -1 }), SnapshotError);
    await assert.rejects(session!.query({ type: 'retainers', index: 1e12 }), /no object/);
    await assert.rejects(session!.query({ type: 'instances', name: 'NoSuchThing', count: 20 }), /no constructor NoSuchThing/);
  });

  it('answers the same in-process as in the worker', async () => {
    const graph = decodeSnapshot(readFileSync(file));
    try {
      summarizeGraph(graph, true);
      const answer = snapshotInspector(graph, readFileSync(file));
      const page = answer({ type: 'instances', name: 'LeakyThing', count: 3 }) as InstancePage;
      const worker = await session!.query({ type: 'instances', name: 'LeakyThing', count: 3 });
      assert.deepEqual(page.instances.map((i) => i.retainedSize), worker.instances.map((i) => i.retainedSize));
      assert.deepEqual(answer({ type: 'retainers', index: page.instances[0]!.index }), await session!.query({ type: 'retainers', index: page.instances[0]!.index }));
    } finally {
      graph.free();
    }
  });

  it('frees the snapshot on dispose: pending and later questions fail as closed', async () => {
    const { session: other } = await openSnapshotFile(file);
    assert.ok(other);
    const pending = other.query({ type: 'instances', name: 'LeakyThing', count: 20 });
    other.dispose();
    await assert.rejects(pending, /closed/);
    await assert.rejects(other.query({ type: 'retainers', index: 0 }), /closed/);
  });

  it('keeps nothing when asked for a summary only', async () => {
    const { session: none } = await openSnapshotFile(file, { retained: false });
    assert.equal(none, undefined);
  });
});

describe('questions from the snapshot page', () => {
  it('are accepted only well formed (the page is not trusted)', () => {
    assert.ok(isSnapshotWebviewMessage({ type: 'instances', name: 'LeakyThing' }));
    assert.ok(isSnapshotWebviewMessage({ type: 'retainers', index: 42 }));
    for (const bad of [{ type: 'instances' }, { type: 'instances', name: 3 }, { type: 'retainers', index: -1 }, { type: 'retainers', index: 1.5 }, { type: 'retainers', index: '7' }, { type: 'retainers' }]) {
      assert.equal(isSnapshotWebviewMessage(bad), false, JSON.stringify(bad));
    }
  });
});

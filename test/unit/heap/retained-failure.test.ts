// When the retained-size (dominator) pass fails, the counts and self sizes computed before it are
// kept, with a note saying why retained sizes are missing, as when that pass times out.
// Fault injection: a real snapshot (written by a Node process, support/leaky-snapshot.ts) with its
// root node's edge_count lowered, so the edges no longer line up with their nodes. The parser's
// decoding and counting pass accept that; its dominator pass traps (WebAssembly "unreachable"),
// a real failure of the real parser rather than a stub.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSnapshotFile } from '../../../src/heap/session';
import { summarizeSnapshotFile } from '../../../src/heap/summarize';
import { summarizeInProcess } from '../../../src/heap/summarize-in-process';
import type { SnapshotSummary } from '../../../src/heap/types';
import { scratchDir } from '../../support/attach-targets';
import { leakyCount, writeLeakySnapshot } from '../../support/leaky-snapshot';

/** The snapshot at `file` with the first (root) node's edge_count lowered by up to 5, written beside it. */
function withRootEdgesMiscounted(file: string): string {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
  const at = snapshot.snapshot.meta.node_fields.indexOf('edge_count');
  assert.ok(at >= 0 && snapshot.nodes[at]! > 0, 'the root node has edges');
  snapshot.nodes[at] = Math.max(0, snapshot.nodes[at]! - 5);
  const out = path.join(path.dirname(file), 'miscounted-edges.heapsnapshot');
  writeFileSync(out, JSON.stringify(snapshot));
  return out;
}

describe('a snapshot whose retained-size pass fails', () => {
  let dir = '';
  let broken = '';
  let counts: SnapshotSummary;

  before(async () => {
    dir = scratchDir('heap-retained-failure');
    const plain = writeLeakySnapshot(dir);
    broken = withRootEdgesMiscounted(plain);
    // The parser reads the objects as they are; only the retained-size pass fails (tests below).
    counts = await summarizeSnapshotFile(broken, { retained: false });
    assert.deepEqual(counts.constructors, (await summarizeSnapshotFile(plain, { retained: false })).constructors, 'the same objects as the real snapshot');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the counts and self sizes, with a note that retained sizes are unavailable and why', async () => {
    const summary = await summarizeSnapshotFile(broken);
    assert.equal(summary.hasRetainedSizes, false);
    assert.deepEqual(summary.constructors, counts.constructors);
    assert.equal(summary.constructors.find((c) => c.name === 'LeakyThing')?.count, leakyCount);
    assert.ok(summary.constructors.every((c) => c.retainedSize === undefined));
    assert.deepEqual(summary.notes, [
      'retained sizes are unavailable: computing them failed: the heap parser stopped on inconsistent contents (WebAssembly: unreachable); sorted by self size',
    ]);
  });

  it('opens for the snapshot view with the counts and no session to ask (nothing was kept)', async () => {
    const { summary, session } = await openSnapshotFile(broken);
    assert.equal(session, undefined);
    assert.deepEqual(summary.constructors, counts.constructors);
    assert.match(summary.notes.join('\n'), /retained sizes are unavailable/);
  });

  it('in-process (no fallback there) fails with the parser’s trap, not the error free() throws after it', async () => {
    await assert.rejects(summarizeSnapshotFile(broken, { inProcess: summarizeInProcess }), (error: Error) => {
      assert.match(error.message, /miscounted-edges\.heapsnapshot is not a readable heap snapshot: the heap parser stopped on inconsistent contents \(WebAssembly: unreachable\)$/);
      return true;
    });
  });
});

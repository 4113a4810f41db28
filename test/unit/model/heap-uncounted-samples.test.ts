// A sampling heap profile's sample count is the count of the samples its tree is made of. V8 lists
// samples whose nodeId names no node of the tree: allocations V8 made while it wrote the profile
// (each script's line table, to give nodes their lines), sampled under a node it added after that
// part of the tree was written. They are in no count of the tree — its selfSamples, the timeline's
// numbering, a range's samples, the function table — so the profile's sample count leaves them out
// too, and says how many apart (header, CLI report, note). DevTools leaves them out of its tree.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { sampleSpan, sliceProfile } from '../../../src/model/time-slice';
import { applyViewOptions, defaultViewOptions } from '../../../src/model/view';
import { functionTable } from '../../../src/model/tables';
import { summaryOf } from '../../../src/webview-page/payload';
import { hotspots } from '../../../src/cli/analyze';
import { renderHotspots } from '../../../src/cli/text';
import type { Profile } from '../../../src/model/types';
import { assertProfileInvariants, readFixture, removeDir, runNode, sum, tempDir } from '../../support/model-helpers';

interface RawNode {
  id: number;
  selfSize: number;
  children: RawNode[];
}
interface RawHeapProfile {
  head: RawNode;
  samples: { size: number; nodeId: number; ordinal: number }[];
}

/** The file's own figures: samples whose node is in the tree, and those whose node is not. */
function rawCounts(bytes: Buffer): { inTree: number; outside: number; outsideNodes: Set<number>; maxId: number } {
  const raw = JSON.parse(bytes.toString('utf8')) as RawHeapProfile;
  const ids = new Set<number>();
  const stack = [raw.head];
  while (stack.length > 0) {
    const n = stack.pop()!;
    ids.add(n.id);
    stack.push(...n.children);
  }
  const outside = raw.samples.filter((s) => !ids.has(s.nodeId));
  return { inTree: raw.samples.length - outside.length, outside: outside.length, outsideNodes: new Set(outside.map((s) => s.nodeId)), maxId: Math.max(...ids) };
}

/** Every count of samples a user sees agrees with the tree's, and the ones left out are counted apart. */
function assertCountsAgree(p: Profile, inTree: number, outside: number, what: string): void {
  assertProfileInvariants(p);
  assert.equal(sum(p.selfSamples), inTree, `${what}: the tree's samples`);
  assert.equal(p.sampleCount, inTree, `${what}: sampleCount is the tree's samples`);
  assert.equal(p.uncountedSamples ?? 0, outside, `${what}: the samples outside the tree, counted apart`);
  // The timeline numbers the samples it has, 1 … n: the whole axis is sampleCount samples.
  assert.equal(p.sampleNodes?.length, inTree, `${what}: the timeline's samples`);
  const span = sampleSpan(p)!;
  assert.equal(span.end - span.start, p.sampleCount, `${what}: the timeline's axis`);
  assert.equal(sliceProfile(p, span.start, span.end).sampleCount, p.sampleCount, `${what}: a range over the whole axis`);
  // The function table's self samples, and a filtered view's count.
  assert.equal(sum(functionTable(p).map((r) => r.samples)), inTree, `${what}: the function table`);
  const hidden = applyViewOptions(p, { ...defaultViewOptions, hideNodeModules: true, hideInternals: true });
  assert.equal(hidden.sampleCount, sum(hidden.selfSamples), `${what}: a filtered view`);
  // What the webview's header and the CLI report say.
  const summary = summaryOf(p, 'x');
  assert.equal(summary.sampleCount, inTree, `${what}: the webview header's count`);
  assert.equal(summary.uncountedSamples ?? 0, outside, `${what}: the webview header's samples outside the tree`);
  const h = hotspots(p, { top: 5, cwd: process.cwd() });
  assert.equal(h.sampleCount, inTree, `${what}: the report's count`);
  const header = renderHotspots(h).split('\n')[0]!;
  assert.match(header, new RegExp(`, ${inTree} samples${outside > 0 ? ` \\(\\+${outside} not in the tree` : '$'}`), `${what}: the report header: ${header}`);
  if (outside > 0) assert.ok(p.notes.some((n) => n.startsWith(`${inTree} of the file's ${inTree + outside} heap samples are counted`)), `${what}: the note`);
}

describe('heap samples outside the tree', () => {
  it('the real webpack heap profile: 985 samples in the tree, 64 outside it (one node, added after the tree was written)', () => {
    const bytes = readFixture('heap-webpack-16k.heapprofile');
    const raw = rawCounts(bytes);
    assert.deepEqual([raw.inTree, raw.outside], [985, 64]);
    // All 64 name one node, numbered after every node of the tree: made while V8 wrote it.
    assert.deepEqual([...raw.outsideNodes], [raw.maxId + 1]);
    assertCountsAgree(parseProfile(bytes), 985, 64, 'heap-webpack-16k');
  });

  it('a profile `node --heap-prof` writes as a real process exits', () => {
    const dir = tempDir('flamelens-heap-uncounted-');
    try {
      // Scripts of 3000 lines whose functions allocate: the tree names them, so V8 builds their
      // line tables (24 KB each) as it writes the profile, and samples some of them.
      const program = path.join(dir, 'main.js');
      writeFileSync(
        program,
        `const fs = require('fs'); const path = require('path'); const keep = [];
for (let k = 0; k < 40; k++) {
  const lines = ['module.exports = function alloc' + k + '() { const a = []; for (let i = 0; i < 2000; i++) a.push({ i, s: "x" + i }); return a; };'];
  for (let i = 0; i < 3000; i++) lines.push('// line ' + i);
  const file = path.join(__dirname, 'gen' + k + '.js');
  fs.writeFileSync(file, lines.join('\\n'));
  keep.push(require(file)());
}
`,
      );
      const [file] = runNode(['--heap-prof', `--heap-prof-dir=${dir}`, '--heap-prof-interval=4096', program], dir, dir);
      const bytes = readFileSync(file!);
      const raw = rawCounts(bytes);
      // Node 20: 15–22 such samples in each of 10 runs.
      assert.ok(raw.outside > 0, 'V8 sampled its own allocations while it wrote the profile');
      assertCountsAgree(parseProfile(bytes), raw.inTree, raw.outside, 'node --heap-prof');
    } finally {
      removeDir(dir);
    }
  });
});

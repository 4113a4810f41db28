// Source mapping of a profile with more than 2^24 nodes (JS Maps and Sets hold at most 2^24
// entries, so nothing in the step may be keyed per node). The profile is assembled in memory by
// the importer's own assembly (assembleProfile) from typed arrays: a complete 16-ary call tree
// of depth 6 over 16 generated functions (17,895,697 nodes), plus two more generated functions
// that map to one original function, so the rebuild also has siblings to merge. The script, its
// source map and the original source are real files read through the fs reader.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { fsSourceReader } from '../../../src/fs-source-reader';
import { makeFrame } from '../../../src/model/frames';
import { assembleProfile } from '../../../src/model/assemble';
import { applySourceMaps } from '../../../src/model/sourcemap';
import type { Frame, Profile } from '../../../src/model/types';

const FANOUT = 16;
const DEPTH = 6;
/** Nodes of the complete tree, root included: (16^7 − 1) / 15. */
const TREE_NODES = (FANOUT ** (DEPTH + 1) - 1) / (FANOUT - 1);
/** Original line the two extra generated functions both map to. */
const MERGED_LINE = 1000;

let dir = '';
let scriptUrl = '';
let source = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flamelens-huge-'));
  const script = path.join(dir, 'gen.js');
  source = path.join(dir, 'src.ts');
  scriptUrl = pathToFileURL(script).href;
  // gen.js: function g<k> on line k + 1 (k = 1..18); line 1 is the script's top level.
  const lines = ['"use strict";'];
  for (let k = 1; k <= FANOUT + 2; k++) lines.push(`function g${k}() {}`);
  lines.push('//# sourceMappingURL=gen.js.map', '');
  writeFileSync(script, lines.join('\n'));
  // g<k> (k ≤ 16) → orig<k> at line 10k of src.ts; g17 and g18 → one function, "merged".
  const names = [...Array.from({ length: FANOUT }, (_, i) => `orig${i + 1}`), 'merged'];
  const mappings: SourceMapSegment[][] = [[]];
  for (let k = 1; k <= FANOUT + 2; k++) {
    mappings.push(k <= FANOUT ? [[0, 0, 10 * k - 1, 0, k - 1]] : [[0, 0, MERGED_LINE - 1, 0, FANOUT]]);
  }
  writeFileSync(path.join(dir, 'gen.js.map'), JSON.stringify({ version: 3, file: 'gen.js', sources: ['src.ts'], names, mappings: encode(mappings) }));
  writeFileSync(source, Array.from({ length: MERGED_LINE + 10 }, (_, i) => `// line ${i + 1}`).join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The tree in heap order (children of c are 16c+1 … 16c+16), plus g17 and g18 under the last leaf. */
function hugeProfile(): Profile {
  const frames: Frame[] = [makeFrame('(root)', '', 0, 0)];
  for (let k = 1; k <= FANOUT + 2; k++) frames.push(makeFrame(`g${k}`, scriptUrl, k + 1, 1));
  const n = TREE_NODES + 2;
  const parent = new Int32Array(n);
  const nodeFrame = new Int32Array(n);
  const selfValue = new Float64Array(n);
  const selfSamples = new Float64Array(n);
  parent[0] = -1;
  for (let c = 1; c < TREE_NODES; c++) {
    parent[c] = (c - 1) >> 4;
    nodeFrame[c] = ((c - 1) & 15) + 1;
    if ((c & 0xfff) === 0) {
      selfValue[c] = 1;
      selfSamples[c] = 1;
    }
  }
  for (const [c, frame] of [
    [TREE_NODES, FANOUT + 1],
    [TREE_NODES + 1, FANOUT + 2],
  ] as const) {
    parent[c] = TREE_NODES - 1;
    nodeFrame[c] = frame;
    selfValue[c] = 5;
    selfSamples[c] = 1;
  }
  return assembleProfile({
    kind: 'cpu',
    unit: 'us',
    format: 'devtools-cpuprofile',
    frames,
    parent,
    nodeFrame,
    selfValue,
    selfSamples,
    startTime: 0,
    endTime: 0,
    sampleCount: 0,
    notes: [],
  });
}

/** The structural invariants, in typed arrays (a Set per node would take minutes here). */
function assertTree(p: Profile): void {
  const n = p.nodeCount;
  assert.equal(p.nodeParent[0], -1);
  assert.equal(p.childStart[n], n - 1, 'every non-root node is somebody’s child');
  const total = Float64Array.from(p.selfValue);
  for (let i = n - 1; i > 0; i--) {
    const parent = p.nodeParent[i]!;
    assert.ok(parent < i, `parent of ${i} precedes it`);
    total[parent]! += total[i]!;
  }
  const seenUnder = new Int32Array(p.frames.length).fill(-1);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(total[i]! - p.totalValue[i]!) < 1e-6, `total of ${i}`);
    for (let k = p.childStart[i]!; k < p.childStart[i + 1]!; k++) {
      const f = p.nodeFrame[p.childNodes[k]!]!;
      assert.notEqual(seenUnder[f], i, `siblings under ${i} unique by frame`);
      seenUnder[f] = i;
    }
    let lines = 0;
    for (let k = p.lineStart[i]!; k < p.lineStart[i + 1]!; k++) lines += p.lineValue[k]!;
    assert.ok(Math.abs(lines - p.selfValue[i]!) < 1e-9, `lines of ${i} sum to its self`);
  }
}

test('source mapping a profile with more than 2^24 nodes works on the main thread (no per-node Map)', { timeout: 600_000 }, async () => {
  const started = performance.now();
  const generated = hugeProfile();
  assert.ok(generated.nodeCount > 2 ** 24, `${generated.nodeCount} nodes`);
  const built = performance.now();
  const mapped = await applySourceMaps(generated, fsSourceReader);
  const done = performance.now();
  console.log(
    `${generated.nodeCount} nodes: built in ${((built - started) / 1000).toFixed(1)} s, mapped in ${((done - built) / 1000).toFixed(1)} s, ` +
      `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );

  assert.deepEqual(mapped.notes, [], 'every frame mapped');
  // g17 and g18 became one function under the same parent: one node less, still above 2^24.
  assert.equal(mapped.nodeCount, generated.nodeCount - 1);
  assert.ok(mapped.nodeCount > 2 ** 24);
  assert.equal(mapped.totalValue[0], generated.totalValue[0], 'values never change');
  const used = new Set<number>();
  for (let i = 1; i < mapped.nodeCount; i++) used.add(mapped.nodeFrame[i]!);
  const usedFrames = [...used].map((f) => mapped.frames[f]!);
  assert.ok(usedFrames.every((f) => f.url === source), 'no node points at gen.js any more');
  assert.deepEqual(
    usedFrames.map((f) => `${f.functionName}:${f.line}`).sort(),
    [...Array.from({ length: FANOUT }, (_, i) => `orig${i + 1}:${10 * (i + 1)}`), `merged:${MERGED_LINE}`].sort(),
  );
  const merged: number[] = [];
  for (let i = 0; i < mapped.nodeCount; i++) if (mapped.frames[mapped.nodeFrame[i]!]!.functionName === 'merged') merged.push(i);
  assert.equal(merged.length, 1, 'one merged node');
  const m = merged[0]!;
  assert.equal(mapped.selfValue[m], 10, 'g17 + g18');
  assert.deepEqual([...mapped.lineNumber.subarray(mapped.lineStart[m], mapped.lineStart[m + 1])], [MERGED_LINE]);
  assertTree(mapped);
});

// The source-map step when nothing maps (a profile from another machine, or scripts without maps):
// no rebuild of the tree — the same arrays come back, and the notes still say why nothing mapped.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { fsSourceReader } from '../../../src/fs-source-reader';
import { parseProfile } from '../../../src/model/import';
import { applySourceMaps } from '../../../src/model/sourcemap';
import type { Profile } from '../../../src/model/types';

const fixtures = path.resolve(__dirname, '../../fixtures');
const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-nomaps-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function assertSameTree(mapped: Profile, p: Profile): void {
  // The very same arrays: nothing was copied or rebuilt.
  for (const key of ['nodeFrame', 'nodeParent', 'childStart', 'childNodes', 'selfValue', 'totalValue', 'selfSamples', 'lineStart', 'lineNumber', 'lineValue'] as const) {
    assert.equal(mapped[key], p[key], `${key} is the input's array`);
  }
  assert.equal(mapped.frames, p.frames);
  assert.equal(mapped.nodeCount, p.nodeCount);
  assert.equal(mapped.format, p.format);
  assert.equal(mapped.startTime, p.startTime);
  assert.equal(mapped.endTime, p.endTime);
}

for (const name of ['small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
  test(`${name} (scripts not on this disk): the tree comes back unchanged, with notes saying the scripts could not be read`, async () => {
    const p = parseProfile(readFileSync(path.join(fixtures, name)));
    const before = [...p.notes];
    const mapped = await applySourceMaps(p, fsSourceReader);
    assertSameTree(mapped, p);
    assert.deepEqual(p.notes, before, 'the input profile is not changed');
    assert.deepEqual(mapped.notes.slice(0, before.length), before, 'the parser\'s notes stay first');
    const added = mapped.notes.slice(before.length);
    assert.ok(added.length > 0);
    assert.match(added[0]!, /^no source map for \/tmp\/perf-probe\/node_modules\/.+\.js \(the script could not be read\)$/);
    assert.match(added[added.length - 1]!, /^… and \d+ more source-map notes$/, 'many scripts are summarised');
  });
}

test('scripts on disk without any source map: the very same profile object comes back', async () => {
  const script = path.join(dir, 'plain.js');
  writeFileSync(script, 'function hot() {\n  return 1;\n}\nhot();\n');
  const raw = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2] },
      { id: 2, callFrame: { functionName: 'hot', scriptId: '1', url: pathToFileURL(script).href, lineNumber: 0, columnNumber: 0 }, hitCount: 3, positionTicks: [{ line: 2, ticks: 3 }] },
    ],
    startTime: 0,
    endTime: 3000,
    samples: [2, 2, 2],
    timeDeltas: [0, 1000, 1000],
  };
  const p = parseProfile(Buffer.from(JSON.stringify(raw)));
  const mapped = await applySourceMaps(p, fsSourceReader);
  assert.equal(mapped, p);
  assert.deepEqual(mapped.notes, []);
});

// The byte scanner sizes its per-node lists once, after 4096 nodes, from the bytes per node so far
// (parse-cpuprofile.ts): a profile whose later nodes are much smaller than the first ones makes
// that guess too small (the lists must grow past it), one whose later nodes are much larger makes
// it far too large. Either way the model must be the one the JSON.parse path reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { parseProfileObject } from '../../../src/model/parse-object';

/** A CPU profile of `count` nodes (each node's parent is (i - 1) / 3), `big(i)` picking long frames. */
function profileBytes(count: number, big: (i: number) => boolean): Uint8Array {
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const long = big(i);
    const children = [3 * i + 1, 3 * i + 2, 3 * i + 3].filter((c) => c < count).map((c) => c + 1);
    nodes.push({
      id: i + 1,
      callFrame: {
        functionName: i === 0 ? '(root)' : long ? `handler_${i % 700}_${'x'.repeat(200)}` : `f${i % 300}`,
        scriptId: String(i % 40),
        url: i === 0 ? '' : long ? `file:///srv/app/node_modules/some-package/lib/deeply/nested/module-${i % 90}.js` : `m${i % 40}.js`,
        lineNumber: i % 250,
        columnNumber: i % 17,
      },
      hitCount: i % 3,
      children,
      ...(i % 5 === 0 ? { positionTicks: [{ line: (i % 250) + 2, ticks: 2 }, { line: (i % 250) + 1, ticks: 1 }] } : {}),
    });
  }
  const samples = Array.from({ length: 6000 }, (_, s) => ((s * 7919) % count) + 1);
  const timeDeltas = samples.map((_, s) => 90 + (s % 23));
  return Buffer.from(JSON.stringify({ nodes, startTime: 1_000_000, endTime: 1_700_000, samples, timeDeltas }));
}

const cases: [string, (i: number) => boolean][] = [
  ['later nodes much smaller (the size guess is too small)', (i) => i < 4096],
  ['later nodes much larger (the size guess is far too large)', (i) => i >= 4096],
  ['nodes alike', (i) => i % 2 === 0],
];

for (const [name, big] of cases) {
  test(`byte scanner, ${name}: same model as the JSON.parse path`, () => {
    const bytes = profileBytes(9000, big);
    const walked = parseProfileObject(bytes);
    assert.ok(walked, 'the JSON.parse path reads this profile itself');
    const scanned = parseProfile(bytes, { objectPathMaxBytes: -1 });
    assert.equal(scanned.nodeCount, 9000);
    assert.ok(scanned.lineNumber.length > 9000 / 5, 'the positionTicks became line entries');
    assert.deepStrictEqual(scanned, walked);
  });
}

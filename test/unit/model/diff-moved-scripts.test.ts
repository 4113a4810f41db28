// The same program profiled from two folders: movedScripts pairs each script found on one side only
// with the other side's at the same path below another folder. Builder-made profiles; the real
// captures (two checkouts run with node --cpu-prof) are in test/unit/cli/diff-checkouts.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/model/builder';
import { diffFunctions, movedScripts } from '../../../src/model/diff';
import type { Profile } from '../../../src/model/types';

/** main → one function per script, 10 µs of self each. */
function profileOf(scripts: string[]): Profile {
  const b = new ProfileBuilder({ kind: 'cpu', unit: 'us', format: 'devtools-cpuprofile', startTime: 0, endTime: 0 });
  const main = b.addNode(0, b.frame({ functionName: 'main', url: 'file:///srv/shared/main.js', line: 1, column: 1, category: 'user' }));
  scripts.forEach((path, i) => b.addSelf(b.addNode(main, b.frame({ functionName: `f${i}`, url: `file://${path}`, line: 3, column: 5, category: 'user' })), 10, 1));
  return b.finish();
}

test('two checkouts with a thousand node_modules index.js each: every script pairs with its own', () => {
  const files = (root: string) => Array.from({ length: 1500 }, (_, i) => (i % 2 ? `${root}/node_modules/pkg${i}/index.js` : `${root}/src/m${i}.js`));
  const [base, next] = [profileOf(files('/ci/build-1')), profileOf(files('/ci/build-2'))];
  const moved = movedScripts(base, next);
  assert.equal(moved.size, 1500);
  assert.equal(moved.get('/ci/build-1/node_modules/pkg7/index.js'), '/ci/build-2/node_modules/pkg7/index.js');
  const rows = diffFunctions(base, next);
  assert.equal(rows.length, 1501, 'main and each function once');
  assert.ok(rows.every((r) => r.selfDelta === 0 && r.selfBefore === r.selfAfter), 'nothing changed');
});

test('the longest shared tail wins; scripts on both sides and lone ones stay as they are', () => {
  const base = profileOf(['/w/a/x/util.js', '/w/a/lib.js', '/opt/tool/run.js', '/w/a/gone.js']);
  const next = profileOf(['/w/b/y/util.js', '/w/b/x/util.js', '/w/b/lib.js', '/opt/tool/run.js', '/w/b/fresh.js']);
  assert.deepEqual(
    [...movedScripts(base, next)].sort(),
    [
      ['/w/a/lib.js', '/w/b/lib.js'],
      ['/w/a/x/util.js', '/w/b/x/util.js'],
    ],
  );
  // Nothing to pair: identical paths, or no script on one side only.
  assert.equal(movedScripts(base, base).size, 0);
});

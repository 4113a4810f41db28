// matchLines (src/editor/line-diff.ts): where each line of a file's earlier text is in its current
// text, so hot lines follow a file changed while it was closed. Checked against a plain O(n·m)
// longest-common-subsequence table on random texts, then on edits of a real source file.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineHashes, matchLines } from '../../../src/editor/line-diff';
import { repoRoot } from '../../support/capture-helpers';

function lcsLength(a: readonly string[], b: readonly string[]): number {
  let next = new Int32Array(b.length + 1);
  for (let i = a.length - 1; i >= 0; i--) {
    const row = new Int32Array(b.length + 1);
    for (let j = b.length - 1; j >= 0; j--) row[j] = a[i] === b[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
    next = row;
  }
  return next[0]!;
}

/** Asserts the mapping keeps order, maps equal lines only, and returns how many it maps. */
function checked(a: readonly string[], b: readonly string[], at: Int32Array): number {
  assert.equal(at.length, a.length);
  let last = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const j = at[i]!;
    if (j < 0) continue;
    assert.ok(j > last, `line ${i} → ${j} after ${last}`);
    assert.equal(b[j], a[i], `line ${i} → ${j}`);
    last = j;
    count++;
  }
  return count;
}

describe('matchLines', () => {
  it('finds a longest common subsequence of random texts (20,000 pairs, few distinct lines)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let t = 0; t < 20_000; t++) {
      const distinct = 1 + Math.floor(random() * 6);
      const text = () => Array.from({ length: Math.floor(random() * 16) }, () => `l${Math.floor(random() * distinct)}`);
      const a = text();
      const b = text();
      assert.equal(checked(a, b, matchLines(a, b)), lcsLength(a, b), JSON.stringify([a, b]));
    }
  });

  it('follows a real file through insertions, deletions and changed lines', () => {
    const before = fs.readFileSync(path.join(repoRoot, 'src/editor/hotlines.ts'), 'utf8').split('\n');
    const after = [...before];
    after.splice(200, 1, '    // changed');
    after.splice(120, 5);
    after.splice(10, 0, '// one', '// two', '// three');
    const at = matchLines(before, after);
    assert.equal(checked(before, after, at), before.length - 6);
    assert.equal(at[0], 0);
    assert.equal(at[9], 9);
    assert.equal(at[10], 13, 'below the three inserted lines');
    for (let i = 120; i < 125; i++) assert.equal(at[i], -1, `deleted line ${i}`);
    assert.equal(at[125], 125 + 3 - 5);
    assert.equal(at[200], -1, 'the changed line');
    assert.equal(at[before.length - 1], after.length - 1);
  });

  it('past maxEdits, leaves the changed middle unmatched but keeps the common head and tail', () => {
    const before = Array.from({ length: 300 }, (_, i) => `line ${i}`);
    const after = [...before.slice(0, 50), ...Array.from({ length: 200 }, (_, i) => `new ${i}`), ...before.slice(250)];
    const at = matchLines(before, after, 100);
    assert.equal(at[49], 49);
    assert.equal(at[250], 250);
    for (let i = 50; i < 250; i++) assert.equal(at[i], -1);
    // Within the limit the same texts match as before.
    assert.equal(checked(before, after, matchLines(before, after)), 100);
  });

  it('maps nothing from or to an empty text', () => {
    assert.deepEqual([...matchLines(['a', 'b'], [])], [-1, -1]);
    assert.deepEqual([...matchLines([], ['a'])], []);
  });

  it('matches the same lines through their hashes as through their text (what a closed document keeps)', () => {
    const before = fs.readFileSync(path.join(repoRoot, 'src/editor/hotlines.ts'), 'utf8').split('\n');
    const after = [...before];
    after.splice(150, 2, '    const changed = 1;');
    after.splice(30, 0, '// inserted');
    const hashes = (lines: string[]) => lineHashes(lines.length, (i) => lines[i]!);
    const h = hashes(before);
    assert.equal(h.length, before.length);
    assert.notEqual(h[0], hashes(['x' + before[0]])[0], 'a changed line hashes differently');
    assert.deepEqual([...matchLines(h, hashes(after))], [...matchLines(before, after)]);
  });
});

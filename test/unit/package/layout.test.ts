// The `test:unit` script (scripts/test-unit.mjs) runs the `*.test.ts` files one folder below test/unit: a
// test file directly in test/unit or two folders down would silently never run, and helpers belong in test/support.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const repo = path.resolve(__dirname, '../../..');
const unit = path.join(repo, 'test/unit');

test('every unit test sits exactly one folder below test/unit, where test:unit finds it', () => {
  const script = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['test:unit'];
  assert.equal(script, 'node scripts/test-unit.mjs');
  const misplaced: string[] = [];
  for (const entry of readdirSync(unit, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      misplaced.push(entry.name);
      continue;
    }
    for (const inner of readdirSync(path.join(unit, entry.name), { withFileTypes: true })) {
      // Only test files here: a helper goes to test/support, a deeper folder is not globbed.
      if (!inner.isFile() || !inner.name.endsWith('.test.ts')) misplaced.push(`${entry.name}/${inner.name}`);
    }
  }
  assert.deepEqual(misplaced, [], 'move these into a test/unit/<src folder>/ (tests) or test/support/ (helpers)');
});

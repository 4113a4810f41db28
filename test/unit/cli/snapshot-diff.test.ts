// `flamelens snapshot-diff` on real heap snapshots written by a Node process (v8.writeHeapSnapshot):
// LeakyThing objects appear between the two, Shrinker objects are let go. Uses the built dist/cli.js
// (npm run build), which finds its snapshot worker beside it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot, scratchDir } from '../../support/capture-helpers';

const cli = path.join(repoRoot, 'dist/cli.js');
let dir = '';
before(() => {
  dir = scratchDir('cli-snapshot-diff');
  fs.writeFileSync(
    path.join(dir, 'snap.js'),
    `const v8 = require('v8');
class LeakyThing { constructor(i) { this.i = i; } }
class Shrinker { constructor(i) { this.i = i; } }
const kept = [];
let dropped = [];
for (let i = 0; i < 300; i++) dropped.push(new Shrinker(i));
v8.writeHeapSnapshot('before.heapsnapshot');
for (let i = 0; i < 700; i++) kept.push(new LeakyThing(i));
dropped = null;
v8.writeHeapSnapshot('after.heapsnapshot');
`,
  );
  const r = spawnSync(process.execPath, ['snap.js'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

const flamelens = (args: string[]) => spawnSync(process.execPath, [cli, 'snapshot-diff', ...args], { cwd: dir });

/** Objects named `name` and their self bytes, read from the raw snapshot JSON. */
function rawCount(file: string, name: string): { count: number; size: number } {
  const s = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = s.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const objectType = s.snapshot.meta.node_types[0].indexOf('object');
  let count = 0;
  let size = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    if (s.nodes[i + typeAt!] === objectType && s.strings[s.nodes[i + nameAt!]!] === name) {
      count++;
      size += s.nodes[i + sizeAt!]!;
    }
  }
  return { count, size };
}

test('snapshot-diff lists what shrank too, with the snapshots’ own counts', () => {
  const r = flamelens(['before.heapsnapshot', 'after.heapsnapshot']);
  assert.equal(r.status, 0, r.stderr.toString());
  const text = r.stdout.toString('utf8');
  const [growth, shrank] = text.split('\nShrank by constructor:\n');
  assert.ok(shrank !== undefined, `a "Shrank by constructor" section:\n${text}`);
  const shrunk = rawCount('before.heapsnapshot', 'Shrinker');
  assert.equal(shrunk.count, 300);
  assert.equal(rawCount('after.heapsnapshot', 'Shrinker').count, 0);
  assert.match(shrank, new RegExp(`^\\s+0\\s+-300\\s+0 B\\s+-${(shrunk.size / 1024).toFixed(1)} KB\\s+Shrinker$`, 'm'));
  assert.match(growth!, /^\s+700\s+\+700\s.*LeakyThing$/m);
  assert.doesNotMatch(growth!, /Shrinker/);

  const json = JSON.parse(flamelens(['before.heapsnapshot', 'after.heapsnapshot', '--json', '--top', '3']).stdout.toString('utf8')) as {
    growth: { name: string }[];
    shrank: { name: string; countBefore: number; countAfter: number; countDelta: number; selfSizeDelta: number }[];
  };
  assert.equal(json.growth.length, 3);
  const row = json.shrank.find((g) => g.name === 'Shrinker');
  assert.deepEqual(row && [row.countBefore, row.countAfter, row.countDelta, row.selfSizeDelta], [300, 0, -300, -shrunk.size]);
  assert.ok(json.shrank.every((g) => g.countDelta <= 0 && g.selfSizeDelta <= 0));
});

test('snapshot-diff --json lists in "growth" only the constructors that grew, as the text does', () => {
  // A large --top, so that nothing but the filter keeps unchanged constructors out.
  const text = flamelens(['before.heapsnapshot', 'after.heapsnapshot', '--top', '100000']);
  assert.equal(text.status, 0, text.stderr.toString());
  const section = text.stdout.toString('utf8').split('\nGrowth by constructor:\n')[1]!.split('\n\nShrank by constructor:\n')[0]!;
  // Rows are: count, Δ count, self (number and unit), Δ self (number and unit), then the name.
  const textNames = section.split('\n').slice(1).map((l) => /^\s*\S+\s+\S+\s+\S+ \S+\s+\S+ \S+\s+(.*)$/.exec(l)?.[1]);
  assert.ok(textNames.includes('LeakyThing'), section);

  const r = flamelens(['before.heapsnapshot', 'after.heapsnapshot', '--json', '--top', '100000']);
  assert.equal(r.status, 0, r.stderr.toString());
  const json = JSON.parse(r.stdout.toString('utf8')) as { growth: { name: string; countDelta: number; selfSizeDelta: number }[] };
  const still = json.growth.filter((g) => !(g.countDelta > 0 || g.selfSizeDelta > 0));
  assert.deepEqual(still.map((g) => g.name), [], 'constructors that did not grow are not growth');
  assert.deepEqual(json.growth.map((g) => g.name), textNames);
});

test('snapshot-diff and report print a snapshot file name with a newline and ESC as one escaped line', () => {
  const hostile = 'a\x1b[2J\n::error::forged.heapsnapshot';
  fs.copyFileSync(path.join(dir, 'before.heapsnapshot'), path.join(dir, hostile));
  for (const [cmd, args] of [
    ['snapshot-diff', [hostile, 'after.heapsnapshot']],
    ['report', [hostile]],
  ] as const) {
    const r = spawnSync(process.execPath, [cli, cmd, ...args], { cwd: dir });
    assert.equal(r.status, 0, r.stderr.toString());
    const text = r.stdout.toString('utf8');
    for (const line of text.split('\n')) assert.ok(!line.startsWith('::'), `${cmd}: a line starts with "::": ${line}`);
    assert.ok(!text.includes('\x1b'), `${cmd}: raw ESC`);
    assert.ok(text.startsWith('a\\x1b[2J\\n::error::forged.heapsnapshot '), `${cmd}: ${text.slice(0, 80)}`);
  }
});

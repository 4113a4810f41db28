// `flamelens diff --normalize` scales the base by busy time (recorded time minus (idle)), the same
// quantity the --fail-above percentages are of. Two real captures of one program that does the
// same work, the base then waiting on a timer: scaled by totals that include the wait, the base
// shrank to a third and every function "grew" by about 100 % of it, failing any gate.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { buildBundles, busyFunction, runCli, scratchDir, writeFiles } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

interface DiffJson {
  base: { total: number; busy: number };
  new: { total: number; busy: number };
  failed: boolean;
  functions: { name: string; before: number; after: number; delta: number; percentOfBase: number | null }[];
}

test('diff --normalize: a base that also waited (idle) is scaled by busy time; the same work passes --fail-above', () => {
  const dir = scratchDir('diff-normalize-idle');
  // The same work both times; the wait is a timer, which V8 records as (idle).
  writeFiles(dir, {
    'work.js': `${busyFunction('spinA', 400)}${busyFunction('spinB', 400)}spinA();\nspinB();\nsetTimeout(() => {}, Number(process.argv[2]));\n`,
  });
  const capture = (name: string, waitMs: number): string => {
    const out = path.join(dir, name);
    const r = runCli(cli, ['record', '--no-html', '--out', out, '--', process.execPath, path.join(dir, 'work.js'), String(waitMs)], dir);
    assert.equal(r.status, 0, r.stderr);
    const file = fs.readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
    assert.ok(file, `${name}: a profile was recorded`);
    return path.join(out, file);
  };
  const base = capture('base', 2000);
  const next = capture('new', 0);

  const r = runCli(cli, ['diff', base, next, '--normalize', '--fail-above', '25', '--json', '--no-source-maps'], dir);
  const json = JSON.parse(r.stdout) as DiffJson;
  // The base really waited: most of its recording is idle.
  assert.ok(json.base.total > 2 * json.base.busy, `base ${json.base.total} µs recorded, ${json.base.busy} µs busy`);
  for (const name of ['spinA', 'spinB']) {
    const row = json.functions.find((f) => f.name === name);
    // Before: ≈ +100 % each (the base scaled by 0.3); the same work differs by a few % from run to run.
    if (row) assert.ok(Math.abs(row.percentOfBase ?? 0) < 25, `${name}: ${row.before} → ${row.after} µs, ${row.percentOfBase}% of the base`);
  }
  assert.equal(json.failed, false, JSON.stringify(json.functions.slice(0, 4)));
  assert.equal(r.status, 0, r.stderr);
});

test('diff --normalize: a new profile that is all idle is refused (exit 2), not compared with a base scaled to nothing', () => {
  const dir = scratchDir('diff-normalize-all-idle');
  const cf = (functionName: string, lineNumber: number) => ({ functionName, scriptId: '1', url: 'file:///app/x.js', lineNumber, columnNumber: 0 });
  const root = { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 };
  const idle = { functionName: '(idle)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 };
  const write = (name: string, samples: number[]) =>
    fs.writeFileSync(
      path.join(dir, name),
      JSON.stringify({
        nodes: [
          { id: 1, callFrame: root, children: [2, 3] },
          { id: 2, callFrame: cf('f', 2), children: [] },
          { id: 3, callFrame: idle, children: [] },
        ],
        startTime: 0,
        endTime: (samples.length + 1) * 1000,
        samples,
        timeDeltas: samples.map(() => 1000),
      }),
    );
  write('base.cpuprofile', [2, 2, 2, 3]);
  write('idle.cpuprofile', [3, 3, 3, 3]);
  const r = runCli(cli, ['diff', 'base.cpuprofile', 'idle.cpuprofile', '--normalize', '--no-source-maps'], dir);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /idle\.cpuprofile has no busy time/);
});

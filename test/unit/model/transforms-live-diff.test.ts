// Diff of two real captures of one script before and after a change: version B does four times
// the work in parse(), so parse must come out as the top regression. (×4 rather than ×2: this
// machine's 2 shared cores are often oversubscribed, and a wall-clock profile of a descheduled
// process books the pause on whatever was running.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { diffFunctions, diffLines, diffProfiles } from '../../../src/model/diff';
import { parseProfile } from '../../../src/model/import';
import type { Profile } from '../../../src/model/types';
import { assertValidProfile, frameOfNode } from '../../support/transforms-support';

// Fixed amounts of work (not time-boxed), so the only difference between runs is the change.
// parse and render do the same work per iteration, interleaved, so within one run their ratio
// is set by the sizes alone, whatever the machine's load.
const program = (parseSize: number) => `'use strict';
function parse(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i + 0.5); // PARSE
  return s;
}
function render(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i + 0.25); // RENDER
  return s;
}
let out = 0;
for (let round = 0; round < 200; round++) {
  out += parse(${parseSize});
  out += render(300000);
}
if (out === 42) console.log(out);
`;
const parseLine = program(1).split('\n').findIndex((l) => l.includes('// PARSE')) + 1;

const run = promisify(execFile);
let dir = '';
let base: Profile;
let next: Profile;

// Both versions run at the same time, so they share whatever load the machine has.
async function capture(parseSize: number, name: string): Promise<Profile> {
  const sub = path.join(dir, name);
  mkdirSync(sub);
  const script = path.join(sub, 'app.js');
  writeFileSync(script, program(parseSize));
  const out = path.join(sub, 'prof');
  await run(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '500', '--cpu-prof-dir', out, script]);
  const [file] = readdirSync(out);
  assert.ok(file, `a profile in ${out}`);
  const p = parseProfile(new Uint8Array(readFileSync(path.join(out, file))), { fileName: file });
  // The same script path in both runs, as for a real before/after of one file.
  return { ...p, frames: p.frames.map((f) => (f.url.includes(sub) ? { ...f, url: f.url.replace(sub, dir) } : f)) };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flamelens-diff-'));
  [base, next] = await Promise.all([capture(300000, 'a'), capture(1200000, 'b')]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const selfOf = (rows: ReturnType<typeof diffFunctions>, name: string) => rows.find((r) => r.frame.functionName === name);

test('the function whose work doubled is the top regression', () => {
  const rows = diffFunctions(base, next);
  const [top] = rows;
  assert.ok(top, 'the diff has rows');
  assert.equal(top.frame.functionName, 'parse', rows.slice(0, 3).map((r) => `${r.frame.functionName} ${r.selfDelta}`).join(', '));
  assert.ok(top.selfDelta > 0);
  const render = selfOf(rows, 'render');
  assert.ok(render);
  assert.ok(Math.abs(render.selfDelta) < top.selfDelta, 'render changed less');
  // Within each run parse/render follows the sizes (about 1 before, 4 after); the machine's
  // load moves each run's figures by tens of percent, hence the margin.
  const ratioBefore = top.selfBefore / render.selfBefore;
  const ratioAfter = top.selfAfter / render.selfAfter;
  assert.ok(ratioAfter / ratioBefore > 2, `parse/render ${ratioBefore.toFixed(2)} → ${ratioAfter.toFixed(2)}`);
});

test('normalised, parse still grows and render shrinks in share', () => {
  const rows = diffFunctions(base, next, { normalize: true });
  // Shares move by the same amount both ways, so the top regression is the largest positive row.
  const worst = rows.reduce((a, b) => (b.selfDelta > a.selfDelta ? b : a));
  assert.equal(worst.frame.functionName, 'parse');
  assert.ok(worst.selfDelta > 0);
  assert.ok((selfOf(rows, 'render')?.selfDelta ?? 0) < 0);
});

test('the union tree carries the change on parse’s node, and the hot line is parse’s loop', () => {
  const d = diffProfiles(base, next);
  assertValidProfile(d);
  const baseTotal = d.baseTotalValue as Float64Array;
  const deltaOf = (name: string) => {
    let sum = 0;
    for (let i = 0; i < d.nodeCount; i++) if (frameOfNode(d, i).functionName === name) sum += d.totalValue[i]! - baseTotal[i]!;
    return sum;
  };
  assert.ok(deltaOf('parse') > 0);
  assert.ok(deltaOf('parse') > Math.abs(deltaOf('render')));
  // Every parse node of either run was matched into one place: no duplicate frame under a parent.
  const lines = diffLines(base, next);
  const [topLine] = lines;
  assert.ok(topLine, 'the diff has lines');
  assert.equal(topLine.url, next.frames.find((f) => f.functionName === 'parse')?.url);
  assert.equal(topLine.line, parseLine, 'the regression’s top line is the loop in parse');
  assert.ok(topLine.delta > 0);
});

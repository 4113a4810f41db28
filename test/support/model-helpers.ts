// Shared checks for the model tests: the structural invariants every Profile must satisfy, and
// small helpers to run real Node programs that write profiles.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { functionTable } from '../../src/model/tables';
import type { Profile } from '../../src/model/types';

export const fixtures = path.join(__dirname, '..', 'fixtures');

export function readFixture(name: string): Buffer {
  return readFileSync(path.join(fixtures, name));
}

export interface InvariantOptions {
  /** Transform outputs have siblings unique by frame (imports need not: V8 itself emits duplicates). */
  uniqueSiblings?: boolean;
}

/**
 * Asserts the whole Profile contract of types.ts — the one checker every model test uses
 * (imports, fuzzed inputs, every transform): node 0 the root and parents before children, CSR
 * child lists that agree with the parents, every value (self, total, samples, lines, baseline)
 * finite and ≥ 0, total = self + children's totals, each node's lines summing to its self value,
 * times and counts finite, and no node or function worth more than 100% of the root.
 */
export function assertProfileInvariants(p: Profile, options: InvariantOptions = {}): void {
  const n = p.nodeCount;
  assert.ok(n >= 1, 'a profile has a root');
  for (const [name, a] of [['nodeFrame', p.nodeFrame], ['nodeParent', p.nodeParent], ['selfValue', p.selfValue], ['totalValue', p.totalValue], ['selfSamples', p.selfSamples]] as const) {
    assert.equal(a.length, n, `${name} has one entry per node`);
  }
  assert.equal(p.nodeParent[0], -1, 'node 0 is the root');
  for (let i = 1; i < n; i++) {
    const parent = p.nodeParent[i]!;
    if (!(parent >= 0 && parent < i)) assert.fail(`parent of ${i} (${parent}) precedes it`);
  }
  // CSR child lists agree with the parent array.
  assert.equal(p.childStart.length, n + 1);
  assert.equal(p.childStart[0], 0);
  assert.equal(p.childStart[n], n - 1, 'every node but the root is someone’s child');
  assert.equal(p.lineStart.length, n + 1);
  assert.equal(p.lineStart[0], 0);
  assert.equal(p.lineStart[n], p.lineNumber.length);
  assert.equal(p.lineNumber.length, p.lineValue.length);
  const unique = options.uniqueSiblings ?? false;
  const seenFrame = new Int32Array(p.frames.length).fill(-1);
  for (const [name, a] of [['self', p.selfValue], ['total', p.totalValue], ['samples', p.selfSamples], ['line value', p.lineValue]] as const) {
    assertUsableValues(a, name);
  }
  const rootTotal = p.totalValue[0]!;
  for (let i = 0; i < n; i++) {
    const f = p.nodeFrame[i]!;
    if (!(f >= 0 && f < p.frames.length)) assert.fail(`frame of ${i} (${f}) exists`);
    if (p.childStart[i + 1]! < p.childStart[i]!) assert.fail(`child range of ${i} is ordered`);
    let sumChildren = p.selfValue[i]!;
    for (let c = p.childStart[i]!; c < p.childStart[i + 1]!; c++) {
      const child = p.childNodes[c]!;
      if (p.nodeParent[child] !== i) assert.fail(`child ${child} of ${i} points back`);
      if (unique) {
        if (seenFrame[p.nodeFrame[child]!] === i) assert.fail(`siblings under ${i} unique by frame`);
        seenFrame[p.nodeFrame[child]!] = i;
      }
      sumChildren += p.totalValue[child]!;
    }
    assertClose(p.totalValue[i]!, sumChildren, `total of ${i} = self + children`);
    if (!(p.totalValue[i]! <= rootTotal * (1 + 1e-9) + 1e-9)) assert.fail(`node ${i} is at most 100% of the root (${p.totalValue[i]} vs ${rootTotal})`);
    if (p.lineStart[i + 1]! < p.lineStart[i]!) assert.fail(`line range of ${i} is ordered`);
    let lines = 0;
    for (let k = p.lineStart[i]!; k < p.lineStart[i + 1]!; k++) lines += p.lineValue[k]!;
    assertClose(lines, p.selfValue[i]!, `line table of ${i} sums to its self value`);
  }
  assertClose(sum(p.selfValue), rootTotal, 'self values add up to the total');
  if (p.baseSelfValue || p.baseTotalValue) {
    assert.ok(p.baseSelfValue && p.baseTotalValue, 'a baseline has self and total values');
    assertUsableValues(p.baseSelfValue, 'baseline self');
    assertUsableValues(p.baseTotalValue, 'baseline total');
    for (let i = n - 1; i >= 0; i--) {
      let s = p.baseSelfValue[i]!;
      for (let k = p.childStart[i]!; k < p.childStart[i + 1]!; k++) s += p.baseTotalValue[p.childNodes[k]!]!;
      assertClose(p.baseTotalValue[i]!, s, `base total of ${i} = base self + children`);
    }
  }
  assert.ok(Number.isFinite(p.startTime) && Number.isFinite(p.endTime), `start ${p.startTime} and end ${p.endTime} are finite`);
  assert.ok(Number.isFinite(p.endTime - p.startTime), 'the duration is finite');
  assert.ok(Number.isFinite(p.sampleCount) && p.sampleCount >= 0, `sample count ${p.sampleCount} is a count`);
  for (const f of p.frames) {
    assert.ok(Number.isInteger(f.line) && f.line >= 0, 'frame lines are 1-based or 0');
    assert.ok(Number.isInteger(f.column) && f.column >= 0);
  }
  // What reports print as percentages: no function above 100% of the profile.
  for (const row of functionTable(p)) {
    if (!(row.self <= rootTotal * (1 + 1e-9) + 1e-9 && row.total <= rootTotal * (1 + 1e-9) + 1e-9)) {
      assert.fail(`function ${p.frames[row.frame]!.functionName} is at most 100% of the profile (self ${row.self}, total ${row.total}, profile ${rootTotal})`);
    }
  }
}

function assertUsableValues(a: ArrayLike<number>, name: string): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(v >= 0 && v < Infinity)) assert.fail(`${name} [${i}] is finite and not negative: ${v}`);
  }
}

/**
 * Text output shows no NaN or Infinity. A report (`report: true`) also shows no negative
 * amount and no share above 100%; a diff legitimately shows negative changes (improvements)
 * and "% of base" above 100 (a function can grow by more than the whole base).
 */
export function assertSaneReportText(text: string, { report = true } = {}): void {
  assert.doesNotMatch(text, /NaN|Infinity/, `no NaN/Infinity in:\n${text}`);
  if (!report) return;
  assert.doesNotMatch(text, /-\d+(\.\d+)? ?(µs|ms|s|B|KB|MB|GB)\b/, `no negative amount in:\n${text}`);
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)%/g)) assert.ok(Number(m[1]) <= 100, `share ${m[0]} ≤ 100% in:\n${text}`);
}

export function assertClose(actual: number, expected: number, message: string): void {
  const tolerance = 1e-6 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: ${actual} vs ${expected}`);
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `node <args>` in `cwd` (a real process) and returns the profiles it wrote to `profDir`. */
export function runNode(args: string[], cwd: string, profDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  execFileSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return readdirSync(profDir)
    .filter((f) => f.endsWith('.cpuprofile') || f.endsWith('.heapprofile') || f.endsWith('.json'))
    .sort()
    .map((f) => path.join(profDir, f));
}

/** 1-based line of the first line containing `marker` in `file`. */
export function lineOf(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker} in ${file}`);
  return i + 1;
}

/**
 * Writes a real v8-profiler-next dump into `dir` (1-based lines, lineTicks in the call frame,
 * numeric scriptId, typeId at the top) from a short busy program; returns its path.
 */
export function writeV8ProfilerNextDump(dir: string): string {
  const repo = path.resolve(__dirname, '..', '..');
  writeFileSync(
    path.join(dir, 'busy.js'),
    `'use strict';
function spin(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.sqrt(i) * Math.sin(i);
  return s;
}
exports.run = (ms) => { const end = Date.now() + ms; let t = 0; while (Date.now() < end) t += spin(20000); return t; };
`,
  );
  const dump = path.join(dir, 'v8pn.json');
  writeFileSync(
    path.join(dir, 'main.js'),
    `'use strict';
const profiler = require(${JSON.stringify(path.join(repo, 'node_modules/v8-profiler-next'))});
profiler.setGenerateType(1);
profiler.setSamplingInterval(200);
profiler.startProfiling('busy', true);
require('./busy.js').run(300);
const profile = profiler.stopProfiling('busy');
profile.export((err, json) => {
  if (err) throw err;
  require('node:fs').writeFileSync(${JSON.stringify(dump)}, json);
  profile.delete();
});
`,
  );
  execFileSync(process.execPath, [path.join(dir, 'main.js')], { cwd: dir, stdio: 'ignore', timeout: 60_000 });
  return dump;
}

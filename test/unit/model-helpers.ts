// Shared checks for the model tests: the structural invariants every Profile must satisfy, and
// small helpers to run real Node programs that write profiles.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Profile } from '../../src/model/types';

export const fixtures = path.join(__dirname, '..', 'fixtures');

export function readFixture(name: string): Buffer {
  return readFileSync(path.join(fixtures, name));
}

/** Asserts the Profile contract from types.ts. */
export function assertProfileInvariants(p: Profile): void {
  const n = p.nodeCount;
  assert.ok(n >= 1, 'a profile has a root');
  assert.equal(p.nodeParent[0], -1, 'node 0 is the root');
  for (let i = 1; i < n; i++) {
    const parent = p.nodeParent[i]!;
    assert.ok(parent >= 0 && parent < i, `parent of ${i} (${parent}) precedes it`);
  }
  // CSR child lists agree with the parent array.
  assert.equal(p.childStart.length, n + 1);
  assert.equal(p.childStart[n], n - 1, 'every node but the root is someone’s child');
  for (let i = 0; i < n; i++) {
    for (let c = p.childStart[i]!; c < p.childStart[i + 1]!; c++) assert.equal(p.nodeParent[p.childNodes[c]!], i);
  }
  for (let i = 0; i < n; i++) {
    const f = p.nodeFrame[i]!;
    assert.ok(f >= 0 && f < p.frames.length, `frame of ${i} exists`);
    assert.ok(p.selfValue[i]! >= 0, `self of ${i} is not negative`);
    let sum = p.selfValue[i]!;
    for (let c = p.childStart[i]!; c < p.childStart[i + 1]!; c++) sum += p.totalValue[p.childNodes[c]!]!;
    assertClose(p.totalValue[i]!, sum, `total of ${i} = self + children`);
    let lines = 0;
    for (let k = p.lineStart[i]!; k < p.lineStart[i + 1]!; k++) lines += p.lineValue[k]!;
    assertClose(lines, p.selfValue[i]!, `line table of ${i} sums to its self value`);
  }
  assert.equal(p.lineStart[n], p.lineNumber.length);
  assert.equal(p.lineNumber.length, p.lineValue.length);
  for (const f of p.frames) {
    assert.ok(Number.isInteger(f.line) && f.line >= 0, 'frame lines are 1-based or 0');
    assert.ok(Number.isInteger(f.column) && f.column >= 0);
  }
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
    .filter((f) => f.endsWith('.cpuprofile') || f.endsWith('.json'))
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

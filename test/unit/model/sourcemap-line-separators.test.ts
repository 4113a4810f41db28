// A script holding U+2028 or U+2029: V8 counts them as line breaks (ECMAScript line terminators),
// editors do not, so V8's lines after one are further down than the code. The source-map step
// (which reads each script anyway) renumbers such a script's frames and line ticks as editors do.
// Real profiles: `node --cpu-prof` of real programs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fsSourceReader } from '../../../src/fs-source-reader';
import { parseProfile } from '../../../src/model/import';
import { editorLinesOf } from '../../../src/model/line-terminators';
import { applySourceMaps } from '../../../src/model/sourcemap';
import { lineTable } from '../../../src/model/tables';
import type { Profile } from '../../../src/model/types';

const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-separators-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Editor lines (1-based): `hot` starts on 2 and spins on 4; `after` starts on 7 after a U+2029 on
// that same line. Line 5 ends in CRLF, which both count once.
const program = [
  'const s = "a\u2028b";',
  'function hot() {',
  '  let x = 0;',
  '  for (let i = 0; i < 4e7; i++) x += i % 7;',
  '  return x;\r',
  '}',
  'const t = "c\u2029d"; function after() { let y = 0; for (let i = 0; i < 3e7; i++) y += i % 5; return y; }',
  'console.log(hot(), after(), s.length, t.length);',
  '',
].join('\n');

function capture(name: string, text: string): { profile: Profile; script: string } {
  const out = path.join(dir, `${name}-prof`);
  const script = path.join(dir, `${name}.js`);
  writeFileSync(script, text);
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', out, script], { stdio: 'ignore' });
  const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'))!;
  return { profile: parseProfile(readFileSync(path.join(out, file))), script };
}

function frameNamed(p: Profile, name: string) {
  const f = p.frames.find((fr) => fr.functionName === name);
  assert.ok(f, `${name} is in the profile`);
  return f;
}

function hottestLineOf(p: Profile, name: string): number {
  const rows = lineTable(p).filter((r) => p.frames[r.frame]!.functionName === name);
  assert.ok(rows.length > 0, `${name} has line ticks`);
  return rows.reduce((a, b) => (b.self > a.self ? b : a)).line;
}

test('a real script with U+2028 and U+2029: functions, columns and hot lines come out as editors number them', async () => {
  const { profile, script } = capture('separated', program);
  // What V8 reports: one line further down per separator above.
  assert.equal(frameNamed(profile, 'hot').line, 3);
  assert.equal(hottestLineOf(profile, 'hot'), 5);
  assert.equal(frameNamed(profile, 'after').line, 9);

  const mapped = await applySourceMaps(profile, fsSourceReader);
  const hot = frameNamed(mapped, 'hot');
  assert.equal(hot.line, 2);
  assert.equal(hot.column, frameNamed(profile, 'hot').column, 'a line starting at a line break keeps its column');
  assert.equal(hottestLineOf(mapped, 'hot'), 4);
  const afterFrame = frameNamed(mapped, 'after');
  assert.equal(afterFrame.line, 7);
  // The column points at the same code as V8's did on its own line.
  const editorLine7 = program.split('\n')[6]!;
  const v8Line9 = program.split(/\r\n|[\n\r\u2028\u2029]/)[8]!;
  const v8Column = frameNamed(profile, 'after').column;
  assert.ok(v8Column > 0);
  assert.equal(editorLine7.slice(afterFrame.column - 1), v8Line9.slice(v8Column - 1));
  assert.ok(afterFrame.column > v8Column, 'the column counts from the start of the editor line');
  assert.equal(hottestLineOf(mapped, 'after'), 7);
  assert.ok(
    mapped.notes.some((n) => n.includes(path.basename(script)) && /U\+2028 or U\+2029, which JavaScript counts as line breaks and editors do not/.test(n)),
    `a note says why: ${mapped.notes.join(' | ')}`,
  );
  // Totals are unchanged by the renumbering.
  assert.equal(mapped.totalValue[0], profile.totalValue[0]);
});

test('the same program without the separators: V8 and editors agree, nothing is renumbered', async () => {
  const { profile } = capture('plain', program.replace(/[\u2028\u2029]/g, ' '));
  const mapped = await applySourceMaps(profile, fsSourceReader);
  assert.equal(frameNamed(mapped, 'hot').line, 2);
  assert.equal(hottestLineOf(mapped, 'hot'), 4);
  assert.equal(mapped.frames, profile.frames, 'the very same frames');
  assert.ok(!mapped.notes.some((n) => n.includes('U+2028')));
});

test('editorLinesOf: V8 line → editor line and start column, CR, LF and CRLF counted once each', () => {
  assert.equal(editorLinesOf('a\nb\r\nc\rd'), undefined, 'no separators: nothing to renumber');
  const lines = editorLinesOf('ab\u2028cd\r\nef\u2029\u2028g\rh')!;
  // V8 lines: "ab" | "cd" | "ef" | "" | "g" | "h"
  assert.deepEqual([...lines.line], [1, 1, 2, 2, 2, 3]);
  assert.deepEqual([...lines.startColumn], [0, 3, 0, 3, 4, 0]);
});

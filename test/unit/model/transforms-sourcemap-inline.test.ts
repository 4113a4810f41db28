// The sourceMappingURL comment itself, inline maps carrying UTF-8 (a minified program whose
// original function names are not ASCII) and a heap profile, produced by the real esbuild and
// profiled by node.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { transformSync } from 'esbuild';
import { parseProfile } from '../../../src/model/import';
import { applySourceMaps, findSourceMappingUrl } from '../../../src/model/sourcemap';

test('findSourceMappingUrl takes the last comment on a line of its own', () => {
  assert.equal(findSourceMappingUrl('x();\n//# sourceMappingURL=a.js.map\n'), 'a.js.map');
  assert.equal(findSourceMappingUrl('x();\n//@ sourceMappingURL=old.map'), 'old.map', 'legacy //@ form');
  assert.equal(findSourceMappingUrl('//# sourceMappingURL=first.map\ny();\n//# sourceMappingURL=last.map'), 'last.map');
  assert.equal(findSourceMappingUrl('const s = "//# sourceMappingURL=fake.map";'), undefined, 'not inside code');
  assert.equal(findSourceMappingUrl('x();\r\n//# sourceMappingURL=crlf.map\r\n'), 'crlf.map');
  assert.equal(findSourceMappingUrl('x();'), undefined);
});

test('inline UTF-8 map restores non-ASCII names of a minified program', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-inline-'));
  try {
    const original = path.join(dir, 'cálculo.ts');
    // Inside a closure, so the minifier may rename the function.
    const source = `(() => {
  function calcularÍndice(n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.sqrt(i) / (1 + (i % 7)); // CALIENTE
    return s;
  }
  const fin = Date.now() + 300;
  let total = 0;
  while (Date.now() < fin) total += calcularÍndice(20000);
  if (total === 1) console.log(total);
})();
`;
    writeFileSync(original, source);
    const out = transformSync(source, { loader: 'ts', minify: true, sourcemap: 'inline', sourcefile: original });
    const script = path.join(dir, 'cálculo.min.js');
    writeFileSync(script, out.code);
    assert.match(findSourceMappingUrl(out.code) ?? '', /^data:application\/json;base64,/);
    const profDir = path.join(dir, 'prof');
    execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', profDir, script]);
    const [file] = readdirSync(profDir);
    assert.ok(file, `a profile in ${profDir}`);
    const generated = parseProfile(new Uint8Array(readFileSync(path.join(profDir, file))), { fileName: file });
    assert.ok(!generated.frames.some((f) => f.functionName === 'calcularÍndice'), 'the name was minified away');
    const mapped = await applySourceMaps(generated, { read: (p) => readFile(p, 'utf8').catch(() => undefined) });
    const frame = mapped.frames.find((f) => f.functionName === 'calcularÍndice');
    assert.ok(frame, mapped.frames.map((f) => f.functionName).join(', '));
    assert.equal(frame.url, original);
    assert.equal(frame.line, 2);
    // Minified onto one line: which of its lines ran is not known, and said to be (only that is noted).
    assert.deepEqual(mapped.notes.slice(0, generated.notes.length), generated.notes);
    assert.ok(mapped.notes.slice(generated.notes.length).every((n) => n.includes('holds several of')), mapped.notes.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sampling heap profile maps the same way', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-heapmap-'));
  try {
    const original = path.join(dir, 'alloc.ts');
    const source = `interface Row { id: number; label: string }

export function makeRows(count: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) rows.push({ id: i, label: 'row ' + i }); // ALLOC
  return rows;
}
`;
    writeFileSync(original, source);
    const out = transformSync(source, { loader: 'ts', format: 'cjs', sourcemap: 'inline', sourcefile: original });
    writeFileSync(path.join(dir, 'alloc.js'), out.code);
    // V8 gives the main script's frames no url in heap profiles, so the mapped code is a module
    // required from it; the rows stay reachable until the profile is written at exit.
    const script = path.join(dir, 'main.js');
    writeFileSync(
      script,
      `const { makeRows } = require('./alloc.js');\nglobalThis.kept = [];\nfor (let r = 0; r < 20; r++) globalThis.kept.push(makeRows(20000));\n`,
    );
    const profDir = path.join(dir, 'prof');
    execFileSync(process.execPath, ['--heap-prof', '--heap-prof-interval', '4096', '--heap-prof-dir', profDir, script]);
    const [file] = readdirSync(profDir);
    assert.ok(file, `a profile in ${profDir}`);
    const generated = parseProfile(new Uint8Array(readFileSync(path.join(profDir, file))), { fileName: file });
    assert.equal(generated.kind, 'heap');
    const mapped = await applySourceMaps(generated, { read: (p) => readFile(p, 'utf8').catch(() => undefined) });
    assert.equal(mapped.totalValue[0], generated.totalValue[0]);
    const frame = mapped.frames.find((f) => f.functionName === 'makeRows');
    const declLine = source.split('\n').findIndex((l) => l.includes('function makeRows')) + 1;
    assert.deepEqual([frame?.url, frame?.line], [original, declLine]);
    const generatedFrame = generated.frames.find((f) => f.functionName === 'makeRows');
    assert.notEqual(generatedFrame?.line, declLine, 'the interface vanished from the JavaScript, so lines differ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The sourceMappingURL comment itself, and inline maps carrying UTF-8 (a minified program whose
// original function names are not ASCII), produced by the real esbuild and profiled by node.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { transformSync } from 'esbuild';
import { parseProfile } from '../../src/model/import';
import { applySourceMaps, findSourceMappingUrl } from '../../src/model/sourcemap';

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
    const generated = parseProfile(new Uint8Array(readFileSync(path.join(profDir, file))), { fileName: file });
    assert.ok(!generated.frames.some((f) => f.functionName === 'calcularÍndice'), 'the name was minified away');
    const mapped = await applySourceMaps(generated, { read: (p) => readFile(p, 'utf8').catch(() => undefined) });
    const frame = mapped.frames.find((f) => f.functionName === 'calcularÍndice');
    assert.ok(frame, mapped.frames.map((f) => f.functionName).join(', '));
    assert.equal(frame.url, original);
    assert.equal(frame.line, 2);
    assert.deepEqual(mapped.notes, generated.notes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

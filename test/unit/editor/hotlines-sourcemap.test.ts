// Hot lines on TypeScript sources: a .ts program bundled by esbuild with a source map, recorded by
// the real capture agent, source-mapped by the model — the editor index then annotates the .ts
// file (not the generated .js) at the line of the hot loop.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { startCapture } from '../../../src/capture/launcher';
import { parseProfile } from '../../../src/model/import';
import { applySourceMaps } from '../../../src/model/sourcemap';
import type { Profile } from '../../../src/model/types';
import { fsSourceReader } from '../../../src/fs-source-reader';
import { HotLineIndex } from '../../../src/editor/hotlines-model';
import { buildBundles, scratchDir } from '../../support/capture-helpers';

// Type-only lines vanish from the JavaScript, so .ts and .js line numbers differ.
const source = `// A TypeScript workload with one hot loop.
interface Options {
  size: number;
  millis: number;
}

type Box = { value: number };

export function churn(size: number, box: Box): void {
  let s = 0;
  for (let i = 0; i < size; i++) s += Math.sqrt(i) * Math.sin(i); // HOT
  box.value += s;
}

export function drive(options: Options): number {
  const box: Box = { value: 0 };
  const end = Date.now() + options.millis;
  while (Date.now() < end) churn(options.size, box);
  return box.value;
}

console.log(drive({ size: 20000, millis: 400 }));
`;

describe('hot lines through source maps', () => {
  let dir: string;
  let tsFile: string;
  let jsFile: string;
  let mapped: Profile;

  before(async () => {
    const { agent } = await buildBundles();
    dir = scratchDir('editor-hotlines-sourcemap');
    tsFile = path.join(dir, 'src', 'workload.ts');
    jsFile = path.join(dir, 'out', 'workload.js');
    fs.mkdirSync(path.dirname(tsFile), { recursive: true });
    fs.writeFileSync(tsFile, source);
    buildSync({ entryPoints: [tsFile], outfile: jsFile, bundle: true, platform: 'node', format: 'cjs', sourcemap: true, logLevel: 'error' });
    const handle = await startCapture({ command: [process.execPath, jsFile], cwd: dir, outDir: path.join(dir, 'session'), agentPath: agent, stdio: 'ignore' });
    const result = await handle.done;
    const main = result.profiles.find((p) => p.isMainThread && p.kind === 'cpu');
    assert.ok(main, `no profile: ${result.problems.join('; ')}`);
    mapped = await applySourceMaps(parseProfile(fs.readFileSync(main.path)), fsSourceReader);
  });

  it('annotates the .ts file at the hot loop and lenses its functions at their .ts lines', () => {
    const index = new HotLineIndex(mapped);
    const lines = index.linesFor(tsFile, { thresholdPercent: 1 });
    assert.ok(lines.length > 0, `no hot lines for ${tsFile}; files: ${index.filePaths().join(', ')}`);
    const hottest = lines.reduce((a, b) => (b.self > a.self ? b : a));
    const tsLines = source.split('\n');
    assert.match(tsLines[hottest.line - 1]!, /\/\/ HOT/, `hottest line ${hottest.line}: ${tsLines[hottest.line - 1]}`);
    const churn = index.functionsFor(tsFile, { thresholdPercent: 1 }).find((l) => l.name === 'churn');
    assert.ok(churn, 'no lens for churn');
    assert.match(tsLines[churn.line - 1]!, /function churn/);
    // Every line of the program moved to the .ts source. Only esbuild's runtime preamble (lines up to
    // its "// …/src/workload.ts" marker), which maps to no source, may keep a tick of the module's
    // start: one sample is over 1% when a loaded machine samples sparsely.
    const generated = fs.readFileSync(jsFile, 'utf8').split('\n');
    const marker = generated.findIndex((l) => /^\/\/ \S*src\/workload\.ts$/.test(l)) + 1;
    assert.ok(marker > 0, 'esbuild marks where the source begins');
    for (const l of index.linesFor(jsFile, { thresholdPercent: 1 })) {
      assert.ok(l.line <= marker, `the generated line ${l.line} (${generated[l.line - 1]?.trim()}) kept ${l.text}: it has a source line`);
    }
  });
});

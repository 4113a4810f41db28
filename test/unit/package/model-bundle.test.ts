// The profile model as it ships: one bundle (dist/model.js) that the extension and the parse worker
// read every src/model module from (scripts/node-bundle.mjs), built here with the production options.
// A real profile goes through the production-built parse worker; a consumer bundle checks that the
// model's classes are one and the same wherever they are imported from; the extension bundle carries
// no model code of its own.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { nodeBundleOptions, sharedModelEntry, sharedModelFile, sharedModelPlugin } from '../../../scripts/node-bundle.mjs';
import { parseProfile } from '../../../src/model/import';
import { ProfileError } from '../../../src/model/types';
import { disposeParseWorker, parseInWorker } from '../../../src/parse/parse-in-worker';

const repo = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const options = { ...nodeBundleOptions(true), absWorkingDir: repo };
const withSharedModel = { ...options, plugins: [...(options.plugins ?? []), sharedModelPlugin] };

describe('the shared model bundle', () => {
  let work = '';
  let modelMeta: esbuild.Metafile;
  const fixture = readFileSync(path.join(repo, 'test/fixtures/small-webpack-1000us.cpuprofile'));

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'flamelens-model-bundle-'));
    const model = await esbuild.build({ ...options, stdin: sharedModelEntry(repo), outfile: path.join(work, sharedModelFile), metafile: true });
    modelMeta = model.metafile;
    await esbuild.build({ ...withSharedModel, entryPoints: ['src/parse/parse-worker.ts'], outfile: path.join(work, 'parse-worker.js') });
  });
  after(() => {
    disposeParseWorker();
    rmSync(work, { recursive: true, force: true });
  });

  it('holds every src/model module', () => {
    const bundled = Object.keys(modelMeta.inputs).filter((f) => f.startsWith('src/model/'));
    const modules = readdirSync(path.join(repo, 'src/model')).filter((f) => f.endsWith('.ts')).map((f) => `src/model/${f}`);
    assert.deepEqual(bundled.sort(), modules.sort());
  });

  it('parses a real profile in the production-built worker as on this thread, and reports bad input with its code', async () => {
    const worker = path.join(work, 'parse-worker.js');
    const expected = parseProfile(fixture);
    const got = await parseInWorker(worker, new Uint8Array(fixture), 'webpack.cpuprofile');
    assert.equal(got.nodeCount, expected.nodeCount);
    assert.deepEqual(got.frames, expected.frames);
    assert.deepEqual(Array.from(got.totalValue), Array.from(expected.totalValue));
    await assert.rejects(parseInWorker(worker, new Uint8Array(fixture.subarray(0, fixture.length >> 1)), 'cut.cpuprofile'), (err: unknown) => {
      assert.ok(err instanceof ProfileError, String(err));
      assert.equal(err.code, 'truncated');
      return true;
    });
    // The worker bundle itself carries no model code: it reads it from model.js beside it.
    assert.ok(readFileSync(worker).length < 4096, `${readFileSync(worker).length} bytes`);
  });

  it('gives every importer the same module: an error thrown by the parser is an instance of the ProfileError another module imported', async () => {
    const outfile = path.join(work, 'consumer.js');
    const contents = [
      "import { parseProfile } from './src/model/import';",
      "import { ProfileError } from './src/model/types';",
      "import { maybeGunzip } from './src/model/gunzip';",
      'export function check(bytes) { try { parseProfile(maybeGunzip(bytes)); return "parsed"; } catch (e) { return e instanceof ProfileError ? e.code : String(e); } }',
    ].join('\n');
    const result = await esbuild.build({ ...withSharedModel, stdin: { contents, resolveDir: repo, loader: 'ts' }, outfile, metafile: true });
    assert.deepEqual(Object.keys(result.metafile.inputs).filter((f) => f.includes('src/model/')), []);
    const { check } = require(outfile) as { check(bytes: Uint8Array): string };
    assert.equal(check(new Uint8Array(fixture.subarray(0, 100))), 'truncated');
    assert.equal(check(new Uint8Array(fixture)), 'parsed');
  });

  it('leaves no model code (nor pprof-format or the source-map reader) in the extension bundle', async () => {
    const result = await esbuild.build({ ...withSharedModel, entryPoints: ['src/extension.ts'], outfile: path.join(work, 'extension.js'), external: ['vscode'], write: false, metafile: true });
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepEqual(inputs.filter((f) => !f.startsWith('flamelens-shared-model:') && /src\/model\/|pprof-format|@jridgewell/.test(f)), []);
    assert.ok(inputs.some((f) => f.startsWith('src/views/')), 'the extension bundle was built');
    assert.ok(inputs.includes('flamelens-shared-model:types') && inputs.includes('flamelens-shared-model:pprof-format'), 'it reads them from model.js');
  });
});

// Source maps whose sources are bundler URLs (webpack://app/./src/a.ts, turbopack:///[project]/…):
// a real bundle (esbuild, two TypeScript sources, in dist/) profiled by the real node --cpu-prof,
// its map's sources renamed as webpack, Rspack/Next.js and Turbopack name them, then mapped with
// the fs reader the CLI and the extension use. The frames must land in the project's .ts files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { parseProfile } from '../../../src/model/import';
import { SourceMapCache, applySourceMaps } from '../../../src/model/sourcemap';
import { bundlerSourceCandidates } from '../../../src/model/bundler-sources';
import { createFsSourceReader } from '../../../src/fs-source-reader';
import type { Profile } from '../../../src/model/types';
import { assertValidProfile } from '../../support/transforms-support';
import { mainSource, workSource } from '../../support/bundle-sources';

const lineOf = (text: string, marker: string) => text.split('\n').findIndex((l) => l.includes(marker)) + 1;

let dir = '';
let mapFile = '';
let esbuildMap: { sources: string[]; sourceRoot?: string };
let generated: Profile;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flamelens-bundler-urls-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src/work.ts'), workSource);
  writeFileSync(path.join(dir, 'src/main.ts'), mainSource);
  const outfile = path.join(dir, 'dist/main.js');
  buildSync({ entryPoints: [path.join(dir, 'src/main.ts')], bundle: true, platform: 'node', sourcemap: true, outfile, logLevel: 'silent' });
  mapFile = `${outfile}.map`;
  esbuildMap = JSON.parse(readFileSync(mapFile, 'utf8')) as typeof esbuildMap;
  assert.deepEqual(esbuildMap.sources, ['../src/work.ts', '../src/main.ts'], 'esbuild names the sources relative to dist/');
  const out = path.join(dir, 'prof');
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', out, outfile]);
  const [file] = readdirSync(out);
  generated = parseProfile(new Uint8Array(readFileSync(path.join(out, file!))));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The profile mapped through the bundle's map with its sources renamed by `rename`. */
async function mappedWith(rename: (projectPath: string) => string, sourceRoot?: string): Promise<Profile> {
  const sources = esbuildMap.sources.map((s) => rename(s.replace(/^\.\.\//, '')));
  writeFileSync(mapFile, JSON.stringify({ ...esbuildMap, sources, ...(sourceRoot !== undefined ? { sourceRoot } : {}) }));
  return applySourceMaps(generated, createFsSourceReader(), { cache: new SourceMapCache() });
}

describe('bundler source URLs', () => {
  const cases: [string, (p: string) => string, string?][] = [
    ['webpack 5 (package name as namespace)', (p) => `webpack://my-app/./${p}`],
    ['webpack 5, scoped package name', (p) => `webpack://@acme/app/./${p}`],
    ['webpack 4 (no namespace)', (p) => `webpack:///./${p}`],
    ['webpack with a loader query', (p) => `webpack://my-app/./${p}?3f2a`],
    ['sourceRoot webpack:/// with relative sources', (p) => `./${p}`, 'webpack:///'],
    ['Turbopack', (p) => `turbopack:///[project]/${p}`],
  ];
  for (const [name, rename, sourceRoot] of cases) {
    it(`${name}: frames and hot lines land in the project's .ts files`, async () => {
      const mapped = await mappedWith(rename, sourceRoot);
      assertValidProfile(mapped);
      assert.equal(mapped.totalValue[0], generated.totalValue[0], 'mapping never changes values');
      const crunch = mapped.frames.find((f) => f.functionName === 'crunchNumbers');
      const drive = mapped.frames.find((f) => f.functionName === 'driveLoop');
      assert.deepEqual([crunch?.url, crunch?.line], [path.join(dir, 'src/work.ts'), lineOf(workSource, 'export function crunchNumbers')]);
      assert.deepEqual([drive?.url, drive?.line], [path.join(dir, 'src/main.ts'), lineOf(mainSource, 'function driveLoop')]);
      assert.equal(crunch?.category, 'user');
      assert.deepEqual(mapped.notes, generated.notes, 'no note: every source was found');
    });
  }

  it('a source that is not in the project keeps the generated location, with a note naming it', async () => {
    const mapped = await mappedWith((p) => `webpack://my-app/./elsewhere/${p}`);
    const crunch = mapped.frames.find((f) => f.functionName === 'crunchNumbers');
    assert.equal(crunch?.url, pathToFileURL(path.join(dir, 'dist/main.js')).href);
    assert.ok(
      mapped.notes.some((n) => n.includes('webpack://my-app/elsewhere/src/work.ts') && n.includes('not found')),
      mapped.notes.join('\n'),
    );
  });
});

describe('bundlerSourceCandidates', () => {
  it('walks up from the bundle, nearest folder first, ending at the root', () => {
    assert.deepEqual(bundlerSourceCandidates('webpack://app/src/a.ts', '/p/dist/main.js'), ['/p/dist/src/a.ts', '/p/src/a.ts', '/src/a.ts']);
  });
  it('~/ is node_modules (webpack 1–3), and an absolute path that lost its slash is found at the root', () => {
    assert.deepEqual(bundlerSourceCandidates('webpack:///~/lodash/x.js', '/p/main.js'), ['/p/node_modules/lodash/x.js', '/node_modules/lodash/x.js']);
    assert.equal(bundlerSourceCandidates('webpack:///home/u/p/src/d.ts', '/home/u/p/dist/m.js')!.at(-1), '/home/u/p/src/d.ts');
  });
  it('Windows: drive paths inside the URL, and bundles under a drive', () => {
    assert.deepEqual(bundlerSourceCandidates('webpack:///C:/x/y.ts', '/p/m.js'), ['C:/x/y.ts']);
    assert.deepEqual(bundlerSourceCandidates('webpack://app/src/a.ts', 'C:\\p\\dist\\m.js'), ['C:/p/dist/src/a.ts', 'C:/p/src/a.ts', 'C:/src/a.ts']);
  });
  it('not a bundler URL, or nothing to look for: undefined', () => {
    for (const s of ['/p/src/a.ts', 'file:///p/a.ts', 'webpack://app/', 'webpack://app/../../etc/passwd', 'https://x/a.js']) {
      assert.equal(bundlerSourceCandidates(s, '/p/dist/m.js'), undefined, s);
    }
  });
});

// Map files as they come: with a byte-order mark or the spec's `)]}'` prefix, broken in the ways
// real ones break (not an object, bad mappings, no sources, lines before the first), and named with
// `#` or `?` as tsc writes them. A real profile of a real build; each variant of the map sits beside
// a copy of the script, and the profile's url is pointed at that copy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { parseProfile } from '../../../src/model/import';
import { applySourceMaps, type SourceReader } from '../../../src/model/sourcemap';
import type { Profile } from '../../../src/model/types';
import { buildTypeScriptApp, hotFunctionLine, hotFunctionSource } from '../../support/typescript-app';

const repo = path.resolve(__dirname, '../../..');
const driver = `const end = Date.now() + 300;
while (Date.now() < end) hot({ rounds: 20000 });
`;
const reader: SourceReader = { read: (p) => readFile(p, 'utf8').catch(() => undefined) };

let dir = '';
let profile: Profile;
let scriptUrl = '';
let map: { mappings: string; sources: string[] } & Record<string, unknown>;

function capture(script: string, name: string): Profile {
  const out = path.join(dir, `prof-${name}`);
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', out, script]);
  const file = readdirSync(out)[0]!;
  return parseProfile(new Uint8Array(readFileSync(path.join(out, file))), { fileName: file });
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flamelens-mapfiles-'));
  const appJs = buildTypeScriptApp(dir, driver);
  map = JSON.parse(readFileSync(`${appJs}.map`, 'utf8')) as typeof map;
  scriptUrl = pathToFileURL(appJs).href;
  profile = capture(appJs, 'app');
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The profile as if its script were `v-NAME/app.js`, whose map (app.js.map beside it) is `text`. */
async function withMap(name: string, text: string): Promise<Profile> {
  const at = path.join(dir, `v-${name}`);
  mkdirSync(at, { recursive: true });
  copyFileSync(path.join(dir, 'out/app.js'), path.join(at, 'app.js'));
  writeFileSync(path.join(at, 'app.js.map'), text.replace(/"\.\.\/src\//g, '"../src/'));
  const url = pathToFileURL(path.join(at, 'app.js')).href;
  const moved: Profile = { ...profile, frames: profile.frames.map((f) => (f.url === scriptUrl ? { ...f, url } : f)) };
  return applySourceMaps(moved, reader);
}

const hotFrame = (p: Profile) => p.frames.find((f) => f.functionName === 'hot');

test('a map with a byte-order mark, or the spec\'s )]}\' first line, is read (it was "invalid JSON")', async () => {
  for (const [name, prefix] of [['bom', '\uFEFF'], ['xssi', ")]}'\n"]] as const) {
    const mapped = await withMap(name, prefix + JSON.stringify(map));
    assert.deepEqual([hotFrame(mapped)?.url, hotFrame(mapped)?.line], [path.join(dir, 'src/app.ts'), hotFunctionLine], `${name}: ${mapped.notes.join('; ')}`);
    assert.ok(!mapped.notes.some((n) => n.includes('broken')), mapped.notes.join('; '));
  }
});

test('a map that is not one, or is corrupt, is named so in its note (not the library\'s internals), and the frames keep their place', async () => {
  const cases: [string, string, RegExp][] = [
    ['array', '[1,2,3]', /app\.js\.map: not a source map: it holds an array, not an object with version, sources and mappings\)/],
    ['null', 'null', /not a source map: it holds null/],
    ['nomappings', JSON.stringify({ ...map, mappings: undefined }), /not a source map: it has no "mappings" string/],
    ['badchars', JSON.stringify({ ...map, mappings: `;;!!!!@@@${map.mappings}` }), /its "mappings" hold "!" at character 3, which is not base64 VLQ: the map is corrupt/],
    ['nosources', JSON.stringify({ ...map, sources: [], sourcesContent: [] }), /its "sources" list is empty, so its mappings point nowhere/],
  ];
  for (const [name, text, note] of cases) {
    const mapped = await withMap(name, text);
    assert.ok(mapped.notes.some((n) => note.test(n)), `${name}: ${mapped.notes.join('; ')}`);
    assert.ok(!mapped.notes.some((n) => /Cannot|undefined|null \(reading|operator/.test(n)), mapped.notes.join('; '));
    assert.match(hotFrame(mapped)?.url ?? '', new RegExp(`v-${name}/app\\.js$`), 'the generated location is kept');
  }
});

test('a map whose mappings point before the first line keeps the generated location (the frame showed line 0, off every line table)', async () => {
  const shifted = decode(map.mappings).map((line) => line.map((seg) => (seg.length >= 4 ? ([seg[0], seg[1]!, seg[2]! - 1000, seg[3]!, ...seg.slice(4)] as typeof seg) : seg)));
  const mapped = await withMap('negative', JSON.stringify({ ...map, mappings: encode(shifted) }));
  const hot = hotFrame(mapped);
  assert.match(hot?.url ?? '', /v-negative\/app\.js$/);
  assert.ok(hot!.line > 0);
  assert.ok(mapped.notes.some((n) => /kept the generated location \(outside its source map\)/.test(n)), mapped.notes.join('; '));
});

test('tsc output named with # and ?: the map and the sources are found (tsc writes the names as they are)', { timeout: 60_000 }, async () => {
  const at = path.join(dir, 'hash');
  mkdirSync(path.join(at, 'src'), { recursive: true });
  for (const name of ['a#b', 'q?x']) writeFileSync(path.join(at, `src/${name}.ts`), hotFunctionSource + driver);
  execFileSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '--sourceMap', '--outDir', path.join(at, 'dist'), '--rootDir', path.join(at, 'src'), '--module', 'commonjs', '--target', 'es2020', path.join(at, 'src/a#b.ts'), path.join(at, 'src/q?x.ts')]);
  for (const name of ['a#b', 'q?x']) {
    const js = path.join(at, `dist/${name}.js`);
    assert.ok(readFileSync(js, 'utf8').includes(`//# sourceMappingURL=${name}.js.map`));
    const mapped = await applySourceMaps(capture(js, name.replace(/\W/g, '_')), reader);
    assert.deepEqual([hotFrame(mapped)?.url, hotFrame(mapped)?.line], [path.join(at, `src/${name}.ts`), hotFunctionLine], mapped.notes.join('; '));
    assert.ok(!mapped.notes.some((n) => n.includes(name)), mapped.notes.join('; '));
  }
});

// Source maps end to end: a TypeScript program compiled by the real tsc (external .map and
// inline data: URL), profiled by the real node --cpu-prof and by v8-profiler-next, parsed by the
// real importer, then mapped with an fs-backed SourceReader.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { buildSync } from 'esbuild';
import { parseProfile } from '../../../src/model/import';
import { SourceMapCache, applySourceMaps, findSourceMappingUrl } from '../../../src/model/sourcemap';
import type { SourceReader } from '../../../src/model/sourcemap';
import type { Profile } from '../../../src/model/types';
import { assertValidProfile, frameOfNode } from '../../support/transforms-support';
import { mainSource, workSource } from '../../support/bundle-sources';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '../../..');
const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');

// Interfaces and type-only lines vanish from the JavaScript, so .ts and .js lines differ.
const appSource = `// A small program with one hot loop.
interface Options {
  rounds: number;
  size: number;
}

type Accumulator = { value: number };

export function hot(size: number, acc: Accumulator): void {
  let s = 0;
  for (let i = 0; i < size; i++) s += Math.sqrt(i) * Math.sin(i); // HOT
  acc.value += s;
}

export function run(options: Options): number {
  const acc: Accumulator = { value: 0 };
  const end = Date.now() + options.rounds;
  while (Date.now() < end) hot(options.size, acc);
  return acc.value;
}

run({ rounds: 400, size: 20000 });
`;
const lineOf = (text: string, marker: string) => text.split('\n').findIndex((l) => l.includes(marker)) + 1;
const hotLine = appSource.split('\n').findIndex((l) => l.includes('// HOT')) + 1;
const hotDecl = appSource.split('\n').findIndex((l) => l.includes('export function hot')) + 1;

const fsReader: SourceReader = {
  read: (p) => (path.isAbsolute(p) ? readFile(p, 'utf8').catch(() => undefined) : Promise.resolve(undefined)),
};

let dir = '';
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flamelens-sourcemap-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src/app.ts'), appSource);
  const common = ['--target', 'es2020', '--module', 'commonjs', '--rootDir', path.join(dir, 'src')];
  const app = path.join(dir, 'src/app.ts');
  // Three tsc runs at once: each is mostly compiler start-up.
  await Promise.all([
    run(process.execPath, [tsc, ...common, '--sourceMap', '--outDir', path.join(dir, 'out'), app]),
    run(process.execPath, [tsc, ...common, '--inlineSourceMap', '--outDir', path.join(dir, 'inline'), app]),
    // Map in another directory, sources under a sourceRoot, both relative.
    run(process.execPath, [tsc, ...common, '--sourceMap', '--mapRoot', '../maps', '--sourceRoot', '../src', '--outDir', path.join(dir, 'rooted'), app]),
  ]);
  mkdirSync(path.join(dir, 'maps'));
  renameSync(path.join(dir, 'rooted/app.js.map'), path.join(dir, 'maps/app.js.map'));
  // A bundle of two sources, readable and minified.
  writeFileSync(path.join(dir, 'src/work.ts'), workSource);
  writeFileSync(path.join(dir, 'src/main.ts'), mainSource);
  for (const minify of [false, true]) {
    buildSync({
      entryPoints: [path.join(dir, 'src/main.ts')],
      bundle: true,
      platform: 'node',
      sourcemap: true,
      minify,
      outfile: path.join(dir, minify ? 'bundle-min/main.js' : 'bundle/main.js'),
      logLevel: 'silent',
    });
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cpuProf(script: string, name: string): Profile {
  const out = path.join(dir, `prof-${name}`);
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', out, script]);
  const [file] = readdirSync(out);
  assert.ok(file, `a profile in ${out}`);
  return parseProfile(new Uint8Array(readFileSync(path.join(out, file))), { fileName: file });
}

/** Self value per url:line over the whole profile, hottest first. */
function hottestLines(p: Profile): { url: string; line: number; value: number }[] {
  const byLine = new Map<string, { url: string; line: number; value: number }>();
  for (let n = 0; n < p.nodeCount; n++) {
    const url = frameOfNode(p, n).url;
    if (url === '') continue;
    for (let k = p.lineStart[n]!; k < p.lineStart[n + 1]!; k++) {
      const line = p.lineNumber[k]!;
      const key = `${url}:${line}`;
      const row = byLine.get(key) ?? { url, line, value: 0 };
      row.value += p.lineValue[k]!;
      byLine.set(key, row);
    }
  }
  return [...byLine.values()].sort((a, b) => b.value - a.value);
}

function assertMappedToTs(mapped: Profile, generated: Profile): void {
  assertValidProfile(mapped);
  const ts = path.join(dir, 'src/app.ts');
  assert.equal(mapped.totalValue[0], generated.totalValue[0], 'mapping never changes values');
  const hotFrame = mapped.frames.find((f) => f.functionName === 'hot' && f.url === ts);
  assert.ok(hotFrame, `a frame "hot" in ${ts}`);
  assert.equal(hotFrame.line, hotDecl, 'hot() points at its declaration line in the .ts');
  assert.equal(hotFrame.category, 'user');
  const top = hottestLines(mapped)[0];
  assert.ok(top, 'the mapped profile has line ticks');
  assert.equal(top.url, ts);
  assert.equal(top.line, hotLine, 'the hottest line is the loop line of the .ts');
  const genTop = hottestLines(generated)[0];
  assert.ok(genTop, 'the generated profile has line ticks');
  assert.notEqual(genTop.line, hotLine, 'the generated line differs (so the mapping did the work)');
  assert.ok(
    !mapped.frames.some((f, i) => mapped.nodeFrame.includes(i) && f.url.endsWith('app.js')),
    'no node still points at the generated app.js',
  );
}

let external: Profile | undefined;
const externalProfile = () => (external ??= cpuProf(path.join(dir, 'out/app.js'), 'external'));

test('external .map: frames and hot lines land on the .ts', async () => {
  const generated = externalProfile();
  const mapped = await applySourceMaps(generated, fsReader);
  assertMappedToTs(mapped, generated);
  assert.deepEqual(mapped.notes, generated.notes, 'no notes when every map loads');
});

test('inline data: URL map works the same', async () => {
  const script = readFileSync(path.join(dir, 'inline/app.js'), 'utf8');
  assert.match(findSourceMappingUrl(script) ?? '', /^data:application\/json;base64,/);
  const generated = cpuProf(path.join(dir, 'inline/app.js'), 'inline');
  assertMappedToTs(await applySourceMaps(generated, fsReader), generated);
});

test('map in another directory with a sourceRoot (both relative)', async () => {
  const script = readFileSync(path.join(dir, 'rooted/app.js'), 'utf8');
  assert.equal(findSourceMappingUrl(script), '../maps/app.js.map');
  const generated = cpuProf(path.join(dir, 'rooted/app.js'), 'rooted');
  const mapped = await applySourceMaps(generated, fsReader);
  assertMappedToTs(mapped, generated);
  assert.deepEqual(mapped.notes, generated.notes);
});

test('a bundle of two sources: each frame lands in its own .ts', async () => {
  const generated = cpuProf(path.join(dir, 'bundle/main.js'), 'bundle');
  const mapped = await applySourceMaps(generated, fsReader);
  assertValidProfile(mapped);
  const work = path.join(dir, 'src/work.ts');
  const main = path.join(dir, 'src/main.ts');
  const crunch = mapped.frames.find((f) => f.functionName === 'crunchNumbers');
  const drive = mapped.frames.find((f) => f.functionName === 'driveLoop');
  assert.deepEqual([crunch?.url, crunch?.line], [work, lineOf(workSource, 'export function crunchNumbers')]);
  assert.deepEqual([drive?.url, drive?.line], [main, lineOf(mainSource, 'function driveLoop')]);
  assert.deepEqual(
    [hottestLines(mapped)[0]?.url, hottestLines(mapped)[0]?.line],
    [work, lineOf(workSource, '// CRUNCH')],
    'hottest line: the loop body in work.ts',
  );
  // The bundle's top level belongs to no single source: it keeps the bundle's location, silently.
  const top = mapped.frames.find((f) => f.url.endsWith('bundle/main.js'));
  assert.ok(top && top.line === 1);
  assert.deepEqual(mapped.notes, generated.notes);
});

test('an index map (sections, as concatenating bundlers such as Turbopack write): frames land in each .ts', async () => {
  // The readable bundle after a two-line banner, mapped by a map of two sections: the banner's and,
  // from line 3 on, the bundle's own map.
  const indexed = path.join(dir, 'indexed');
  mkdirSync(indexed);
  const bundle = readFileSync(path.join(dir, 'bundle/main.js'), 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
  writeFileSync(path.join(indexed, 'main.js'), `"use strict";\n// banner\n${bundle}//# sourceMappingURL=main.js.map\n`);
  writeFileSync(
    path.join(indexed, 'main.js.map'),
    JSON.stringify({
      version: 3,
      file: 'main.js',
      sections: [
        { offset: { line: 0, column: 0 }, map: { version: 3, sources: ['banner.js'], names: [], mappings: 'AAAA;AACA' } },
        { offset: { line: 2, column: 0 }, map: JSON.parse(readFileSync(path.join(dir, 'bundle/main.js.map'), 'utf8')) as object },
      ],
    }),
  );
  const generated = cpuProf(path.join(indexed, 'main.js'), 'indexed');
  const mapped = await applySourceMaps(generated, fsReader);
  assertValidProfile(mapped);
  assert.deepEqual(mapped.notes, generated.notes);
  const crunch = mapped.frames.find((f) => f.functionName === 'crunchNumbers');
  const drive = mapped.frames.find((f) => f.functionName === 'driveLoop');
  assert.deepEqual([crunch?.url, crunch?.line], [path.join(dir, 'src/work.ts'), lineOf(workSource, 'export function crunchNumbers')]);
  assert.deepEqual([drive?.url, drive?.line], [path.join(dir, 'src/main.ts'), lineOf(mainSource, 'function driveLoop')]);
  assert.deepEqual(
    [hottestLines(mapped)[0]?.url, hottestLines(mapped)[0]?.line],
    [path.join(dir, 'src/work.ts'), lineOf(workSource, '// CRUNCH')],
  );
});

test('a minified bundle: original names come from the map’s names', async () => {
  const generated = cpuProf(path.join(dir, 'bundle-min/main.js'), 'bundle-min');
  assert.ok(!generated.frames.some((f) => f.functionName === 'crunchNumbers'), 'minified names in the profile');
  const mapped = await applySourceMaps(generated, fsReader);
  assertValidProfile(mapped);
  const crunch = mapped.frames.find((f) => f.functionName === 'crunchNumbers');
  assert.deepEqual([crunch?.url, crunch?.line], [path.join(dir, 'src/work.ts'), lineOf(workSource, 'export function crunchNumbers')]);
  assert.ok(mapped.frames.some((f) => f.functionName === 'driveLoop' && f.url === path.join(dir, 'src/main.ts')));
  // One generated line holds everything and ticks carry no column: which source line ran is not
  // known. The time stays on the function's own line, and a note says the line is not known
  // (alone, the declaration read as the hot line).
  assert.equal(hottestLines(mapped)[0]?.line, crunch?.line);
  assert.ok(
    mapped.notes.some((n) => /function.* of .*bundle-min\/main\.js ran on a generated line that holds several of .* source lines \(minified.*: which line is not known, so that time is shown on the function's first line/.test(n)),
    mapped.notes.join('\n'),
  );
  assert.ok(!generated.notes.some((n) => n.includes('several')));
});

test('a minified bundle of arrow functions: names are the functions’, never a parameter’s', async () => {
  // V8 places an arrow function at its parameters (\`u=n=>…\` at \`n\`), where the map names the
  // parameter: processItems came out as "items" and the anonymous callback as "value".
  const source = `// Arrow functions only (line 1 is the module's top level).
export const processItems = (items: number) => {
  let s = 0;
  for (let i = 0; i < items; i++) s += Math.sqrt(i) * Math.sin(i);
  return s;
};
export const crunchAll = (count: number, scale: number) => {
  let s = 0;
  for (let i = 0; i < count; i++) s += Math.cos(i) * scale;
  return s;
};
const values = Array.from({ length: 2000 }, (_, i) => i);
const end = Date.now() + 500;
let total = 0;
while (Date.now() < end) {
  total += processItems(5000) + crunchAll(5000, 2);
  total += values.map((value) => Math.sqrt(value) * Math.atan(value)).length;
}
if (total === 1) console.log(total);
`;
  const ts = path.join(dir, 'src/arrows.ts');
  writeFileSync(ts, source);
  const outfile = path.join(dir, 'arrows-min/arrows.js');
  buildSync({ entryPoints: [ts], bundle: true, platform: 'node', sourcemap: true, minify: true, outfile, logLevel: 'silent' });
  const generated = cpuProf(outfile, 'arrows-min');
  const mapped = await applySourceMaps(generated, fsReader);
  assertValidProfile(mapped);
  const names = (line: number) => [...new Set(mapped.frames.filter((f) => f.url === ts && f.line === line).map((f) => f.functionName))];
  assert.deepEqual(names(lineOf(source, 'processItems =')), ['processItems']);
  assert.deepEqual(names(lineOf(source, 'crunchAll =')), ['crunchAll']);
  assert.deepEqual(names(lineOf(source, '(value) =>')), ['(anonymous)'], 'the callback stays anonymous');
  // In the program's own frames: Node's bootstrap has a function named `value` of its own, sampled now and then.
  const own = mapped.frames.filter((f) => f.url === ts);
  assert.ok(!own.some((f) => ['items', 'count', 'value', 'scale'].includes(f.functionName)), own.map((f) => f.functionName).join(', '));
});

test('v8-profiler-next profile (1-based lines in the file) maps the same', async () => {
  const runner = path.join(dir, 'v8pn-runner.js');
  const outFile = path.join(dir, 'v8pn.cpuprofile');
  writeFileSync(
    runner,
    `const fs = require('fs');
const profiler = require(${JSON.stringify(path.join(repo, 'node_modules/v8-profiler-next'))});
profiler.setGenerateType(1);
profiler.setSamplingInterval(200);
profiler.startProfiling('t', true);
require(${JSON.stringify(path.join(dir, 'out/app.js'))});
const profile = profiler.stopProfiling('t');
profile.export((error, result) => { if (error) throw error; fs.writeFileSync(${JSON.stringify(outFile)}, result); profile.delete(); });
`,
  );
  execFileSync(process.execPath, [runner]);
  const generated = parseProfile(new Uint8Array(readFileSync(outFile)), { fileName: 'v8pn.cpuprofile' });
  assert.equal(generated.format, 'v8-profiler-next', 'the importer recognised the dump');
  assertMappedToTs(await applySourceMaps(generated, fsReader), generated);
});

test('missing or broken .map: generated locations kept, with a note', async () => {
  const copy = path.join(dir, 'copy');
  mkdirSync(copy);
  copyFileSync(path.join(dir, 'out/app.js'), path.join(copy, 'app.js'));
  const generated = cpuProf(path.join(copy, 'app.js'), 'copy');
  const hotBefore = generated.frames.find((f) => f.functionName === 'hot');
  assert.ok(hotBefore);

  const missing = await applySourceMaps(generated, fsReader);
  assertValidProfile(missing);
  const script = path.join(copy, 'app.js');
  assert.ok(
    missing.notes.includes(`no source map for ${script} (//# sourceMappingURL=app.js.map not found)`),
    missing.notes.join('\n'),
  );
  assert.deepEqual(missing.frames.find((f) => f.functionName === 'hot'), hotBefore, 'generated location kept');
  assert.deepEqual(hottestLines(missing)[0], hottestLines(generated)[0]);

  writeFileSync(path.join(copy, 'app.js.map'), '{"version":3,"sources":["app.ts"],');
  const broken = await applySourceMaps(generated, fsReader);
  assert.ok(broken.notes.some((n) => n.startsWith(`broken source map for ${script}`) && n.includes('invalid JSON')), broken.notes.join('\n'));
  assert.deepEqual(broken.frames.find((f) => f.functionName === 'hot'), hotBefore);
});

test('a map whose original sources are not there: generated location kept, with a note', async () => {
  const shipped = path.join(dir, 'shipped');
  mkdirSync(shipped);
  copyFileSync(path.join(dir, 'out/app.js'), path.join(shipped, 'app.js'));
  const map = JSON.parse(readFileSync(path.join(dir, 'out/app.js.map'), 'utf8')) as { sources: string[] };
  writeFileSync(path.join(shipped, 'app.js.map'), JSON.stringify({ ...map, sources: ['../not-published/app.ts'] }));
  const generated = cpuProf(path.join(shipped, 'app.js'), 'shipped');
  const mapped = await applySourceMaps(generated, fsReader);
  assertValidProfile(mapped);
  assert.deepEqual(mapped.frames, generated.frames);
  const note = mapped.notes.find((n) => n.includes(`original source ${path.join(dir, 'not-published/app.ts')} not found`));
  assert.ok(note?.includes(path.join(shipped, 'app.js')), mapped.notes.join('\n'));
});

test('a corrupt map whose mappings name a source past its sources: those frames keep their location, with a note', async () => {
  // The bundle of work.ts and main.ts, its map cut to its first source: main.ts's mappings now
  // point at a source index the map does not have (trace-mapping answers with no source at all).
  const cut = path.join(dir, 'cut');
  mkdirSync(cut);
  copyFileSync(path.join(dir, 'bundle/main.js'), path.join(cut, 'main.js'));
  const map = JSON.parse(readFileSync(path.join(dir, 'bundle/main.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
  assert.deepEqual(map.sources.map((s) => path.basename(s)), ['work.ts', 'main.ts']);
  writeFileSync(path.join(cut, 'main.js.map'), JSON.stringify({ ...map, sources: map.sources.slice(0, 1), sourcesContent: map.sourcesContent?.slice(0, 1) }));
  const generated = cpuProf(path.join(cut, 'main.js'), 'cut');
  const mapped = await applySourceMaps(generated, fsReader);
  assertValidProfile(mapped);
  const crunch = mapped.frames.find((f) => f.functionName === 'crunchNumbers');
  assert.deepEqual([crunch?.url, crunch?.line], [path.join(dir, 'src/work.ts'), lineOf(workSource, 'export function crunchNumbers')]);
  const drive = mapped.frames.find((f) => f.functionName === 'driveLoop');
  assert.deepEqual(drive, generated.frames.find((f) => f.functionName === 'driveLoop'), 'driveLoop keeps its generated location');
  assert.ok(
    mapped.notes.some((n) => n.includes(`of ${path.join(cut, 'main.js')} kept the generated location (outside its source map)`)),
    mapped.notes.join('\n'),
  );
});

test('a source whose name has a % (tsc writes the path as it is): frames land on it', async () => {
  // tsc writes "sources":["../src/50% off.ts"], not a valid URL escape; the script's own url and
  // its sourceMappingURL are escaped (50%25%20off.js).
  const root = path.join(dir, 'percent');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  const ts = path.join(root, 'src/50% off.ts');
  writeFileSync(ts, appSource);
  await run(process.execPath, [tsc, '--target', 'es2020', '--module', 'commonjs', '--sourceMap', '--outDir', path.join(root, 'out'), ts]);
  assert.deepEqual((JSON.parse(readFileSync(path.join(root, 'out/50% off.js.map'), 'utf8')) as { sources: string[] }).sources, ['../src/50% off.ts']);
  const generated = cpuProf(path.join(root, 'out/50% off.js'), 'percent');
  const mapped = await applySourceMaps(generated, fsReader);
  assertValidProfile(mapped);
  assert.deepEqual(mapped.notes, generated.notes);
  const hotFrame = mapped.frames.find((f) => f.functionName === 'hot');
  assert.deepEqual([hotFrame?.url, hotFrame?.line], [ts, hotDecl]);
  assert.equal(hottestLines(mapped)[0]?.line, hotLine);
});

test('a SourceMapCache reads each script and map once across profiles', async () => {
  const generated = cpuProf(path.join(dir, 'out/app.js'), 'cached');
  const reads: string[] = [];
  const counting: SourceReader = { read: (p) => (reads.push(p), fsReader.read(p)) };
  const cache = new SourceMapCache();
  const first = await applySourceMaps(generated, counting, { cache });
  const afterFirst = reads.length;
  assert.ok(afterFirst >= 3, 'script, map and original source read');
  const second = await applySourceMaps(generated, counting, { cache });
  assert.equal(reads.length, afterFirst, 'nothing read again');
  assert.deepEqual(second.frames, first.frames);
  await applySourceMaps(generated, counting);
  assert.ok(reads.length > afterFirst, 'without the cache it reads again');
});

test('Windows paths: file:///C:/… scripts resolve their map and sources', async () => {
  // Stand-in for a Windows file system (none here): an in-memory reader serving the real tsc
  // output under C:/proj. The profile is the real one with its script url moved there.
  const generated = externalProfile();
  const files = new Map([
    ['C:/proj/out/app.js', readFileSync(path.join(dir, 'out/app.js'), 'utf8')],
    ['C:/proj/out/app.js.map', readFileSync(path.join(dir, 'out/app.js.map'), 'utf8')],
    ['C:/proj/src/app.ts', appSource],
  ]);
  const windowsReader: SourceReader = { read: async (p) => files.get(p) };
  const scriptUrl = pathToFileURL(path.join(dir, 'out/app.js')).href;
  const moved: Profile = {
    ...generated,
    frames: generated.frames.map((f) => (f.url === scriptUrl ? { ...f, url: 'file:///C:/proj/out/app.js' } : f)),
  };
  assert.ok(moved.frames.some((f) => f.url === 'file:///C:/proj/out/app.js'));
  const mapped = await applySourceMaps(moved, windowsReader);
  assert.deepEqual(mapped.notes, generated.notes);
  const hotFrame = mapped.frames.find((f) => f.functionName === 'hot');
  assert.deepEqual([hotFrame?.url, hotFrame?.line], ['C:/proj/src/app.ts', hotDecl]);
  assert.equal(hottestLines(mapped)[0]?.line, hotLine);
});

test('Windows paths in the map: absolute sources (C:\\…) and an absolute sourceRoot resolve to those files', async () => {
  // webpack's [absolute-resource-path] and tools given an absolute --sourceRoot write Windows paths
  // into the map; taken as URLs relative to the map they named C:/proj/out/C:/proj/src/app.ts.
  const generated = externalProfile();
  const realMap = JSON.parse(readFileSync(path.join(dir, 'out/app.js.map'), 'utf8')) as { sources: string[]; sourceRoot?: string };
  const scriptUrl = pathToFileURL(path.join(dir, 'out/app.js')).href;
  const moved: Profile = {
    ...generated,
    frames: generated.frames.map((f) => (f.url === scriptUrl ? { ...f, url: 'file:///C:/proj/out/app.js' } : f)),
  };
  for (const map of [
    { ...realMap, sourceRoot: '', sources: ['C:\\proj\\src\\app.ts'] },
    { ...realMap, sourceRoot: '', sources: ['C:/proj/src/app.ts'] },
    { ...realMap, sourceRoot: 'C:\\proj\\src\\', sources: ['app.ts'] },
    { ...realMap, sourceRoot: 'C:\\proj', sources: ['src\\app.ts'] },
    { version: 3, sections: [{ offset: { line: 0, column: 0 }, map: { ...realMap, sourceRoot: '', sources: ['C:\\proj\\src\\app.ts'] } }] },
  ]) {
    const files = new Map([
      ['C:/proj/out/app.js', readFileSync(path.join(dir, 'out/app.js'), 'utf8')],
      ['C:/proj/out/app.js.map', JSON.stringify(map)],
      ['C:/proj/src/app.ts', appSource],
    ]);
    const mapped = await applySourceMaps(moved, { read: async (p) => files.get(p) });
    assert.deepEqual(mapped.notes, generated.notes, JSON.stringify(map).slice(0, 200));
    const hotFrame = mapped.frames.find((f) => f.functionName === 'hot');
    assert.deepEqual([hotFrame?.url, hotFrame?.line], ['C:/proj/src/app.ts', hotDecl]);
    assert.equal(hottestLines(mapped)[0]?.line, hotLine);
  }
});

test('a script without sourceMappingURL is left alone, silently', async () => {
  const plain = path.join(dir, 'plain');
  mkdirSync(plain);
  const js = readFileSync(path.join(dir, 'out/app.js'), 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
  writeFileSync(path.join(plain, 'app.js'), js);
  const generated = cpuProf(path.join(plain, 'app.js'), 'plain');
  const mapped = await applySourceMaps(generated, fsReader);
  assert.deepEqual(mapped.notes, generated.notes);
  assert.deepEqual(mapped.frames, generated.frames);
});

// TypeScript run through a loader that transpiles in memory (tsx): the agent embeds the source maps
// Node holds for it in the profile (`flamelensSourceMaps`), both JSON readers keep them, and
// source mapping applies them first — so `.ts` frames show .ts lines, not the transpiled code's.
// Real `flamelens record -- node --import tsx` runs; the readers on the file it wrote.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBundles, repoRoot, runCli, scratchDir, writeFiles } from '../../support/capture-helpers';
import { parseProfile, parseProfileStream } from '../../../src/model/import';
import { applySourceMaps } from '../../../src/model/sourcemap';
import { fsSourceReader } from '../../../src/fs-source-reader';
import { functionTable } from '../../../src/model/tables';
import type { Profile } from '../../../src/model/types';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

// tsHot is declared on line 5; the transpiled code has it on another line (types are dropped).
const program = `interface Options { mod: number }

type Unused = { label: string };

function tsHot(o: Options): number {
  let s = 0;
  for (let i = 0; i < 3e7; i++) s += i % o.mod;
  return s;
}
console.log(tsHot({ mod: 7 }));
`;

function record(dir: string): string {
  writeFiles(dir, { 'hot.ts': program });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const r = runCli(cli, ['record', '--no-html', '--out', 'out', '--', process.execPath, '--import', 'tsx', 'hot.ts'], dir);
  assert.equal(r.status, 0, r.stderr);
  const main = fs.readdirSync(path.join(dir, 'out')).find((f) => /^\d+-0\.cpuprofile$/.test(f));
  assert.ok(main, 'the main thread\'s profile');
  return path.join(dir, 'out', main);
}

function tsHotLine(p: Profile): number | undefined {
  const row = functionTable(p).find((r) => p.frames[r.frame]!.functionName === 'tsHot');
  return row && p.frames[row.frame]!.line;
}

test('record of `node --import tsx hot.ts`: the profile carries the in-memory map, and tsHot is reported at its .ts line', async () => {
  const dir = scratchDir('tsx-maps');
  const file = record(dir);
  const url = pathToFileURL(path.join(dir, 'hot.ts')).href;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { flamelensSourceMaps?: Record<string, { mappings: string; sourcesContent?: unknown }> };
  const map = raw.flamelensSourceMaps?.[url];
  assert.ok(map && map.mappings.length > 0, `a map for ${url}: ${Object.keys(raw.flamelensSourceMaps ?? {}).join(', ')}`);
  assert.equal(map.sourcesContent, undefined, 'the sources stay on disk, not in the profile');
  assert.ok(!Object.keys(raw.flamelensSourceMaps!).some((u) => /\.[cm]?js$/.test(u)), 'plain JavaScript (tsx\'s own files) has no map embedded');

  // Both readers (JSON.parse below 6 MB, the byte scanner otherwise) keep the maps.
  const bytes = fs.readFileSync(file);
  for (const objectPathMaxBytes of [undefined, -1]) {
    const parsed = parseProfile(bytes, objectPathMaxBytes === undefined ? {} : { objectPathMaxBytes });
    assert.equal(parsed.embeddedSourceMaps?.size, 1);
    assert.notEqual(tsHotLine(parsed), 5, 'as recorded: the transpiled code\'s line');
    const mapped = await applySourceMaps(parsed, fsSourceReader);
    assert.equal(tsHotLine(mapped), 5, 'mapped to its .ts declaration');
    assert.equal(mapped.embeddedSourceMaps, undefined, 'the result carries no maps: mapping it again changes nothing');
    assert.equal(tsHotLine(await applySourceMaps(mapped, fsSourceReader)), 5);
    assert.ok(!mapped.notes.some((n) => /no source map for the TypeScript file/.test(n)), mapped.notes.join('\n'));
  }
  // The windowed reader (files over 6 MB) reads such a profile whole.
  const fd = fs.openSync(file, 'r');
  try {
    const streamed = parseProfileStream({ size: bytes.length, readAt: (into, at) => fs.readSync(fd, into, 0, into.length, at) }, { objectPathMaxBytes: -1 });
    assert.equal(streamed.embeddedSourceMaps?.size, 1);
  } finally {
    fs.closeSync(fd);
  }

  // The CLI's report shows the .ts line.
  const report = runCli(cli, ['report', file, '--json'], dir);
  assert.equal(report.status, 0, report.stderr);
  const fn = (JSON.parse(report.stdout) as { functions: { name: string; line: number; file: string }[] }).functions.find((f) => f.name === 'tsHot');
  assert.ok(fn, report.stdout.slice(0, 400));
  assert.equal(fn.line, 5);
  assert.match(fn.file, /hot\.ts$/);
  // Without the maps the lines are the transpiled JavaScript's under the .ts name: said so.
  const unmapped = runCli(cli, ['report', file, '--no-source-maps'], dir);
  assert.equal(unmapped.status, 0, unmapped.stderr);
  assert.match(unmapped.stdout, /note: 1 script was transpiled in memory when recorded .*: with --no-source-maps their lines are the generated JavaScript's, not lines of the \.ts files/);
});

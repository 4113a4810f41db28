// Profile Current File on a TypeScript file: which command runs it (tsx from the file's package, else
// Node's own type stripping, else none), and that the tsx command records the program with frames on
// its .ts lines (a real `flamelens record` of the command, the repo's own tsx).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findTsxImport, isTypeScriptFile, nodeStripsTypes, typeScriptRun } from '../../../src/commands/typescript-run';
import { buildBundles, repoRoot, runCli, scratchDir, writeFiles } from '../../support/capture-helpers';
import { loadProfileFile, hotspots } from '../../../src/cli/analyze';

describe('TypeScript current file: which runner', () => {
  it('knows which files are TypeScript to run', () => {
    for (const f of ['a.ts', 'b.mts', 'c.cts', 'D.TS']) assert.ok(isTypeScriptFile(f), f);
    for (const f of ['a.d.ts', 'b.d.mts', 'c.js', 'd.tsx', 'ts']) assert.ok(!isTypeScriptFile(f), f);
  });

  it('knows which Node versions strip types by default (22.18, 23.6, 24 on)', () => {
    for (const v of ['v22.18.0', '22.20.1', 'v23.6.0', 'v24.0.0', 'v25.1.0\n']) assert.ok(nodeStripsTypes(v), v);
    for (const v of ['v20.20.2', 'v22.17.9', 'v23.5.0', 'v18.0.0', '', 'node', 'v2']) assert.ok(!nodeStripsTypes(v), v);
  });

  it('finds the nearest tsx up the folders, as Node would load it, and only a relative entry inside it', () => {
    const root = scratchDir('tsx-find');
    const pkg = (dir: string, manifest: unknown) => {
      fs.mkdirSync(path.join(root, dir, 'node_modules', 'tsx'), { recursive: true });
      fs.writeFileSync(path.join(root, dir, 'node_modules', 'tsx', 'package.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
    };
    fs.mkdirSync(path.join(root, 'app', 'src', 'deep'), { recursive: true });
    pkg('.', { exports: { '.': './dist/loader.mjs' } });
    assert.equal(findTsxImport(path.join(root, 'app', 'src', 'deep')), pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href);

    pkg('app', { exports: { '.': { import: './esm.mjs', require: './cjs.cjs' } } });
    assert.equal(findTsxImport(path.join(root, 'app', 'src')), pathToFileURL(path.join(root, 'app', 'node_modules', 'tsx', 'esm.mjs')).href, 'the nearest install wins');

    // The nearest install decides even when it cannot be used: Node would load that one.
    pkg('app', { main: 'old.js' });
    assert.equal(findTsxImport(path.join(root, 'app', 'src')), undefined, 'tsx 3 (no exports) has no --import entry');
    pkg('app', '{ not json');
    assert.equal(findTsxImport(path.join(root, 'app')), undefined);
    pkg('app', { exports: { '.': '../../../evil.mjs' } });
    assert.equal(findTsxImport(path.join(root, 'app')), undefined, 'an entry outside the package is refused');
    pkg('app', { exports: { '.': '/etc/evil.mjs' } });
    assert.equal(findTsxImport(path.join(root, 'app')), undefined);
  });

  it('prefers tsx, asks the node version only without it, and says none when neither runs the file', async () => {
    let asked = 0;
    const version = (v: string | undefined) => () => {
      asked++;
      return Promise.resolve(v);
    };
    const withTsx = await typeScriptRun('/w/src/a.ts', version('v24.0.0'), () => 'file:///w/node_modules/tsx/dist/loader.mjs');
    assert.deepEqual(withTsx, { how: 'tsx', command: ['node', '--import', 'file:///w/node_modules/tsx/dist/loader.mjs', '/w/src/a.ts'] });
    assert.equal(asked, 0, 'no node process started when tsx decides');
    assert.deepEqual(await typeScriptRun('/w/src/a.ts', version('v22.18.0'), () => undefined), { how: 'node', command: ['node', '/w/src/a.ts'] });
    assert.deepEqual(await typeScriptRun('/w/src/a.ts', version('v20.20.2'), () => undefined), { how: 'none' });
    assert.deepEqual(await typeScriptRun('/w/src/a.ts', version(undefined), () => undefined), { how: 'none' });
    assert.equal(asked, 3);
  });
});

describe('TypeScript current file: the tsx command, recorded for real', () => {
  let cli = '';
  before(async () => {
    cli = (await buildBundles()).cli;
  });

  it('runs the .ts file through the package\'s tsx, and its hot function is reported at its .ts line', async () => {
    const dir = scratchDir('tsx-current-file');
    fs.mkdirSync(path.join(dir, 'src'));
    // An enum: Node's own type stripping refuses it, tsx runs it. busy() is declared on line 6.
    writeFiles(path.join(dir, 'src'), {
      'main.ts': `enum Mode { Sum, Xor }
interface Options { mode: Mode; mod: number }

type Unused = { label: string };

function busy(o: Options): number {
  let s = 0;
  for (let i = 0; i < 3e7; i++) s = o.mode === Mode.Sum ? s + (i % o.mod) : s ^ i;
  return s;
}
console.log(busy({ mode: Mode.Sum, mod: 7 }));
`,
    });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    const file = path.join(dir, 'src', 'main.ts');
    const run = await typeScriptRun(file, () => Promise.reject(new Error('not asked: tsx is there')));
    assert.equal(run.how, 'tsx');
    if (run.how !== 'tsx') return;
    assert.ok(fs.existsSync(fileURLToPath(run.command[2]!)), `the --import entry exists: ${run.command[2]}`);
    // As the extension runs it: `node` resolved to this Node, from the workspace folder.
    const r = runCli(cli, ['record', '--no-html', '--out', 'out', '--', process.execPath, ...run.command.slice(1)], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /\bbusy\b/);
    const main = fs.readdirSync(path.join(dir, 'out')).find((f) => /^\d+-0\.cpuprofile$/.test(f));
    assert.ok(main, 'the main thread\'s profile');
    const profile = await loadProfileFile(path.join(dir, 'out', main));
    const top = hotspots(profile, { top: 20, cwd: dir }).functions.find((row) => row.name === 'busy');
    assert.ok(top, 'busy is among the hot functions');
    assert.equal(top.file, path.join('src', 'main.ts'));
    assert.equal(top.line, 6, 'its .ts line, through the maps the agent embedded');
  });
});

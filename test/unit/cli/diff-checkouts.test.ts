// `flamelens diff` of the same program run from two folders (two checkouts, two CI build folders):
// real `node --cpu-prof` captures of v1/ and v2/, where only parse() changed (its work doubled).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildBundles, cpuSelfMicros, scratchDir } from '../../support/capture-helpers';
import { parseProfile } from '../../../src/model/import';
import { diffProfiles } from '../../../src/model/diff';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const program = (parseMs: number) => `const { spin } = require('./lib/spin');
function parse() { return spin(${parseMs}); }
function render() { return spin(50); }
function main() { for (let i = 0; i < 3; i++) { parse(); render(); } }
main();
`;
const spinLib = `exports.spin = function spin(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; };\n`;

test('diff matches scripts across two checkouts of the program: the real change, not everything added and removed', () => {
  const dir = scratchDir('cli-diff-checkouts');
  const files: Record<string, string> = {};
  for (const [version, parseMs] of [['v1', 50], ['v2', 100]] as const) {
    fs.mkdirSync(path.join(dir, version, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(dir, version, 'app.js'), program(parseMs));
    fs.writeFileSync(path.join(dir, version, 'lib', 'spin.js'), spinLib);
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', version, `${version}/app.js`], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    files[version] = path.join(dir, version, fs.readdirSync(path.join(dir, version)).find((f) => f.endsWith('.cpuprofile'))!);
  }
  const [base, next] = [files.v1!, files.v2!];

  const run = (args: string[]) => spawnSync(process.execPath, [cli, 'diff', base, next, ...args], { cwd: dir, encoding: 'utf8' });
  const json = run(['--json']);
  assert.equal(json.status, 0, json.stderr);
  const d = JSON.parse(json.stdout) as {
    base: { busy: number };
    movedScripts: Record<string, string>;
    functions: { name: string; file: string; line: number; before: number; after: number; delta: number; percentOfBase: number }[];
  };
  assert.deepEqual(d.movedScripts, { [path.join(dir, 'v1/app.js')]: path.join(dir, 'v2/app.js'), [path.join(dir, 'v1/lib/spin.js')]: path.join(dir, 'v2/lib/spin.js') });
  const spin = d.functions.filter((f) => f.name === 'spin');
  assert.equal(spin.length, 1, `spin is one function, not one removed and one added: ${JSON.stringify(spin)}`);
  // Its numbers are the two files' own, computed here from the raw samples.
  assert.equal(spin[0]!.file, 'v2/lib/spin.js');
  assert.ok(Math.abs(spin[0]!.before - cpuSelfMicros(base, 'spin')) < 1, `${spin[0]!.before} vs ${cpuSelfMicros(base, 'spin')}`);
  assert.ok(Math.abs(spin[0]!.after - cpuSelfMicros(next, 'spin')) < 1, `${spin[0]!.after} vs ${cpuSelfMicros(next, 'spin')}`);
  // parse() went from 3 × 50 to 3 × 100 ms of spinning: +150 ms of a ~300 ms base, not the whole new run.
  assert.ok(spin[0]!.delta > 100_000 && spin[0]!.delta < 250_000, String(spin[0]!.delta));
  assert.ok(spin[0]!.percentOfBase < 100, String(spin[0]!.percentOfBase));
  // No function is listed twice, once per folder (removed from v1/, added in v2/). A function sampled on
  // one side only may be there (a module's top level, caught by a sample in one run): it is listed once.
  const seen = new Map<string, string>();
  for (const f of d.functions) {
    const key = `${f.name}:${path.basename(f.file)}:${f.line}`;
    assert.equal(seen.get(key), undefined, `${f.name} at line ${f.line} listed for both ${seen.get(key)} and ${f.file}`);
    seen.set(key, f.file);
  }

  // The gate measures the change (~50% of the base), not "all of v2 is new" (~150%).
  const gate = run(['--fail-above', '100']);
  assert.equal(gate.status, 0, gate.stdout + gate.stderr);
  assert.match(gate.stdout, /^note: base scripts at other paths compared as the new ones: .*v1\/(lib\/spin|app)\.js as .*v2\/(lib\/spin|app)\.js and 1 more script$/m);

  // The differential tree has one main → parse → spin path, carrying both sides.
  const union = diffProfiles(parseProfile(fs.readFileSync(base)), parseProfile(fs.readFileSync(next)));
  const parseNodes = [];
  for (let i = 0; i < union.nodeCount; i++) if (union.frames[union.nodeFrame[i]!]!.functionName === 'parse') parseNodes.push(i);
  assert.equal(parseNodes.length, 1);
  assert.ok(union.baseTotalValue![parseNodes[0]!]! > 0 && union.totalValue[parseNodes[0]!]! > union.baseTotalValue![parseNodes[0]!]!);
});

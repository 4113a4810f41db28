// Terminal and CI-log injection: profiles whose function names, urls and file names hold escape
// sequences, CR/LF (a forged `::error` GitHub Actions command), C1 and bidi controls, run through
// the bundled CLI in real processes. Text output shows them escaped; JSON keeps them exactly.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildBundles, scratchDir } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const evilName = 'evil\n::error file=x.js,line=1::pwned\r\x1b[2J\x1b]52;c;aGk=\x07\x1b]0;title\x07\t\x7f\u0085\u009b[31m\u202eexe.txt\u2066';
const evilUrl = 'https://example.invalid/lib\x1b[8m\r\n::warning::forged\u202e.js';
const innerName = 'inner\u2028::notice::x';

interface Output {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

function flamelens(args: string[], cwd: string): Output {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Nothing a terminal or CI log would act on: no control byte but LF, no DEL, C1, bidi or line separator, no `::` line. */
function assertInert(what: string, bytes: Buffer): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    assert.ok((b >= 0x20 || b === 0x0a) && b !== 0x7f, `${what}: byte 0x${b.toString(16)} at ${i}:\n${bytes.toString('utf8')}`);
  }
  const text = bytes.toString('utf8');
  assert.ok(!/[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text), `${what}: C1, separator or bidi character in:\n${text}`);
  for (const line of text.split('\n')) assert.ok(!line.startsWith('::'), `${what}: a line starts with "::": ${line}`);
}

/** A CPU profile: (root) → evil (url evilUrl) → inner; `innerTicks` of 10 samples in inner. */
function writeProfile(file: string, innerTicks: number): void {
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) samples.push(i < innerTicks ? 3 : 2);
  const profile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
      { id: 2, callFrame: { functionName: evilName, scriptId: '1', url: evilUrl, lineNumber: 3, columnNumber: 1 }, children: [3] },
      { id: 3, callFrame: { functionName: innerName, scriptId: '1', url: evilUrl, lineNumber: 5, columnNumber: 1 } },
    ],
    startTime: 0,
    endTime: 10_000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
  fs.writeFileSync(file, JSON.stringify(profile));
}

let dir = '';
let base = '';
let next = '';
before(() => {
  dir = scratchDir('cli-injection');
  base = path.join(dir, 'base.cpuprofile');
  next = path.join(dir, 'new.cpuprofile');
  writeProfile(base, 8);
  writeProfile(next, 2);
});

test('report prints hostile function names and urls escaped: no control byte, no forged workflow command', () => {
  const r = flamelens(['report', base, '--no-source-maps'], dir);
  assert.equal(r.status, 0, r.stderr.toString());
  assertInert('stdout', r.stdout);
  assertInert('stderr', r.stderr);
  const text = r.stdout.toString('utf8');
  assert.ok(text.includes('evil\\n::error file=x.js,line=1::pwned\\r\\x1b[2J\\x1b]52;c;aGk=\\x07'), text);
  assert.ok(text.includes('\\x7f\\x85\\x9b[31m\\u202eexe.txt\\u2066'), text);
  assert.ok(text.includes('inner\\u2028::notice::x'), text);
  assert.ok(text.includes('lib\\x1b[8m'), text);
});

test('report --json stays valid JSON with no raw control, C1 or bidi character and round-trips the hostile names and urls exactly', () => {
  const r = flamelens(['report', base, '--json', '--no-source-maps'], dir);
  assert.equal(r.status, 0, r.stderr.toString());
  assertInert('stdout', r.stdout);
  const json = JSON.parse(r.stdout.toString('utf8')) as { functions: { name: string; url: string }[]; lines: { function: string; url: string }[] };
  const names = json.functions.map((f) => f.name);
  assert.ok(names.includes(evilName), JSON.stringify(names));
  assert.ok(names.includes(innerName));
  assert.ok(json.functions.every((f) => f.url === evilUrl));
  assert.ok(json.lines.some((l) => l.function === evilName && l.url === evilUrl));
});

test('diff tables and the --fail-above verdict escape hostile names; diff --json round-trips them', () => {
  // evil's self time grows from 2 to 8 samples (base → new): a regression named by the FAIL line.
  const r = flamelens(['diff', base, next, '--fail-above', '5', '--no-source-maps'], dir);
  assert.equal(r.status, 1, r.stderr.toString());
  assertInert('stdout', r.stdout);
  assertInert('stderr', r.stderr);
  const text = r.stdout.toString('utf8');
  assert.match(text, /^FAIL: evil\\n::error file=x\.js,line=1::pwned\\r\\x1b\[2J/m);

  const j = flamelens(['diff', base, next, '--json', '--no-source-maps'], dir);
  assert.equal(j.status, 0, j.stderr.toString());
  const json = JSON.parse(j.stdout.toString('utf8')) as { functions: { name: string; url: string }[] };
  assert.deepEqual(new Set(json.functions.map((f) => f.name)), new Set([evilName, innerName]));
  assert.ok(json.functions.every((f) => f.url === evilUrl));
});

test('file names quoted in titles and error messages are escaped', () => {
  const evilFile = path.join(dir, 'copy\x1b[2J\n::error::x.cpuprofile');
  fs.copyFileSync(base, evilFile);
  const r = flamelens(['report', evilFile, '--no-source-maps'], dir);
  assert.equal(r.status, 0, r.stderr.toString());
  assertInert('stdout', r.stdout);
  assert.ok(r.stdout.toString('utf8').startsWith(`${path.join(dir, 'copy\\x1b[2J\\n::error::x.cpuprofile')} (CPU profile)`));

  const missing = flamelens(['report', path.join(dir, 'missing\x1b]0;t\x07\n::error::y.cpuprofile')], dir);
  assert.equal(missing.status, 2);
  assertInert('stderr', missing.stderr);
  assert.match(missing.stderr.toString('utf8'), /missing\\x1b\]0;t\\x07\\n::error::y\.cpuprofile/);

  const snap = flamelens(['snapshot-diff', path.join(dir, 'a\x1b[2J\n::error::.heapsnapshot'), path.join(dir, 'b.heapsnapshot')], dir);
  assert.equal(snap.status, 2);
  assertInert('stderr', snap.stderr);
  assert.match(snap.stderr.toString('utf8'), /a\\x1b\[2J\\n::error::\.heapsnapshot/);
});

test('record: a script whose path holds escape sequences and a forged command line prints only escaped text', () => {
  const script = path.join(dir, 'app\x1b]0;owned\x07\n::error::x\u202e.js');
  fs.writeFileSync(script, 'function spin() { const end = Date.now() + 300; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\nspin();\n');
  const out = path.join(dir, 'record-out');
  const r = flamelens(['record', '--out', out, '--no-html', '--', process.execPath, script], dir);
  assert.equal(r.status, 0, r.stderr.toString());
  assertInert('stdout', r.stdout);
  assertInert('stderr', r.stderr);
  const all = `${r.stdout.toString('utf8')}\n${r.stderr.toString('utf8')}`;
  assert.ok(all.includes('app\\x1b]0;owned\\x07\\n::error::x\\u202e.js'), all);
  assert.match(r.stderr.toString('utf8'), /\bspin\b/);
  assert.equal(r.stdout.length, 0, 'the program prints nothing, and the report goes to stderr');
});

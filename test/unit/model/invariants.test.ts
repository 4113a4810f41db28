// Crafted profiles with absurd numbers (issue 7, item 5): 1e308/1e400 timeDeltas, hitCount
// without samples, huge startTime/endTime, huge or negative heap sizes. Each is written to a
// real file and read twice — through the importer and through the built CLI (`report`, and
// `diff --fail-above` as the CI gate) — and must either be refused with a typed error naming the
// field (exit 2) or give a profile that keeps every invariant: no NaN, no Infinity, no negative
// time, no share above 100%, and a gate that can still fail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { ProfileError, type Profile } from '../../../src/model/types';
import { assertProfileInvariants, assertSaneReportText, removeDir, tempDir } from '../../support/model-helpers';

const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process; killed if it outlives the (generous) timeout. */
function runCli(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const frame = (name: string, line: number) => ({ functionName: name, scriptId: '1', url: '/app/main.js', lineNumber: line, columnNumber: 0 });
const rootNode = { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2, 3] };

/** A small CPU profile: (root) → work (id 2), (root) → idle-ish helper (id 3). Fields can be replaced. */
function cpuText(fields: { hits?: [string, string]; samples?: string | null; timeDeltas?: string | null; startTime?: string; endTime?: string }): string {
  const [h2, h3] = fields.hits ?? ['1', '1'];
  const nodes = `[${JSON.stringify(rootNode)},{"id":2,"callFrame":${JSON.stringify(frame('work', 4))},"hitCount":${h2}},{"id":3,"callFrame":${JSON.stringify(frame('helper', 9))},"hitCount":${h3}}]`;
  const parts = [`"nodes":${nodes}`, `"startTime":${fields.startTime ?? '1000'}`, `"endTime":${fields.endTime ?? '1400'}`];
  if (fields.samples !== null) parts.push(`"samples":${fields.samples ?? '[2,3,2,2]'}`);
  if (fields.timeDeltas !== null) parts.push(`"timeDeltas":${fields.timeDeltas ?? '[100,100,100,100]'}`);
  return `{${parts.join(',')}}`;
}

function heapText(size2: string, size3: string): string {
  const node = (id: number, name: string, size: string) => `{"callFrame":${JSON.stringify(frame(name, id))},"selfSize":${size},"id":${id},"children":[]}`;
  return `{"head":{"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"selfSize":0,"id":1,"children":[${node(2, 'alloc', size2)},${node(3, 'other', size3)}]},"samples":[]}`;
}

interface Case {
  name: string;
  text: string;
  /** Refused: the field the message must name. Accepted: undefined. */
  refused?: RegExp;
  /** Accepted: checks on the profile beyond the invariants. */
  check?: (p: Profile) => void;
}

const cases: Case[] = [
  { name: 'a 1e308 timeDelta', text: cpuText({ timeDeltas: '[100,1e308,100,100]' }), refused: /timeDeltas\[1\] is 1e\+308/ },
  { name: 'two 1e308 timeDeltas (their sum overflows)', text: cpuText({ timeDeltas: '[1e308,1e308,100,100]' }), refused: /timeDeltas\[0\]/ },
  { name: 'a 1e400 timeDelta (Infinity)', text: cpuText({ timeDeltas: '[100,100,1e400,100]' }), refused: /timeDeltas\[2\] is Infinity/ },
  { name: 'a -1e400 timeDelta (-Infinity)', text: cpuText({ timeDeltas: '[100,-1e400,100,100]' }), refused: /timeDeltas\[1\] is -Infinity/ },
  { name: 'timeDeltas that add up to centuries', text: cpuText({ timeDeltas: '[100,5e15,5e15,100]' }), refused: /span .* more than 285 years/ },
  { name: 'a huge endTime after real samples', text: cpuText({ endTime: '1e300' }), refused: /"endTime" is 1e\+300/ },
  { name: 'an endTime of 9e15 after samples near 0', text: cpuText({ startTime: '-9e15', endTime: '9e15' }), refused: /285 years/ },
  { name: 'a huge startTime', text: cpuText({ startTime: '-1e308' }), refused: /"startTime" is -1e\+308/ },
  { name: 'startTime/endTime of 1e400 (read as absent)', text: cpuText({ startTime: '1e400', endTime: '-1e400' }), check: (p) => assert.ok(p.totalValue[0]! > 0) },
  {
    name: 'hitCount without samples',
    text: cpuText({ samples: null, timeDeltas: null, hits: ['3', '1'] }),
    check: (p) => {
      assert.equal(p.totalValue[0], 400, 'the 400 µs between start and end');
      assert.match(p.notes.join('\n'), /no samples/);
    },
  },
  { name: 'a negative hitCount without samples (gave 200% before)', text: cpuText({ samples: null, timeDeltas: null, hits: ['2', '-1'] }), refused: /hitCount of -1/ },
  { name: 'a 1e400 hitCount without samples', text: cpuText({ samples: null, timeDeltas: null, hits: ['1e400', '1'] }), refused: /hitCount of Infinity/ },
  { name: 'hitCount without samples and huge start/end', text: cpuText({ samples: null, timeDeltas: null, startTime: '-8e15', endTime: '8e15' }), refused: /more than 285 years/ },
  { name: 'a negative hitCount with samples (ignored: samples decide)', text: cpuText({ hits: ['-5', '1e400'] }), check: (p) => assert.equal(p.totalValue[0], 300) },
  { name: 'negative timeDeltas (V8 reorders samples)', text: cpuText({ timeDeltas: '[100,300,-150,100]' }), check: (p) => assert.ok(p.totalValue[0]! >= 0) },
  { name: 'heap selfSizes of 1e308 (their sum overflows)', text: heapText('1e308', '1e308'), refused: /selfSize of 1e\+308/ },
  { name: 'a negative heap selfSize', text: heapText('-4096', '100'), refused: /selfSize of -4096/ },
  { name: 'a 1e400 heap selfSize', text: heapText('1e400', '100'), refused: /selfSize of Infinity/ },
];

describe('crafted absurd numbers: refused with a typed error, or a profile that keeps every invariant', () => {
  let dir = '';
  const files = new Map<string, string>();
  before(() => {
    dir = tempDir('flamelens-invariants-');
    cases.forEach((c, i) => {
      const file = path.join(dir, `case-${i}.${c.text.includes('"head"') ? 'heapprofile' : 'cpuprofile'}`);
      writeFileSync(file, c.text);
      files.set(c.name, file);
    });
  });
  after(() => removeDir(dir));

  for (const c of cases) {
    it(`importer: ${c.name} → ${c.refused ? 'ProfileError invalid-value' : 'a valid profile'}`, () => {
      const bytes = readFileSync(files.get(c.name)!);
      if (c.refused) {
        assert.throws(
          () => parseProfile(bytes),
          (err: unknown) => err instanceof ProfileError && err.code === 'invalid-value' && c.refused!.test(err.message),
        );
        return;
      }
      const p = parseProfile(bytes);
      assertProfileInvariants(p);
      c.check?.(p);
    });
  }

  it('CLI report on every crafted file: exit 2 naming the field, or a report with no NaN/Infinity/negative time/share above 100%', async () => {
    for (const c of cases) {
      const file = files.get(c.name)!;
      const text = await runCli(['report', file, '--no-source-maps'], dir);
      if (c.refused) {
        assert.equal(text.code, 2, `${c.name}: exit 2\n${text.stderr}`);
        assert.match(text.stderr, c.refused, c.name);
        assert.doesNotMatch(text.stderr, /internal error|at .*\.js:\d+/, `${c.name}: a message, no stack`);
        continue;
      }
      assert.equal(text.code, 0, `${c.name}: exit 0\n${text.stderr}`);
      assertSaneReportText(text.stdout);
      const json = await runCli(['report', file, '--json', '--no-source-maps'], dir);
      assert.equal(json.code, 0, `${c.name} --json: ${json.stderr}`);
      assertSaneJson(JSON.parse(json.stdout), c.name);
    }
  });

  it('diff --fail-above: a corrupt baseline or new profile is an input error (exit 2), never a pass', async () => {
    const good = files.get('hitCount without samples')!;
    for (const c of cases.filter((x) => x.refused && !x.text.includes('"head"'))) {
      const bad = files.get(c.name)!;
      for (const [base, next] of [[bad, good], [good, bad]] as const) {
        const r = await runCli(['diff', base, next, '--fail-above', '5', '--no-source-maps'], dir);
        assert.equal(r.code, 2, `${c.name} (${base === bad ? 'base' : 'new'}): exit 2, got ${r.code}\n${r.stdout}${r.stderr}`);
        assert.match(r.stderr, c.refused!);
      }
    }
  });

  it('diff --fail-above with a base that has no busy time fails closed (exit 2) instead of passing at 0%', async () => {
    const idleOnly = path.join(dir, 'idle-only.cpuprofile');
    const idle = { id: 2, callFrame: { functionName: '(idle)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 4 };
    writeFileSync(idleOnly, JSON.stringify({ nodes: [{ ...rootNode, children: [2] }, idle], startTime: 0, endTime: 400, samples: [2, 2, 2, 2], timeDeltas: [100, 100, 100, 100] }));
    const busy = files.get('hitCount without samples')!;
    const gated = await runCli(['diff', idleOnly, busy, '--fail-above', '5', '--no-source-maps'], dir);
    assert.equal(gated.code, 2, `exit 2, got ${gated.code}\n${gated.stdout}${gated.stderr}`);
    assert.match(gated.stderr, /--fail-above needs a base profile with busy time/);
    // Without a gate the same comparison is just a report.
    const plain = await runCli(['diff', idleOnly, busy, '--no-source-maps'], dir);
    assert.equal(plain.code, 0, plain.stderr);
    assertSaneReportText(plain.stdout, { report: false });
  });

  it('diff --fail-above on valid crafted profiles still gates: a regression fails (exit 1), none passes (exit 0)', async () => {
    const base = path.join(dir, 'gate-base.cpuprofile');
    const next = path.join(dir, 'gate-new.cpuprofile');
    writeFileSync(base, cpuText({ samples: '[2,3,3,3]' }));
    writeFileSync(next, cpuText({ samples: '[2,2,2,3]' }));
    const worse = await runCli(['diff', base, next, '--fail-above', '5', '--no-source-maps'], dir);
    assert.equal(worse.code, 1, worse.stdout + worse.stderr);
    assert.match(worse.stdout, /FAIL: work grew by 66\.7% of the base/);
    assertSaneReportText(worse.stdout, { report: false });
    const same = await runCli(['diff', base, base, '--fail-above', '5', '--no-source-maps'], dir);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /OK: no function grew/);
  });
});

/** `report --json`: every number finite (JSON.stringify would turn NaN into null), ≥ 0, shares ≤ 100. */
function assertSaneJson(value: unknown, where: string, key = ''): void {
  if (value === null) assert.fail(`${where}: ${key} is null (a NaN or Infinity before JSON.stringify)`);
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value) && value >= 0, `${where}: ${key} = ${value}`);
    if (key.endsWith('Percent')) assert.ok(value <= 100, `${where}: ${key} = ${value}%`);
    return;
  }
  if (Array.isArray(value)) value.forEach((v) => assertSaneJson(v, where, key));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value as object)) assertSaneJson(v, where, k);
}

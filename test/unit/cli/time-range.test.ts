// `flamelens report|export FILE --from T --to T` as users run it (the bundled CLI in a real
// process): the numbers are those of the model's time slice of the same range, and bad ranges
// are usage or input errors (exit 2).
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { sampleSpan, sliceProfile } from '../../../src/model/time-slice';
import { buildBundles, repoRoot, runCli } from '../../support/capture-helpers';
import { readFixture } from '../../support/model-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

const name = 'small-webpack-1000us.cpuprofile';
const file = path.join(repoRoot, 'test/fixtures', name);
const flamelens = (args: string[]) => runCli(cli, args);

interface ReportJson {
  total: number;
  sampleCount: number;
  functions: { name: string; self: number }[];
}

test('report --from/--to: the JSON report is the model slice of that range', () => {
  const r = flamelens(['report', file, '--from', '1.2s', '--to', '3400ms', '--json', '--no-source-maps', '--top', '5']);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as ReportJson;
  const p = parseProfile(readFixture(name));
  const start = sampleSpan(p)!.start;
  const slice = sliceProfile(p, start + 1.2e6, start + 3.4e6);
  assert.ok(Math.abs(json.total - 2.2e6) < 1, `total ${json.total}`);
  assert.ok(Math.abs(json.total - slice.totalValue[0]!) < 1e-6);
  assert.equal(json.sampleCount, slice.sampleCount);
  assert.ok(json.sampleCount < p.sampleCount / 2);
  // The top function by self time, and its self time, are the slice's.
  const top = [...slice.frames.keys()]
    .map((f) => ({ f, self: [...slice.nodeFrame].reduce((sum, nf, i) => (nf === f ? sum + slice.selfValue[i]! : sum), 0) }))
    .sort((a, b) => b.self - a.self)[0]!;
  assert.equal(json.functions[0]!.name, slice.frames[top.f]!.functionName);
  assert.ok(Math.abs(json.functions[0]!.self - top.self) < 1, `${json.functions[0]!.self} vs ${top.self}`);
  const text = flamelens(['report', file, '--from', '1.2', '--to', '3.4s', '--no-source-maps']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^2\.2 s recorded, 551 samples/m);
});

test('export --from/--to: folded stacks count the samples of the slice', () => {
  const r = flamelens(['export', file, '--format', 'folded', '--from', '0', '--to', '1s', '--no-source-maps', '-o', '-']);
  assert.equal(r.status, 0, r.stderr);
  const p = parseProfile(readFixture(name));
  const slice = sliceProfile(p, sampleSpan(p)!.start, sampleSpan(p)!.start + 1e6);
  const total = r.stdout
    .trim()
    .split('\n')
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  assert.equal(total, slice.sampleCount);
  assert.ok(total < p.sampleCount / 3);
});

test('bad ranges: --to before --from, --from past the end, a heap profile, unreadable times', () => {
  const cases: [string[], RegExp][] = [
    [['report', file, '--from', '3s', '--to', '1s'], /--to must be later than --from/],
    [['report', file, '--from', '9s'], /samples span 6\.1 s; --from 9\.0 s is past its end/],
    [['report', path.join(repoRoot, 'test/fixtures/heap-webpack-16k.heapprofile'), '--to', '1s'], /need a CPU profile that kept its samples/],
    [['report', file, '--from', 'soon'], /--from: cannot read "soon"/],
  ];
  for (const [args, message] of cases) {
    const r = flamelens(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

// `flamelens load --baseline` on a server kept busy all through the load (4 connections, CPU-bound
// requests): the handler's work is cut from 9 units to 1 between the runs (a fix), the framework's is not. The
// grown functions compare self time per request, computed here from the two runs' raw profiles.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildBundles, cpuSelfMicros, scratchDir, writeFiles } from '../../support/capture-helpers';
import { freePort, readRun, runLoad } from '../../support/load-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

// Each request: frameworkWork does one unit of work, handlerWork HANDLER units of the same loop
// (inline int32 arithmetic, so the samples land in them and a unit costs the same in both; the old
// loop overflowed into doubles in the handler only, which left the framework ~1 % of the samples and
// its per-request self time at the mercy of sampling noise).
const server = `const http = require('node:http');
function frameworkWork() { let acc = 0; for (let i = 1; i < 1000000; i++) acc = (acc + (((i & 1023) * 7919) % 13 ^ (acc & 1023))) | 0; return acc; }
function handlerWork(units) { let acc = 0; for (let u = 0; u < units; u++) for (let i = 1; i < 1000000; i++) acc = (acc + (((i & 1023) * 7919) % 13 ^ (acc & 1023))) | 0; return acc; }
http.createServer((req, res) => { res.end(String(frameworkWork() + handlerWork(Number(process.env.HANDLER)))); }).listen(Number(process.env.PORT), '127.0.0.1');
`;

test('load --baseline: the functions that grew are measured per request, not by raw self time', { timeout: 240_000 }, async () => {
  const dir = scratchDir('load-per-request');
  writeFiles(dir, { 'server.js': server });
  const port = await freePort();
  const common = ['--url', `http://127.0.0.1:${port}/`, '--warmup', '500ms', '--duration', '3s', '--connections', '4'];
  const command = ['--', 'node', '--no-turbo-inlining', 'server.js'];
  const first = runLoad(cli, [...common, '--out', 'out1', '--json', 'base.json', ...command], dir, { PORT: String(port), HANDLER: '9' });
  assert.equal(first.status, 0, first.stderr);
  const second = runLoad(cli, [...common, '--baseline', 'base.json', '--out', 'out2', '--json', 'new.json', ...command], dir, { PORT: String(port), HANDLER: '1' });
  assert.equal(second.status, 0, second.stderr);

  const [baseRun, run] = [readRun(path.join(dir, 'base.json')), readRun(path.join(dir, 'new.json'))];
  const answered = (r: typeof run) => r.requests!.ok + r.requests!.non2xx;
  assert.ok(answered(run) > answered(baseRun), 'the fixed server answers more requests in the same time');
  const b = run.baseline!;
  assert.equal(b.grownFrom, 'profiles');
  assert.deepEqual(b.perRequest, { before: answered(baseRun), after: answered(run) });
  assert.match(second.stdout, new RegExp(`Functions whose self time grew most \\(full profile diff\\), per request \\(the baseline's ${answered(baseRun)} requests scaled to this run's ${answered(run)}\\):`));

  // Each grown row is this run's self time minus the baseline's scaled to this run's requests.
  const [baseProfile, newProfile] = [baseRun, run].map((r) => path.resolve(dir, r.profiles.find((p) => p.endsWith('.cpuprofile') && !p.endsWith('.full.cpuprofile'))!));
  const scale = answered(run) / answered(baseRun);
  for (const g of b.grown.filter((g) => g.url === 'server.js' && !g.name.startsWith('('))) {
    const expected = (cpuSelfMicros(newProfile!, g.name) - cpuSelfMicros(baseProfile!, g.name) * scale) / 1000;
    assert.ok(Math.abs(g.deltaMs - expected) < 0.01, `${g.name}: ${g.deltaMs} ms, expected ${expected}`);
  }
  // The framework costs the same per request: it did not grow, though it ran for ~5x the requests.
  // Compared raw it would "grow" by ~80 % of its self time; per request, only by how much the
  // machine's speed drifted between the two runs (measured up to ~40 % per request on a shared
  // 2-core box, i.e. a delta of up to ~30 % of its self time).
  const framework = b.grown.find((g) => g.name === 'frameworkWork');
  const frameworkSelf = cpuSelfMicros(newProfile!, 'frameworkWork') / 1000;
  assert.ok(!framework || framework.deltaMs < 0.55 * frameworkSelf, `frameworkWork "grew" by ${framework?.deltaMs} ms of ${frameworkSelf} ms`);
  assert.ok(!b.grown.some((g) => g.name === 'handlerWork'), 'the handler got cheaper per request');
});

// The server's health during a load run, measured by the agent inside it (no code change in the
// app): a real node:http server whose handler blocks its event loop for a known time shows that
// delay in the run's summary and timeline; the same server answering at once does not.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildBundles, scratchDir } from '../../support/capture-helpers';
import { allFinite, freePort, readRun, runLoad } from '../../support/load-helpers';
import { parseMetrics, type MetricsSample } from '../../../src/capture/server-metrics';
import { healthTimeline, summarizeHealth } from '../../../src/load/server-health';

const fixture = path.resolve(__dirname, '../../fixtures/load/server.js');

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

function sample(at: number, p99: number, extra: Partial<MetricsSample> = {}): MetricsSample {
  return { at, spanMs: 1000, eventLoopDelayP50: p99 / 2, eventLoopDelayP99: p99, eventLoopDelayMax: p99 + 1, eventLoopUtilization: 0.5, cpuPct: 50, heapUsedMB: 10, rssMB: 50, ...extra };
}

test('server metrics: torn and invalid lines are skipped; seconds line up with the timeline; processes combine', () => {
  const text = [JSON.stringify(sample(2000, 5)), '{"at": 1, "spanMs": "x"}', 'not json', JSON.stringify({ total: true, at: 3000, spanMs: 2000, eventLoopDelayP50: 1, eventLoopDelayP99: 7, eventLoopDelayMax: 9, eventLoopDelayMean: 2 }), '{"at": 3'].join('\n');
  const a = parseMetrics(text, 1, 0);
  assert.equal(a.samples.length, 1);
  assert.equal(a.total?.eventLoopDelayP99, 7);
  const b = { pid: 2, threadId: 0, samples: [sample(2010, 30, { cpuPct: 25, heapUsedMB: 5 }), sample(3010, 1)] };
  // t0 = 1000: the first second is [1000, 2000): samples whose middle falls there (at 2000 and 2010).
  const points = healthTimeline([a, b], 1000, 3);
  assert.deepEqual(points[0], { eventLoopDelayP99: 30, eventLoopUtilization: 0.5, cpuPct: 75, heapUsedMB: 15 });
  assert.equal(points[1]!.eventLoopDelayP99, 1);
  assert.deepEqual(points[2], { eventLoopDelayP99: null, eventLoopUtilization: null, cpuPct: null, heapUsedMB: null });
  const s = summarizeHealth([a, b], 1000, 3000, 10);
  assert.ok(s);
  assert.equal(s.processes, 2);
  assert.equal(s.worstSecondP99, 30);
  assert.equal(s.eventLoopDelay.p99, 7, 'the exact totals where the agent wrote them');
  assert.equal(summarizeHealth([], 0, 1000, 10), undefined);
});

test('server metrics: the summary covers the measured seconds only, merged from each second\'s distribution', () => {
  // A warm-up second blocked 600 ms (in the whole recording's total), then two quiet measured seconds.
  const second = (at: number, count: number, mean: number, cdf: [number, number][], max: number): MetricsSample =>
    sample(at, cdf.find(([p]) => p >= 99)![1], { eventLoopDelayCount: count, eventLoopDelayMean: mean, eventLoopDelayCdf: cdf, eventLoopDelayMax: max });
  const warm = second(1000, 2, 300, [[50, 0], [100, 600]], 600);
  const m1 = second(2000, 100, 0.2, [[50, 0.1], [99, 1], [100, 2]], 2);
  const m2 = second(3000, 100, 0.6, [[50, 0.5], [99, 3], [100, 4]], 4);
  const text = [warm, m1, m2].map((x) => JSON.stringify(x)).concat(JSON.stringify({ total: true, at: 3000, spanMs: 3000, eventLoopDelayP50: 0.3, eventLoopDelayP99: 600, eventLoopDelayMax: 600, eventLoopDelayMean: 6 })).join('\n');
  const proc = parseMetrics(text, 1, 0);
  assert.deepEqual(proc.samples[1]!.eventLoopDelayCdf, [[50, 0.1], [99, 1], [100, 2]], 'the distribution is read back');
  // Measured phase: [1000, 3000) holds the seconds ending at 2000 and 3000 (middles 1500, 2500).
  const s = summarizeHealth([proc], 1000, 2000, 10);
  assert.ok(s);
  // Half the delays are ≤ 0.1 ms (m1's half) + … : the merged median is m1's 0.1 or m2's 0.5 step.
  assert.ok(s.eventLoopDelay.p50 >= 0.1 && s.eventLoopDelay.p50 <= 0.5, JSON.stringify(s.eventLoopDelay));
  assert.equal(s.eventLoopDelay.p99, 3, '99 % of the 200 delays: under m2\'s p99 step, far from the warm-up\'s 600 ms');
  assert.equal(s.eventLoopDelay.max, 4);
  assert.equal(s.eventLoopDelay.mean, 0.4);
  // An older agent's files (no distributions) keep the whole recording's totals.
  const old = parseMetrics([sample(2000, 1), sample(3000, 3)].map((x) => JSON.stringify(x)).concat(JSON.stringify({ total: true, at: 3000, spanMs: 3000, eventLoopDelayP50: 0.3, eventLoopDelayP99: 600, eventLoopDelayMax: 600, eventLoopDelayMean: 6 })).join('\n'), 2, 0);
  assert.equal(summarizeHealth([old], 1000, 2000, 10)!.eventLoopDelay.p99, 600);
});

test('load: the event-loop delay of a server that blocks its loop 150 ms per request is reported; a fast one is not', { timeout: 180_000 }, async () => {
  const dir = scratchDir('load-health');
  const runs: Record<string, ReturnType<typeof readRun>> = {};
  for (const route of ['block?ms=150', 'fast']) {
    const port = await freePort();
    const name = route.startsWith('block') ? 'block' : 'fast';
    const r = runLoad(cli, ['--url', `http://127.0.0.1:${port}/${route}`, '--connections', '1', '--warmup', '0', '--duration', '3s', '--out', `out-${name}`, '--json', `${name}.json`, '--markdown', `${name}.md`, '--', 'node', fixture], dir, { PORT: String(port) });
    assert.equal(r.status, 0, r.stderr);
    const run = readRun(path.join(dir, `${name}.json`));
    assert.ok(allFinite(run));
    assert.ok(run.server, `server metrics: ${run.serverNote}`);
    assert.match(r.stdout, /Server event-loop delay: p50 [\d.]+ m?s, p99 [\d.]+ m?s/);
    assert.match(fs.readFileSync(path.join(dir, `${name}.md`), 'utf8'), /### Server\n\nServer event-loop delay: p50/);
    runs[name] = run;
  }
  const block = runs.block!;
  const fast = runs.fast!;
  // A timer due every 10 ms waits out each 150 ms block: p99 near 140–150 ms.
  assert.ok(block.server!.eventLoopDelay.p99 >= 100, JSON.stringify(block.server));
  assert.ok(block.server!.eventLoopDelay.max >= 100, JSON.stringify(block.server));
  assert.ok(block.server!.eventLoopUtilization > 0.5, JSON.stringify(block.server));
  assert.ok(block.server!.cpuPct > 30, JSON.stringify(block.server));
  assert.ok(block.server!.heapUsedMBMax > 0);
  const measured = block.timeline.filter((p) => p.eventLoopDelayP99 !== null);
  assert.ok(measured.length >= 1, JSON.stringify(block.timeline));
  assert.ok(measured.some((p) => p.eventLoopDelayP99! >= 100), JSON.stringify(block.timeline));
  assert.ok(measured.every((p) => p.eventLoopUtilization !== null && p.cpuPct !== null && p.heapUsedMB !== null && p.heapUsedMB > 0));
  assert.ok(fast.server!.eventLoopDelay.p99 < block.server!.eventLoopDelay.p99, `fast ${fast.server!.eventLoopDelay.p99} ms vs blocked ${block.server!.eventLoopDelay.p99} ms`);
  // The agent's metrics stay in the session folder beside the profile; the control files that
  // stopped the recording (stop, each process's signal notes) are not left among the results.
  const files = fs.readdirSync(path.join(dir, 'out-block'));
  assert.ok(files.some((f) => f.endsWith('.metrics.jsonl')), files.join(' '));
  assert.ok(!files.some((f) => f === 'stop' || f === 'start' || f.endsWith('.signals')), files.join(' '));
});

test('other recordings pay nothing: `flamelens record` writes no metrics file (only load runs ask the agent for them)', { timeout: 60_000 }, () => {
  const dir = scratchDir('record-no-metrics');
  fs.writeFileSync(path.join(dir, 'busy.js'), 'const end = Date.now() + 1200; while (Date.now() < end);\n');
  const r = spawnSync(process.execPath, [cli, 'record', '--no-html', '--out', 'out', '--', 'node', 'busy.js'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = fs.readdirSync(path.join(dir, 'out'));
  assert.ok(files.some((f) => f.endsWith('.cpuprofile')), files.join(' '));
  assert.ok(!files.some((f) => f.includes('metrics')), files.join(' '));
});

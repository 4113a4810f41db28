// The Load Run view model (src/load/view-model.ts): made from runs built by the real run model from
// real HDR histograms, and from a run JSON damaged the way a hand-edited file may be. Every number
// the view gets is finite; the event-loop chart appears only when the run measured it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { newHistogram, recordLatency } from '../../../src/load/histogram';
import { asLoadRun, buildLoadRun, emptyCounts, type LoadConfig, type LoadRun, type Measured } from '../../../src/load/run';
import { parseThreshold } from '../../../src/load/thresholds';
import { loadCompareView, loadRunView, locationText, runCpuProfiles, shown } from '../../../src/load/view-model';
import { isLoadWebviewMessage } from '../../../src/load/view-protocol';

const config: LoadConfig = { urls: ['http://127.0.0.1:3000/slow'], method: 'GET', headerNames: [], bodyBytes: 0, connections: 4, pipelining: 1, warmupMs: 0, warmupUrls: [], stages: [{ durationMs: 3000, connections: 4 }], command: ['node', 'server.js'] };

/** A measured span: `n` responses of `ms` each, `errors` failures, `non2xx` 500s. */
function measured(n: number, ms: number, errors = 0, non2xx = 0): Measured {
  const histogram = newHistogram();
  const requests = emptyCounts();
  for (let i = 0; i < n; i++) recordLatency(histogram, ms + (i % 10) / 10);
  requests.total = n + errors + non2xx;
  requests.ok = n;
  requests.errors = errors;
  requests.non2xx = non2xx;
  for (let i = 0; i < non2xx; i++) recordLatency(histogram, ms);
  return { histogram, requests, bytes: n * 100, statusCodes: { '200': n, ...(non2xx ? { '500': non2xx } : {}) } };
}

function run(ms: number, thresholds: string[] = [], profiles: string[] = []): LoadRun {
  const seconds = [measured(100, ms), measured(120, ms, 2, 1), measured(110, ms)];
  const stage = measured(330, ms, 2, 1);
  return buildLoadRun({
    startedAt: new Date('2026-01-01T00:00:00Z'),
    config,
    measurement: { stages: [{ ...stage, stage: config.stages[0]!, elapsedMs: 3000 }], seconds, elapsedMs: 3000 },
    thresholds: thresholds.map(parseThreshold),
    profiles,
    topFunctions: [{ name: '<img src=x onerror=alert(1)>', url: pathToFileURL('/work/app/src/slow.js').href, line: 12, selfMs: 812.3456, selfPct: 40.126 }],
  });
}

test('load view: percentiles in order, counts, throughput, stages and one row per top function', () => {
  const v = loadRunView(run(5, ['p95<100ms'], ['/s/CPU.1.cpuprofile', '/s/Heap.1.heapprofile']), 'server.js', '/work/app');
  assert.deepEqual(v.percentiles.map((p) => p.label), ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']);
  const byKey = Object.fromEntries(v.percentiles.map((p) => [p.key, p.ms]));
  assert.ok(byKey.p50! >= 5 && byKey.p50! <= 6, `p50 ${byKey.p50}`);
  assert.ok(byKey.p50! <= byKey.p95! && byKey.p95! <= byKey.p99! && byKey.p99! <= byKey.max!);
  assert.deepEqual(v.requests, { total: 333, ok: 330, non2xx: 1, errors: 2, timeouts: 0 });
  assert.equal(v.throughput.rps, 111);
  assert.equal(v.throughput.errorPercent, 0.9);
  assert.deepEqual(v.stages.map((s) => [s.index, s.connections, s.seconds, s.failed]), [[1, 4, 3, 3]]);
  assert.deepEqual(v.broken, []);
  assert.equal(v.thresholds[0]!.ok, true);
  assert.match(v.thresholds[0]!.actual, / ms$/);
  // Names pass through as data (the webview sets them as text); locations are relative to the workspace.
  assert.equal(v.topFunctions[0]!.name, '<img src=x onerror=alert(1)>');
  assert.equal(v.topFunctions[0]!.location, `${path.join('src', 'slow.js')}:12`);
  assert.equal(v.topFunctions[0]!.selfMs, 812.3);
  assert.equal(v.hasProfile, true);
  assert.deepEqual(runCpuProfiles(run(5, [], ['/s/CPU.1.cpuprofile', '/s/Heap.1.heapprofile'])), ['/s/CPU.1.cpuprofile']);
  assert.match(v.target, /^GET http:\/\/127\.0\.0\.1:3000\/slow — node server\.js$/);
});

test('load view: charts over time; the event-loop chart only when the run has that data', () => {
  const r = run(5);
  const v = loadRunView(r, 't');
  assert.deepEqual(v.charts.map((c) => c.id), ['rps', 'latency', 'errors']);
  const rps = v.charts.find((c) => c.id === 'rps')!.series[0]!.points;
  assert.deepEqual(rps.map(([t]) => t), [1, 2, 3]);
  assert.deepEqual(rps.map(([, y]) => y), [100, 123, 110]);
  const errors = v.charts.find((c) => c.id === 'errors')!;
  assert.deepEqual(errors.series.map((s) => s.points.map(([, y]) => y)), [[0, 2, 0], [0, 1, 0]]);
  const withEld = { ...r, timeline: r.timeline.map((p, i) => ({ ...p, eventLoopDelayP99: i === 1 ? null : 10 + i })) };
  const eld = loadRunView(withEld, 't').charts.find((c) => c.id === 'eventLoop');
  assert.ok(eld, 'event-loop chart missing when the timeline has delays');
  assert.deepEqual(eld.series[0]!.points, [[1, 10], [3, 12]], 'null seconds are gaps, not zeros');
});

test('load view: a broken threshold is named for the banner; a cut-short run says why', () => {
  const r = { ...run(50, ['p95<10ms', 'errors<5%']), cutShort: 'cancelled (Ctrl+C)' };
  const v = loadRunView(r, 't');
  assert.deepEqual(v.broken, ['p95<10ms']);
  assert.deepEqual(v.thresholds.map((t) => t.ok), [false, true]);
  assert.match(v.notes[0]!, /cut short: cancelled \(Ctrl\+C\)/);
});

test('load view: a damaged run file still gives finite numbers only', () => {
  const damaged = JSON.parse(JSON.stringify(run(5))) as Record<string, unknown>;
  (damaged.throughput as Record<string, unknown>).bytesPerSec = 'lots';
  damaged.durationMs = null;
  (damaged.stages as Record<string, unknown>[])[0]!.elapsedMs = 'x';
  (damaged.timeline as Record<string, unknown>[])[0]!.rps = Number.POSITIVE_INFINITY; // what JSON.parse makes of 1e400
  damaged.errorPercent = Number.NaN;
  const r = asLoadRun(damaged);
  assert.ok(r, 'still a run (latency and rps are intact)');
  const v = loadRunView(r, 't');
  const numbers: number[] = [];
  JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'number') numbers.push(x);
    return x;
  });
  assert.ok(numbers.length > 40);
  assert.ok(numbers.every(Number.isFinite), 'a non-finite number reached the view');
  assert.equal(v.throughput.bytesPerSec, null, 'a damaged figure is not measured ("—"), not 0');
  assert.equal(v.charts[0]!.series[0]!.points.length, 2, 'the infinite point is dropped');
});

test('compare view: per-percentile deltas, throughput drop as worse, grown functions', () => {
  const before = run(5);
  const after = run(25);
  after.throughput = { rps: 80, bytesPerSec: before.throughput!.bytesPerSec / 2 };
  after.topFunctions = [{ ...before.topFunctions[0]!, selfMs: 1812.3 }];
  const v = loadCompareView(before, after, { before: 'a.json', after: 'b.json' });
  const p95 = v.rows.find((r) => r.label === 'latency p95')!;
  assert.ok(p95.after! > p95.before! && p95.delta! > 0 && p95.deltaPct! > 100 && p95.worse);
  const rps = v.rows.find((r) => r.label === 'requests/s')!;
  assert.deepEqual([rps.before, rps.after, rps.worse], [111, 80, true]);
  assert.equal(rps.deltaPct, shown(((80 - 111) / 111) * 100, 1));
  assert.equal(v.rows.length, 10);
  assert.deepEqual(v.grown.map((g) => [g.name, g.deltaMs]), [['<img src=x onerror=alert(1)>', 1000]]);
  assert.equal(v.title, 'a.json → b.json');
});

test('locations and messages: native frames have none; only well-formed webview messages pass', () => {
  assert.equal(locationText('', 0), '');
  assert.equal(locationText('node:internal/timers', 5), 'node:internal/timers:5');
  assert.equal(locationText('/elsewhere/x.js', 3, '/work/app'), '/elsewhere/x.js:3');
  assert.ok(isLoadWebviewMessage({ type: 'openSource', url: 'file:///a.js', line: 3, name: 'f' }));
  assert.ok(!isLoadWebviewMessage({ type: 'openSource', url: 'file:///a.js', line: 'x', name: 'f' }));
  assert.ok(!isLoadWebviewMessage({ type: 'run' }));
  assert.ok(!isLoadWebviewMessage(null));
});

test('load view: a run an external tool drove has no latency or counts (null, shown as "—"), and the server figures from the agent', () => {
  const r = run(5);
  const external: LoadRun = {
    ...r,
    driver: 'external',
    latency: null,
    requests: null,
    throughput: null,
    errorPercent: null,
    timeline: r.timeline.map((p, i) => ({ ...p, rps: null, p50: null, p99: null, errors: null, non2xx: null, eventLoopDelayP99: 3 + i })),
    server: { processes: 1, eventLoopDelay: { p50: 1.234, p99: 4.567, max: 9, mean: 2 }, worstSecondP99: 5, eventLoopUtilization: 0.4321, cpuPct: 55.55, heapUsedMBMax: 14.24, resolutionMs: 10 },
  };
  const v = loadRunView(external, 't');
  assert.deepEqual(v.percentiles.map((p) => p.ms), Array(7).fill(null));
  assert.deepEqual(v.requests, { total: null, ok: null, non2xx: null, errors: null, timeouts: null });
  assert.deepEqual(v.throughput, { rps: null, bytesPerSec: null, errorPercent: null });
  assert.match(v.notes.join('\n'), /not measured: an external tool drove the load/);
  assert.deepEqual(v.server, { eventLoopDelayP50: 1.23, eventLoopDelayP99: 4.57, eventLoopDelayMax: 9, utilizationPct: 43.2, cpuPct: 55.6, heapUsedMBMax: 14.2 });
  assert.deepEqual(v.charts.find((c) => c.id === 'rps')!.series[0]!.points, [], 'no load points, not zeros');
  assert.deepEqual(v.charts.find((c) => c.id === 'eventLoop')!.series[0]!.points, [[1, 3], [2, 4], [3, 5]]);
  // Not measured in a run without the agent: said why.
  const attached: LoadRun = { ...r, serverMode: 'attached', serverNote: 'an attached server runs without the FlameLens agent' };
  delete attached.server;
  assert.deepEqual(loadRunView(attached, 't').server, { notMeasured: 'an attached server runs without the FlameLens agent' });
  // Compared with a measured run: the deltas it cannot have are null, never NaN.
  const cmp = loadCompareView(r, external, { before: 'a', after: 'b' });
  for (const row of cmp.rows) {
    assert.equal(row.after, null, row.label);
    assert.equal(row.delta, null, row.label);
    assert.equal(row.worse, false);
  }
});

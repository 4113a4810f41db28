// The load run as data (src/load/): thresholds and stages as users write them, exact percentile
// merging, the run built from measurements (every number finite), baseline comparison, the
// loopback rule and the renderings' escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/cli/args';
import { parseThreshold, evaluateThresholds } from '../../../src/load/thresholds';
import { parseStage, planStages } from '../../../src/load/stages';
import { mergeHistograms, newHistogram, recordLatency, summarizeLatency } from '../../../src/load/histogram';
import { asLoadRun, buildLoadRun, compareRuns, emptyCounts, runPassed, type LoadConfig, type LoadRun, type Measured } from '../../../src/load/run';
import { checkTargets, isLoopbackHost, parseTargetUrl, shownUrl } from '../../../src/load/targets';
import { renderLoadMarkdown, renderLoadText } from '../../../src/load/render';
import { escapeMarkdown } from '../../../src/model/escape-text';

test('thresholds: k6 spellings and units are read into ms, % and req/s', () => {
  assert.deepEqual(parseThreshold('p95<200ms'), { expr: 'p95<200ms', metric: 'p95', op: '<', limit: 200 });
  assert.deepEqual(parseThreshold('p99<=1s'), { expr: 'p99<=1s', metric: 'p99', op: '<=', limit: 1000 });
  assert.deepEqual(parseThreshold('p(95) < 300'), { expr: 'p(95) < 300', metric: 'p95', op: '<', limit: 300 });
  assert.deepEqual(parseThreshold('p(99.9)<2s'), { expr: 'p(99.9)<2s', metric: 'p999', op: '<', limit: 2000 });
  assert.equal(parseThreshold('avg<50ms').metric, 'mean');
  assert.equal(parseThreshold('max<500us').limit, 0.5);
  assert.deepEqual(parseThreshold('errors<1%'), { expr: 'errors<1%', metric: 'errors', op: '<', limit: 1 });
  assert.deepEqual(parseThreshold('rps>500'), { expr: 'rps>500', metric: 'rps', op: '>', limit: 500 });
});

test('thresholds: malformed ones are usage errors that say what is accepted', () => {
  for (const bad of ['p95', 'p95<', 'p95<fast', 'p42<10ms', 'latency<1s', 'p95<10kg', 'errors<1ms', 'rps>1s', '<5', 'p95==5']) {
    assert.throws(() => parseThreshold(bad), (e: unknown) => e instanceof UsageError && /examples: p95<200ms/.test(e.message), bad);
  }
});

test('thresholds: evaluated against the totals, with the actual value', () => {
  const latency = { p50: 5, p90: 9, p95: 12, p99: 40, p999: 80, max: 100, mean: 6 };
  const verdicts = evaluateThresholds(['p95<20ms', 'p99<20ms', 'errors<1%', 'rps>500', 'mean<=6'].map(parseThreshold), { latency, errorPercent: 2.5, rps: 800, requests: 4000, timed: 3900 });
  assert.deepEqual(verdicts.map((v) => [v.expr, v.ok, v.actual, v.unit]), [
    ['p95<20ms', true, 12, 'ms'],
    ['p99<20ms', false, 40, 'ms'],
    ['errors<1%', false, 2.5, '%'],
    ['rps>500', true, 800, 'req/s'],
    ['mean<=6', true, 6, 'ms'],
  ]);
});

test('thresholds: a gate never passes on nothing — no request breaks every one, no latency breaks the latency ones', () => {
  const zero = { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const gates = ['p99<100ms', 'errors<1%', 'rps<1000'].map(parseThreshold);
  const none = evaluateThresholds(gates, { latency: zero, errorPercent: 0, rps: 0, requests: 0, timed: 0 });
  assert.deepEqual(none.map((v) => v.ok), [false, false, false]);
  assert.ok(none.every((v) => v.note === 'nothing measured: no request was made'));
  // Every request refused: errors and rps are measured, latency is not.
  const refused = evaluateThresholds(gates, { latency: zero, errorPercent: 100, rps: 50, requests: 100, timed: 0 });
  assert.deepEqual(refused.map((v) => [v.ok, v.note]), [
    [false, 'no latency measured: every request failed before an answer'],
    [false, undefined],
    [true, undefined],
  ]);
});

test('thresholds: a server that answered nothing breaks latency and rps gates (timeouts carry the timeout as latency, failures count as requests); rps gates count answered requests', () => {
  // Every request timed out at 2 s: p99 reads 2000 ms, which would pass p99<3s.
  const timedOut = { p50: 2000, p90: 2000, p95: 2000, p99: 2000, p999: 2000, max: 2000, mean: 2000 };
  const gates = ['p99<3s', 'rps>1', 'errors<50%'].map(parseThreshold);
  const hung = evaluateThresholds(gates, { latency: timedOut, errorPercent: 100, rps: 4.8, requests: 10, timed: 10, answered: 0 });
  assert.deepEqual(hung.map((v) => [v.ok, v.note]), [
    [false, 'nothing answered: every request failed (errors or timeouts)'],
    [false, 'nothing answered: every request failed (errors or timeouts)'],
    [false, undefined],
  ]);
  // Half answered: rps>100 at 180 req/s made is 90 answered per second.
  const half = evaluateThresholds(['rps>100', 'rps>80'].map(parseThreshold), { latency: timedOut, errorPercent: 50, rps: 180, requests: 1800, timed: 1800, answered: 900 });
  assert.deepEqual(half.map((v) => [v.ok, v.actual]), [
    [false, 90],
    [true, 90],
  ]);
});

test('stages: DURATION:CONNECTIONS in order; bad ones are usage errors', () => {
  assert.deepEqual(parseStage('30s:50'), { durationMs: 30_000, connections: 50 });
  assert.deepEqual(parseStage('500ms:2'), { durationMs: 500, connections: 2 });
  assert.deepEqual(parseStage('1m:100'), { durationMs: 60_000, connections: 100 });
  assert.deepEqual(planStages(['1s:1', '2s:4'], 10_000, 10), [{ durationMs: 1000, connections: 1 }, { durationMs: 2000, connections: 4 }]);
  assert.deepEqual(planStages([], 5000, 3), [{ durationMs: 5000, connections: 3 }]);
  for (const bad of ['30s', ':5', '30s:0', '30s:-1', '0s:5', 'xs:5', '30s:1.5', '30s:10001']) assert.throws(() => parseStage(bad), UsageError, bad);
  // --connections has the stages' limit (100,000 grew the driver to 4.8 GB before).
  assert.deepEqual(planStages([], 5000, 10_000), [{ durationMs: 5000, connections: 10_000 }]);
  assert.throws(() => planStages([], 5000, 100_000), /--connections must be at most 10000, got 100000/);
});

test('histograms: merging stages gives the percentiles of all values together', () => {
  const a = newHistogram();
  const b = newHistogram();
  for (let i = 1; i <= 900; i++) recordLatency(a, 1); // 900 fast responses
  for (let i = 1; i <= 100; i++) recordLatency(b, 100); // 100 slow ones
  const all = summarizeLatency(mergeHistograms([a, b]));
  assert.ok(Math.abs(all.p50 - 1) < 0.01, `p50 ${all.p50}`);
  assert.ok(Math.abs(all.p95 - 100) < 0.2, `p95 ${all.p95}`);
  assert.ok(Math.abs(all.max - 100) < 0.2);
  assert.ok(Math.abs(all.mean - 10.9) < 0.1, `mean ${all.mean}`);
  // The parts are left as they were.
  assert.equal(a.totalCount, 900);
  assert.equal(summarizeLatency(a).p99, 1);
});

test('histograms: at a fixed rate, a stalled response adds the requests it held back (coordinated omission)', () => {
  const plain = newHistogram();
  const corrected = newHistogram();
  for (let i = 0; i < 99; i++) {
    recordLatency(plain, 1);
    recordLatency(corrected, 1, 10);
  }
  recordLatency(plain, 1000);
  recordLatency(corrected, 1000, 10); // one request every 10 ms was due during that second
  assert.equal(plain.totalCount, 100);
  assert.ok(corrected.totalCount > 190, `corrected count ${corrected.totalCount}`);
  assert.ok(summarizeLatency(corrected).p90 > summarizeLatency(plain).p90 * 10);
});

function measured(latencies: number[], extra: Partial<Measured['requests']> = {}): Measured {
  const histogram = newHistogram();
  for (const l of latencies) recordLatency(histogram, l);
  const requests = { ...emptyCounts(), ...extra };
  requests.ok += latencies.length;
  requests.total = requests.ok + requests.non2xx + requests.errors;
  return { histogram, requests, bytes: latencies.length * 100, statusCodes: latencies.length > 0 ? { '200': latencies.length } : {} };
}

const config: LoadConfig = { urls: ['http://127.0.0.1:1/'], method: 'GET', headerNames: [], bodyBytes: 0, connections: 1, pipelining: 1, warmupMs: 0, warmupUrls: [], stages: [] };

test('a run with nothing measured (elapsed 0) still reports only finite numbers', () => {
  const run = buildLoadRun({ startedAt: new Date(0), config, measurement: { stages: [], seconds: [], elapsedMs: 0 }, thresholds: [parseThreshold('p95<1ms'), parseThreshold('rps>1'), parseThreshold('errors<1%')] });
  const numbers: number[] = [];
  JSON.stringify(run, (_k, v: unknown) => (typeof v === 'number' && numbers.push(v), v));
  assert.ok(numbers.length > 10);
  assert.ok(numbers.every(Number.isFinite));
  // Nothing measured passes no gate (a latency of 0 ms and 0 % errors are not measurements).
  assert.deepEqual(run.thresholds.map((t) => t.ok), [false, false, false]);
});

test('markdown: a run cut short, or whose load tool failed, is not reported as passed', () => {
  const s1 = measured([1, 2, 3]);
  const inputs = { startedAt: new Date(0), config, thresholds: [parseThreshold('p99<100ms')] };
  const whole = buildLoadRun({ ...inputs, measurement: { stages: [{ ...s1, stage: { durationMs: 1000, connections: 1 }, elapsedMs: 1000 }], seconds: [s1], elapsedMs: 1000 } });
  assert.match(renderLoadMarkdown(whole), /^## FlameLens load run: passed/);
  const cut = { ...whole, cutShort: 'the server exited with code 3 during the load' };
  assert.match(renderLoadMarkdown(cut), /^## FlameLens load run: FAILED/);
  const tool = { ...whole, driver: 'external' as const, external: { command: 'k6 run x.js', exitCode: 99, signal: null, stdout: '', stdoutTruncated: false, notes: [] } };
  assert.match(renderLoadMarkdown(tool), /^## FlameLens load run: FAILED/);
});

test('a fixed --rate that was not reached is a problem the report states (requests never sent have no latency); reached, or cut short, it is not', () => {
  const s1 = measured([1, 2, 3]);
  const at = (rate: number, cutShort?: string) =>
    buildLoadRun({
      startedAt: new Date(0),
      config: { ...config, rate },
      measurement: { stages: [{ ...s1, stage: { durationMs: 1000, connections: 1 }, elapsedMs: 1000 }], seconds: [s1], elapsedMs: 1000, ...(cutShort ? { cutShort } : {}) },
      thresholds: [],
    });
  const missed = at(200);
  assert.equal(missed.throughput!.rps, 3);
  assert.deepEqual(missed.problems, ['the rate asked for was not reached: 3.0 of 200 req/s (2%); requests never sent are not in the latency figures — add connections, or the server is saturated below that rate']);
  assert.match(renderLoadText(missed), /problem: the rate asked for was not reached: 3\.0 of 200 req\/s/);
  assert.deepEqual(at(3).problems, []);
  assert.deepEqual(at(200, 'cancelled (Ctrl+C)').problems, []);
});

test('a run: totals over stages, counts that add up, a per-second timeline', () => {
  const s1 = measured([1, 1, 2], { non2xx: 1 });
  const s2 = measured([10, 20], { errors: 2, timeouts: 1 });
  const run = buildLoadRun({
    startedAt: new Date(0),
    config,
    measurement: {
      stages: [
        { ...s1, stage: { durationMs: 1000, connections: 1 }, elapsedMs: 1000 },
        { ...s2, stage: { durationMs: 1000, connections: 2 }, elapsedMs: 1000 },
      ],
      seconds: [measured([1, 1, 2], { non2xx: 1 }), measured([10, 20], { errors: 2 }), measured([5])],
      elapsedMs: 2100, // the third second is a sliver: left out of the timeline
    },
    thresholds: [parseThreshold('errors<10%')],
  });
  assert.deepEqual(run.requests!, { total: 8, ok: 5, non2xx: 1, errors: 2, timeouts: 1 });
  assert.equal(run.requests!.total, run.requests!.ok + run.requests!.non2xx + run.requests!.errors);
  assert.equal(run.errorPercent, 37.5);
  assert.equal(run.thresholds[0]!.ok, false);
  assert.ok(run.latency!.p50 <= run.latency!.p95 && run.latency!.p95 <= run.latency!.p99 && run.latency!.p99 <= run.latency!.max);
  assert.ok(Math.abs(run.latency!.max - 20) < 0.05);
  assert.equal(run.stages.length, 2);
  assert.equal(run.stages[1]!.connections, 2);
  assert.deepEqual(run.timeline.map((p) => [p.t, p.rps]), [[1, 4], [2, 4]]);
  assert.equal(run.throughput!.rps, Math.round((8 / 2.1) * 1000) / 1000);
  assert.equal(run.errorCauses, undefined, 'no causes measured, none reported');
});

test('failed requests are reported by cause, most first, summed over stages; the cause is escaped', () => {
  const s1 = { ...measured([1], { errors: 3, timeouts: 1 }), errorCauses: { timeout: 1, ECONNRESET: 2 } };
  const s2 = { ...measured([1], { errors: 4 }), errorCauses: { 'closed by the server without a response': 3, '\u001b[31mx': 1 } };
  const run = buildLoadRun({
    startedAt: new Date(0),
    config,
    measurement: { stages: [{ ...s1, stage: { durationMs: 1000, connections: 1 }, elapsedMs: 1000 }, { ...s2, stage: { durationMs: 1000, connections: 1 }, elapsedMs: 1000 }], seconds: [s1, s2], elapsedMs: 2000 },
    thresholds: [],
  });
  assert.deepEqual(run.errorCauses, { timeout: 1, ECONNRESET: 2, 'closed by the server without a response': 3, '\u001b[31mx': 1 });
  const text = renderLoadText(run);
  assert.match(text, /errors: 3 closed by the server without a response, 2 ECONNRESET, 1 timed out, 1 \\x1b\[31mx/);
  assert.ok(!text.includes('\u001b'), 'no raw escape reaches the terminal');
  assert.match(renderLoadMarkdown(run), /Errors: 3 closed by the server without a response, 2 ECONNRESET, 1 timed out/);
});

function runWith(p95: number, rps: number, fns: [string, number][]): LoadRun {
  const base = buildLoadRun({ startedAt: new Date(0), config, measurement: { stages: [], seconds: [], elapsedMs: 1000 }, thresholds: [] });
  return { ...base, latency: { ...base.latency!, p95, p99: p95 * 2, p50: p95 / 2 }, throughput: { rps, bytesPerSec: 0 }, topFunctions: fns.map(([name, selfMs]) => ({ name, url: 'server.js', line: 3, selfMs, selfPct: 1 })) };
}

test('baseline: latency and throughput deltas, grown functions, --fail-above on p95/p99/rps', () => {
  const before = runWith(10, 1000, [['handler', 100], ['parse', 50]]);
  const after = runWith(13, 950, [['handler', 100], ['parse', 80], ['addedWork', 200]]);
  const c = compareRuns(before, after, 'base.json', 20);
  assert.equal(c.latencyDelta!.p95.deltaPct, 30);
  assert.equal(c.latencyDelta!.p95.delta, 3);
  assert.equal(c.rpsDelta!.deltaPct, -5);
  assert.deepEqual(c.grown.map((g) => [g.name, g.deltaMs]), [['addedWork', 200], ['parse', 30]]);
  assert.deepEqual(c.regressions, ['p95 +30.0%', 'p99 +30.0%']);
  assert.equal(runPassed({ ...after, baseline: c }), false);
  assert.deepEqual(compareRuns(before, after, 'base.json', 40).regressions, []);
  assert.deepEqual(compareRuns(before, runWith(10, 500, []), 'base.json', 40).regressions, ['rps -50.0%']);
  // A baseline of zeros (its server crashed before answering): no division by zero, and the gate
  // fails closed instead of passing on numbers nobody measured.
  const zero = compareRuns(runWith(0, 0, []), after, 'z.json', 1);
  assert.equal(zero.latencyDelta!.p95.deltaPct, 0);
  assert.deepEqual(zero.regressions, ['not comparable: the baseline measured no responses (0 req/s)']);
  assert.equal(runPassed({ ...after, baseline: zero }), false);
  assert.deepEqual(compareRuns(runWith(0, 0, []), after, 'z.json').regressions, [], 'without a gate, nothing to fail');
});

test('baseline files: only a load run is accepted', () => {
  assert.equal(asLoadRun({ nodes: [] }), undefined);
  assert.equal(asLoadRun(null), undefined);
  assert.equal(asLoadRun({ kind: 'flamelens-load-run', latency: { p50: 'x' }, throughput: { rps: 1 } }), undefined);
  const back = asLoadRun(JSON.parse(JSON.stringify(runWith(5, 10, [['f', 1]]))));
  assert.equal(back?.latency?.p95, 5);
  assert.equal(back?.topFunctions.length, 1);
  // The profiles the top functions were merged from come back; a malformed list is dropped whole.
  const parts = [{ label: 'pid 1 · main thread', path: '/r/a.cpuprofile' }, { label: 'pid 1 · worker 1', path: '/r/b.cpuprofile' }];
  const plain = JSON.parse(JSON.stringify(runWith(5, 10, [['f', 1]]))) as Record<string, unknown>;
  assert.deepEqual(asLoadRun({ ...plain, topFunctionsFrom: parts })?.topFunctionsFrom, parts);
  for (const bad of [[parts[0]], [parts[0], { label: 3, path: '/r/b' }], 'a,b', [parts[0], null]]) {
    const read = asLoadRun({ ...plain, topFunctionsFrom: bad });
    assert.ok(read && !('topFunctionsFrom' in read), JSON.stringify(bad));
  }
});

test('targets: loopback only unless --allow-remote, with the reason in the message', () => {
  for (const h of ['127.0.0.1', 'localhost', '[::1]', '127.1.2.3', 'api.localhost']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['10.0.0.1', 'example.com', '0.0.0.0', '[::]', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h);
  const remote = parseTargetUrl('http://example.com/x', '--url');
  assert.throws(() => checkTargets([remote], false, '--url'), (e: unknown) => e instanceof UsageError && /not this machine/.test(e.message) && /--allow-remote/.test(e.message));
  checkTargets([remote], true, '--url');
  // An IPv4-mapped loopback address, which the URL parser writes in hex (::ffff:7f00:1), is this machine.
  checkTargets([parseTargetUrl('http://[::ffff:127.0.0.1]:3000/', '--url'), parseTargetUrl('http://[::ffff:127.1.2.3]/', '--url')], false, '--url');
  assert.throws(() => checkTargets([parseTargetUrl('http://[::ffff:10.0.0.1]/', '--url')], false, '--url'), UsageError);
  assert.throws(() => checkTargets([parseTargetUrl('http://[::ffff:128.0.0.1]/', '--url')], false, '--url'), UsageError);
  assert.throws(() => parseTargetUrl('ftp://127.0.0.1/', '--url'), UsageError);
  assert.throws(() => parseTargetUrl('127.0.0.1:3000', '--url'), UsageError);
});

test('renderings: profile text is escaped in markdown and in the terminal', () => {
  assert.equal(escapeMarkdown('a|b<s>`x`'), 'a\\|b\\<s\\>\\`x\\`');
  assert.ok(!/[\n\r]/.test(escapeMarkdown('a\nb\r')));
  const run = { ...runWith(10, 100, [['evil|<img src=x>\u001b[31m', 5]]), thresholds: [{ expr: 'p95<1ms', ok: false, actual: 10, unit: 'ms' as const }] };
  const md = renderLoadMarkdown(run);
  assert.match(md, /FAILED/);
  assert.ok(!/(^|[^\\])<img/.test(md), md);
  assert.ok(!md.includes('\u001b'));
  assert.match(md, /evil\\\|\\<img/);
  const text = renderLoadText(run);
  assert.match(text, /BROKEN\s+p95<1ms\s+10\.0 ms/);
  assert.ok(!text.includes('\u001b'));
});

test('targets: credentials in a URL are hidden where reports show it, kept for the requests', () => {
  const url = parseTargetUrl('http://user:s3cret@127.0.0.1:3100/x?q=1', '--url');
  assert.equal(shownUrl(url), 'http://***@127.0.0.1:3100/x?q=1');
  assert.equal(shownUrl(parseTargetUrl('http://127.0.0.1:3100/', '--url')), 'http://127.0.0.1:3100/');
  assert.equal(url.href, 'http://user:s3cret@127.0.0.1:3100/x?q=1', 'the URL itself is unchanged');
});

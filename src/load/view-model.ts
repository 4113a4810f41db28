// What the Load Run view shows, made from a LoadRun (the `--json` contract) alone: rounded finite
// numbers, chart series, rows. Pure (no vscode, no DOM, no fs), so a run read back from disk
// renders like one just measured, and the unit tests check the numbers without a webview.
import { displayLocation } from '../profile-location';
import { ms } from './render';
import { compareRuns, describeErrorCauses, type LoadRun } from './run';
import type { Chart, DeltaRow, FunctionRow, LoadCompareView, LoadRunView, PercentileKey, PercentileRow } from './view-protocol';

const percentileKeys: PercentileKey[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'];
const percentileLabel: Record<PercentileKey, string> = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p99.9', max: 'max', mean: 'mean' };

/** A finite number (0 otherwise) rounded to `digits` decimals: what the view may show. */
export function shown(x: unknown, digits = 3): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 0;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Like shown(), but null (shown as "—") when there is no finite number: a field the run did not measure. */
export function shownOrNull(x: unknown, digits = 3): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? shown(x, digits) : null;
}

/** "src/app.js:12" relative to `root` when inside it; the URL as given otherwise; "" for native code. */
export function locationText(url: string, line: number, root?: string): string {
  if (!url) return '';
  const file = displayLocation(url, root ? [root] : []);
  return line > 0 ? `${file}:${line}` : file;
}

function thresholdActual(unit: string, actual: number): string {
  if (unit === 'ms') return ms(actual);
  if (unit === '%') return `${shown(actual, 2)} %`;
  return `${shown(actual, 1)} req/s`;
}

function charts(run: LoadRun): Chart[] {
  const t = run.timeline ?? [];
  const series = (name: string, pick: (p: LoadRun['timeline'][number]) => number | null | undefined) => ({
    name,
    points: t.flatMap((p): [number, number][] => {
      const v = pick(p);
      return typeof v === 'number' && Number.isFinite(v) && Number.isFinite(p.t) ? [[shown(p.t), shown(v)]] : [];
    }),
  });
  const out: Chart[] = [
    { id: 'rps', title: 'Requests per second', unit: 'req/s', series: [series('req/s', (p) => p.rps)] },
    { id: 'latency', title: 'Latency', unit: 'ms', series: [series('p50', (p) => p.p50), series('p99', (p) => p.p99)] },
    { id: 'errors', title: 'Errors and non-2xx per second', unit: 'req', series: [series('errors', (p) => p.errors), series('non-2xx', (p) => p.non2xx)] },
  ];
  // The server's event-loop delay, when the agent reported it (null in runs that did not measure it).
  const eld = series('event-loop delay p99', (p) => p.eventLoopDelayP99);
  if (eld.points.length > 0) out.push({ id: 'eventLoop', title: 'Server event-loop delay (p99)', unit: 'ms', series: [eld] });
  return out;
}

function functionRows(run: LoadRun, root?: string): FunctionRow[] {
  return (run.topFunctions ?? []).map((f) => ({
    name: String(f.name),
    location: locationText(f.url, f.line, root),
    url: f.url,
    line: shown(f.line, 0),
    selfMs: shown(f.selfMs, 1),
    selfPct: shown(f.selfPct, 2),
  }));
}

/** The Load Run view of `run`; `root` (the workspace folder) shortens source locations. */
export function loadRunView(run: LoadRun, title: string, root?: string): LoadRunView {
  const percentiles: PercentileRow[] = percentileKeys.map((key) => ({ key, label: percentileLabel[key], ms: shownOrNull(run.latency?.[key]) }));
  const stages = (run.stages ?? []).map((s) => ({
    index: shown(s.index, 0) + 1,
    connections: shown(s.connections, 0),
    seconds: shown(s.elapsedMs / 1000, 1),
    rps: shown(s.throughput.rps, 1),
    p50: shown(s.latency.p50),
    p99: shown(s.latency.p99),
    failed: shown(s.requests.errors + s.requests.non2xx, 0),
  }));
  const thresholds = (run.thresholds ?? []).map((v) => ({ expr: String(v.expr), ok: v.ok === true, actual: thresholdActual(v.unit, v.actual) }));
  const notes = [
    ...(run.cutShort ? [`The run was cut short: ${run.cutShort}.`] : []),
    ...(run.loadMeasured === false ? ['Nothing was measured: the run ended before its measured load began (its figures are empty, its profiles cover the server\'s start and warm-up only).'] : []),
    ...(run.latency === null ? ['Latency, requests and throughput were not measured: an external tool drove the load and FlameLens could not read its result.'] : []),
    ...(run.problems ?? []).map(String),
    ...(describeErrorCauses(run) ? [`Failed requests: ${describeErrorCauses(run)}.`] : []),
  ];
  const r = run.requests;
  const h = run.server;
  return {
    title,
    startedAt: String(run.startedAt ?? ''),
    target: [run.config?.method ?? 'GET', ...(run.config?.urls ?? [])].join(' ') + (run.config?.command ? ` — ${run.config.command.join(' ')}` : ''),
    durationS: shown(run.durationMs / 1000, 1),
    broken: thresholds.filter((t) => !t.ok).map((t) => t.expr),
    notes,
    percentiles,
    requests: { total: shownOrNull(r?.total, 0), ok: shownOrNull(r?.ok, 0), non2xx: shownOrNull(r?.non2xx, 0), errors: shownOrNull(r?.errors, 0), timeouts: shownOrNull(r?.timeouts, 0) },
    throughput: { rps: shownOrNull(run.throughput?.rps, 1), bytesPerSec: shownOrNull(run.throughput?.bytesPerSec, 0), errorPercent: shownOrNull(run.errorPercent, 2) },
    loadBy: run.driver === 'external' ? `external: ${String(run.external?.command ?? run.config?.loadCommand ?? 'a load command')}` : 'FlameLens',
    server: h
      ? {
          eventLoopDelayP50: shown(h.eventLoopDelay?.p50, 2),
          eventLoopDelayP99: shown(h.eventLoopDelay?.p99, 2),
          eventLoopDelayMax: shown(h.eventLoopDelay?.max, 2),
          utilizationPct: shown((h.eventLoopUtilization ?? 0) * 100, 1),
          cpuPct: shown(h.cpuPct, 1),
          heapUsedMBMax: shown(h.heapUsedMBMax, 1),
        }
      : { notMeasured: String(run.serverNote ?? 'not measured') },
    thresholds,
    stages,
    charts: charts(run),
    topFunctions: functionRows(run, root),
    hasProfile: runCpuProfiles(run).length > 0,
  };
}

function deltaRow(label: string, unit: string, before: number | null | undefined, after: number | null | undefined, higherIsWorse: boolean): DeltaRow {
  const b = shownOrNull(before);
  const a = shownOrNull(after);
  if (a === null || b === null) return { label, unit, before: b, after: a, delta: null, deltaPct: null, worse: false };
  const delta = shown(a - b);
  const deltaPct = b !== 0 ? shown(((a - b) / b) * 100, 1) : 0;
  return { label, unit, before: b, after: a, delta, deltaPct, worse: higherIsWorse ? delta > 0 : delta < 0 };
}

/** Two runs side by side: every percentile, throughput and errors, and the functions that grew. */
export function loadCompareView(before: LoadRun, after: LoadRun, names: { before: string; after: string }, root?: string): LoadCompareView {
  const cmp = compareRuns(before, after, names.before);
  const rows: DeltaRow[] = [
    // A run whose latency was not measured (external load) has none to compare: "—".
    ...percentileKeys.map((k) => deltaRow(`latency ${percentileLabel[k]}`, 'ms', before.latency?.[k], after.latency?.[k], true)),
    deltaRow('requests/s', 'req/s', before.throughput?.rps, after.throughput?.rps, false),
    deltaRow('bytes/s', 'B/s', before.throughput?.bytesPerSec, after.throughput?.bytesPerSec, false),
    deltaRow('failed requests', '%', before.errorPercent, after.errorPercent, true),
  ];
  return {
    title: `${names.before} → ${names.after}`,
    before: names.before,
    after: names.after,
    rows,
    grown: cmp.grown.map((g) => ({ name: String(g.name), location: locationText(g.url, g.line, root), url: g.url, line: shown(g.line, 0), deltaMs: shown(g.deltaMs, 1) })),
    hasProfiles: [before, after].every((r) => runCpuProfiles(r).length > 0),
  };
}

/** The run's CPU profiles (the server's flame graph is one of them). */
export function runCpuProfiles(run: LoadRun): string[] {
  return (run.profiles ?? []).filter((p) => /\.cpuprofile$/.test(p));
}

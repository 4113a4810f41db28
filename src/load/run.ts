// A load run is data first: this is the result every rendering (terminal, markdown, JSON, the
// VS Code view) is made from, and the JSON other tools read (`flamelens load --json`). Pure: no
// node:fs, no vscode. Field names follow issue 8's contract; fields may be added, not renamed.
import { finite, mergeHistograms, ratio, summarizeLatency, type Histogram, type LatencySummary } from './histogram';
import type { Stage } from './stages';
import { evaluateThresholds, unitOf, type Threshold, type ThresholdVerdict } from './thresholds';
import { healthTimeline, summarizeHealth, type ServerHealth } from './server-health';
import type { ProcessMetrics } from '../capture/server-metrics';
import type { ParsedToolResult } from './external';

/** Request counts. `total` = ok + non2xx + errors; `timeouts` are among `errors`. */
export interface RequestCounts {
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** What the driver measured in one span of time (a stage, or one second of the timeline). */
export interface Measured {
  histogram: Histogram;
  requests: RequestCounts;
  bytes: number;
  statusCodes: Record<string, number>;
  /** Failed requests by cause (a connection error's code, 'timeout', closed without a response). */
  errorCauses?: Record<string, number>;
}

export interface StageMeasurement extends Measured {
  stage: Stage;
  /** How long it really ran (shorter when the run was cut short). */
  elapsedMs: number;
}

export interface Measurement {
  stages: StageMeasurement[];
  /** One entry per second of the measured phase, from its start. */
  seconds: Measured[];
  elapsedMs: number;
  /** Epoch ms when the measured phase began (lines the server's own samples up with the timeline). */
  startedAtEpochMs?: number;
  /** Why the run ended before its stages did (server exited, cancelled), if it did. */
  cutShort?: string;
}

export interface LoadConfig {
  urls: string[];
  method: string;
  /** Header names only: values (tokens, cookies) stay out of files meant to be shared. */
  headerNames: string[];
  bodyBytes: number;
  connections: number;
  pipelining: number;
  /** Requests per second over all connections, when the rate is fixed. */
  rate?: number;
  warmupMs: number;
  warmupUrls: string[];
  stages: Stage[];
  /** The server command FlameLens started. */
  command?: string[];
  /** `--attach`: the running server recorded instead (as the user wrote it). */
  attach?: string;
  /** `--load-cmd`: the external tool that drove the load. */
  loadCommand?: string;
}

export interface Throughput {
  rps: number;
  bytesPerSec: number;
}

export interface StageResult {
  index: number;
  durationMs: number;
  connections: number;
  elapsedMs: number;
  latency: LatencySummary;
  requests: RequestCounts;
  throughput: Throughput;
  statusCodes: Record<string, number>;
}

export interface TimelinePoint {
  /** Seconds since the measured phase began (the end of this second). */
  t: number;
  /** The load's own figures: null when an external tool drove the load (`driver: 'external'`). */
  rps: number | null;
  p50: number | null;
  p99: number | null;
  errors: number | null;
  non2xx: number | null;
  /** The server's event-loop delay p99 in this second, ms; null when no sample of the server covers it. */
  eventLoopDelayP99: number | null;
  /** Share of the second the server's event loop was busy (0…1; the busiest process). */
  eventLoopUtilization: number | null;
  /** The server's CPU, % of one core (all its processes). */
  cpuPct: number | null;
  /** The server's JS heap in use, MB (all its processes). */
  heapUsedMB: number | null;
}

export interface TopFunction {
  name: string;
  url: string;
  line: number;
  selfMs: number;
  selfPct: number;
}

/** A function by the bytes it allocated during the load (sampling heap profile, `--heap`). */
export interface TopAllocator {
  name: string;
  url: string;
  line: number;
  /** Bytes allocated in the function itself (sampled; collected objects included). */
  selfBytes: number;
  selfPct: number;
}

export interface Delta {
  before: number;
  after: number;
  /** after − before, in the metric's unit. */
  delta: number;
  /** Relative change, %; 0 when `before` is 0. */
  deltaPct: number;
}

export interface BaselineComparison {
  /** The baseline file as given. */
  file: string;
  /** null when either run's latency was not measured (an external tool drove its load). */
  latencyDelta: Record<keyof LatencySummary, Delta> | null;
  rpsDelta: Delta | null;
  grown: { name: string; url: string; line: number; deltaMs: number }[];
  /** Where `grown` comes from: the full profile diff (the baseline's profiles still exist) or the two top-N lists. */
  grownFrom?: 'profiles' | 'topFunctions';
  /**
   * The answered requests of each run when `grown` is per request: the baseline's self times
   * scaled to this run's request count first (see requestScale). Absent: raw self times.
   */
  perRequest?: { before: number; after: number };
  /** With --fail-above: the metrics that regressed by more than it ("p95 +35.2%"). */
  regressions: string[];
  failAbovePct?: number;
}

/** The external tool that drove the load (`--load-cmd`), and what it said. */
export interface ExternalLoadInfo {
  command: string;
  exitCode: number | null;
  signal: string | null;
  /** Its stdout (the start of it when `stdoutTruncated`). */
  stdout: string;
  stdoutTruncated: boolean;
  /** Why FlameLens ended it early, if it did. */
  stoppedBecause?: string;
  /** Whose output the latency, requests and throughput were read from; absent: not measured. */
  parsed?: 'autocannon';
  notes: string[];
}

/** A server recorded through `--attach`, and how it was left. */
export interface AttachedServer {
  target: string;
  pid?: number;
  /** FlameLens opened its inspector (SIGUSR1) and so had to close it. */
  openedInspector: boolean;
  /** The inspector FlameLens opened is closed again (or it was never opened by FlameLens). */
  inspectorClosed: boolean;
  /** It still ran when FlameLens left. */
  stillRunning: boolean;
}

export interface LoadRun {
  kind: 'flamelens-load-run';
  version: 1;
  startedAt: string;
  config: LoadConfig;
  /** Who drove the load: FlameLens (autocannon in-process), or an external tool (`--load-cmd`). */
  driver: 'flamelens' | 'external';
  external?: ExternalLoadInfo;
  /** How the server was recorded: started by FlameLens with its agent, or attached to (`--attach`). */
  serverMode: 'launched' | 'attached';
  attached?: AttachedServer;
  durationMs: number;
  /** false when the run ended (cancelled, the server exited) before its measured load began; absent otherwise. */
  loadMeasured?: false;
  /** Epoch ms when the measured phase began: lines the run's seconds up with the server's profile. */
  measuredFromEpochMs?: number;
  /** null when an external tool drove the load and its output could not be read (see `external`). */
  latency: LatencySummary | null;
  requests: RequestCounts | null;
  throughput: Throughput | null;
  statusCodes: Record<string, number>;
  /** Failed requests (the errors) by cause, when any failed: 'timeout', a code (ECONNRESET), or 'closed by the server without a response'. */
  errorCauses?: Record<string, number>;
  /** Failed requests (errors + non-2xx) as % of all; null when not measured. */
  errorPercent: number | null;
  stages: StageResult[];
  timeline: TimelinePoint[];
  thresholds: ThresholdVerdict[];
  profiles: string[];
  topFunctions: TopFunction[];
  /** The server's CPU profiles `topFunctions` were merged from (each thread or process that worked), when more than one; the flame graph shows them merged. */
  topFunctionsFrom?: { label: string; path: string }[];
  /** With --heap: the server's top allocators during the load (its busiest main thread's heap profile). */
  topAllocators?: TopAllocator[];
  baseline?: BaselineComparison;
  /** The server's event-loop delay, utilisation, CPU and heap during the measured phase (from the agent). */
  server?: ServerHealth;
  /** Why `server` is absent (e.g. an attached server has no agent), when it is. */
  serverNote?: string;
  /** The run did not finish as planned (why), or the server had trouble. */
  problems: string[];
  cutShort?: string;
}

/** The failed requests by cause, most first ("3 closed by the server without a response, 2 ECONNRESET"); plain text, the caller escapes. */
export function describeErrorCauses(run: Pick<LoadRun, 'errorCauses'>): string {
  const causes = Object.entries(run.errorCauses ?? {}).filter(([, n]) => Number.isFinite(n) && n > 0);
  causes.sort((a, b) => b[1] - a[1]);
  return causes.map(([cause, n]) => `${n} ${cause === 'timeout' ? 'timed out' : cause}`).join(', ');
}

export function emptyCounts(): RequestCounts {
  return { total: 0, ok: 0, non2xx: 0, errors: 0, timeouts: 0 };
}

function addCounts(a: RequestCounts, b: RequestCounts): RequestCounts {
  return { total: a.total + b.total, ok: a.ok + b.ok, non2xx: a.non2xx + b.non2xx, errors: a.errors + b.errors, timeouts: a.timeouts + b.timeouts };
}

function addCodes(into: Record<string, number>, from: Record<string, number>): void {
  for (const [code, n] of Object.entries(from)) into[code] = (into[code] ?? 0) + n;
}

const round3 = (x: number) => Math.round(finite(x) * 1000) / 1000;

export interface BuildInputs {
  startedAt: Date;
  config: LoadConfig;
  measurement: Measurement;
  thresholds: readonly Threshold[];
  profiles?: string[];
  topFunctions?: TopFunction[];
  topFunctionsFrom?: { label: string; path: string }[];
  topAllocators?: TopAllocator[];
  problems?: string[];
  /** The agent's once-a-second samples of the server (absent: not measured, see `serverNote`). */
  serverMetrics?: readonly ProcessMetrics[];
  serverNote?: string;
  /** The delay monitor's resolution, ms. */
  serverMetricsResolutionMs?: number;
  /** `--load-cmd`: the tool that drove the load instead of FlameLens, and its result if it could be read. */
  external?: { info: ExternalLoadInfo; parsed?: ParsedToolResult };
  attached?: AttachedServer;
  /** false: the run ended before its measured load began (the server's metrics then describe no load). */
  measured?: boolean;
}

/** The run's result from what the driver measured: totals over every measured stage, merged exactly. */
export function buildLoadRun(inputs: BuildInputs): LoadRun {
  const m = inputs.measurement;
  const all = mergeHistograms(m.stages.map((s) => s.histogram));
  const latency = summarizeLatency(all);
  let requests = emptyCounts();
  let bytes = 0;
  const statusCodes: Record<string, number> = {};
  const errorCauses: Record<string, number> = {};
  for (const s of m.stages) {
    requests = addCounts(requests, s.requests);
    bytes += s.bytes;
    addCodes(statusCodes, s.statusCodes);
    addCodes(errorCauses, s.errorCauses ?? {});
  }
  const seconds = m.elapsedMs / 1000;
  const throughput = { rps: round3(ratio(requests.total, seconds)), bytesPerSec: round3(ratio(bytes, seconds)) };
  const stages: StageResult[] = m.stages.map((s, index) => ({
    index,
    durationMs: s.stage.durationMs,
    connections: s.stage.connections,
    elapsedMs: Math.round(s.elapsedMs),
    latency: summarizeLatency(s.histogram),
    requests: s.requests,
    throughput: { rps: round3(ratio(s.requests.total, s.elapsedMs / 1000)), bytesPerSec: round3(ratio(s.bytes, s.elapsedMs / 1000)) },
    statusCodes: s.statusCodes,
  }));
  const timeline: TimelinePoint[] = [];
  const ext = inputs.external;
  const t0 = m.startedAtEpochMs;
  const unmeasured = inputs.measured === false;
  const metrics = unmeasured ? undefined : inputs.serverMetrics;
  const health = metrics && t0 !== undefined ? healthTimeline(metrics, t0, m.seconds.length) : [];
  const server = metrics && t0 !== undefined ? summarizeHealth(metrics, t0, m.elapsedMs, inputs.serverMetricsResolutionMs ?? 10) : undefined;
  const serverNote = unmeasured ? 'the run ended before its measured load began' : (inputs.serverNote ?? 'the server reported no metrics (no process loaded the agent, or none lived a full second)');
  for (const [i, sec] of m.seconds.entries()) {
    // The last second may be partial: a sliver of one would extrapolate a few requests into a
    // spike, so it stays out of the timeline (its requests are in the totals).
    const span = Math.min(1, seconds - i);
    if (span < 0.25 && i > 0) continue;
    const l = summarizeLatency(sec.histogram);
    const h = health[i] ?? { eventLoopDelayP99: null, eventLoopUtilization: null, cpuPct: null, heapUsedMB: null };
    if (ext) {
      timeline.push({ t: i + 1, rps: null, p50: null, p99: null, errors: null, non2xx: null, ...h });
      continue;
    }
    timeline.push({ t: i + 1, rps: round3(ratio(sec.requests.total, Math.max(span, 0.001))), p50: l.p50, p99: l.p99, errors: sec.requests.errors, non2xx: sec.requests.non2xx, ...h });
  }
  const measured = ext ? ext.parsed : { latency, requests, throughput, statusCodes };
  const errPct = measured ? round3(ratio(measured.requests.errors + measured.requests.non2xx, measured.requests.total) * 100) : null;
  // What has a latency: FlameLens's own histogram count; an external tool's answered requests.
  const timed = ext ? (measured ? measured.requests.total - measured.requests.errors : 0) : all.totalCount;
  const thresholds = measured
    ? evaluateThresholds(inputs.thresholds, { latency: measured.latency, errorPercent: errPct ?? 0, rps: measured.throughput.rps, requests: measured.requests.total, timed, answered: measured.requests.ok + measured.requests.non2xx })
    : inputs.thresholds.map((t) => ({ ...notMeasuredVerdict(t) }));
  all.destroy();
  return {
    kind: 'flamelens-load-run',
    version: 1,
    startedAt: inputs.startedAt.toISOString(),
    config: inputs.config,
    driver: ext ? 'external' : 'flamelens',
    ...(ext ? { external: ext.info } : {}),
    serverMode: inputs.attached ? 'attached' : 'launched',
    ...(inputs.attached ? { attached: inputs.attached } : {}),
    durationMs: Math.round(m.elapsedMs),
    ...(unmeasured ? { loadMeasured: false as const } : {}),
    ...(t0 !== undefined && Number.isFinite(t0) ? { measuredFromEpochMs: t0 } : {}),
    latency: measured?.latency ?? null,
    requests: measured?.requests ?? null,
    throughput: measured?.throughput ?? null,
    statusCodes: measured?.statusCodes ?? {},
    ...(!ext && Object.keys(errorCauses).length > 0 ? { errorCauses } : {}),
    errorPercent: errPct,
    stages: ext ? [] : stages,
    timeline,
    thresholds,
    profiles: inputs.profiles ?? [],
    topFunctions: inputs.topFunctions ?? [],
    ...(inputs.topFunctionsFrom && inputs.topFunctionsFrom.length > 1 ? { topFunctionsFrom: inputs.topFunctionsFrom } : {}),
    ...(inputs.topAllocators ? { topAllocators: inputs.topAllocators } : {}),
    ...(server ? { server } : { serverNote }),
    problems: [...(inputs.problems ?? []), ...rateMissed(inputs.config.rate, ext ? undefined : measured?.throughput.rps, m.cutShort)],
    ...(m.cutShort !== undefined ? { cutShort: m.cutShort } : {}),
  };
}

/**
 * A fixed --rate that was not reached (the server or the connections could not keep up): said, since
 * requests that were never sent have no latency, so the percentiles alone look better than the service
 * the rate asked for would have had. A run cut short is not judged.
 */
function rateMissed(rate: number | undefined, rps: number | undefined, cutShort: string | undefined): string[] {
  if (rate === undefined || rps === undefined || cutShort !== undefined || !(rps < rate * 0.9)) return [];
  return [
    `the rate asked for was not reached: ${rps.toFixed(1)} of ${rate} req/s (${((rps / rate) * 100).toFixed(0)}%); requests never sent are not in the latency figures — add connections, or the server is saturated below that rate`,
  ];
}

/** A threshold on a load FlameLens did not measure: broken (a gate must not pass on nothing), and says why. */
function notMeasuredVerdict(t: Threshold): ThresholdVerdict {
  return { expr: t.expr, ok: false, actual: 0, unit: unitOf(t), note: 'not measured: an external tool drove the load and its output could not be read' };
}

function delta(before: number, after: number): Delta {
  const b = finite(before);
  const a = finite(after);
  return { before: b, after: a, delta: round3(a - b), deltaPct: round3(ratio(a - b, b) * 100) };
}

const answered = (r: LoadRun) => (r.requests ? r.requests.ok + r.requests.non2xx : 0);

/**
 * What the baseline's self times are multiplied by before the grown functions are picked: this
 * run's answered requests ÷ the baseline's, so a function grows only when it costs more per
 * request. Raw self times mislead both ways: a server that is busy all through the load spends
 * the same CPU time whatever each request costs (a handler twice as slow serves half as many),
 * and a faster server (or a longer run) does more of everything. 1 when a run answered nothing
 * FlameLens counted (an external load tool).
 */
export function requestScale(base: LoadRun, run: LoadRun): number {
  const [b, a] = [answered(base), answered(run)];
  return b > 0 && a > 0 ? a / b : 1;
}

/**
 * This run against an earlier one: latency and throughput deltas, the functions whose self time
 * grew most, and — with `failAbovePct` — which of p95, p99 (growth) and rps (drop) moved past it.
 */
export function compareRuns(base: LoadRun, run: LoadRun, file: string, failAbovePct?: number): BaselineComparison {
  const keys: (keyof LatencySummary)[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'];
  const [bl, rl] = [base.latency, run.latency];
  const latencyDelta = bl && rl ? (Object.fromEntries(keys.map((k) => [k, delta(bl[k], rl[k])])) as Record<keyof LatencySummary, Delta>) : null;
  const rpsDelta = base.throughput && run.throughput ? delta(base.throughput.rps, run.throughput.rps) : null;
  const key = (f: { name: string; url: string; line: number }) => `${f.name}\u0000${f.url}\u0000${f.line}`;
  const scale = requestScale(base, run);
  const before = new Map(base.topFunctions.map((f) => [key(f), f.selfMs * scale]));
  const grown = run.topFunctions
    .map((f) => ({ name: f.name, url: f.url, line: f.line, deltaMs: round3(f.selfMs - (before.get(key(f)) ?? 0)) }))
    .filter((g) => g.deltaMs > 0)
    .sort((a, b) => b.deltaMs - a.deltaMs)
    .slice(0, 10);
  const regressions: string[] = [];
  if (failAbovePct !== undefined) {
    // Fails closed: a gate cannot pass on latency that one of the runs did not measure.
    if (!latencyDelta || !rpsDelta) regressions.push('p95 not comparable (a run whose load FlameLens did not measure)');
    // A baseline that answered nothing (its server crashed in the warm-up) has zeros, not a measurement.
    else if (rpsDelta.before === 0) regressions.push('not comparable: the baseline measured no responses (0 req/s)');
    for (const k of ['p95', 'p99'] as const) {
      const d = latencyDelta?.[k];
      if (d && d.before > 0 && d.deltaPct > failAbovePct) regressions.push(`${k} +${d.deltaPct.toFixed(1)}%`);
    }
    if (rpsDelta && rpsDelta.before > 0 && -rpsDelta.deltaPct > failAbovePct) regressions.push(`rps ${rpsDelta.deltaPct.toFixed(1)}%`);
  }
  const perRequest = answered(base) > 0 && answered(run) > 0 ? { perRequest: { before: answered(base), after: answered(run) } } : {};
  return { file, latencyDelta, rpsDelta, grown, ...perRequest, regressions, ...(failAbovePct !== undefined ? { failAbovePct } : {}) };
}

/** A previous run read back from its JSON; undefined when `data` is not one. */
export function asLoadRun(data: unknown): LoadRun | undefined {
  const r = data as Partial<LoadRun> | null;
  if (!r || typeof r !== 'object' || r.kind !== 'flamelens-load-run') return undefined;
  const l = r.latency as Partial<LatencySummary> | null | undefined;
  const nums = l && ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean'].every((k) => Number.isFinite((l as Record<string, unknown>)[k]));
  // A run whose load an external tool drove has no latency (null): still a run to compare profiles with.
  const unmeasured = l === null && r.driver === 'external';
  if (!unmeasured && (!nums || !r.throughput || !Number.isFinite(r.throughput.rps))) return undefined;
  const topFunctions = Array.isArray(r.topFunctions)
    ? r.topFunctions.filter((f) => f && typeof f.name === 'string' && typeof f.url === 'string' && Number.isFinite(f.line) && Number.isFinite(f.selfMs))
    : [];
  // A hand-edited or foreign list is dropped whole: the flame graph then shows the busiest profile.
  const from = r.topFunctionsFrom;
  const fromOk = Array.isArray(from) && from.length > 1 && from.every((p) => p && typeof p.label === 'string' && typeof p.path === 'string');
  const { topFunctionsFrom: _dropped, ...rest } = r as LoadRun;
  return {
    ...rest,
    driver: r.driver ?? 'flamelens',
    serverMode: r.serverMode ?? 'launched',
    topFunctions,
    ...(fromOk ? { topFunctionsFrom: from } : {}),
    ...(unmeasured ? { latency: null, throughput: null, requests: null } : {}) };
}

/**
 * Whether the run passes its gates: every threshold held, no regression past --fail-above, and an
 * external load tool succeeded. (A run cut short fails too; callers say that first, as its reason.)
 */
export function runPassed(run: LoadRun): boolean {
  return run.thresholds.every((t) => t.ok) && (run.baseline?.regressions.length ?? 0) === 0 && !externalToolFailed(run);
}

/** The external load tool ended by itself with a failure (k6 does when its own thresholds break). */
export function externalToolFailed(run: LoadRun): boolean {
  const e = run.external;
  return e !== undefined && e.stoppedBecause === undefined && e.exitCode !== 0;
}

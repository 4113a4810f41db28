// Pass/fail criteria in k6's vocabulary: `p95<200ms`, `p(99)<=1s`, `mean<50` (ms), `errors<1%`,
// `rps>500`. Parsed once (a malformed one is a usage error before anything runs) and evaluated
// against a finished run's totals.
import { UsageError } from '../cli/args';
import type { LatencySummary } from './histogram';

export type LatencyMetric = keyof LatencySummary;
export type ThresholdMetric = LatencyMetric | 'errors' | 'rps';
export type Comparison = '<' | '<=' | '>' | '>=';

export interface Threshold {
  /** As the user wrote it. */
  expr: string;
  metric: ThresholdMetric;
  op: Comparison;
  /** ms for latency, percent for errors, requests/s for rps. */
  limit: number;
}

export interface ThresholdVerdict {
  expr: string;
  ok: boolean;
  /** The measured value, in the threshold's unit (ms, %, requests/s). */
  actual: number;
  unit: 'ms' | '%' | 'req/s';
  /** Why `actual` is not a measurement (the load was not measured), when it is not. */
  note?: string;
}

/** What thresholds are checked against. */
export interface ThresholdInputs {
  latency: LatencySummary;
  /** Failed requests (errors, timeouts, non-2xx) as a percentage of all. */
  errorPercent: number;
  rps: number;
  /** Requests made (answered or failed), and how many of them have a latency (answered, or timed out). */
  requests: number;
  timed: number;
  /** Requests that got a response (2xx or not): what `rps` gates count. Default: all requests. */
  answered?: number;
}

const latencyNames: Record<string, LatencyMetric> = {
  p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p999', 'p99.9': 'p999', max: 'max', mean: 'mean', avg: 'mean', med: 'p50',
};
const unitMs: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000 };

export function parseThreshold(text: string): Threshold {
  const expr = text.trim();
  const m = /^([a-z]+[0-9.]*|p\(\s*[0-9.]+\s*\))\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([a-zµ%/]*)$/i.exec(expr);
  const bad = (why: string) =>
    new UsageError(`--threshold "${text}": ${why} (examples: p95<200ms, p99<=1s, mean<50ms, errors<1%, rps>500)`);
  if (!m) throw bad('cannot read it');
  let name = m[1]!.toLowerCase().replace(/\s+/g, '');
  const k6 = /^p\(([0-9.]+)\)$/.exec(name);
  if (k6) name = `p${k6[1]!.replace(/\.0+$/, '')}`;
  const op = m[2] as Comparison;
  const value = Number(m[3]);
  const unit = m[4]!.toLowerCase();
  if (!Number.isFinite(value)) throw bad('the limit is not a number');
  const latency = latencyNames[name];
  if (latency !== undefined) {
    const k = unitMs[unit === '' ? 'ms' : unit];
    if (k === undefined) throw bad(`"${unit}" is not a time unit (us, ms, s)`);
    return { expr, metric: latency, op, limit: value * k };
  }
  if (name === 'errors' || name === 'error' || name === 'http_req_failed') {
    if (unit !== '%' && unit !== '') throw bad('errors are a percentage');
    return { expr, metric: 'errors', op, limit: value };
  }
  if (name === 'rps') {
    if (unit !== '' && unit !== 'rps' && unit !== '/s') throw bad('rps is requests per second');
    return { expr, metric: 'rps', op, limit: value };
  }
  throw bad(`unknown metric "${m[1]}" (p50, p90, p95, p99, p999, max, mean, errors, rps)`);
}

function compare(actual: number, op: Comparison, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}

export function unitOf(t: Threshold): ThresholdVerdict['unit'] {
  return t.metric === 'errors' ? '%' : t.metric === 'rps' ? 'req/s' : 'ms';
}

/** Each threshold against the run. A gate never passes on nothing: no request, or no latency for a latency threshold, breaks it. */
export function evaluateThresholds(thresholds: readonly Threshold[], inputs: ThresholdInputs): ThresholdVerdict[] {
  return thresholds.map((t) => {
    const unit = unitOf(t);
    if (inputs.requests === 0) return { expr: t.expr, ok: false, actual: 0, unit, note: 'nothing measured: no request was made' };
    const latency = t.metric !== 'errors' && t.metric !== 'rps';
    const answered = inputs.answered ?? inputs.requests;
    // Timed-out requests carry the timeout as their latency, and failed ones count as requests:
    // neither may make a latency or throughput gate pass when the server answered nothing.
    if (t.metric !== 'errors' && answered === 0) return { expr: t.expr, ok: false, actual: 0, unit, note: 'nothing answered: every request failed (errors or timeouts)' };
    if (latency && inputs.timed === 0) return { expr: t.expr, ok: false, actual: 0, unit, note: 'no latency measured: every request failed before an answer' };
    // rps gates answered requests per second: failures (a reset server fails fast) are not throughput.
    const actual = t.metric === 'errors' ? inputs.errorPercent : t.metric === 'rps' ? (inputs.rps * answered) / inputs.requests : inputs.latency[t.metric];
    const value = Number.isFinite(actual) ? actual : 0;
    return { expr: t.expr, ok: compare(value, t.op, t.limit), actual: Math.round(value * 1000) / 1000, unit };
  });
}

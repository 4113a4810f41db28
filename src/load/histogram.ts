// Latency recording for load runs: HDR histograms (hdr-histogram-js) in microseconds, so phases,
// stages and seconds can be merged exactly and percentiles come from every response, not samples.
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  /** Milliseconds. */
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  // 1 µs resolution, 3 significant digits; auto-resized, so a very slow response never overflows.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/**
 * Records one response time (ms). With a fixed request rate, `expectedIntervalMs` is the gap
 * between one connection's requests: a response slower than that hid requests that should have
 * been sent meanwhile (coordinated omission), which HDR adds back as the latency they would have seen.
 */
export function recordLatency(h: Histogram, ms: number, expectedIntervalMs?: number): void {
  const us = Math.max(1, Math.round(finite(ms) * 1000));
  if (expectedIntervalMs !== undefined && expectedIntervalMs > 0) h.recordValueWithExpectedInterval(us, Math.round(expectedIntervalMs * 1000));
  else h.recordValue(us);
}

/** One histogram holding every value of `parts` (the inputs are left as they are). */
export function mergeHistograms(parts: readonly Histogram[]): Histogram {
  const all = newHistogram();
  for (const p of parts) all.add(p);
  return all;
}

/** Percentiles in ms, rounded to µs; all zero for an empty histogram. */
export function summarizeLatency(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const ms = (us: number) => Math.round(finite(us)) / 1000;
  // A percentile is reported as the top of its HDR bucket, which can lie above the largest value
  // recorded: capped there, so p50 ≤ … ≤ p99.9 ≤ max always holds.
  const max = h.maxValue;
  const at = (p: number) => ms(Math.min(h.getValueAtPercentile(p), max));
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: ms(max),
    mean: ms(h.mean),
  };
}

/** x when it is a finite number, else 0: every number a run reports is finite. */
export function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** a / b, or 0 when b is 0 (or either is not finite). */
export function ratio(a: number, b: number): number {
  return b !== 0 && Number.isFinite(a) && Number.isFinite(b) ? a / b : 0;
}

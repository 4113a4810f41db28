// The server's health during a load run, from the agent's once-a-second samples (see
// src/capture/server-metrics.ts): per second of the measured phase for the timeline, and a summary
// for the report. Pure: the caller reads the files. Several processes (a cluster, children) are
// combined as a user reads them: the worst event-loop delay and utilisation, the sum of CPU and heap.
import type { MetricsSample, ProcessMetrics } from '../capture/server-metrics';

/** One second of the server, as the timeline carries it; null where no sample covers that second. */
export interface HealthPoint {
  eventLoopDelayP99: number | null;
  eventLoopUtilization: number | null;
  cpuPct: number | null;
  heapUsedMB: number | null;
}

export interface ServerHealth {
  /** Processes whose agent reported (main threads). */
  processes: number;
  /** Event-loop delay over the measured phase, ms (the worst process; over the whole recording for files of older agents). */
  eventLoopDelay: { p50: number; p99: number; max: number; mean: number };
  /** The worst second's event-loop delay p99, ms. */
  worstSecondP99: number;
  /** Mean over the measured seconds (the busiest process), 0…1. */
  eventLoopUtilization: number;
  /** Mean CPU over the measured seconds, % of one core (all processes). */
  cpuPct: number;
  /** Largest heap used in a measured second, MB (all processes). */
  heapUsedMBMax: number;
  /** How finely the delay is seen: a block of the loop shorter than this is not visible. */
  resolutionMs: number;
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Number.isFinite(x) ? Math.round(x * f) / f : 0;
};

const mid = (s: MetricsSample): number => s.at - s.spanMs / 2;

/** Samples whose middle falls in [from, to) (epoch ms). */
function within(samples: readonly MetricsSample[], from: number, to: number): MetricsSample[] {
  return samples.filter((s) => mid(s) >= from && mid(s) < to);
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The server in each of `seconds` seconds from `t0` (epoch ms). */
export function healthTimeline(metrics: readonly ProcessMetrics[], t0: number, seconds: number): HealthPoint[] {
  const points: HealthPoint[] = [];
  for (let i = 0; i < seconds; i++) {
    const from = t0 + i * 1000;
    const parts = metrics.map((m) => within(m.samples, from, from + 1000)).filter((s) => s.length > 0);
    if (parts.length === 0) {
      points.push({ eventLoopDelayP99: null, eventLoopUtilization: null, cpuPct: null, heapUsedMB: null });
      continue;
    }
    points.push({
      eventLoopDelayP99: round(Math.max(...parts.map((p) => Math.max(...p.map((s) => s.eventLoopDelayP99)))), 3),
      eventLoopUtilization: round(Math.max(...parts.map((p) => mean(p.map((s) => s.eventLoopUtilization)))), 3),
      cpuPct: round(parts.reduce((a, p) => a + mean(p.map((s) => s.cpuPct)), 0), 1),
      heapUsedMB: round(parts.reduce((a, p) => a + p[p.length - 1]!.heapUsedMB, 0), 2),
    });
  }
  return points;
}

type Delay = ServerHealth['eventLoopDelay'];

/**
 * One process's delay over its seconds in the measured phase, merged from each second's
 * distribution (exact at the recorded percentile steps); undefined when a second lacks one.
 */
export function mergedDelay(samples: readonly MetricsSample[]): Delay | undefined {
  if (samples.length === 0 || samples.some((s) => s.eventLoopDelayCdf === undefined)) return undefined;
  const total = samples.reduce((a, s) => a + s.eventLoopDelayCount!, 0);
  if (total === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
  // The share of all delays at or under `ms`: each second's step function, weighted by its count.
  const shareAtMost = (ms: number): number =>
    samples.reduce((a, s) => {
      let pct = 0;
      for (const [p, v] of s.eventLoopDelayCdf!) if (v <= ms) pct = p;
      return a + (s.eventLoopDelayCount! * pct) / 100;
    }, 0) / total;
  const steps = [...new Set(samples.flatMap((s) => s.eventLoopDelayCdf!.map(([, v]) => v)))].sort((a, b) => a - b);
  const max = Math.max(...samples.map((s) => s.eventLoopDelayMax));
  const at = (p: number): number => Math.min(steps.find((v) => shareAtMost(v) >= p / 100 - 1e-9) ?? max, max);
  const mean = samples.reduce((a, s) => a + s.eventLoopDelayCount! * s.eventLoopDelayMean!, 0) / total;
  return { p50: at(50), p99: at(99), max, mean };
}

/** The summary over the measured phase [t0, t0 + durationMs); undefined when no process reported. */
export function summarizeHealth(metrics: readonly ProcessMetrics[], t0: number, durationMs: number, resolutionMs: number): ServerHealth | undefined {
  const reporting = metrics.filter((m) => m.samples.length > 0 || m.total);
  if (reporting.length === 0) return undefined;
  const inRun = reporting.map((m) => within(m.samples, t0, t0 + Math.max(durationMs, 1)));
  const totals = reporting.map((m) => m.total).filter((t) => t !== undefined);
  // A process without its total (it died mid-run) still counts through its seconds.
  const secondsP99 = inRun.flat().map((s) => s.eventLoopDelayP99);
  const worstSecondP99 = secondsP99.length > 0 ? Math.max(...secondsP99) : 0;
  const pick = (f: (t: NonNullable<ProcessMetrics['total']>) => number) => (totals.length > 0 ? Math.max(...totals.map(f)) : 0);
  const heaps = inRun.map((p) => (p.length > 0 ? Math.max(...p.map((s) => s.heapUsedMB)) : 0));
  // The measured seconds' own distributions (the worst process); an older agent's files only have
  // the whole recording's totals.
  const merged = inRun.filter((p) => p.length > 0).map(mergedDelay);
  const measured = merged.length > 0 && merged.every((d) => d !== undefined) ? merged : undefined;
  const worst = (f: (d: Delay) => number) => Math.max(...measured!.map(f));
  const eventLoopDelay = measured
    ? { p50: round(worst((d) => d.p50), 3), p99: round(worst((d) => d.p99), 3), max: round(worst((d) => d.max), 3), mean: round(worst((d) => d.mean), 3) }
    : {
        p50: round(pick((t) => t.eventLoopDelayP50), 3),
        p99: round(totals.length > 0 ? pick((t) => t.eventLoopDelayP99) : worstSecondP99, 3),
        max: round(Math.max(pick((t) => t.eventLoopDelayMax), ...inRun.flat().map((s) => s.eventLoopDelayMax)), 3),
        mean: round(pick((t) => t.eventLoopDelayMean), 3),
      };
  return {
    processes: reporting.length,
    eventLoopDelay,
    worstSecondP99: round(worstSecondP99, 3),
    eventLoopUtilization: round(Math.max(0, ...inRun.map((p) => mean(p.map((s) => s.eventLoopUtilization)))), 3),
    cpuPct: round(inRun.reduce((a, p) => a + mean(p.map((s) => s.cpuPct)), 0), 1),
    heapUsedMBMax: round(heaps.reduce((a, b) => a + b, 0), 2),
    resolutionMs,
  };
}

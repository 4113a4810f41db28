// The server's own health while it is recorded: event-loop delay (perf_hooks
// monitorEventLoopDelay), event-loop utilisation, CPU and heap, sampled once a second by the agent
// in each process's main thread and appended to `<pid>-<threadId>.metrics.jsonl` in the session
// folder (one JSON object a line, so a process that dies mid-run leaves every second it lived).
// The sampler runs inside the profiled program: it never throws, never writes to stdout/stderr,
// and its timers are unref'd so it never keeps the program alive.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance, type IntervalHistogram, type EventLoopUtilization } from 'node:perf_hooks';

/** One second (or the last part of one) of a process's health. Every number is finite. */
export interface MetricsSample {
  /** Epoch ms at the end of the span. */
  at: number;
  spanMs: number;
  /** Event-loop delay in the span, ms (0 when the loop never turned: see `loopBlocked`). */
  eventLoopDelayP50: number;
  eventLoopDelayP99: number;
  eventLoopDelayMax: number;
  /** Share of the span the event loop was busy, 0…1. */
  eventLoopUtilization: number;
  /** CPU time of the whole process (user + system) as % of one core over the span. */
  cpuPct: number;
  heapUsedMB: number;
  rssMB: number;
  /**
   * The span's delay distribution, so any run of seconds (the measured phase) merges exactly at
   * these points: how many delays were seen, their mean (ms), and [percentile, ms] steps of the
   * histogram's cumulative distribution. Absent in files of older agents.
   */
  eventLoopDelayCount?: number;
  eventLoopDelayMean?: number;
  eventLoopDelayCdf?: [number, number][];
}

/** The whole recording: the event-loop delay over every second, merged exactly. */
export interface MetricsTotal {
  total: true;
  at: number;
  spanMs: number;
  eventLoopDelayP50: number;
  eventLoopDelayP99: number;
  eventLoopDelayMax: number;
  eventLoopDelayMean: number;
}

/**
 * '1' in the agent's environment turns the sampler on (`flamelens load` sets it): other recordings
 * keep their session folders as they were and pay nothing.
 */
export const metricsEnv = 'FLAMELENS_METRICS';

export function metricsFileName(pid: number, threadId: number): string {
  return `${pid}-${threadId}.metrics.jsonl`;
}

const metricsPattern = /^(\d+)-(\d+)\.metrics\.jsonl$/;

/** The event-loop delay resolution, ms: a handler blocking the loop shorter than this is not seen. */
export const loopDelayResolutionMs = 10;
export const metricsPeriodMs = 1000;

const fin = (x: number): number => (Number.isFinite(x) ? x : 0);
const nsToMs = (ns: number): number => Math.round(fin(ns) / 1000) / 1000;
const toMB = (bytes: number): number => Math.round(fin(bytes) / 1024 / 10.24) / 100;

/**
 * Percentiles of the delay in ms; zeros when the histogram holds nothing. Node records the whole
 * interval between two ticks of its `resolution` timer, so an idle loop reads `resolution`: that
 * is taken off, leaving how late the loop was (as a user means "delay").
 */
const late = (ns: number): number => Math.max(0, nsToMs(ns - loopDelayResolutionMs * 1e6));

function delayOf(h: IntervalHistogram): { p50: number; p99: number; max: number; mean: number } {
  if (h.count === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
  return { p50: late(h.percentile(50)), p99: late(h.percentile(99)), max: late(h.max), mean: late(h.mean) };
}

/** The histogram's percentile steps as [percentile, delay ms], finite and rising (see MetricsSample). */
function cdfOf(h: IntervalHistogram): [number, number][] {
  const out: [number, number][] = [];
  if (h.count === 0) return out;
  for (const [pct, ns] of h.percentiles) {
    if (!Number.isFinite(pct) || !Number.isFinite(ns)) continue;
    const ms = late(ns);
    // Steps with the same delay: the highest percentile says it all.
    if (out.length > 0 && out[out.length - 1]![1] === ms) out[out.length - 1]![0] = pct;
    else out.push([pct, ms]);
  }
  return out;
}

/** Samples this process once a second into `file` until stop(); stop() writes the last part and the total. */
export class MetricsSampler {
  private readonly loop: IntervalHistogram;
  /** Never reset: the whole recording (an ELD histogram cannot be added into another one). */
  private readonly all: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lastAt = Date.now();
  private readonly firstAt = this.lastAt;
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  private lastCpu = process.cpuUsage();
  private stopped = false;
  /** One error is worth a line in the sidecar; a folder that stopped taking writes would repeat it every second. */
  private errorReported = false;

  constructor(
    private readonly file: string,
    private readonly onError: (message: string) => void,
  ) {
    this.loop = monitorEventLoopDelay({ resolution: loopDelayResolutionMs });
    this.loop.enable();
    this.all = monitorEventLoopDelay({ resolution: loopDelayResolutionMs });
    this.all.enable();
    this.timer = setInterval(() => this.sample(), metricsPeriodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.sample();
    this.loop.disable();
    this.all.disable();
    const d = delayOf(this.all);
    const total: MetricsTotal = { total: true, at: Date.now(), spanMs: Date.now() - this.firstAt, eventLoopDelayP50: d.p50, eventLoopDelayP99: d.p99, eventLoopDelayMax: d.max, eventLoopDelayMean: d.mean };
    this.append(total);
  }

  private sample(): void {
    try {
      const now = Date.now();
      const spanMs = now - this.lastAt;
      if (spanMs < 50 && this.stopped) return; // a sliver at stop says nothing
      const elu = performance.eventLoopUtilization(this.lastElu);
      this.lastElu = performance.eventLoopUtilization();
      const cpu = process.cpuUsage(this.lastCpu);
      this.lastCpu = process.cpuUsage();
      const d = delayOf(this.loop);
      const count = this.loop.count;
      const cdf = cdfOf(this.loop);
      this.loop.reset();
      const mem = process.memoryUsage();
      const s: MetricsSample = {
        at: now,
        spanMs,
        eventLoopDelayP50: d.p50,
        eventLoopDelayP99: d.p99,
        eventLoopDelayMax: d.max,
        eventLoopUtilization: Math.round(fin(elu.utilization) * 1000) / 1000,
        cpuPct: spanMs > 0 ? Math.round(((cpu.user + cpu.system) / 1000 / spanMs) * 1000) / 10 : 0,
        heapUsedMB: toMB(mem.heapUsed),
        rssMB: toMB(mem.rss),
        eventLoopDelayCount: count,
        eventLoopDelayMean: d.mean,
        eventLoopDelayCdf: cdf,
      };
      this.lastAt = now;
      this.append(s);
    } catch (e) {
      this.report(e);
    }
  }

  private report(e: unknown): void {
    if (this.errorReported) return;
    this.errorReported = true;
    this.onError(`metrics: ${e instanceof Error ? e.message : String(e)}`);
  }

  private append(line: MetricsSample | MetricsTotal): void {
    try {
      fs.appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    } catch (e) {
      // Reported once in the sidecar; the program is not bothered.
      this.report(e);
    }
  }
}

/** What one process's agent wrote: its seconds and, once it stopped, its total. */
export interface ProcessMetrics {
  pid: number;
  threadId: number;
  samples: MetricsSample[];
  total?: MetricsTotal;
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

const sampleKeys = ['at', 'spanMs', 'eventLoopDelayP50', 'eventLoopDelayP99', 'eventLoopDelayMax', 'eventLoopUtilization', 'cpuPct', 'heapUsedMB', 'rssMB'] as const;
const totalKeys = ['at', 'spanMs', 'eventLoopDelayP50', 'eventLoopDelayP99', 'eventLoopDelayMax', 'eventLoopDelayMean'] as const;

/** Parses one metrics file's text; lines that are not whole, valid records (a torn last line) are skipped. */
export function parseMetrics(text: string, pid: number, threadId: number): ProcessMetrics {
  const out: ProcessMetrics = { pid, threadId, samples: [] };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    const r = v as Record<string, unknown>;
    if (r.total === true) {
      if (totalKeys.every((k) => isNum(r[k]))) out.total = Object.fromEntries([['total', true], ...totalKeys.map((k) => [k, r[k]])]) as MetricsTotal;
    } else if (sampleKeys.every((k) => isNum(r[k]))) {
      const sample = Object.fromEntries(sampleKeys.map((k) => [k, r[k]])) as unknown as MetricsSample;
      const cdf = r.eventLoopDelayCdf;
      if (isNum(r.eventLoopDelayCount) && r.eventLoopDelayCount >= 0 && isNum(r.eventLoopDelayMean) && Array.isArray(cdf) && cdf.every((p) => Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]))) {
        sample.eventLoopDelayCount = r.eventLoopDelayCount;
        sample.eventLoopDelayMean = r.eventLoopDelayMean;
        sample.eventLoopDelayCdf = cdf as [number, number][];
      }
      out.samples.push(sample);
    }
  }
  return out;
}

/** Every process's metrics in a session folder (none when it holds no metrics files). */
export function readSessionMetrics(sessionDir: string): ProcessMetrics[] {
  let names: string[];
  try {
    names = fs.readdirSync(sessionDir);
  } catch {
    return [];
  }
  const out: ProcessMetrics[] = [];
  for (const name of names) {
    const m = metricsPattern.exec(name);
    if (!m) continue;
    try {
      out.push(parseMetrics(fs.readFileSync(path.join(sessionDir, name), 'utf8'), Number(m[1]), Number(m[2])));
    } catch {
      // Unreadable: that process's metrics are missing (the run says so when none are left).
    }
  }
  return out;
}

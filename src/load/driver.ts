// Drives HTTP load with autocannon, one autocannon run per stage, and measures every response
// itself: into an HDR histogram per stage (merged exactly for the totals) and per second of the
// measured phase (the timeline). A stage ends on its own timer (autocannon alone would only look
// at its end once a second): no new requests are sent, and the ones in flight are waited for — a
// request the server never answers counts as a timeout after the request timeout, so every run is
// bounded by its stages plus that timeout. stop() ends a run at once.
import type { Socket } from 'node:net';
import autocannon from 'autocannon';
import { newHistogram, recordLatency, summarizeLatency } from './histogram';
import { emptyCounts, type Measured, type Measurement, type StageMeasurement } from './run';
import type { Stage } from './stages';

export interface RequestSpec {
  /** Several URLs are taken in turn: connection i uses urls[i % urls.length]. */
  urls: string[];
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  pipelining: number;
  /** Requests per second over all connections (fixed rate, with coordinated-omission correction). */
  rate?: number;
  /** Seconds before a request counts as a timeout (default 10). */
  timeoutS?: number;
}

/** autocannon's per-connection client, as far as the driver reads and steers it. */
interface LoadClient {
  reqsMade: number;
  responseMax?: number;
  destroyed: boolean;
  pipelinedRequests: { size(): number; clear(): void };
  destroy(): void;
  /** Its connection, replaced by _connect() on every reconnect. */
  conn: Socket;
  _connect(): void;
  on(event: 'headers', listener: (info: { shouldKeepAlive?: boolean }) => void): void;
}

/** Why requests failed: a connection error's code, 'timeout', or that the server closed without answering. */
export const closedUnanswered = 'closed by the server without a response';

/**
 * autocannon reconnects when the server ends a connection and keeps the requests written on it
 * in its queue: they are never counted (a server that drops every request read as "no request
 * made"), and the next response is timed from the stale one's start. Each connection's end clears
 * them, counted as failed unless the server had said it would close (Connection: close, HTTP/1.0):
 * then they were written after its last answer and never read. An error clears them too
 * (autocannon counts those itself).
 */
function countUnanswered(c: LoadClient, onClosed: (n: number) => void): void {
  let closing = false;
  c.on('headers', (info) => {
    if (info?.shouldKeepAlive === false) closing = true;
  });
  const connect = c._connect;
  c._connect = function (this: LoadClient) {
    connect.call(this);
    closing = false;
    const conn = this.conn;
    conn.prependListener('end', () => {
      if (c.destroyed || c.conn !== conn) return;
      const n = c.pipelinedRequests.size();
      c.pipelinedRequests.clear();
      if (n > 0 && !closing) onClosed(n);
    });
    conn.prependListener('error', () => {
      if (!c.destroyed && c.conn === conn) c.pipelinedRequests.clear();
    });
  };
}

/** Milliseconds before a request counts as a timeout (spec.timeoutS, default 10 s). */
function requestTimeoutMs(spec: RequestSpec): number {
  return (spec.timeoutS ?? 10) * 1000;
}

/** How often autocannon looks whether its run has ended (its default is once a second). */
const checkEndMs = 25;

export interface Progress {
  stage: number;
  elapsedMs: number;
  totalMs: number;
  /** Of the last full second: requests, their p99 (ms), errors. */
  rps: number;
  p99: number;
  errors: number;
}

function newMeasured(): Measured {
  return { histogram: newHistogram(), requests: emptyCounts(), bytes: 0, statusCodes: {}, errorCauses: {} };
}

/** A load run that can be stopped from outside (the server exited, Ctrl+C). */
export class LoadDriver {
  private current: autocannon.AutocannonInstance | undefined;
  private stopped: string | undefined;

  /** Ends the run now; `why` is reported as the reason it was cut short. */
  stop(why: string): void {
    this.stopped ??= why;
    this.current?.stop();
  }

  get stopReason(): string | undefined {
    return this.stopped;
  }

  /** Load that is not measured (JIT, caches, connection pools): results are dropped, requests in flight at its end too. */
  async warmup(spec: RequestSpec, durationMs: number, connections: number): Promise<void> {
    if (durationMs <= 0 || this.stopped) return;
    await this.runOnce(spec, { durationMs, connections }, false, () => undefined, () => undefined);
  }

  /**
   * The measured phase: every stage in turn. `onWaiting` is told once per stage when requests are
   * still in flight a second after it ended (a slow or hung server): how many, and the most it waits.
   */
  async measure(spec: RequestSpec, stages: readonly Stage[], onProgress?: (p: Progress) => void, onWaiting?: (inFlight: number, upToMs: number) => void): Promise<Measurement> {
    const t0 = performance.now();
    const startedAtEpochMs = Date.now();
    const seconds: Measured[] = [];
    const second = (): Measured => {
      const i = Math.max(0, Math.floor((performance.now() - t0) / 1000));
      while (seconds.length <= i) seconds.push(newMeasured());
      return seconds[i]!;
    };
    const totalMs = stages.reduce((a, s) => a + s.durationMs, 0);
    const done: StageMeasurement[] = [];
    for (const [index, stage] of stages.entries()) {
      if (this.stopped) break;
      const m = newMeasured();
      const started = performance.now();
      // With a fixed rate, each connection is due every `connections / rate` seconds.
      const effective = spec.rate !== undefined ? Math.max(1, Math.min(stage.connections, Math.floor(spec.rate))) : stage.connections;
      const expectedMs = spec.rate !== undefined && spec.rate > 0 ? (1000 * effective) / spec.rate : undefined;
      let lastSecond = -1;
      const timeoutMs = requestTimeoutMs(spec);
      await this.runOnce(
        spec,
        stage,
        true,
        (status, bytes, ms) => {
          const s = second();
          for (const into of [m, s]) {
            recordLatency(into.histogram, ms, expectedMs);
            into.requests.total++;
            if (status >= 200 && status < 300) into.requests.ok++;
            else into.requests.non2xx++;
            into.bytes += bytes;
            into.statusCodes[String(status)] = (into.statusCodes[String(status)] ?? 0) + 1;
          }
          const i = seconds.length - 1;
          if (onProgress && i > lastSecond && i > 0) {
            lastSecond = i;
            const prev = seconds[i - 1]!;
            onProgress({ stage: index, elapsedMs: performance.now() - t0, totalMs, rps: prev.requests.total, p99: summarizeLatency(prev.histogram).p99, errors: prev.requests.errors });
          }
        },
        (cause) => {
          const s = second();
          const timeout = cause === 'timeout';
          for (const into of [m, s]) {
            into.requests.total++;
            into.requests.errors++;
            const causes = (into.errorCauses ??= {});
            causes[cause] = (causes[cause] ?? 0) + 1;
            if (timeout) {
              into.requests.timeouts++;
              // It took at least the timeout: a percentile must not read as if it had not been asked.
              recordLatency(into.histogram, timeoutMs);
            }
          }
        },
        onWaiting && ((inFlight) => onWaiting(inFlight, timeoutMs)),
      );
      done.push({ ...m, stage, elapsedMs: performance.now() - started });
    }
    const elapsedMs = performance.now() - t0;
    // A second that began as the run ended holds nothing worth a point.
    while (seconds.length > Math.max(1, Math.ceil(elapsedMs / 1000))) seconds.pop();
    return { stages: done, seconds, elapsedMs, startedAtEpochMs, ...(this.stopped !== undefined ? { cutShort: this.stopped } : {}) };
  }

  private runOnce(
    spec: RequestSpec,
    stage: Stage,
    drain: boolean,
    onResponse: (status: number, bytes: number, ms: number) => void,
    onError: (cause: string) => void,
    onWaiting?: (inFlight: number) => void,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let instance: autocannon.AutocannonInstance;
      const clients: LoadClient[] = [];
      const timeoutMs = requestTimeoutMs(spec);
      const timers: NodeJS.Timeout[] = [];
      const inFlight = () => clients.reduce((a, c) => a + (c.destroyed ? 0 : c.pipelinedRequests.size()), 0);
      const end = () => {
        if (!drain) {
          instance.stop();
          return;
        }
        // No new requests: each connection ends once it holds no request; one whose request the
        // server never answers ends at its timeout (counted as one), so this is bounded too.
        for (const c of clients) {
          if (c.destroyed) continue;
          if (c.reqsMade === 0 || c.pipelinedRequests.size() === 0) c.destroy();
          else c.responseMax = c.reqsMade;
        }
        if (onWaiting) {
          timers.push(
            setTimeout(() => {
              const n = inFlight();
              if (n > 0) onWaiting(n);
            }, 1000),
          );
        }
        // Whatever autocannon does, the run ends: the timeout of the last request, and a margin.
        timers.push(setTimeout(() => instance.stop(), timeoutMs + 2000));
      };
      try {
        instance = autocannon(
          {
            url: spec.urls.length === 1 ? spec.urls[0]! : spec.urls,
            method: spec.method,
            headers: spec.headers,
            ...(spec.body !== undefined ? { body: spec.body } : {}),
            connections: stage.connections,
            pipelining: spec.pipelining,
            // The stage's own timer (below) ends it; autocannon's bound only backs that up.
            duration: (stage.durationMs + timeoutMs) / 1000 + 5,
            sampleInt: checkEndMs,
            timeout: timeoutMs / 1000,
            setupClient: (c: LoadClient) => {
              clients.push(c);
              countUnanswered(c, (n) => {
                for (let i = 0; i < n; i++) onError(closedUnanswered);
              });
            },
            ...(spec.rate !== undefined ? { overallRate: spec.rate } : {}),
          },
          (err) => {
            for (const t of timers) clearTimeout(t);
            if (this.current === instance) this.current = undefined;
            if (err) reject(err);
            else resolve();
          },
        );
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      this.current = instance;
      instance.on('response', (_client: unknown, status: number, bytes: number, ms: number) => onResponse(status, bytes, ms));
      // Connection errors and timeouts are counted, never thrown (autocannon reconnects).
      instance.on('reqError', (e: Error & { code?: unknown }) => onError(errorCause(e)));
      if (this.stopped) instance.stop();
      else timers.push(setTimeout(end, stage.durationMs));
    });
  }
}

/** A short name for why a request failed: 'timeout', the error's code (ECONNRESET), or its message. */
function errorCause(e: (Error & { code?: unknown }) | undefined): string {
  if (e?.message === 'request timed out') return 'timeout';
  if (typeof e?.code === 'string' && e.code !== '') return e.code.slice(0, 40);
  return (e?.message || 'error').slice(0, 80);
}

// `flamelens load --load-cmd "CMD"`: the measured phase is an external load tool (k6, wrk,
// autocannon…) run through the shell; its exit ends the phase. FlameLens did not drive that load,
// so it has no latency of its own to report — unless the tool is autocannon with --json, whose
// result is read (autocannon reports no p95: its p97.5 stands in, an upper bound, and says so).
import { spawn } from 'node:child_process';
import type { LatencySummary } from './histogram';
import type { RequestCounts, Throughput } from './run';

/** How much of the tool's stdout is kept for the report. */
export const keptOutputBytes = 64 * 1024;

export interface ExternalLoadResult {
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Its stdout (the first `keptOutputBytes`), as text. */
  stdout: string;
  stdoutTruncated: boolean;
  /** Its last stderr lines (for a tool that failed). */
  stderrTail: string;
  elapsedMs: number;
  startedAtEpochMs: number;
  /** Why FlameLens ended it before it ended by itself (server gone, Ctrl+C, --duration). */
  stoppedBecause?: string;
}

export interface ExternalLoad {
  done: Promise<ExternalLoadResult>;
  /** Ends the tool (its whole process group: SIGTERM, SIGKILL after 5 s). */
  stop(why: string): void;
}

/** Starts `command` through the shell in its own process group; `limitMs` (if any) ends it. */
export function runExternalLoad(command: string, cwd: string, limitMs?: number): ExternalLoad {
  const startedAtEpochMs = Date.now();
  const t0 = performance.now();
  const child = spawn(command, { shell: true, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  const out: Buffer[] = [];
  let outBytes = 0;
  let truncated = false;
  child.stdout.on('data', (c: Buffer) => {
    if (outBytes >= keptOutputBytes) return void (truncated = true);
    const part = c.subarray(0, keptOutputBytes - outBytes);
    if (part.length < c.length) truncated = true;
    out.push(part);
    outBytes += part.length;
  });
  let errTail = '';
  child.stderr.on('data', (c: Buffer) => {
    errTail = (errTail + c.toString('utf8')).slice(-2000);
  });
  let stoppedBecause: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const stop = (why: string): void => {
    if (stoppedBecause !== undefined || child.exitCode !== null || child.signalCode !== null) return;
    stoppedBecause = why;
    signalGroup('SIGTERM');
    killTimer = setTimeout(() => signalGroup('SIGKILL'), 5000);
    killTimer.unref();
  };
  const limit = limitMs !== undefined ? setTimeout(() => stop(`--duration ${limitMs / 1000} s ran out`), limitMs) : undefined;
  const done = new Promise<ExternalLoadResult>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (limit) clearTimeout(limit);
      if (killTimer) clearTimeout(killTimer);
      resolve({
        command,
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stdoutTruncated: truncated,
        stderrTail: spawnError ? `${errTail}${spawnError.message}` : errTail,
        elapsedMs: performance.now() - t0,
        startedAtEpochMs,
        ...(stoppedBecause !== undefined ? { stoppedBecause } : {}),
      });
    };
    child.once('error', (e) => finish(null, null, e));
    child.once('close', (code, signal) => finish(code, signal));
  });
  return { done, stop };
}

/** What an autocannon `--json` result says about the load it drove. */
export interface ParsedToolResult {
  tool: 'autocannon';
  latency: LatencySummary;
  requests: RequestCounts;
  throughput: Throughput;
  statusCodes: Record<string, number>;
  durationMs: number;
  /** What is not exactly what FlameLens would report. */
  notes: string[];
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined);

/** The autocannon --json result in `stdout` (its last JSON object line), or undefined when there is none. */
export function parseAutocannonJson(stdout: string): ParsedToolResult | undefined {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (const line of lines.reverse()) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    const r = v as Record<string, unknown>;
    const l = r.latency as Record<string, unknown> | undefined;
    const q = r.requests as Record<string, unknown> | undefined;
    const t = r.throughput as Record<string, unknown> | undefined;
    if (!l || !q || !t) continue;
    const p = { p50: num(l.p50), p90: num(l.p90), p975: num(l.p97_5), p99: num(l.p99), p999: num(l.p99_9), max: num(l.max), mean: num(l.mean) };
    const total = num(q.total);
    const durationS = num(r.duration);
    if (Object.values(p).some((x) => x === undefined) || total === undefined || durationS === undefined) continue;
    const errors = num(r.errors) ?? 0;
    const timeouts = num(r.timeouts) ?? 0;
    const non2xx = num(r.non2xx) ?? 0;
    const statusCodes: Record<string, number> = {};
    const stats = r.statusCodeStats as Record<string, { count?: unknown }> | undefined;
    for (const [code, s] of Object.entries(stats ?? {})) {
      const n = num(s?.count);
      if (/^\d{3}$/.test(code) && n !== undefined) statusCodes[code] = n;
    }
    // autocannon's `requests.total` counts answered requests; its errors (timeouts among them) come on top.
    const ok = Math.max(0, total - non2xx);
    return {
      tool: 'autocannon',
      latency: { p50: p.p50!, p90: p.p90!, p95: p.p975!, p99: p.p99!, p999: p.p999!, max: p.max!, mean: p.mean! },
      requests: { total: total + errors, ok, non2xx, errors, timeouts },
      throughput: { rps: durationS > 0 ? Math.round((total / durationS) * 1000) / 1000 : 0, bytesPerSec: durationS > 0 ? Math.round(((num(t.total) ?? 0) / durationS) * 1000) / 1000 : 0 },
      statusCodes,
      durationMs: Math.round(durationS * 1000),
      notes: ["latency from autocannon's --json (whole milliseconds); autocannon reports no p95: p95 shows its p97.5, an upper bound"],
    };
  }
  return undefined;
}

// One load run's lifecycle, shared by `flamelens load` and VS Code's Profile Under Load: start the
// server with the agent loaded but not recording, wait until it answers, warm it up unrecorded,
// record only while driving the measured stages, then stop recording and end the server. Callers
// get progress through callbacks and cancel with an AbortSignal; what was measured and recorded
// until a cancel or a server exit is still returned. No vscode, no terminal output here.
import * as http from 'node:http';
import * as https from 'node:https';
import { CaptureError, startCapture, type CaptureHandle, type CaptureOptions, type CaptureResult } from '../capture/launcher';
import { displayLocation, hotspots, InputError, loadProfileFile, type Hotspots } from '../cli/analyze';
import { LoadDriver, type Progress, type RequestSpec } from './driver';
import type { Measurement, TopFunction } from './run';
import type { Stage } from './stages';

/** The last lines a child wrote to one of its streams, for error messages. */
export class Tail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly keep = 12) {}
  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((l) => l.trim() !== ''));
    if (this.lines.length > this.keep) this.lines = this.lines.slice(-this.keep);
  }
  text(): string {
    const all = [...this.lines, ...(this.partial.trim() ? [this.partial] : [])].slice(-this.keep);
    return all.length > 0 ? `; its last output:\n${all.map((l) => `    ${l}`).join('\n')}` : '';
  }
}

export function exitText(child: CaptureHandle['child']): string {
  return child.signalCode ? `was ended by ${child.signalCode}` : `exited with code ${child.exitCode}`;
}

export const hasExited = (h: CaptureHandle) => h.child.exitCode !== null || h.child.signalCode !== null;

/** One request; resolves true on any HTTP answer, false when refused or timed out. */
function probe(url: URL, method: string): Promise<boolean> {
  return new Promise((resolve) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: method === 'GET' || method === 'HEAD' ? method : 'GET', agent: false, timeout: 2000, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Waits until `url` answers (or the run is cancelled); a CaptureError when the server exits first or never answers. */
export async function waitUntilAnswering(handle: CaptureHandle, url: URL, method: string, timeoutMs: number, tail: Tail, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited(handle)) throw new CaptureError(`the server ${exitText(handle.child)} before it answered ${url.href}${tail.text()}`);
    if (signal?.aborted) return;
    if (await probe(url, method)) return;
    if (Date.now() >= deadline) {
      throw new CaptureError(`the server did not answer ${url.href} within ${timeoutMs / 1000} s (is it listening on that port? --ready-timeout gives it longer)${tail.text()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends a server FlameLens started: SIGTERM, then SIGKILL after `graceMs`. */
export async function endServer(handle: CaptureHandle, graceMs = 10_000): Promise<CaptureResult> {
  handle.kill('SIGTERM');
  const timer = setTimeout(() => handle.kill('SIGKILL'), graceMs);
  return handle.done.finally(() => clearTimeout(timer));
}

export interface LoadSessionOptions {
  /** How to start the server (the agent waits for the measured phase: waitForStart is set here). */
  capture: Omit<CaptureOptions, 'waitForStart' | 'stdio'>;
  /** Polled until it answers before anything else. */
  readyUrl: URL;
  readyTimeoutMs: number;
  spec: RequestSpec;
  /** What the warm-up loads (default spec.urls). */
  warmupUrls?: string[];
  warmupMs: number;
  stages: Stage[];
  /** Aborting stops the load; `signal.reason` (a string) is reported as why the run was cut short. */
  signal?: AbortSignal;
}

export interface LoadSessionEvents {
  /** The server was started (its pid); its output goes to onOutput. */
  started?(handle: CaptureHandle): void;
  onOutput?(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
  warmingUp?(ms: number): void;
  /** Recording began in `threads` threads; the measured stages start now. */
  measuring?(threads: number): void;
  onProgress?(p: Progress): void;
  warn?(text: string): void;
}

export interface LoadSessionResult {
  startedAt: Date;
  measurement: Measurement;
  capture: CaptureResult;
  /** The server's last output lines (for messages about its exit). */
  tail: Tail;
}

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'cancelled';
}

/**
 * Runs one load session from server start to server end. Throws a CaptureError when the server
 * cannot start or never answers (it is ended first); a server that exits during the load, or a
 * cancel, ends the run early with `measurement.cutShort` saying why.
 */
export async function runLoadSession(opts: LoadSessionOptions, events: LoadSessionEvents = {}): Promise<LoadSessionResult> {
  const handle = await startCapture({ ...opts.capture, stdio: ['ignore', 'pipe', 'pipe'], waitForStart: true });
  const tail = new Tail();
  handle.child.stdout?.on('data', (c: Buffer) => {
    tail.push(c);
    events.onOutput?.(c, 'stdout');
  });
  handle.child.stderr?.on('data', (c: Buffer) => {
    tail.push(c);
    events.onOutput?.(c, 'stderr');
  });
  events.started?.(handle);

  const driver = new LoadDriver();
  const signal = opts.signal;
  const onAbort = () => driver.stop(abortReason(signal!));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort);
  const onExit = () => driver.stop(`the server ${exitText(handle.child)} during the load`);
  const startedAt = new Date();
  try {
    await waitUntilAnswering(handle, opts.readyUrl, opts.spec.method, opts.readyTimeoutMs, tail, signal);
    handle.child.once('exit', onExit);
    if (opts.warmupMs > 0 && !signal?.aborted) {
      events.warmingUp?.(opts.warmupMs);
      await driver.warmup({ ...opts.spec, urls: opts.warmupUrls ?? opts.spec.urls }, opts.warmupMs, opts.stages[0]!.connections);
      // Requests the warm-up left in flight finish before recording begins.
      await new Promise((r) => setTimeout(r, 300));
    }
    // Cancelled before the measured phase: nothing to record, the (empty) run is still reported.
    const recording = hasExited(handle) || signal?.aborted ? 0 : await handle.start(10_000);
    if (recording === 0 && !hasExited(handle) && !signal?.aborted) events.warn?.('no thread of the server began recording (is it a Node.js program that keeps NODE_OPTIONS?)');
    events.measuring?.(recording);
    const measurement = await driver.measure(opts.spec, opts.stages, events.onProgress);
    handle.child.removeListener('exit', onExit);
    let capture: CaptureResult;
    if (hasExited(handle)) {
      capture = await handle.done;
    } else {
      await handle.stop(10_000, 'manual');
      capture = await endServer(handle);
    }
    return { startedAt, measurement, capture, tail };
  } catch (e) {
    // Whatever went wrong, the server FlameLens started does not outlive it.
    driver.stop('failed');
    if (!hasExited(handle)) await endServer(handle, 5000);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    handle.child.removeListener('exit', onExit);
  }
}

export interface ServerHotspots {
  topFunctions: TopFunction[];
  /** The profile they come from (the server's busiest main thread) and its hotspot table. */
  best?: { label: string; path: string; hot: Hotspots };
  /** Profiles that could not be read. */
  problems: string[];
}

/** The server's profile during the load: the top functions of its busiest main thread. */
export async function serverHotspots(capture: CaptureResult, top: number, cwd: string): Promise<ServerHotspots> {
  const problems: string[] = [];
  let best: { busy: number; label: string; path: string; hot: Hotspots } | undefined;
  for (const p of capture.profiles.filter((x) => x.kind === 'cpu')) {
    try {
      const profile = await loadProfileFile(p.path, { shownAs: displayLocation(p.path, cwd) });
      const hot = hotspots(profile, { top, cwd });
      const busy = hot.total - hot.idle;
      if (!best || (p.isMainThread && busy > best.busy)) best = { busy, label: p.label, path: p.path, hot };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(`could not read ${p.label}'s profile: ${e.message}`);
    }
  }
  if (!best) return { topFunctions: [], problems };
  const total = best.hot.total;
  const topFunctions = best.hot.functions.map((f) => ({ name: f.name, url: f.file, line: f.line, selfMs: Math.round(f.self) / 1000, selfPct: total > 0 ? Math.round((f.self / total) * 10000) / 100 : 0 }));
  return { topFunctions, best: { label: best.label, path: best.path, hot: best.hot }, problems };
}

// One load run's lifecycle, shared by `flamelens load` and VS Code's Profile Under Load: get at the
// server (start it with the agent recording, or attach to one that runs — both behind
// recording.ts's ServerRecording), wait until it answers, warm it up, mark the measured load
// (FlameLens's driver over the stages, or an external --load-cmd tool: a launched server's CPU
// profiles are cut to it, an attached one is recorded during it only), then stop recording and end
// a server it started (an attached one is left as found).
// Callers get progress through callbacks and cancel with an AbortSignal; what was measured and
// recorded until a cancel or a server exit is still returned. No vscode, no terminal output here.
import { displayLocation, hotspots, InputError, loadProfileFile, type Hotspots } from '../cli/analyze';
import { CaptureError, type CaptureOptions } from '../capture/launcher';
import { loopDelayResolutionMs, metricsEnv, readSessionMetrics, type ProcessMetrics } from '../capture/server-metrics';
import type { Profile } from '../model/types';
import { busiestFirst, busyTime, serverProfile } from './busy-profiles';
import { LoadDriver, type Progress, type RequestSpec } from './driver';
import { keptOutputBytes, parseAutocannonJson, runExternalLoad, type ExternalLoad, type ExternalLoadResult, type ParsedToolResult } from './external';
import { newHistogram } from './histogram';
import { checkAttachTarget } from './attach-check';
import { attachedServer, launchServer, portTaken, waitUntilAnswering, type AttachServerOptions, type RecordedServer, type ServerProfile, type ServerRecording } from './recording';
import { buildLoadRun, emptyCounts, type ExternalLoadInfo, type LoadConfig, type LoadRun, type Measurement, type TopAllocator, type TopFunction } from './run';
import type { Stage } from './stages';
import type { Threshold } from './thresholds';

export interface LoadSessionOptions {
  /** Start the server (the agent waits for the measured phase; server metrics are switched on here)… */
  capture?: Omit<CaptureOptions, 'waitForStart' | 'stdio'>;
  /** …or attach to one that runs (exactly one of the two). */
  attach?: Omit<AttachServerOptions, 'signal'>;
  /** Polled until it answers before anything else; none: the server is taken as ready (attach + load-cmd). */
  readyUrl?: URL;
  readyTimeoutMs: number;
  spec: RequestSpec;
  /** What the warm-up loads (default spec.urls; empty: no warm-up). */
  warmupUrls?: string[];
  warmupMs: number;
  stages: Stage[];
  /** An external tool drives the measured load instead (its exit ends the phase; `maxMs` caps it). */
  loadCommand?: { command: string; cwd: string; maxMs?: number };
  /** Aborting stops the load; `signal.reason` (a string) is reported as why the run was cut short. */
  signal?: AbortSignal;
}

export interface LoadSessionEvents {
  /** The server was started or is about to be attached to (`pid` when known); a launched one's output goes to onOutput. */
  started?(server: ServerRecording): void;
  onOutput?(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
  warmingUp?(ms: number): void;
  /** Recording began in `threads` threads; the measured phase starts now. */
  measuring?(threads: number): void;
  onProgress?(p: Progress): void;
  /** Requests still in flight a second after a stage ended (a slow or hung server): how many, and the most the run waits for them. */
  waiting?(inFlight: number, upToMs: number): void;
  warn?(text: string): void;
}

export interface LoadSessionResult {
  startedAt: Date;
  mode: 'launched' | 'attached';
  /** Whether the measured phase began (not when the run was cancelled or the server exited before it). */
  measured: boolean;
  measurement: Measurement;
  /** What the server left: profiles, problems, notes, its session folder (launched) or how it was left (attached). */
  recorded: RecordedServer;
  /** `loadCommand`: the tool's run. */
  external?: ExternalLoadResult;
  /** The server's last output lines (for messages about its exit; none for an attached server). */
  lastOutput: string[];
}

function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'cancelled';
}

async function openServer(opts: LoadSessionOptions, events: LoadSessionEvents): Promise<ServerRecording> {
  if (opts.attach && opts.capture) throw new Error('a load session either starts a server or attaches to one, not both');
  if (opts.attach) return attachedServer({ ...opts.attach, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (!opts.capture) throw new Error('a load session needs a server to start or to attach to');
  // FLAMELENS_METRICS: the agent samples event-loop delay, CPU and heap for the run's timeline.
  const env = { ...(opts.capture.env ?? process.env), [metricsEnv]: '1' };
  return launchServer({ ...opts.capture, env }, events.onOutput);
}

/**
 * Runs one load session from server start (or attach) to server end. Throws a CaptureError (or an
 * attach error) when the server cannot start, cannot be attached to or never answers (a started
 * one is ended first); a server that exits during the load, or a cancel, ends the run early with
 * `measurement.cutShort` saying why.
 */
/** The URLs with one per scheme and host:port. */
function distinctOrigins(urls: readonly (string | URL)[]): URL[] {
  const seen = new Map<string, URL>();
  for (const u of urls) {
    const url = typeof u === 'string' ? new URL(u) : u;
    const key = `${url.protocol}//${url.host}`;
    if (!seen.has(key)) seen.set(key, url);
  }
  return [...seen.values()];
}

export async function runLoadSession(opts: LoadSessionOptions, events: LoadSessionEvents = {}): Promise<LoadSessionResult> {
  const signal = opts.signal;
  // Before a server is started, the ports of every URL loaded must be free: else the load measures whatever holds one.
  if (opts.capture && opts.readyUrl) {
    for (const url of distinctOrigins([opts.readyUrl, ...opts.spec.urls, ...(opts.warmupUrls ?? [])])) {
      if (!(await portTaken(url))) continue;
      throw new CaptureError(
        `something already accepts connections on ${url.host}, before the server was started: another process holds that port, and the load would measure it instead. Stop it, point the URL at the port your server listens on, or attach to the server that runs there instead`,
      );
    }
  }
  // A wrong --attach PID fails (or is named) before readiness and warm-up spend any time on it.
  // A PID that does not serve the URL is also a problem of the run: its profile holds none of the load.
  const targetProblems = opts.attach ? await checkAttachTarget(opts.attach.target, opts.spec.urls) : [];
  for (const problem of targetProblems) events.warn?.(problem);
  const server = await openServer(opts, events);
  events.started?.(server);
  const driver = new LoadDriver();
  let external: ExternalLoad | undefined;
  const stopLoad = (why: string) => {
    driver.stop(why);
    external?.stop(why);
  };
  const onAbort = () => stopLoad(abortReason(signal!));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort);
  const startedAt = new Date();
  try {
    if (opts.readyUrl) await waitUntilAnswering(server, opts.readyUrl, opts.spec.method, opts.readyTimeoutMs, signal);
    server.onGone((why) => stopLoad(`${why} during the load`));
    const warmupUrls = opts.warmupUrls ?? opts.spec.urls;
    if (opts.warmupMs > 0 && warmupUrls.length > 0 && !signal?.aborted) {
      events.warmingUp?.(opts.warmupMs);
      await driver.warmup({ ...opts.spec, urls: warmupUrls }, opts.warmupMs, opts.stages[0]!.connections);
      // Requests the warm-up left in flight finish before recording begins.
      await new Promise((r) => setTimeout(r, 300));
    }
    // Cancelled before the measured phase: nothing to report, the (empty) run still is.
    const recording = server.gone() !== undefined || signal?.aborted ? 0 : await server.start();
    if (recording === 0 && server.gone() === undefined && !signal?.aborted) events.warn?.('no thread of the server began recording (is it a Node.js program that keeps NODE_OPTIONS?)');
    const measured = server.gone() === undefined && !signal?.aborted;
    if (measured) events.measuring?.(recording);
    let measurement: Measurement;
    let externalResult: ExternalLoadResult | undefined;
    if (opts.loadCommand) {
      // The external tool is the measured phase: its exit ends it (maxMs, if given, caps it).
      external = runExternalLoad(opts.loadCommand.command, opts.loadCommand.cwd, opts.loadCommand.maxMs);
      if (signal?.aborted) external.stop(abortReason(signal));
      externalResult = await external.done;
      measurement = {
        stages: [],
        seconds: Array.from({ length: Math.max(1, Math.ceil(externalResult.elapsedMs / 1000)) }, () => ({ histogram: newHistogram(), requests: emptyCounts(), bytes: 0, statusCodes: {} })),
        elapsedMs: externalResult.elapsedMs,
        startedAtEpochMs: externalResult.startedAtEpochMs,
        ...(externalResult.stoppedBecause !== undefined && !externalResult.stoppedBecause.startsWith('--duration') ? { cutShort: externalResult.stoppedBecause } : {}),
      };
    } else {
      measurement = await driver.measure(opts.spec, opts.stages, events.onProgress, events.waiting);
    }
    const finished = await server.finish();
    const recorded = targetProblems.length > 0 ? { ...finished, problems: [...targetProblems, ...finished.problems] } : finished;
    return { startedAt, mode: server.mode, measured, measurement, recorded, ...(externalResult ? { external: externalResult } : {}), lastOutput: server.lastOutput() };
  } catch (e) {
    // Whatever went wrong, a server FlameLens started does not outlive it; an attached one is left as found.
    stopLoad('failed');
    const kept = await server.abandon();
    // What the server recorded until it failed stays on disk: say where (the start may be what is wrong).
    if (e instanceof CaptureError && kept.length > 0) {
      const shown = kept.map((f) => displayLocation(f, opts.capture?.cwd ?? process.cwd()));
      throw new CaptureError(e.summary, e.quoted, [...e.after, `the server's recording until then is kept: ${shown.join(', ')}`]);
    }
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

export interface ServerHotspots {
  topFunctions: TopFunction[];
  /**
   * What they come from: the server's busy threads and processes merged (a cluster's workers, a
   * worker pool), or its one busy thread; `path` is the busiest one's profile file, `parts` every
   * profile merged (the busiest alone when one worked).
   */
  best?: { label: string; path: string; hot: Hotspots; profile: Profile; parts: { label: string; path: string }[] };
  /** Profiles that could not be read. */
  problems: string[];
}

/**
 * The server's profile during the load: the top functions of every thread and process that worked
 * in it, merged (only the busiest main thread's were reported: half a two-worker cluster, none of a
 * worker pool's work).
 */
export async function serverHotspots(recorded: { profiles: readonly ServerProfile[] }, top: number, cwd: string): Promise<ServerHotspots> {
  const problems: string[] = [];
  const loaded: { busy: number; main: boolean; label: string; path: string; hot: Hotspots; profile: Profile }[] = [];
  for (const p of recorded.profiles.filter((x) => x.kind === 'cpu')) {
    try {
      const profile = await loadProfileFile(p.path, { shownAs: displayLocation(p.path, cwd) });
      const hot = hotspots(profile, { top, cwd });
      loaded.push({ busy: busyTime(profile), main: p.isMainThread, label: p.label, path: p.path, hot, profile });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(`could not read ${p.label}'s profile: ${e.message}`);
    }
  }
  const busiest = busiestFirst(loaded)[0];
  const merged = serverProfile(loaded);
  if (!busiest || !merged) return { topFunctions: [], problems };
  const parts = merged.parts.map((p) => ({ label: p.label, path: p.path }));
  const best =
    parts.length > 1
      ? { label: `${parts.length} threads and processes merged (the busiest: ${busiest.label})`, path: busiest.path, hot: hotspots(merged.profile, { top, cwd }), profile: merged.profile, parts }
      : { label: busiest.label, path: busiest.path, hot: busiest.hot, profile: busiest.profile, parts };
  const total = best.hot.total;
  const topFunctions = best.hot.functions.map((f) => ({ name: f.name, url: f.file, line: f.line, selfMs: Math.round(f.self) / 1000, selfPct: total > 0 ? Math.round((f.self / total) * 10000) / 100 : 0 }));
  return { topFunctions, best, problems };
}

export interface ServerAllocators {
  topAllocators?: TopAllocator[];
  /** The heap profile they come from (the main thread that allocated most) and its table. */
  heaviest?: { label: string; path: string; hot: Hotspots };
  problems: string[];
}

/** With a heap profile recorded: who allocated during the load (the main thread that allocated most). */
export async function serverAllocators(recorded: { profiles: readonly ServerProfile[] }, top: number, cwd: string): Promise<ServerAllocators> {
  const problems: string[] = [];
  let heaviest: { label: string; path: string; hot: Hotspots; main: boolean } | undefined;
  for (const p of recorded.profiles.filter((x) => x.kind === 'heap')) {
    try {
      const hot = hotspots(await loadProfileFile(p.path, { shownAs: displayLocation(p.path, cwd) }), { top, cwd });
      if (!heaviest || (p.isMainThread && (!heaviest.main || hot.total > heaviest.hot.total))) heaviest = { label: p.label, path: p.path, hot, main: p.isMainThread };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(`could not read ${p.label}'s heap profile: ${e.message}`);
    }
  }
  if (!heaviest) return { problems };
  const total = heaviest.hot.total;
  const topAllocators = heaviest.hot.functions.map((f) => ({ name: f.name, url: f.file, line: f.line, selfBytes: Math.round(f.self), selfPct: total > 0 ? Math.round((f.self / total) * 10000) / 100 : 0 }));
  return { topAllocators, heaviest: { label: heaviest.label, path: heaviest.path, hot: heaviest.hot }, problems };
}

/** What the run keeps of the external tool's run. */
function externalInfo(r: ExternalLoadResult, parsed: ParsedToolResult | undefined): ExternalLoadInfo {
  const notes = [...(parsed?.notes ?? [])];
  if (r.stdoutTruncated) notes.push(`its output is cut after ${keptOutputBytes / 1024} KB`);
  if (r.exitCode !== 0 && r.stoppedBecause === undefined && r.stderrTail.trim() !== '') notes.push(`its last error output: ${r.stderrTail.trim().split('\n').slice(-3).join(' / ')}`);
  return {
    command: r.command,
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: r.stdout,
    stdoutTruncated: r.stdoutTruncated,
    ...(r.stoppedBecause !== undefined ? { stoppedBecause: r.stoppedBecause } : {}),
    ...(parsed ? { parsed: parsed.tool } : {}),
    notes,
  };
}

export interface SessionRunInputs {
  config: LoadConfig;
  thresholds: readonly Threshold[];
  hot: ServerHotspots;
  allocators?: ServerAllocators;
  /** Problems found by the caller (added after the server's own). */
  problems?: string[];
}

/** The metrics of this run's threads only: a reused --out folder still holds an earlier run's files (they counted as more processes). */
function sessionMetrics(sessionDir: string, threads: readonly { pid: number; threadId: number }[] | undefined): ProcessMetrics[] {
  const all = readSessionMetrics(sessionDir);
  if (threads === undefined) return all;
  const ours = new Set(threads.map((t) => `${t.pid}-${t.threadId}`));
  return all.filter((m) => ours.has(`${m.pid}-${m.threadId}`));
}

/** The LoadRun of a finished session: measurement, the server's metrics (through the agent), profiles, hot functions, the external tool's result. */
export function loadRunOf(session: LoadSessionResult, inputs: SessionRunInputs): LoadRun {
  const { recorded, external } = session;
  const parsed = external ? parseAutocannonJson(external.stdout) : undefined;
  return buildLoadRun({
    startedAt: session.startedAt,
    config: inputs.config,
    measurement: session.measurement,
    thresholds: inputs.thresholds,
    profiles: recorded.profiles.map((p) => p.path),
    topFunctions: inputs.hot.topFunctions,
    ...((inputs.hot.best?.parts.length ?? 0) > 1 ? { topFunctionsFrom: inputs.hot.best!.parts } : {}),
    problems: [...recorded.problems, ...inputs.hot.problems, ...(inputs.allocators?.problems ?? []), ...(inputs.problems ?? [])],
    ...(recorded.sessionDir !== undefined
      ? { serverMetrics: sessionMetrics(recorded.sessionDir, recorded.threads), serverMetricsResolutionMs: loopDelayResolutionMs }
      : { serverNote: 'an attached server runs without the FlameLens agent: its event-loop delay, CPU and heap are not measured' }),
    ...(external ? { external: { info: externalInfo(external, parsed), ...(parsed ? { parsed } : {}) } } : {}),
    ...(recorded.attached ? { attached: recorded.attached } : {}),
    measured: session.measured,
    ...(inputs.allocators?.topAllocators ? { topAllocators: inputs.allocators.topAllocators } : {}),
  });
}

// A launched server is recorded from its start, so V8's profiler sees the code it optimises during
// the warm-up (a hot loop's on-stack replacement, a handler that inlines its helper) and keeps
// naming those functions; a profiler started only after the warm-up can charge them to their
// callers. The report and the flame graph are about the measured phase, though: each CPU profile
// is cut to that window (the file the run lists), and the whole recording is kept beside it as
// NAME.full.cpuprofile. Sample times come from src/model/time-slice.ts, as the timeline's.
import * as fs from 'node:fs';
import { writeFileWhole } from '../fs-output';
import { lowerBound, sampleTimesOf } from '../model/time-slice';

/**
 * Now, in µs on the monotonic clock V8 stamps CPU profiles with (startTime, endTime): the same
 * system-wide clock process.hrtime reads (CLOCK_MONOTONIC, mach_absolute_time, QPC), so the load
 * driver's process can say when the measured phase ran in the server's profile time.
 */
export function monotonicNowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The measured phase, [fromUs, toUs) on that clock. */
export interface MeasuredWindow {
  fromUs: number;
  toUs: number;
}

/** Where the whole recording of `profile` is kept: x.cpuprofile → x.full.cpuprofile. */
export function fullRecordingPath(profile: string): string {
  return profile.replace(/(\.cpuprofile)?$/, '.full.cpuprofile');
}

interface RawNode {
  id: number;
  callFrame: unknown;
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
  [key: string]: unknown;
}

interface RawCpuProfile {
  nodes: RawNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
  [key: string]: unknown;
}

function isRawCpuProfile(x: unknown): x is RawCpuProfile {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Record<string, unknown>;
  return Array.isArray(p.nodes) && Number.isFinite(p.startTime) && Number.isFinite(p.endTime) && Array.isArray(p.samples) && Array.isArray(p.timeDeltas) && p.samples.length === p.timeDeltas.length;
}

/**
 * `profile` (DevTools .cpuprofile JSON, as V8 writes it) cut to the samples taken in [fromUs, toUs):
 * startTime and endTime become the window's (clamped to the recording), hit counts are counted
 * again, per-line ticks keep each node's proportions (V8 records them per node, not per sample),
 * and nodes with nothing left under them are dropped.
 */
export function cutCpuProfile(profile: RawCpuProfile, fromUs: number, toUs: number): RawCpuProfile {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const times = sampleTimesOf(Float64Array.from(deltas), samples.length, profile.startTime);
  const start = Math.min(Math.max(fromUs, profile.startTime), profile.endTime);
  const end = Math.max(start, Math.min(toUs, profile.endTime));
  const first = lowerBound(times, start);
  const last = lowerBound(times, end);
  const keptSamples = samples.slice(first, last);
  const keptDeltas = keptSamples.map((_, i) => times[first + i]! - (i === 0 ? start : times[first + i - 1]!));

  const hits = new Map<number, number>();
  for (const id of keptSamples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const referenced = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const roots = profile.nodes.filter((n) => !referenced.has(n.id));
  // Subtree hits, children before parents (an explicit stack: call trees can be deep).
  const under = new Map<number, number>();
  const order: RawNode[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    order.push(n);
    for (const c of n.children ?? []) {
      const child = byId.get(c);
      if (child) stack.push(child);
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    under.set(n.id, (hits.get(n.id) ?? 0) + (n.children ?? []).reduce((a, c) => a + (under.get(c) ?? 0), 0));
  }
  const keep = (n: RawNode) => roots.includes(n) || (under.get(n.id) ?? 0) > 0;
  const nodes = order
    .filter(keep)
    .sort((a, b) => a.id - b.id)
    .map((n) => {
      const kept = hits.get(n.id) ?? 0;
      const was = n.hitCount ?? 0;
      const out: RawNode = { ...n, hitCount: kept };
      const children = (n.children ?? []).filter((c) => (under.get(c) ?? 0) > 0);
      if (children.length > 0) out.children = children;
      else delete out.children;
      if (n.positionTicks) {
        const ticks = was > 0 ? n.positionTicks.map((t) => ({ line: t.line, ticks: Math.round((t.ticks * kept) / was) })).filter((t) => t.ticks > 0) : [];
        if (ticks.length > 0) out.positionTicks = ticks;
        else delete out.positionTicks;
      }
      return out;
    });
  return { ...profile, nodes, startTime: start, endTime: end, samples: keptSamples, timeDeltas: keptDeltas };
}

export interface CutResult {
  /** Profiles cut to the window (their whole recording kept beside them). */
  cut: string[];
  /** Why a profile was left whole (unreadable, not a CPU profile V8 wrote, …). */
  problems: string[];
}

/**
 * Whether the measured phase began while `file` was recorded (the main thread's must have: else the
 * clocks disagree). Its end is not checked: a server that exits during the load stops recording early.
 */
export function recordingCovers(file: string, window: MeasuredWindow, slackUs = 1_000_000): boolean {
  try {
    const p: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return isRawCpuProfile(p) && p.startTime - slackUs <= window.fromUs && window.fromUs <= p.endTime + slackUs;
  } catch {
    return false;
  }
}

/**
 * Cuts each CPU profile file to the window in place, after keeping its whole recording as
 * NAME.full.cpuprofile. A file that cannot be read as a V8 CPU profile is left as it is (named in
 * `problems`).
 */
export function cutToMeasuredWindow(files: readonly string[], window: MeasuredWindow): CutResult {
  const cut: string[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let profile: unknown;
    try {
      profile = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      problems.push(`${file} was left whole (it covers the warm-up too): ${(e as Error).message}`);
      continue;
    }
    if (!isRawCpuProfile(profile)) {
      problems.push(`${file} was left whole (it covers the warm-up too): not a V8 CPU profile with samples`);
      continue;
    }
    const full = fullRecordingPath(file);
    try {
      fs.renameSync(file, full);
      writeFileWhole(file, JSON.stringify(cutCpuProfile(profile, window.fromUs, window.toUs)));
      cut.push(file);
    } catch (e) {
      // The whole recording stays where the run lists it.
      if (!fs.existsSync(file) && fs.existsSync(full)) fs.renameSync(full, file);
      problems.push(`${file} was left whole (it covers the warm-up too): ${(e as Error).message}`);
    }
  }
  return { cut, problems };
}

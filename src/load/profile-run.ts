// The load run a profile was recorded in, if any: `flamelens load` and Profile Under Load… save
// load-run.json in the session folder beside the server's profiles. Its per-second series become
// tracks under the profile's timeline (src/model/timeline.ts lines them up); a profile without a
// run gets none. Reads only small files beside the profile; no vscode.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSidecars } from '../capture/launcher';
import { loadTracks, type LoadTracksPayload } from '../model/timeline';
import { sampleSpan } from '../model/time-slice';
import type { Profile } from '../model/types';
import { cutNameOf } from './full-recording';
import { fullRecordingPath } from './measured-window';
import { asLoadRun, type LoadRun } from './run';

export const loadRunFileName = 'load-run.json';
/** A run file is small (a few hundred bytes a second); anything far larger is not one. */
const maxRunFileBytes = 16 * 1024 * 1024;

/** The run saved beside `profilePath` that lists it (or, for a whole recording, its cut profile) among its profiles, or undefined. */
export function loadRunOfProfile(profilePath: string): LoadRun | undefined {
  const file = path.join(path.dirname(profilePath), loadRunFileName);
  let run: LoadRun | undefined;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > maxRunFileBytes) return undefined;
    run = asLoadRun(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
  // A folder moved as a whole still matches: the run's paths are compared by name.
  const name = listedName(profilePath);
  if (!run || !Array.isArray(run.profiles) || !run.profiles.some((p) => typeof p === 'string' && path.basename(p) === name)) return undefined;
  return run;
}

/** The name the run lists `profilePath` by: a whole recording (x.full.cpuprofile) is listed as its cut profile. */
function listedName(profilePath: string): string {
  return cutNameOf(profilePath) ?? path.basename(profilePath);
}

/**
 * Where the run's measured phase began on the profile's clock, in µs after its first sample: from
 * the run's measured start and the agent's recording start (both epoch ms, in the thread's
 * sidecar). Without them (an older run file, an attached server with no agent) the measured phase
 * is taken to start with the recording, which the load session starts just before it.
 */
export function runOffset(profile: Profile, profilePath: string, run: LoadRun): { offsetUs: number; aligned: LoadTracksPayload['aligned'] } {
  const span = sampleSpan(profile);
  const lead = span ? profile.startTime - span.start : 0;
  // A launched server's profile is cut to the measured phase (the whole recording kept beside it):
  // its startTime is where that phase began, on the same clock as its samples.
  if (fs.existsSync(fullRecordingPath(profilePath))) return { offsetUs: lead, aligned: 'wall-clock' };
  // The whole recording (warm-up included) is lined up by the clocks, through its cut profile's sidecar entry.
  const measured = run.measuredFromEpochMs;
  const name = listedName(profilePath);
  const sidecar = readSidecars(path.dirname(profilePath)).find((s) => Array.isArray(s.files) && s.files.some((f) => f.file === name));
  const recording = sidecar?.startTime;
  if (typeof measured === 'number' && Number.isFinite(measured) && typeof recording === 'number' && Number.isFinite(recording)) {
    return { offsetUs: lead + (measured - recording) * 1000, aligned: 'wall-clock' };
  }
  return { offsetUs: lead, aligned: 'measured-start' };
}

/** The load-run tracks for a profile read from `profilePath` (undefined: no run beside it, or nothing of it in the profile's time). */
export function loadTracksForProfile(profile: Profile, profilePath: string | undefined): LoadTracksPayload | undefined {
  if (!profilePath || profile.kind !== 'cpu') return undefined;
  const span = sampleSpan(profile);
  if (!span || span.axis !== 'time') return undefined;
  const run = loadRunOfProfile(profilePath);
  if (!run || !Array.isArray(run.timeline)) return undefined;
  const { offsetUs, aligned } = runOffset(profile, profilePath, run);
  return loadTracks(run.timeline, span, offsetUs, aligned);
}

// Before/after on whole profiles: when the baseline run's CPU profiles are still on disk, the
// functions whose self time grew come from the full profile diff (src/model/diff.ts) of the
// server in each run (its threads and processes that worked, merged: busy-profiles.ts), not only
// from the two runs' top-N lists.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayLocation, InputError, loadProfileFile } from '../cli/analyze';
import { diffFunctions } from '../model/diff';
import type { Profile } from '../model/types';
import { busyTime, serverProfile, type BusyProfile } from './busy-profiles';
import type { LoadRun } from './run';

export interface Grown {
  name: string;
  url: string;
  line: number;
  deltaMs: number;
}

/** The baseline's profile paths that still exist: absolute, or relative to the cwd or the baseline file. */
function existingCpuProfiles(base: LoadRun, baselineFile: string, cwd: string): string[] {
  const found: string[] = [];
  for (const p of base.profiles ?? []) {
    if (typeof p !== 'string' || !/\.cpuprofile(\.gz)?$/.test(p)) continue;
    const candidates = path.isAbsolute(p) ? [p] : [path.resolve(cwd, p), path.resolve(path.dirname(baselineFile), p)];
    const hit = candidates.find((c) => {
      try {
        return fs.statSync(c).isFile();
      } catch {
        return false;
      }
    });
    if (hit) found.push(hit);
  }
  return found;
}

/**
 * The functions whose self time grew most from the baseline server's profile (busy-profiles.ts; its self times
 * × `scale`: per request, see requestScale) to `next` (µs profiles), or undefined when none of
 * the baseline's profiles can be read any more.
 */
export async function grownFromProfiles(base: LoadRun, baselineFile: string, next: Profile, cwd: string, scale = 1, limit = 10): Promise<Grown[] | undefined> {
  const loaded: BusyProfile[] = [];
  for (const file of existingCpuProfiles(base, baselineFile, cwd)) {
    try {
      const profile = await loadProfileFile(file, { shownAs: displayLocation(file, cwd) });
      loaded.push({ label: path.basename(file), profile, busy: busyTime(profile), main: false });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  const best = serverProfile(loaded);
  if (!best || best.profile.kind !== next.kind) return undefined;
  return diffFunctions(best.profile, next, { scale })
    .filter((d) => d.selfDelta > 0 && (d.frame.category !== 'meta' || d.frame.functionName === '(garbage collector)'))
    .sort((a, b) => b.selfDelta - a.selfDelta)
    .slice(0, limit)
    .map((d) => ({ name: d.frame.functionName, url: displayLocation(d.frame.url, cwd), line: d.frame.line, deltaMs: Math.round(d.selfDelta) / 1000 }));
}

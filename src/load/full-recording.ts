// A launched server's profile is cut to the measured phase and its whole recording kept beside it
// as NAME.full.cpuprofile (measured-window.ts). The Load Run view's "Open Full Recording" shows
// that whole recording with the measured window selected on its timeline: the window is where the
// cut profile begins and ends, on the same clock as the recording's samples.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sampleSpan } from '../model/time-slice';
import type { Profile } from '../model/types';
import type { TimeRange } from '../protocol';
import { fullRecordingPath } from './measured-window';

const fullSuffix = '.full.cpuprofile';

/** The whole recording kept beside a cut profile, if there is one. */
export function fullRecordingOf(profilePath: string): string | undefined {
  if (profilePath.endsWith(fullSuffix)) return undefined;
  const full = fullRecordingPath(profilePath);
  return fs.existsSync(full) ? full : undefined;
}

/** The cut profile's file name for a whole recording's (x.full.cpuprofile → x.cpuprofile), else undefined. */
export function cutNameOf(fullName: string): string | undefined {
  const name = path.basename(fullName);
  return name.endsWith(fullSuffix) && name.length > fullSuffix.length ? `${name.slice(0, -fullSuffix.length)}.cpuprofile` : undefined;
}

/**
 * The measured window as a range of the whole recording's timeline: where the cut profile starts
 * and ends (cutCpuProfile sets them to the window), kept to the recording's samples. Undefined when
 * nothing of it lies there (the files do not belong together).
 */
export function measuredWindowRange(full: Profile, cut: Pick<Profile, 'startTime' | 'endTime'>): TimeRange | undefined {
  const span = sampleSpan(full);
  if (!span || span.axis !== 'time' || !Number.isFinite(cut.startTime) || !Number.isFinite(cut.endTime)) return undefined;
  const from = Math.max(span.start, cut.startTime);
  const to = Math.min(span.end, cut.endTime);
  return to > from ? { from, to } : undefined;
}

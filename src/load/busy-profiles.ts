// Which of a server's CPU profiles a load report reads: every thread and process that worked
// during the measured load, merged under one root (src/model/merge.ts), so a cluster's workers or
// a worker pool count as the server; the busiest alone when only one worked.
import { busyTotal } from '../model/diff';
import { mergeProfiles } from '../model/merge';
import type { Profile } from '../model/types';

export interface BusyProfile {
  label: string;
  profile: Profile;
  /** Recorded time that was not idle (µs). */
  busy: number;
  main: boolean;
}

/** Recorded time that was not (idle), µs: what a thread worked. */
export const busyTime = busyTotal;

/** The busiest first; a main thread before a worker when equally busy (an idle server's one profile). */
export function busiestFirst<T extends BusyProfile>(profiles: readonly T[]): T[] {
  return [...profiles].sort((a, b) => b.busy - a.busy || Number(b.main) - Number(a.main));
}

/** The profiles that worked, merged (`parts`, busiest first), or the busiest alone; undefined for none. */
export function serverProfile<T extends BusyProfile>(profiles: readonly T[]): { profile: Profile; parts: T[] } | undefined {
  const sorted = busiestFirst(profiles);
  const busy = sorted.filter((p) => p.busy > 0);
  if (busy.length > 1) return { profile: mergeProfiles(busy.map((p) => ({ label: p.label, profile: p.profile }))), parts: busy };
  return sorted[0] && { profile: sorted[0].profile, parts: [sorted[0]] };
}

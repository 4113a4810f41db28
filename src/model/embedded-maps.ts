// Source maps a profile carries itself: FlameLens's agent embeds the maps the recording process
// held only in memory (see src/capture/agent-source-maps.ts) under one top-level key. Both JSON
// readers (parse-object.ts, import.ts's scanner) hand that member here; sourcemap.ts applies them.
import type { Profile } from './types';

/** The profile's top-level key holding { [script url]: source map } (the agent writes it). */
export const embeddedMapsKey = 'flamelensSourceMaps';

/** `profile` with the maps of `raw` (the parsed member), keeping only entries that look like source maps. */
export function withEmbeddedMaps(profile: Profile, raw: unknown): Profile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return profile;
  const maps = new Map<string, object>();
  for (const [url, map] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof map === 'object' && map !== null && typeof (map as { mappings?: unknown }).mappings === 'string') maps.set(url, map);
  }
  return maps.size > 0 ? { ...profile, embeddedSourceMaps: maps } : profile;
}

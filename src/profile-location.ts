// Profile locations (a frame's url: file:// URL, absolute POSIX or Windows path, node:…, http:,
// webpack:, '') as local files: the one converter the editor, the source reader, the views and the
// CLI share. Pure (node:path and node:url only).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const windowsAbsolute = /^[a-z]:[\\/]/i;

/** The local absolute path a location names; undefined for node:, http:, webpack:, relative paths and ''. */
export function locationPath(location: string): string | undefined {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  return location.startsWith('/') || windowsAbsolute.test(location) ? location : undefined;
}

/**
 * A location for people: relative to the first of `roots` (workspace folders, the CLI's cwd) that
 * holds it, else the plain path (file:// URLs decoded); other locations as they are.
 */
export function displayLocation(location: string, roots: readonly string[]): string {
  const file = locationPath(location);
  if (file === undefined) return location;
  const api = windowsAbsolute.test(file) ? path.win32 : path;
  for (const root of roots) {
    const rel = api.relative(root, file);
    if (rel !== '' && !rel.startsWith('..') && !api.isAbsolute(rel)) return rel;
  }
  return file;
}

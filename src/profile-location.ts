// Profile locations (a frame's url: file:// URL, absolute POSIX or Windows path, node:…, http:,
// webpack:, '') as local files, for the editor, the source reader, the views and the CLI, through the
// one file-URL converter (model/file-url.ts). Pure (node:path only).
import * as path from 'node:path';
import { fileUrlToPath, isAbsolutePath, windowsDrivePath } from './model/file-url';

/** The local absolute path a location names; undefined for node:, http:, webpack:, relative paths and ''. */
export function locationPath(location: string): string | undefined {
  if (/^file:/i.test(location)) return fileUrlToPath(location);
  return isAbsolutePath(location) ? location : undefined;
}

/**
 * A location for people: relative to the first of `roots` (workspace folders, the CLI's cwd) that
 * holds it, else the plain path (file:// URLs decoded); other locations as they are.
 */
export function displayLocation(location: string, roots: readonly string[]): string {
  const file = locationPath(location);
  if (file === undefined) return location;
  const api = windowsDrivePath.test(file) ? path.win32 : path;
  for (const root of roots) {
    const rel = api.relative(root, file);
    const outside = rel === '..' || rel.startsWith(`..${api.sep}`);
    if (rel !== '' && !outside && !api.isAbsolute(rel)) return rel;
  }
  return file;
}

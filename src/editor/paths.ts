// Matching profile locations (file:// URLs, absolute paths, source-mapped originals) with editor
// documents. Pure: compares normalised absolute paths.
import * as path from 'node:path';

/** One spelling per file: resolved, forward slashes, lower-case Windows drive letter. */
export function normalizePath(p: string): string {
  const windows = /^[a-z]:[\\/]/i.test(p);
  if (windows) {
    const forward = path.win32.normalize(p).replace(/\\/g, '/');
    return forward[0]!.toLowerCase() + forward.slice(1);
  }
  return path.posix.normalize(p);
}

// Matching profile locations (file:// URLs, absolute paths, source-mapped originals) with editor
// documents. Pure: compares normalised absolute paths.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A profile url as a normalised absolute path, or undefined for node:, http:, '' and relative urls. */
export function profileUrlToPath(url: string): string | undefined {
  let p: string;
  if (url.startsWith('file://')) {
    try {
      p = fileURLToPath(url);
    } catch {
      return undefined;
    }
  } else if (url.startsWith('/')) {
    p = url;
  } else if (/^[a-z]:[\\/]/i.test(url)) {
    p = url;
  } else {
    return undefined;
  }
  return normalizePath(p);
}

/** One spelling per file: resolved, forward slashes, lower-case Windows drive letter. */
export function normalizePath(p: string): string {
  const windows = /^[a-z]:[\\/]/i.test(p);
  if (windows) {
    const forward = path.win32.normalize(p).replace(/\\/g, '/');
    return forward[0]!.toLowerCase() + forward.slice(1);
  }
  return path.posix.normalize(p);
}

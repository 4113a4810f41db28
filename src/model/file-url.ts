// The one converter between file:// URLs and paths, for every part of FlameLens (the model's source
// mapping, the editor, the source reader, the views, the CLI). Pure: WHATWG URL only, no node:url, so
// the answer is the same on every platform — a Windows profile read on Linux keeps its drive letters.

/** "C:\…" or "C:/…": an absolute Windows path. */
export const windowsDrivePath = /^[A-Za-z]:[\\/]/;

/**
 * An absolute local path: POSIX ("/…") or Windows ("C:\…"). Not "//host/share/…": Windows reads that
 * as a UNC path (as it does "\\host\…"), and opening it connects to that host with the user's
 * credentials — profiles and source maps name their files themselves.
 */
export function isAbsolutePath(location: string): boolean {
  return (location.startsWith('/') && !location.startsWith('//')) || windowsDrivePath.test(location);
}

/**
 * The local path a file:// URL names, %-escapes decoded: "/home/u/a b.js", or "C:/src/x.js" (forward
 * slashes) for a drive letter. Undefined for anything else: other schemes (node:, webpack://, http:),
 * a file URL on another host (not a file here), an escaped "/" or "\" (which would change the path's
 * folders) and broken escapes.
 */
export function fileUrlToPath(url: string): string | undefined {
  if (!/^file:\/\//i.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.host !== '' && parsed.host !== 'localhost') return undefined;
  if (/%(?:2f|5c)/i.test(parsed.pathname)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (path.startsWith('//')) return undefined; // file:////host/share: a UNC path on Windows (see isAbsolutePath)
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/** The file:// URL of an absolute POSIX or Windows path (backslashes as slashes, each segment %-escaped). */
export function pathToFileUrl(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const segments = (windowsDrivePath.test(path) ? `/${slashed}` : slashed).split('/').map(encodeURIComponent);
  // The drive letter keeps its colon ("/C:/…", not "/C%3A/…").
  if (windowsDrivePath.test(path)) segments[1] = segments[1]!.replace('%3A', ':');
  return `file://${segments.join('/')}`;
}

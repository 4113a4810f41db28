// Part of the agent: source maps that exist only in the profiled process go into the profile it
// writes. A loader such as tsx transpiles TypeScript in memory and registers the inline map with
// Node (it turns Node's source-map support on), so the profile's positions are the transpiled
// code's and no map is on disk: without this, a `.ts` frame would show a line of code that was
// never in the file. Embedded under one top-level key (other tools ignore it), the maps travel
// with the profile: FlameLens applies them wherever it is opened (src/model/sourcemap.ts).
// Only for scripts whose file is not plain JavaScript (a .js file's map, if any, is on disk where
// the host finds it), without `sourcesContent` (the sources are the files themselves), and at
// most `maxEmbeddedBytes` in all. Never throws: a profile is written with or without its maps.
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The profile's top-level key holding { [script url]: source map } (shared with the readers). */
export { embeddedMapsKey } from '../model/embedded-maps';
const maxEmbeddedBytes = 8 * 1024 * 1024;

/** A file Node did not run as written (TypeScript, JSX, a framework's single-file component…). */
const plainJs = /\.[cm]?js(?:[?#].*)?$/i;

interface CallFrameLike {
  url: string;
}

function mapOf(url: string): object | undefined {
  let map = findSourceMap(url);
  if (map === undefined && url.startsWith('file:')) map = findSourceMap(fileURLToPath(url));
  const payload = map?.payload as Record<string, unknown> | undefined;
  if (!payload || typeof payload.mappings !== 'string') return undefined;
  const { sourcesContent: _content, ...rest } = payload;
  return rest;
}

/** The in-memory maps of the scripts the frames name, or undefined when there are none. */
export function inMemorySourceMaps(frames: Iterable<CallFrameLike>): Record<string, object> | undefined {
  try {
    // Off (the default), Node keeps no maps. (Node before 20.7 does not say: then just look.)
    if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === false) return undefined;
    const out: Record<string, object> = {};
    const seen = new Set<string>();
    let bytes = 0;
    let any = false;
    for (const { url } of frames) {
      if (!url || seen.has(url) || plainJs.test(url) || !/^(file:|\/|[a-zA-Z]:[\\/])/.test(url)) continue;
      seen.add(url);
      const map = mapOf(url);
      if (!map) continue;
      bytes += JSON.stringify(map).length;
      if (bytes > maxEmbeddedBytes) break;
      out[url] = map;
      any = true;
    }
    return any ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Every call frame of a CPU profile (`nodes`) or a sampling heap profile (`head` tree). */
export function callFramesOf(profile: object): CallFrameLike[] {
  const p = profile as { nodes?: { callFrame: CallFrameLike }[]; head?: HeapNodeLike };
  if (Array.isArray(p.nodes)) return p.nodes.map((n) => n.callFrame);
  const out: CallFrameLike[] = [];
  const stack: HeapNodeLike[] = p.head ? [p.head] : [];
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n.callFrame);
    if (n.children) stack.push(...n.children);
  }
  return out;
}

interface HeapNodeLike {
  callFrame: CallFrameLike;
  children?: HeapNodeLike[];
}

// Maps a profile's generated locations (compiled or bundled JavaScript) back to the original
// sources through source maps (@jridgewell/trace-mapping). File access goes through a
// SourceReader so the model stays pure: the CLI and the extension implement it with fs.
//
// Per distinct script url: read the script, take its last `//# sourceMappingURL=` (a path
// relative to the script, an absolute URL, or a data:application/json;base64 URL); without one,
// try `<script>.map`. Frames then point at the original file (absolute path), line and column,
// with the function name from the map's `names` when the map has one, provided the original
// file can be read (packages often publish maps without their sources; webpack:// sources are
// not files). Line tables are mapped line by line (see mapLine). A missing or broken map never
// fails the whole profile: the script's frames keep their generated location and a note says
// why. Scripts without any source map are left alone, silently. Values never change; nodes
// whose frames map to the same original frame under one parent merge.
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, decodedMappings, originalPositionFor } from '@jridgewell/trace-mapping';
import { ProfileBuilder } from './builder';
import { makeFrame } from './frames';
import type { Frame, Profile } from './types';

/** Reads a file (absolute path) or URL; undefined when it can't be read. */
export interface SourceReader {
  read(pathOrUrl: string): Promise<string | undefined>;
}

/** Where a generated position lands: an original source (absolute path or URL) and 1-based line/column. */
interface Original {
  source: string;
  line: number;
  column: number;
  name?: string;
}

interface LoadedMap {
  map: TraceMap;
  /** Original of each generated line's first mapped segment (1-based line → original), memoised. */
  lineCache: Map<number, Original | null>;
}

/** How many notes to write about individual scripts before summarising the rest. */
const MAX_SCRIPT_NOTES = 10;
/** Reads in flight at once. */
const CONCURRENCY = 16;

interface ScriptMap {
  loaded: LoadedMap | undefined;
  /** Why the script's map could not be used (empty when it loaded or there is none). */
  notes: string[];
}

/**
 * Loaded maps and original-source checks, reusable across profiles of one session (a diff's two
 * sides, re-opened profiles). Create a new one when files may have changed on disk.
 */
export class SourceMapCache {
  readonly scripts = new Map<string, Promise<ScriptMap>>();
  readonly sources = new Map<string, Promise<boolean>>();
}

export interface SourceMapOptions {
  readonly cache?: SourceMapCache;
}

export async function applySourceMaps(p: Profile, reader: SourceReader, options: SourceMapOptions = {}): Promise<Profile> {
  const cache = options.cache ?? new SourceMapCache();
  const urls = [...new Set(p.frames.filter(isScriptUrl).map((f) => f.url))];
  const scripts = await mapLimited(urls, (url) => cached(cache.scripts, url, () => loadMap(url, reader)));
  const maps = new Map(urls.map((url, i) => [url, scripts[i].loaded]));
  const notes = scripts.flatMap((s) => s.notes);

  // Positions first, then which original files exist: a frame only moves to a file that can be
  // opened (published packages often ship maps without their sources).
  const positions = p.frames.map((f) => {
    const loaded = isScriptUrl(f) ? maps.get(f.url) : undefined;
    return loaded && f.line > 0 ? mapPosition(loaded.map, f.line, f.column) : undefined;
  });
  const sources = [...new Set(positions.flatMap((o) => (o ? [o.source] : [])))];
  const readable = await mapLimited(sources, (source) =>
    cached(cache.sources, source, async () => (await safeRead(reader, source)) !== undefined),
  );
  const exists = new Map(sources.map((source, i) => [source, readable[i]]));

  // Frame i of the output is the mapped version of frame i of the input (duplicates allowed:
  // the builder merges nodes whose frames became equal).
  const origins: (Original | undefined)[] = [];
  const unmapped = new Map<string, number>();
  const missing = new Map<string, { url: string; source: string; count: number }>();
  const mappedFrames: Frame[] = p.frames.map((f, i) => {
    const position = positions[i];
    const original = position && exists.get(position.source) ? position : undefined;
    origins.push(original);
    if (position && !original) {
      const key = `${f.url}\u0000${position.source}`;
      const row = missing.get(key) ?? { url: f.url, source: position.source, count: 0 };
      row.count++;
      missing.set(key, row);
    } else if (maps.get(f.url) && !position && f.line > 0 && !(f.line === 1 && f.column <= 1)) {
      unmapped.set(f.url, (unmapped.get(f.url) ?? 0) + 1);
    }
    if (!original) return f;
    return makeFrame(original.name ?? f.functionName, original.source, original.line, original.column);
  });
  const frames = (n: number) => `${n} frame${n === 1 ? '' : 's'}`;
  for (const [url, count] of unmapped) {
    notes.push(`${frames(count)} of ${displayPath(url)} kept the generated location (outside its source map)`);
  }
  for (const { url, source, count } of missing.values()) {
    notes.push(`${frames(count)} of ${displayPath(url)} kept the generated location (original source ${source} not found)`);
  }
  if (!origins.some((o) => o !== undefined) && notes.length === 0) return p;

  const b = ProfileBuilder.like(p, { notes: [...p.notes, ...summariseNotes(notes)] }, { frames: mappedFrames });
  const frameIndex = mappedFrames.map((f) => b.frame(f));
  const map = new Int32Array(p.nodeCount);
  if (p.baseSelfValue) b.addBaseSelf(0, 0);
  for (let i = 0; i < p.nodeCount; i++) {
    const f = p.nodeFrame[i];
    if (i > 0) map[i] = b.addNode(map[p.nodeParent[i]], frameIndex[f]);
    const node = map[i];
    b.addSelf(node, p.selfValue[i], p.selfSamples[i]);
    if (p.baseSelfValue) b.addBaseSelf(node, p.baseSelfValue[i]);
    const original = origins[f];
    const loaded = original ? maps.get(p.frames[f].url) : undefined;
    for (let k = p.lineStart[i]; k < p.lineStart[i + 1]; k++) {
      const line = loaded && original ? mapLine(loaded, p.frames[f], original, p.lineNumber[k]) : p.lineNumber[k];
      b.addLine(node, line, p.lineValue[k]);
    }
  }
  return b.finish();
}

function isScriptUrl(f: Frame): boolean {
  return (f.category === 'user' || f.category === 'node_modules') && f.url !== '';
}

/**
 * The original line of a line-table entry (generated line `line` of frame `f`). Position ticks
 * carry no column: on the frame's own start line the frame's column is used (the line may start
 * with other code); elsewhere the first mapping on that generated line. Lines that land in
 * another original file, or have no mapping, go to the frame's original start line, since the
 * node's line table can only hold lines of its own file.
 */
function mapLine(loaded: LoadedMap, f: Frame, frameOrigin: Original, line: number): number {
  if (line === f.line) return frameOrigin.line;
  let hit = loaded.lineCache.get(line);
  if (hit === undefined) {
    hit = firstMappingOnLine(loaded.map, line);
    loaded.lineCache.set(line, hit);
  }
  return hit && hit.source === frameOrigin.source ? hit.line : frameOrigin.line;
}

function firstMappingOnLine(map: TraceMap, line: number): Original | null {
  const segments = decodedMappings(map)[line - 1];
  if (!segments) return null;
  for (const seg of segments) {
    if (seg.length === 4 || seg.length === 5) {
      const source = map.resolvedSources[seg[1]];
      if (source === undefined) continue;
      return { source: sourcePath(source), line: seg[2] + 1, column: seg[3] + 1 };
    }
  }
  return null;
}

/** Maps a 1-based line and 1-based column (0 = unknown) to the original position. */
function mapPosition(map: TraceMap, line: number, column: number): Original | undefined {
  // trace-mapping: 1-based lines, 0-based columns.
  const needle = { line, column: Math.max(0, column - 1) };
  if (line === 1 && column <= 1) {
    // The script's top-level code, which V8 reports as a function at 1:1. It stands for the
    // whole original module when the map has one source; a bundle's top level belongs to no
    // single source, so it keeps the bundle's location.
    const sources = new Set(map.resolvedSources);
    return sources.size === 1 ? { source: sourcePath(map.resolvedSources[0]), line: 1, column: 1 } : undefined;
  }
  let pos = originalPositionFor(map, { ...needle, bias: GREATEST_LOWER_BOUND });
  if (pos.source === null) pos = originalPositionFor(map, { ...needle, bias: LEAST_UPPER_BOUND });
  if (pos.source === null) return undefined;
  return {
    source: sourcePath(pos.source),
    line: pos.line,
    column: pos.column + 1,
    ...(pos.name ? { name: pos.name } : {}),
  };
}

async function safeRead(reader: SourceReader, location: string): Promise<string | undefined> {
  try {
    return await reader.read(location);
  } catch {
    return undefined;
  }
}

const mappingUrlPattern = /^[ \t]*\/\/[#@][ \t]+sourceMappingURL=[ \t]*(\S+)[ \t]*$/gm;

/** The last sourceMappingURL comment of a script, if any. */
export function findSourceMappingUrl(script: string): string | undefined {
  let last: string | undefined;
  for (const m of script.matchAll(mappingUrlPattern)) last = m[1];
  return last;
}

function cached<T>(store: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let hit = store.get(key);
  if (!hit) {
    hit = load();
    store.set(key, hit);
  }
  return hit;
}

/** Maps items through `fn` with at most CONCURRENCY calls pending, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

async function loadMap(url: string, reader: SourceReader): Promise<ScriptMap> {
  const notes: string[] = [];
  const loaded = await loadMapInto(url, reader, notes);
  return { loaded, notes };
}

async function loadMapInto(url: string, reader: SourceReader, notes: string[]): Promise<LoadedMap | undefined> {
  const scriptLocation = toLocation(url);
  const script = await safeRead(reader, scriptLocation);
  const ref = script === undefined ? undefined : findSourceMappingUrl(script);
  const shown = displayPath(url);
  let text: string | undefined;
  let mapLocation: string;
  if (ref === undefined) {
    // No comment (or an unreadable script): a map beside the script still counts.
    mapLocation = `${scriptLocation}.map`;
    text = await safeRead(reader, mapLocation);
    if (text === undefined) {
      if (script === undefined) notes.push(`no source map for ${shown} (the script could not be read)`);
      return undefined;
    }
  } else if (ref.startsWith('data:')) {
    mapLocation = scriptLocation;
    text = decodeDataUrl(ref);
    if (text === undefined) {
      notes.push(`broken source map for ${shown} (inline data: URL could not be decoded)`);
      return undefined;
    }
  } else {
    mapLocation = resolveLocation(ref, scriptLocation);
    text = await safeRead(reader, mapLocation);
    if (text === undefined) {
      notes.push(`no source map for ${shown} (//# sourceMappingURL=${ref} not found)`);
      return undefined;
    }
  }
  const where = ref?.startsWith('data:') ? 'inline map' : displayPath(mapLocation);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    notes.push(`broken source map for ${shown} (${where}: invalid JSON)`);
    return undefined;
  }
  try {
    const map = new TraceMap(json as ConstructorParameters<typeof TraceMap>[0], toMapUrl(mapLocation));
    decodedMappings(map); // decode now so a corrupt mappings string is reported here
    return { map, lineCache: new Map() };
  } catch (error) {
    notes.push(`broken source map for ${shown} (${where}: ${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

function decodeDataUrl(ref: string): string | undefined {
  const comma = ref.indexOf(',');
  if (comma < 0) return undefined;
  const meta = ref.slice(5, comma);
  const payload = ref.slice(comma + 1);
  try {
    if (!meta.split(';').includes('base64')) return decodeURIComponent(payload);
    const binary = atob(payload);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}

// --- locations: file:// URLs, absolute paths (POSIX or Windows) and other URLs -------------

const windowsPath = /^[A-Za-z]:[\\/]/;
const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** What to hand the reader for a profile url: a path for file:// URLs, else the url itself. */
function toLocation(url: string): string {
  return url.startsWith('file://') ? fileUrlToPath(url) : url;
}

function fileUrlToPath(url: string): string {
  try {
    const path = decodeURIComponent(new URL(url).pathname);
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
  } catch {
    return url;
  }
}

function pathToFileUrl(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const withRoot = windowsPath.test(path) ? `/${slashed}` : slashed;
  return `file://${withRoot.split('/').map(encodeURIComponent).join('/').replace(/^\/([A-Za-z])%3A/, '/$1:')}`;
}

/** A location as a URL (for resolving relative references against it). */
function toMapUrl(location: string): string {
  if (location.startsWith('/') || windowsPath.test(location)) return pathToFileUrl(location);
  return location;
}

/** Resolves `ref` (relative or absolute) against the script's location; paths stay paths. */
function resolveLocation(ref: string, scriptLocation: string): string {
  const isPath = scriptLocation.startsWith('/') || windowsPath.test(scriptLocation);
  if (isPath && (ref.startsWith('/') || windowsPath.test(ref))) return ref;
  try {
    const resolved = new URL(ref, toMapUrl(scriptLocation)).href;
    return resolved.startsWith('file://') ? fileUrlToPath(resolved) : resolved;
  } catch {
    return ref;
  }
}

/** Original sources as absolute paths when they are files; other URLs (webpack://…) as they are. */
function sourcePath(source: string): string {
  if (source.startsWith('file://')) return fileUrlToPath(source);
  return source;
}

function displayPath(url: string): string {
  return hasScheme.test(url) && !windowsPath.test(url) ? toLocation(url) : url;
}

function summariseNotes(notes: string[]): string[] {
  if (notes.length <= MAX_SCRIPT_NOTES) return notes;
  return [...notes.slice(0, MAX_SCRIPT_NOTES), `… and ${notes.length - MAX_SCRIPT_NOTES} more source-map notes`];
}

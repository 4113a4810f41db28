// Maps a profile's generated locations (compiled or bundled JavaScript) back to the original
// sources through source maps (@jridgewell/trace-mapping). File access goes through a
// SourceReader so the model stays pure: the CLI and the extension implement it with fs.
//
// Per distinct script url: read the script, take its last `//# sourceMappingURL=` (a path
// relative to the script, an absolute URL, or a data:application/json;base64 URL); without one,
// try `<script>.map`. Frames then point at the original file (absolute path), line and column,
// with the function name from the map's `names` when the map has one, provided the original
// file can be read (packages often publish maps without their sources; webpack:// and
// turbopack:// sources are looked for under the bundle's folders, bundler-sources.ts). Line
// tables are mapped line by line (see mapLine). A missing or broken map never fails the whole
// profile: the script's frames keep their generated location and a note says why. Scripts
// without any source map are left alone, silently. Values never change; nodes whose frames map
// to the same original frame under one parent merge.
//
// The profile chooses which files are read, so the step is bounded: the reader may refuse a file
// (not a regular file, over its size cap; noted), each file is read once per step, and the whole
// step has a time budget after which the remaining frames keep their generated location (noted).
// Nothing is keyed per node (JS Maps hold at most 2^24 entries; profiles can have more nodes):
// per-node work uses typed arrays, and the Maps are per script, source file or mapped frame.
import { FlattenMap, GREATEST_LOWER_BOUND, decodedMappings, originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping';
import { frameKey } from './builder';
import { makeFrame } from './frames';
import { renumberSamples } from './time-slice';
import { assembleProfile } from './assemble';
import { fileUrlToPath, isAbsolutePath, pathToFileUrl, windowsDrivePath } from './file-url';
import { bundlerSourceCandidates } from './bundler-sources';
import { editorColumn, editorLine, editorLinesOf, type EditorLines } from './line-terminators';
import type { Frame, Profile } from './types';

/** A file the reader refused to read, with a short reason for the notes ("not a regular file"). */
export interface SkippedFile {
  readonly skipped: string;
}

/** Reads files for source mapping (absolute paths or URLs). */
export interface SourceReader {
  /** The file's text; undefined when it can't be read; a SkippedFile when the reader refuses it. */
  read(pathOrUrl: string): Promise<string | undefined | SkippedFile>;
  /** Whether an original source is there, without reading it. Optional: read() stands in. */
  exists?(pathOrUrl: string): Promise<boolean | SkippedFile>;
  /** A reader for one mapping step, which may remember what it found (folders that are missing). Optional. */
  forStep?(): SourceReader;
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
  /** What each generated line maps to (index: 0-based line), memoised; null: no mapped segment. */
  lineCache: (GeneratedLine | null | undefined)[];
}

/** A generated line's mapped segments, and from which of them on it holds one original line only. */
interface GeneratedLine {
  /** The mapped segments' generated columns (0-based), ascending. */
  columns: Int32Array;
  /** Each one's original position. */
  origins: Original[];
  /** 1 where this segment and every later one on the line map to the same source and line. */
  single: Uint8Array;
}

/** Wall-clock budget of one mapping step by default, ms. */
export const defaultTimeBudgetMs = 10_000;
/** How many notes to write about individual scripts before summarising the rest. */
const MAX_SCRIPT_NOTES = 10;
/** Reads in flight at once. */
const CONCURRENCY = 16;
/** Distinct scripts, and distinct original sources, considered in one step (far below 2^24). */
const MAX_FILES = 1 << 20;
/** Mapped frames merged by identity in one step; beyond it equal frames merely stay apart. */
const MAX_FRAME_KEYS = 1 << 22;
/** Paths shown per reason in the "skipped" note. */
const MAX_SKIPPED_SHOWN = 3;

interface ScriptMap {
  loaded: LoadedMap | undefined;
  /** Why the script's map could not be used (empty when it loaded or there is none). */
  notes: string[];
  /** Files the reader refused while loading it: [location, reason]. */
  skipped: [string, string][];
  /** TypeScript with no map anywhere on disk: run through an in-memory transpiler, its lines are the output's. */
  transpiledInMemory?: boolean;
  /** A script without a map whose V8 lines are not the editor's (it holds U+2028/U+2029). */
  editorLines?: EditorLines;
}

/**
 * Loaded maps and original-source checks, reusable across profiles of one session (a diff's two
 * sides, re-opened profiles). Create a new one when files may have changed on disk.
 */
export class SourceMapCache {
  readonly scripts = new Map<string, Promise<ScriptMap>>();
  readonly sources = new Map<string, Promise<boolean | SkippedFile>>();
}

export interface SourceMapOptions {
  readonly cache?: SourceMapCache;
  /** Wall-clock budget for the whole step, ms (default 10 s; Infinity for none). */
  readonly timeBudgetMs?: number;
}

const TIMED_OUT = Symbol('timed out');
type TimedOut = typeof TIMED_OUT;

/** The step's deadline: a flag for synchronous loops and a promise to race reads against. */
class Budget {
  private readonly at: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly expired: Promise<TimedOut>;

  constructor(readonly ms: number) {
    this.at = Date.now() + ms;
    // setTimeout takes at most 2^31 − 1 ms; longer budgets are as good as none.
    this.expired =
      ms > 0 && ms < 0x7fffffff
        ? new Promise((resolve) => {
            this.timer = setTimeout(() => resolve(TIMED_OUT), ms);
          })
        : new Promise(() => undefined);
  }

  get over(): boolean {
    return Date.now() >= this.at;
  }

  /** Starts `work` unless the time is up, and gives up waiting for it when it runs out. */
  race<T>(work: () => Promise<T>): Promise<T | TimedOut> {
    return this.over ? Promise.resolve(TIMED_OUT) : Promise.race([work(), this.expired]);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}

/** The reads of one step: each location is read (or checked) at most once. */
class StepFiles {
  private readonly reads = new Map<string, Promise<string | undefined | SkippedFile>>();

  constructor(private readonly reader: SourceReader) {}

  read(location: string): Promise<string | undefined | SkippedFile> {
    return cached(this.reads, location, async () => {
      try {
        return await this.reader.read(location);
      } catch {
        return undefined;
      }
    });
  }

  exists(location: string): Promise<boolean | SkippedFile> {
    const read = this.reads.get(location);
    const reader = this.reader;
    if (read === undefined && reader.exists) {
      return reader.exists(location).catch(() => false);
    }
    return (read ?? this.read(location)).then((r) => (typeof r === 'string' ? true : r === undefined ? false : r));
  }
}

function isSkipped(r: unknown): r is SkippedFile {
  return typeof r === 'object' && r !== null && typeof (r as SkippedFile).skipped === 'string';
}

export async function applySourceMaps(p: Profile, reader: SourceReader, options: SourceMapOptions = {}): Promise<Profile> {
  const budget = new Budget(options.timeBudgetMs ?? defaultTimeBudgetMs);
  try {
    return await mapProfile(p, new StepFiles(reader.forStep?.() ?? reader), options.cache ?? new SourceMapCache(), budget);
  } finally {
    budget.dispose();
  }
}

async function mapProfile(p: Profile, files: StepFiles, cache: SourceMapCache, budget: Budget): Promise<Profile> {
  const frameCount = p.frames.length;
  const notes: string[] = [];
  const skipped = new Map<string, string>();
  let lateFrames = 0;

  // Scripts by id; frames point at theirs (-1: not a script, or past MAX_FILES).
  const scriptOf = new Int32Array(frameCount).fill(-1);
  const urls: string[] = [];
  const urlIds = new Map<string, number>();
  let tooMany = false;
  for (let f = 0; f < frameCount; f++) {
    const frame = p.frames[f]!;
    if (!isScriptUrl(frame)) continue;
    let id = urlIds.get(frame.url);
    if (id === undefined) {
      tooMany ||= urls.length >= MAX_FILES;
      if (tooMany) continue;
      id = urls.length;
      urls.push(frame.url);
      urlIds.set(frame.url, id);
    }
    scriptOf[f] = id;
  }
  if (urls.length === 0) return p;
  if (tooMany) notes.push(`source maps: only the first ${MAX_FILES} scripts were looked at`);

  // The frames of each script: framesOf(id) = scriptFrames[scriptStart[id] .. scriptStart[id + 1]).
  const scriptStart = new Int32Array(urls.length + 1);
  for (let f = 0; f < frameCount; f++) if (scriptOf[f]! >= 0) scriptStart[scriptOf[f]! + 1]!++;
  for (let id = 0; id < urls.length; id++) scriptStart[id + 1]! += scriptStart[id]!;
  const scriptFrames = new Int32Array(scriptStart[urls.length]!);
  const fill = scriptStart.slice(0, urls.length);
  for (let f = 0; f < frameCount; f++) if (scriptOf[f]! >= 0) scriptFrames[fill[scriptOf[f]!]!++] = f;

  // Per script, as soon as its map is in: positions of its frames, then which of their original
  // files exist (a frame only moves to a file that can be opened: published packages often ship
  // maps without their sources). Scripts proceed independently, so one slow file holds up no other.
  const scripts: (ScriptMap | TimedOut)[] = new Array<ScriptMap | TimedOut>(urls.length);
  const positions: (Original | undefined)[] = new Array<Original | undefined>(frameCount);
  const sourceOf = new Int32Array(frameCount).fill(-1);
  const late = new Uint8Array(frameCount);
  const sources: string[] = [];
  const sourceIds = new Map<string, number>();
  const checks: (boolean | SkippedFile | TimedOut | undefined)[] = [];
  /** The file a bundler's source URL turned out to be (bundler-sources.ts), by source id. */
  const located: (string | undefined)[] = [];
  await mapLimited([...urls.keys()], async (id) => {
    // A map the profile carries (the recording process had it in memory) comes first; it is this
    // profile's own, so it is not cached for others.
    const carried = p.embeddedSourceMaps?.get(urls[id]!);
    const script = await budget.race(() => (carried ? Promise.resolve(embeddedMap(urls[id]!, carried)) : cached(cache.scripts, urls[id]!, () => loadMap(urls[id]!, files))));
    scripts[id] = script;
    const frames = scriptFrames.subarray(scriptStart[id]!, scriptStart[id + 1]!);
    if (script === TIMED_OUT) {
      for (const f of frames) late[f] = 1;
      return;
    }
    if (!script.loaded) return;
    const mine: number[] = [];
    for (let k = 0; k < frames.length; k++) {
      const f = frames[k]!;
      const frame = p.frames[f]!;
      if (frame.line <= 0) continue;
      if ((k & 255) === 255 && budget.over) {
        for (let j = k; j < frames.length; j++) late[frames[j]!] = 1;
        break;
      }
      const position = mapPosition(script.loaded.map, frame.line, frame.column, frame.functionName);
      if (!position) continue;
      let sourceId = sourceIds.get(position.source);
      if (sourceId === undefined) {
        if (sources.length >= MAX_FILES) continue;
        sourceId = sources.length;
        sources.push(position.source);
        sourceIds.set(position.source, sourceId);
        mine.push(sourceId);
      }
      positions[f] = position;
      sourceOf[f] = sourceId;
    }
    const bundle = fileUrlToPath(urls[id]!) ?? urls[id]!;
    await mapLimited(mine, async (sourceId) => {
      const source = sources[sourceId]!;
      // webpack://… and turbopack://… name no file: the first of the files they may be that exists.
      const candidates = isAbsolutePath(bundle) ? bundlerSourceCandidates(source, bundle) : undefined;
      for (const candidate of candidates ?? [source]) {
        const check = await budget.race(() => cached(cache.sources, candidate, () => files.exists(candidate)));
        checks[sourceId] = check;
        if (check !== false) {
          if (candidate !== source) located[sourceId] = candidate;
          return;
        }
      }
    });
  });
  const maps: (LoadedMap | undefined)[] = scripts.map((s) => (s === TIMED_OUT ? undefined : s.loaded));
  const editorLinesOfScript: (EditorLines | undefined)[] = scripts.map((s) => (s === TIMED_OUT ? undefined : s.editorLines));
  const transpiled: string[] = [];
  const separated: string[] = [];
  scripts.forEach((s, id) => {
    if (s === TIMED_OUT) return;
    if (s.editorLines) separated.push(urls[id]!);
    notes.push(...s.notes);
    for (const [location, reason] of s.skipped) skipped.set(location, reason);
    if (s.transpiledInMemory) transpiled.push(urls[id]!);
  });
  // First, so that the summary of many script notes never hides it.
  const transpiledNote = describeTranspiled(transpiled);
  if (transpiledNote) notes.unshift(transpiledNote);
  if (separated.length > 0) notes.push(describeSeparated(separated));
  checks.forEach((c, id) => {
    if (isSkipped(c)) skipped.set(located[id] ?? sources[id]!, c.skipped);
  });

  // Frame f of the output is the mapped version of frame f of the input.
  const origins: (Original | undefined)[] = new Array<Original | undefined>(frameCount);
  const unmapped = new Map<number, number>();
  const missing = new Map<string, { url: string; source: string; count: number }>();
  let anyOriginal = false;
  let anyRenumbered = false;
  const mappedFrames: Frame[] = p.frames.map((frame, f) => {
    const position = positions[f];
    const check = position ? checks[sourceOf[f]!] : undefined;
    if (position && check === true) {
      origins[f] = position;
      anyOriginal = true;
      return makeFrame(position.name ?? frame.functionName, located[sourceOf[f]!] ?? position.source, position.line, position.column);
    }
    const s = scriptOf[f]!;
    const editor = s >= 0 ? editorLinesOfScript[s] : undefined;
    if (editor && frame.line > 0) {
      const line = editorLine(editor, frame.line);
      const column = editorColumn(editor, frame.line, frame.column);
      if (line === frame.line && column === frame.column) return frame;
      anyRenumbered = true;
      return makeFrame(frame.functionName, frame.url, line, column);
    }
    if (late[f] || check === TIMED_OUT) {
      lateFrames++;
    } else if (position && check === false) {
      const key = `${frame.url}\u0000${position.source}`;
      const row = missing.get(key) ?? { url: frame.url, source: position.source, count: 0 };
      row.count++;
      if (row.count === 1 && missing.size < MAX_SCRIPT_NOTES * 10) missing.set(key, row);
    } else if (!position && s >= 0 && maps[s] && frame.line > 0 && !(frame.line === 1 && frame.column <= 1)) {
      unmapped.set(s, (unmapped.get(s) ?? 0) + 1);
    }
    return frame;
  });
  const frames = (n: number) => `${n} frame${n === 1 ? '' : 's'}`;
  for (const [s, count] of unmapped) {
    notes.push(`${frames(count)} of ${displayPath(urls[s]!)} kept the generated location (outside its source map)`);
  }
  for (const { url, source, count } of missing.values()) {
    notes.push(`${frames(count)} of ${displayPath(url)} kept the generated location (original source ${displayPath(source)} not found)`);
  }
  const skippedNote = describeSkipped(skipped);
  if (skippedNote) notes.push(skippedNote);
  if (lateFrames > 0) {
    notes.push(`source mapping stopped after ${budget.ms / 1000} s (its time limit): ${frames(lateFrames)} kept the generated location`);
  }
  // Nothing moved (scripts from another machine, or no maps): the tree is unchanged, so skip the
  // rebuild — on big profiles it cost seconds only to attach notes. Arrays are shared, never mutated.
  if (!anyOriginal && !anyRenumbered) {
    // Mapped (or not) once: the result carries no maps, so mapping it again changes nothing.
    const { embeddedSourceMaps: _applied, ...rest } = p;
    return notes.length === 0 && !p.embeddedSourceMaps ? p : { ...rest, notes: [...p.notes, ...summariseNotes(notes)] };
  }

  const frameOut = canonicalFrames(mappedFrames, origins, sourceIds, checks);
  // Functions with line ticks whose original line is not known, per script.
  const unknownLines = new Map<number, Set<number>>();
  const lineOf = (f: number, line: number): number => {
    const original = origins[f];
    const loaded = original ? maps[scriptOf[f]!] : undefined;
    if (!loaded || !original) {
      const editor = scriptOf[f]! >= 0 ? editorLinesOfScript[scriptOf[f]!] : undefined;
      return editor ? editorLine(editor, line) : line;
    }
    return mapLine(loaded, p.frames[f]!, original, line, () => {
      const s = scriptOf[f]!;
      if (!unknownLines.has(s)) unknownLines.set(s, new Set());
      unknownLines.get(s)!.add(f);
    });
  };
  const mapped = rebuild(p, mappedFrames, frameOut, lineOf, [...p.notes, ...summariseNotes(notes)]);
  if (unknownLines.size === 0) return mapped;
  const lineNotes = [...unknownLines].map(
    ([s, fs]) =>
      `${fs.size} function${fs.size === 1 ? '' : 's'} of ${displayPath(urls[s]!)} ran on a generated line that holds several of ${fs.size === 1 ? 'its' : 'their'} source lines (minified, or transpiled onto one line as tsx does): which line is not known, so that time is shown on the function's first line`,
  );
  return { ...mapped, notes: [...mapped.notes, ...summariseNotes(lineNotes)] };
}

/**
 * Index of each frame's first equal frame (same name, url, line, column): frames that mapped to
 * the same original location share one index, so their nodes merge. Only mapped frames, and
 * frames already in one of the original sources, can have become equal.
 */
function canonicalFrames(
  frames: readonly Frame[],
  origins: readonly (Original | undefined)[],
  sourceIds: ReadonlyMap<string, number>,
  checks: readonly (boolean | SkippedFile | TimedOut | undefined)[],
): Int32Array {
  const out = new Int32Array(frames.length);
  const byKey = new Map<string, number>();
  for (let f = 0; f < frames.length; f++) {
    out[f] = f;
    const frame = frames[f]!;
    const source = sourceIds.get(frame.url);
    if (origins[f] === undefined && (source === undefined || checks[source] !== true)) continue;
    const key = frameKey(frame);
    const first = byKey.get(key);
    if (first !== undefined) out[f] = first;
    else if (byKey.size < MAX_FRAME_KEYS) byKey.set(key, f);
  }
  return out;
}

/**
 * `p` with frame f of every node replaced by `frameOut[f]` (an index into `frames`) and line
 * entries through `lineOf`, merging siblings that now share a frame. No per-node Map: output
 * nodes are made breadth-first, one parent at a time, and a sibling with the same frame is found
 * through per-frame stamps (the output parent a frame was last used under, and the node it made).
 */
function rebuild(
  p: Profile,
  frames: Frame[],
  frameOut: Int32Array,
  lineOf: (frame: number, line: number) => number,
  notes: string[],
): Profile {
  const n = p.nodeCount;
  const { childStart, childNodes, nodeFrame } = p;
  // The input nodes of output node o: first[o], next[first[o]], … (−1 ends), in input order.
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  const next = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n);
  const outFrame = new Int32Array(n);
  const usedUnder = new Int32Array(frames.length).fill(-1);
  const madeAt = new Int32Array(frames.length);
  first[0] = 0;
  parent[0] = -1;
  outFrame[0] = frameOut[nodeFrame[0]!]!;
  let m = 1;
  for (let o = 0; o < m; o++) {
    for (let i = first[o]!; i >= 0; i = next[i]!) {
      for (let k = childStart[i]!; k < childStart[i + 1]!; k++) {
        const c = childNodes[k]!;
        const f = frameOut[nodeFrame[c]!]!;
        if (usedUnder[f] === o) {
          const target = madeAt[f]!;
          next[last[target]!] = c;
          last[target] = c;
        } else {
          const target = m++;
          usedUnder[f] = o;
          madeAt[f] = target;
          parent[target] = o;
          outFrame[target] = f;
          first[target] = c;
          last[target] = c;
        }
      }
    }
  }

  const selfValue = new Float64Array(m);
  const selfSamples = new Float64Array(m);
  const baseSelf = p.baseSelfValue ? new Float64Array(m) : undefined;
  const entries = p.lineStart[n]!;
  const tickStart = new Int32Array(m + 1);
  const tickLine = new Int32Array(entries);
  const tickCount = new Float64Array(entries);
  const outOf = p.sampleNodes ? new Int32Array(n) : undefined;
  let t = 0;
  for (let o = 0; o < m; o++) {
    tickStart[o] = t;
    for (let i = first[o]!; i >= 0; i = next[i]!) {
      if (outOf) outOf[i] = o;
      selfValue[o]! += p.selfValue[i]!;
      selfSamples[o]! += p.selfSamples[i]!;
      if (baseSelf) baseSelf[o]! += p.baseSelfValue![i]!;
      const f = nodeFrame[i]!;
      for (let k = p.lineStart[i]!; k < p.lineStart[i + 1]!; k++) {
        tickLine[t] = lineOf(f, p.lineNumber[k]!);
        tickCount[t] = p.lineValue[k]!;
        t++;
      }
    }
  }
  tickStart[m] = t;

  const outParent = m === n ? parent : parent.slice(0, m);
  return assembleProfile({
    kind: p.kind,
    unit: p.unit,
    format: p.format,
    frames,
    parent: outParent,
    nodeFrame: m === n ? outFrame : outFrame.slice(0, m),
    selfValue,
    selfSamples,
    tickStart,
    tickLine,
    tickCount,
    startTime: p.startTime,
    endTime: p.endTime,
    sampleCount: p.sampleCount,
    ...(p.uncountedSamples ? { uncountedSamples: p.uncountedSamples } : {}),
    notes,
    ...(baseSelf ? { baseSelfValue: baseSelf } : {}),
    ...(outOf ? renumberSamples(p, outOf) : {}),
  });
}

/**
 * A script that can have a map: a path or a URL. Node's names for code that is no file —
 * `[eval]`, `[eval]-wrapper`, `[stdin]`, `[worker eval]`, vm's `evalmachine.<anonymous>` — are
 * neither, and would only add a "could not be read" note.
 */
function isScriptUrl(f: Frame): boolean {
  return (f.category === 'user' || f.category === 'node_modules') && (isAbsolutePath(f.url) || hasScheme.test(f.url));
}

/**
 * The original line of a line-table entry (generated line `line` of frame `f`). Position ticks
 * carry no column. On the frame's own start line, the code from the frame's column on may span
 * several original lines (minified output; tsx emits a whole module on one line): which of them
 * ran is not known, so the tick stays on the function's own line and `onUnknown` is told (the
 * profile says so in a note — alone, the declaration looked like the hot line). Elsewhere the first
 * mapping on that generated line; lines that land in another original file, or have no mapping, go
 * to the frame's original start line, since the node's line table can only hold lines of its own file.
 */
function mapLine(loaded: LoadedMap, f: Frame, frameOrigin: Original, line: number, onUnknown: () => void): number {
  if (line < 1 || line > loaded.lineCache.length) return frameOrigin.line;
  let info = loaded.lineCache[line - 1];
  if (info === undefined) {
    info = generatedLine(loaded.map, line);
    loaded.lineCache[line - 1] = info;
  }
  if (info === null) return frameOrigin.line;
  if (line !== f.line) {
    const first = info.origins[0]!;
    return first.source === frameOrigin.source ? first.line : frameOrigin.line;
  }
  // The last segment at or before the frame's column (0-based): where its code starts.
  const column = Math.max(0, f.column - 1);
  let lo = 0;
  let hi = info.columns.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (info.columns[mid]! <= column) lo = mid + 1;
    else hi = mid;
  }
  if (info.single[Math.max(0, lo - 1)] !== 1) onUnknown();
  return frameOrigin.line;
}

function generatedLine(map: TraceMap, line: number): GeneratedLine | null {
  const segments = decodedMappings(map)[line - 1];
  if (!segments) return null;
  const columns: number[] = [];
  const origins: Original[] = [];
  for (const seg of segments) {
    if (seg.length !== 4 && seg.length !== 5) continue;
    const source = map.resolvedSources[seg[1]];
    if (source === undefined || seg[2] < 0) continue;
    columns.push(seg[0]);
    origins.push({ source: sourcePath(source), line: seg[2] + 1, column: seg[3] + 1 });
  }
  if (origins.length === 0) return null;
  const single = new Uint8Array(origins.length);
  single[origins.length - 1] = 1;
  for (let i = origins.length - 2; i >= 0; i--) {
    single[i] = single[i + 1] === 1 && origins[i]!.line === origins[i + 1]!.line && origins[i]!.source === origins[i + 1]!.source ? 1 : 0;
  }
  return { columns: Int32Array.from(columns), origins, single };
}

/** Maps a function's 1-based line and 1-based column (0 = unknown) to the original position. */
function mapPosition(map: TraceMap, line: number, column: number, functionName: string): Original | undefined {
  // trace-mapping: 1-based lines, 0-based columns.
  const needle = { line, column: Math.max(0, column - 1) };
  if (line === 1 && column <= 1) {
    // The script's top-level code, which V8 reports as a function at 1:1. It stands for the
    // whole original module when the map has one source; a bundle's top level belongs to no
    // single source, so it keeps the bundle's location.
    const sources = new Set(map.resolvedSources);
    return sources.size === 1 ? { source: sourcePath(map.resolvedSources[0]!), line: 1, column: 1 } : undefined;
  }
  // Only a segment at or before the position: code before a line's first mapping (a bundler's
  // helper) belongs to no source — the next segment's would charge it to whatever comes after.
  const pos = originalPositionFor(map, { ...needle, bias: GREATEST_LOWER_BOUND });
  // No source: none mapped, or (a corrupt map) a source index past `sources`, which gives undefined;
  // a line before the first (a corrupt map) is no position either.
  if (typeof pos.source !== 'string' || !(pos.line >= 1)) return undefined;
  const own = functionNameAt(map, line, needle.column, functionName);
  const name = own === undefined ? pos.name : own;
  return {
    source: sourcePath(pos.source),
    line: pos.line,
    column: pos.column + 1,
    ...(name ? { name } : {}),
  };
}

/**
 * The map's name for a function V8 places at generated `line` (1-based) and `column` (0-based), when a
 * segment starts exactly there; undefined to take the name of the segment at or before it. V8 places
 * a function at its parameters: for `function m(n)` that is the `(`, after the name `m`; but a minified
 * arrow function `u=n=>…` starts at its parameter `n`, whose segment names the parameter ("items"),
 * not the function. So a segment at the very start gives no name, and the function's own is the one
 * just before it — V8's name of it (`u`, from the variable) followed by at most ` = ` — when V8 gave
 * it a name at all (`xs.map(n=>…)` is anonymous). A segment that starts its line keeps its name.
 */
function functionNameAt(map: TraceMap, line: number, column: number, functionName: string): string | null | undefined {
  const segments = decodedMappings(map)[line - 1];
  if (!segments) return undefined;
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]![0] < column) lo = mid + 1;
    else hi = mid;
  }
  // Nothing before it on the line: the map's name at the start is all there is.
  if (segments[lo]?.[0] !== column || lo === 0) return undefined;
  const before = segments[lo - 1]!;
  const gap = column - before[0] - functionName.length;
  if (functionName === '(anonymous)' || before.length !== 5 || gap < 0 || gap > 3) return null;
  return map.names[before[4]] ?? null;
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
      out[i] = await fn(items[i] as T); // i < items.length
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

async function loadMap(url: string, files: StepFiles): Promise<ScriptMap> {
  const notes: string[] = [];
  const skipped: [string, string][] = [];
  const read = async (location: string): Promise<string | undefined> => {
    const r = await files.read(location);
    if (!isSkipped(r)) return r;
    skipped.push([location, r.skipped]);
    return undefined;
  };
  let script: string | undefined;
  const loaded = await loadMapInto(url, read, notes, () => skipped.length > 0, (text) => (script = text));
  const transpiledInMemory = !loaded && notes.length === 0 && skipped.length === 0 && typeScriptUrl.test(url);
  // With a map, its generated lines are what the bundler counted; without one, the editor's are wanted.
  const editorLines = loaded || script === undefined ? undefined : editorLinesOf(script);
  return { loaded, notes, skipped, ...(transpiledInMemory ? { transpiledInMemory } : {}), ...(editorLines ? { editorLines } : {}) };
}

async function loadMapInto(
  url: string,
  read: (location: string) => Promise<string | undefined>,
  notes: string[],
  wasSkipped: () => boolean,
  onScript: (text: string | undefined) => void,
): Promise<LoadedMap | undefined> {
  const scriptLocation = toLocation(url);
  const script = await read(scriptLocation);
  onScript(script);
  const ref = script === undefined ? undefined : findSourceMappingUrl(script);
  const shown = displayPath(url);
  let text: string | undefined;
  let mapLocation: string;
  if (ref === undefined) {
    // No comment (or an unreadable script): a map beside the script still counts.
    mapLocation = `${scriptLocation}.map`;
    text = await read(mapLocation);
    if (text === undefined) {
      // A refused script is in the "skipped" note already.
      if (script === undefined && !wasSkipped()) notes.push(`no source map for ${shown} (the script could not be read)`);
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
    text = await read(mapLocation);
    if (text === undefined && /[#?]/.test(ref)) {
      // tsc writes a file name as it is ("a#b.js.map"): read as a URL, `#` and `?` began a fragment or query.
      const literal = resolveLocation(ref.replace(/#/g, '%23').replace(/\?/g, '%3F'), scriptLocation);
      text = await read(literal);
      if (text !== undefined) mapLocation = literal;
    }
    if (text === undefined) {
      if (!wasSkipped()) notes.push(`no source map for ${shown} (//# sourceMappingURL=${shorten(ref)} not found)`);
      return undefined;
    }
  }
  const where = ref?.startsWith('data:') ? 'inline map' : displayPath(mapLocation);
  let json: unknown;
  try {
    // A byte-order mark, or the `)]}'` line the source-map spec allows against XSSI, before the JSON.
    json = JSON.parse(text.replace(/^\uFEFF/, '').replace(/^\)\]\}'[^\n]*\n/, ''));
  } catch {
    notes.push(`broken source map for ${shown} (${where}: invalid JSON)`);
    return undefined;
  }
  return traceMapOf(json, mapLocation, shown, where, notes);
}

/** A map the profile carries for `url` (see embedded-maps.ts), as a loaded script map. */
function embeddedMap(url: string, json: object): ScriptMap {
  const notes: string[] = [];
  const loaded = traceMapOf(json, toLocation(url), displayPath(url), 'the map recorded with the profile', notes);
  return { loaded, notes, skipped: [] };
}

function traceMapOf(json: unknown, mapLocation: string, shown: string, where: string, notes: string[]): LoadedMap | undefined {
  const wrong = notASourceMap(json);
  if (wrong) {
    notes.push(`broken source map for ${shown} (${where}: ${wrong})`);
    return undefined;
  }
  try {
    // FlattenMap: plain maps as TraceMap does, and index maps (`sections`) flattened into one.
    const map = new FlattenMap(withWindowsPathsAsUrls(json) as ConstructorParameters<typeof FlattenMap>[0], toMapUrl(mapLocation));
    const lines = decodedMappings(map).length; // decode now so a corrupt mappings string is reported here
    return { map, lineCache: new Array<GeneratedLine | null | undefined>(lines) };
  } catch (error) {
    notes.push(`broken source map for ${shown} (${where}: ${shorten(error instanceof Error ? error.message : String(error))})`);
    return undefined;
  }
}

/**
 * Why `json` cannot be a source map, in the user's terms; undefined when its shape is right. Checked
 * first: the library's own errors name its internals ("Cannot read properties of undefined"), and
 * mappings of characters outside base64 decode without complaint into positions that are not there.
 */
function notASourceMap(json: unknown, depth = 0): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return `not a source map: it holds ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}, not an object with version, sources and mappings`;
  const m = json as { sections?: unknown; mappings?: unknown; sources?: unknown };
  if (m.sections !== undefined) {
    if (!Array.isArray(m.sections) || depth > 0) return 'its "sections" is not a list of maps';
    for (const section of m.sections) {
      const inner = typeof section === 'object' && section !== null ? (section as { map?: unknown }).map : undefined;
      const why = notASourceMap(inner, depth + 1);
      if (why) return `a section ${why.replace(/^not a source map: /, 'is no map: ')}`;
    }
    return undefined;
  }
  if (typeof m.mappings !== 'string') return 'not a source map: it has no "mappings" string';
  if (!Array.isArray(m.sources)) return 'not a source map: it has no "sources" list';
  const bad = /[^A-Za-z0-9+/,;]/.exec(m.mappings);
  if (bad) return `its "mappings" hold ${JSON.stringify(bad[0])} at character ${bad.index + 1}, which is not base64 VLQ: the map is corrupt`;
  if (m.sources.length === 0 && /[A-Za-z0-9+/]/.test(m.mappings)) return 'its "sources" list is empty, so its mappings point nowhere';
  return undefined;
}

/**
 * The map with absolute Windows paths in `sources` and `sourceRoot` ("C:\\src\\a.ts", as webpack's
 * [absolute-resource-path] writes them) as file:// URLs: resolved as URLs they would be relative paths
 * under the map's folder ("C:/out/C:/src/a.ts"). Other maps come back as they are; the input is not changed.
 */
function withWindowsPathsAsUrls(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const { sources, sourceRoot, sections } = json as { sources?: unknown; sourceRoot?: unknown; sections?: unknown };
  if (Array.isArray(sections)) {
    // An index map: the same in each section's map.
    const section = (s: unknown) => (typeof s === 'object' && s !== null ? { ...s, map: withWindowsPathsAsUrls((s as { map?: unknown }).map) } : s);
    return { ...json, sections: sections.map(section) };
  }
  const isWindowsPath = (s: unknown): s is string => typeof s === 'string' && windowsDrivePath.test(s);
  const rootIsPath = isWindowsPath(sourceRoot);
  if (!rootIsPath && !(Array.isArray(sources) && sources.some(isWindowsPath))) return json;
  return {
    ...json,
    ...(Array.isArray(sources) ? { sources: sources.map((s) => (isWindowsPath(s) ? pathToFileUrl(s) : s)) } : {}),
    ...(rootIsPath ? { sourceRoot: pathToFileUrl(sourceRoot) } : {}),
  };
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

const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** What to hand the reader for a profile url: a path for file:// URLs, else the url itself. */
function toLocation(url: string): string {
  return fileUrlToPath(url) ?? url;
}

/** A location as a URL (for resolving relative references against it). */
function toMapUrl(location: string): string {
  return isAbsolutePath(location) ? pathToFileUrl(location) : location;
}

/** Resolves `ref` (relative or absolute) against the script's location; paths stay paths. */
function resolveLocation(ref: string, scriptLocation: string): string {
  if (isAbsolutePath(scriptLocation) && isAbsolutePath(ref)) return ref;
  try {
    return toLocation(new URL(ref, toMapUrl(scriptLocation)).href);
  } catch {
    return ref;
  }
}

/**
 * Original sources as absolute paths when they are files; other URLs (webpack://…) as they are. A `%`
 * that starts no escape is a `%` of the name: tsc writes sources as paths ("../src/50% off.ts"), and
 * `#` and `?` too.
 */
function sourcePath(source: string): string {
  // A raw `#` or `?` in a file URL is part of the name too (tsc: "../src/a#b.ts"; esbuild escapes them).
  const named = /^file:/i.test(source) ? source.replace(/#/g, '%23').replace(/\?/g, '%3F') : source;
  return fileUrlToPath(named) ?? fileUrlToPath(named.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')) ?? source;
}

/** A url or path for a note: file:// URLs as paths, and at most ~160 characters. */
function displayPath(url: string): string {
  return shorten(hasScheme.test(url) && !windowsDrivePath.test(url) ? toLocation(url) : url);
}

/** Keeps notes short when a profile holds absurdly long urls: the start and the end survive. */
function shorten(text: string): string {
  return text.length <= 160 ? text : `${text.slice(0, 60)}…${text.slice(-99)}`;
}

/** "skipped 3 source files: not a regular file (/tmp/fifo, /dev/zero), larger than 8 MB (/big.js)". */
function describeSkipped(skipped: ReadonlyMap<string, string>): string | undefined {
  if (skipped.size === 0) return undefined;
  const byReason = new Map<string, { shown: string[]; count: number }>();
  for (const [location, reason] of skipped) {
    const row = byReason.get(reason) ?? { shown: [], count: 0 };
    if (row.count === 0) byReason.set(reason, row);
    row.count++;
    if (row.shown.length < MAX_SKIPPED_SHOWN) row.shown.push(displayPath(location));
  }
  const parts = [...byReason].slice(0, 4).map(([reason, { shown, count }]) => {
    const more = count > shown.length ? `, … ${count - shown.length} more` : '';
    return `${shorten(reason)} (${shown.join(', ')}${more})`;
  });
  const n = skipped.size;
  return `skipped ${n} source file${n === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** .ts, .tsx, .mts, .cts (a loader may add a query: file:///a.ts?tsx-namespace=…). */
const typeScriptUrl = /\.[cm]?tsx?(?:[?#].*)?$/i;

/**
 * TypeScript run through a loader that transpiles in memory (tsx, ts-node) keeps its source map in
 * memory too: the profile's lines and columns are then the transpiled JavaScript's, silently off.
 * (Node's own type stripping keeps positions, so this says "if".)
 */
function describeTranspiled(urls: readonly string[]): string | undefined {
  if (urls.length === 0) return undefined;
  const shown = urls.slice(0, MAX_SKIPPED_SHOWN).map(displayPath).join(', ');
  const more = urls.length > MAX_SKIPPED_SHOWN ? `, … ${urls.length - MAX_SKIPPED_SHOWN} more` : '';
  const files = urls.length === 1 ? 'TypeScript file' : `${urls.length} TypeScript files`;
  return (
    `no source map for the ${files} ${shown}${more}: if a loader such as tsx or ts-node transpiled ${urls.length === 1 ? 'it' : 'them'} in memory, ` +
    'the lines and columns shown are those of the transpiled JavaScript, not of the .ts source; ' +
    'for real lines, compile with source maps (e.g. tsc --sourceMap) and profile the compiled output'
  );
}

function summariseNotes(notes: string[]): string[] {
  if (notes.length <= MAX_SCRIPT_NOTES) return notes;
  return [...notes.slice(0, MAX_SCRIPT_NOTES), `… and ${notes.length - MAX_SCRIPT_NOTES} more source-map notes`];
}

function describeSeparated(urls: readonly string[]): string {
  const shown = urls.slice(0, MAX_SKIPPED_SHOWN).map(displayPath).join(', ');
  const more = urls.length > MAX_SKIPPED_SHOWN ? `, … ${urls.length - MAX_SKIPPED_SHOWN} more` : '';
  return `${shown}${more} ${urls.length === 1 ? 'holds' : 'hold'} U+2028 or U+2029, which JavaScript counts as line breaks and editors do not: lines are shown as editors number them`;
}

// Loads profile files for the CLI (fs, gzip, source maps) and reduces them to hotspot tables:
// the data behind `report`, `record` and `--json`.
import { displayLocation as displayIn } from '../profile-location';
import { createFsSourceReader } from '../fs-source-reader';
import { cliRaiseHint, type InputBytes } from '../input-file';
import { parseFile } from '../parse/parse-file';
import { applySourceMaps } from '../model/sourcemap';
import { applyViewOptions } from '../model/view';
import { formatValue } from '../model/format';
import { sampleSpan, sliceProfile } from '../model/time-slice';
import { functionTable, lineTable } from '../model/tables';
import { ProfileError, type Frame, type Profile, type ProfileFormat, type ProfileKind, type ValueUnit } from '../model/types';
import { defaultViewOptions, type ViewOptions } from '../protocol';

/** Bad input the user can fix (missing file, not a profile): exit code 2, message only. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface LoadOptions {
  /** Map generated locations back to sources (default true). */
  sourceMaps?: boolean;
  /** Largest script or source map read for source mapping, bytes (default 8 MB). */
  maxSourceSize?: number;
  /** How the file is named in messages (default: the path as given). */
  shownAs?: string;
  /** Refuse files (after inflating gzip) larger than this many bytes (default: from the machine's memory). */
  maxSize?: number;
  /** pprof input: the sample type to read (default: see parse-pprof.ts). */
  sampleType?: string;
  /** Keep only the samples in this range, ms since the first sample (--from / --to). */
  timeRange?: { fromMs?: number; toMs?: number };
  /** The file's bytes when already read (a pipe can be read only once; see readIfPipe). */
  input?: InputBytes;
}

/** Reads (streamed), un-gzips, parses and source-maps a profile file. Throws InputError for unusable input. */
export async function loadProfileFile(file: string, options: LoadOptions = {}): Promise<Profile> {
  return (await loadProfileParts(file, options)).profile;
}

/**
 * loadProfileFile, also giving the whole profile when --from/--to cut a slice of it (`whole` is
 * `profile` otherwise): where the slice lies in the recording (see sliceTimeRange) needs both.
 */
export async function loadProfileParts(file: string, options: LoadOptions = {}): Promise<{ profile: Profile; whole: Profile }> {
  const shown = options.shownAs ?? file;
  let profile: Profile;
  try {
    // Streamed from the file (parse-file.ts): a large .cpuprofile is never in memory whole.
    profile = await parseFile(file, { shownAs: shown, raiseHint: cliRaiseHint, fileName: shown, sampleType: options.sampleType, ...(options.maxSize !== undefined ? { maxSize: options.maxSize } : {}), ...(options.input ? { input: options.input } : {}) });
  } catch (e) {
    if (e instanceof ProfileError) throw new InputError(e.message.startsWith(shown) ? e.message : `${shown}: ${e.message}`);
    throw inputErrorOf(e, shown);
  }
  if (options.sourceMaps !== false) profile = await applySourceMaps(profile, createFsSourceReader({ maxFileSize: options.maxSourceSize }));
  else if (profile.embeddedSourceMaps && profile.embeddedSourceMaps.size > 0) {
    // Shown under the .ts names they were run as, the transpiled lines would pass for lines of the .ts.
    const n = profile.embeddedSourceMaps.size;
    profile = { ...profile, notes: [...profile.notes, `${n} script${n === 1 ? ' was' : 's were'} transpiled in memory when recorded (TypeScript run by a loader such as tsx): with --no-source-maps their lines are the generated JavaScript's, not lines of the .ts files they are named after`] };
  }
  return { profile: options.timeRange ? sliceByTime(profile, options.timeRange, shown) : profile, whole: profile };
}

/** The profile restricted to --from/--to (ms since its first sample), through the same slice as the timeline's. */
function sliceByTime(p: Profile, range: { fromMs?: number; toMs?: number }, shown: string): Profile {
  const span = sampleSpan(p);
  if (!span || span.axis !== 'time') throw new InputError(`${shown}: --from/--to need a CPU profile that kept its samples (this one has no per-sample times)`);
  const from = span.start + (range.fromMs ?? 0) * 1000;
  const to = range.toMs !== undefined ? Math.min(span.end, span.start + range.toMs * 1000) : span.end;
  if (!(to > from)) {
    // Name the option that leaves nothing: --from past the end, or --to at the very start.
    const why = from >= span.end ? `--from ${formatValue((range.fromMs ?? 0) * 1000, 'us')} is past its end` : `--to ${formatValue((range.toMs ?? 0) * 1000, 'us')} leaves no time before it`;
    throw new InputError(`${shown}: the profile's samples span ${formatValue(span.end - span.start, 'us')}; ${why}`);
  }
  return sliceProfile(p, from, to);
}

/** A file-system error as a message for people; anything else is passed on. */
export function inputErrorOf(e: unknown, shown: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`${shown}: no such file`);
  if (code === 'EISDIR') return new InputError(`${shown}: is a folder, not a profile file`);
  if (typeof code === 'string') return new InputError(`${shown}: cannot read (${(e as Error).message})`);
  return e;
}

/** A location for people: relative to `cwd` when inside it, a plain path for file:// URLs. */
export function displayLocation(url: string, cwd: string): string {
  return displayIn(url, [cwd]);
}

export interface HotFunction {
  name: string;
  /** Source location as in the (source-mapped) profile: absolute path, file:// URL, node:… or ''. */
  url: string;
  /** `url` for people: relative to the working directory when inside it. */
  file: string;
  /** 1-based start line of the function, 0 when unknown. */
  line: number;
  column: number;
  category: Frame['category'];
  package?: string;
  /** µs (CPU) or bytes (heap). */
  self: number;
  selfPercent: number;
  total: number;
  totalPercent: number;
  samples: number;
}

export interface HotLine {
  url: string;
  file: string;
  line: number;
  /** The function that owns most of this line's time. */
  function: string;
  self: number;
  selfPercent: number;
}

export interface Hotspots {
  kind: ProfileKind;
  unit: ValueUnit;
  format: ProfileFormat;
  /** Whole profile: µs of recorded time (CPU) or bytes sampled (heap). Percentages are of this. */
  total: number;
  /** µs in (idle) — 0 for heap profiles. */
  idle: number;
  /** The samples the tree is made of (the functions' samples add up to it). */
  sampleCount: number;
  /** Heap: samples of the file whose node is not in the tree, in no count (Profile.uncountedSamples); absent when none. */
  uncountedSamples?: number;
  functions: HotFunction[];
  lines: HotLine[];
  notes: string[];
}

export interface HotspotOptions {
  top: number;
  cwd: string;
  view?: Partial<ViewOptions>;
}

/** Pseudo-frames that are not something to optimise: left out of the tables (GC stays: it is real cost). */
const hiddenMeta = new Set(['(root)', '(idle)', '(program)']);

export function hotspots(original: Profile, options: HotspotOptions): Hotspots {
  const p = applyViewOptions(original, { ...defaultViewOptions, ...options.view });
  const total = p.totalValue[0] ?? 0;
  const pct = (v: number) => (total > 0 ? round((v / total) * 100, 2) : 0);
  const rows = functionTable(p);
  let idle = 0;
  const functions: HotFunction[] = [];
  for (const r of rows) {
    const f = p.frames[r.frame]!; // functionTable's frame ids index this profile's frames
    if (f.category === 'meta' && f.functionName === '(idle)') idle += r.self;
    if (f.category === 'meta' && hiddenMeta.has(f.functionName)) continue;
    if (functions.length >= options.top) continue;
    functions.push({
      name: f.functionName,
      url: f.url,
      file: displayLocation(f.url, options.cwd),
      line: f.line,
      column: f.column,
      category: f.category,
      ...(f.packageName !== undefined ? { package: f.packageName } : {}),
      self: r.self,
      selfPercent: pct(r.self),
      total: r.total,
      totalPercent: pct(r.total),
      samples: r.samples,
    });
  }
  // A V8 heap profile records the allocating function, not the line: its table would only list
  // each function's first line, as if measured there.
  const lines: HotLine[] = (p.format === 'heapprofile' ? [] : lineTable(p))
    .slice(0, options.top)
    .map((r) => ({
      url: r.url,
      file: displayLocation(r.url, options.cwd),
      line: r.line,
      function: p.frames[r.frame]?.functionName ?? '',
      self: r.self,
      selfPercent: pct(r.self),
    }));
  return {
    kind: p.kind,
    unit: p.unit,
    format: p.format,
    total,
    idle,
    sampleCount: p.sampleCount,
    ...(original.uncountedSamples ? { uncountedSamples: original.uncountedSamples } : {}),
    functions,
    lines,
    notes: [...p.notes],
  };
}

export function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

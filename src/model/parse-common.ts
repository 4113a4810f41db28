// Pieces shared by the importers while scanning: raw-frame interning, node ids and their index.
// The final Profile is assembled by assemble.ts, the same code every transform finishes with.
import { categorizeUrl, frameOfClass, type FrameClass } from './frames';
import type { Frame } from './types';
import { ProfileError } from './types';
import { ByteStringTable, IntList, type JsonScanner } from './scan';

/** Marks a line or column the input did not give. */
export const NO_POSITION = -0x80000000;

/**
 * Interns call frames as (function name id, url id, raw line, raw column) while scanning; the raw
 * numbers are converted to 1-based Frames once the input's convention is known.
 */
export class RawFrameTable {
  readonly names = new ByteStringTable();
  readonly urls = new ByteStringTable();
  private fn = new IntList(1024);
  private url = new IntList(1024);
  private line = new IntList(1024);
  private col = new IntList(1024);
  private slots = new Int32Array(4096).fill(-1);

  get count(): number {
    return this.fn.length;
  }

  intern(fnId: number, urlId: number, line: number, col: number): number {
    let h = Math.imul(fnId ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ urlId, 0xc2b2ae35);
    h = Math.imul(h ^ line, 0x27d4eb2f);
    h = Math.imul(h ^ col, 0x165667b1);
    h ^= h >>> 15;
    const mask = this.slots.length - 1;
    let slot = h & mask;
    const fn = this.fn.data;
    const url = this.url.data;
    const ln = this.line.data;
    const cl = this.col.data;
    for (;;) {
      const f = this.slots[slot]!;
      if (f < 0) break;
      if (fn[f] === fnId && url[f] === urlId && ln[f] === line && cl[f] === col) return f;
      slot = (slot + 1) & mask;
    }
    const id = this.fn.length;
    this.fn.push(fnId);
    this.url.push(urlId);
    this.line.push(line);
    this.col.push(col);
    this.slots[slot] = id;
    if (this.fn.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  /** Frames in intern order. `toOneBased` maps a raw line/column to 1-based (0 = unknown). */
  toFrames(toOneBased: (raw: number) => number): Frame[] {
    const frames: Frame[] = new Array<Frame>(this.fn.length);
    const names = this.names.strings;
    const urls = this.urls.strings;
    // Frames share their files: each url is categorised once ('' depends on the name, and is cheap).
    const classes: (FrameClass | undefined)[] = new Array<FrameClass | undefined>(urls.length);
    for (let i = 0; i < this.fn.length; i++) {
      const line = this.line.data[i]!;
      const col = this.col.data[i]!;
      const name = names[this.fn.data[i]!]!;
      const urlId = this.url.data[i]!;
      const url = urls[urlId]!;
      let cls = url === '' ? undefined : classes[urlId];
      if (cls === undefined) {
        cls = categorizeUrl(url, name);
        if (url !== '') classes[urlId] = cls;
      }
      frames[i] = frameOfClass(name, url, line === NO_POSITION ? 0 : toOneBased(line), col === NO_POSITION ? 0 : toOneBased(col), cls);
    }
    return frames;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let f = 0; f < this.fn.length; f++) {
      let h = Math.imul(this.fn.data[f]! ^ 0x9e3779b9, 0x85ebca6b);
      h = Math.imul(h ^ this.url.data[f]!, 0xc2b2ae35);
      h = Math.imul(h ^ this.line.data[f]!, 0x27d4eb2f);
      h = Math.imul(h ^ this.col.data[f]!, 0x165667b1);
      h ^= h >>> 15;
      let slot = h & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = f;
    }
    this.slots = slots;
  }
}

/** A usable node id: an integer from 0 to 2^31 − 1. */
export function isNodeId(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0x7fffffff;
}

/** A raw line or column as kept while reading: integers from -1 up, anything else NO_POSITION. */
export function rawPosition(v: number): number {
  return Number.isInteger(v) && v >= -1 && v <= 0x7fffffff ? v : NO_POSITION;
}

/** Reads a non-negative integer id, rejecting fractions, negatives and ids beyond 2^31. */
export function readId(sc: JsonScanner, what: string, index = 0): number {
  const at = sc.offset();
  const v = sc.readNumber(what, index);
  if (!isNodeId(v)) {
    throw new ProfileError('invalid-structure', `Not a valid profile: ${what.replace('%d', String(index))} ${String(v)} (byte ${at}) is not a usable node id (ids are integers from 0 to 2^31).`);
  }
  return v;
}

/**
 * Maps raw node ids to their position in the input: a dense table when ids are compact, else an
 * open-addressing hash of positions (no JS Map, whose size limit of 2^24 entries a large
 * profile with sparse ids would exceed).
 */
export class IdIndex {
  private readonly ids: Int32Array;
  private readonly dense: Int32Array | null;
  /** Sparse ids: slots hold positions (or -1); the key of a slot is ids[position]. */
  private readonly slots: Int32Array | null;

  constructor(ids: Int32Array, what: string) {
    this.ids = ids;
    let max = -1;
    for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
    if (max < ids.length * 4 + 1024) {
      const dense = new Int32Array(max + 1).fill(-1);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (dense[id] !== -1) duplicate(what, id);
        dense[id] = i;
      }
      this.dense = dense;
      this.slots = null;
    } else {
      let size = 1024;
      while (size < ids.length * 2) size *= 2;
      const slots = new Int32Array(size).fill(-1);
      const mask = size - 1;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        let slot = hashId(id) & mask;
        for (;;) {
          const at = slots[slot]!;
          if (at < 0) break;
          if (ids[at] === id) duplicate(what, id);
          slot = (slot + 1) & mask;
        }
        slots[slot] = i;
      }
      this.dense = null;
      this.slots = slots;
    }
  }

  /** Position of `id`, or -1. */
  get(id: number): number {
    if (this.dense !== null) return id < this.dense.length ? this.dense[id]! : -1;
    const slots = this.slots!;
    const mask = slots.length - 1;
    let slot = hashId(id) & mask;
    for (;;) {
      const at = slots[slot]!;
      if (at < 0 || this.ids[at] === id) return at;
      slot = (slot + 1) & mask;
    }
  }

  /** Positions of the first `count` ids in `src` (-1 for unknown ids), in one tight loop. */
  mapAll(src: Int32Array, count: number): Int32Array {
    const out = new Int32Array(count);
    const dense = this.dense;
    if (dense !== null) {
      const m = dense.length;
      for (let i = 0; i < count; i++) {
        const id = src[i]!;
        out[i] = id < m ? dense[id]! : -1;
      }
    } else {
      for (let i = 0; i < count; i++) out[i] = this.get(src[i]!);
    }
    return out;
  }
}

function hashId(id: number): number {
  const h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  return h ^ (h >>> 15);
}

function duplicate(what: string, id: number): never {
  throw new ProfileError('invalid-structure', `Not a valid profile: two ${what} have the id ${id}; node ids must be unique.`);
}

/**
 * The note for samples recorded before an earlier one (negative timeDeltas). V8 writes a few now
 * and then, and they cost nothing on a clock that never runs backwards; past 1 % of the samples
 * (at least 10) the deltas are corrupt, and the times shown cannot be trusted.
 */
export function outOfOrderNote(outOfOrder: number, sampleCount: number): string | undefined {
  if (outOfOrder < 10 || outOfOrder <= sampleCount / 100) return undefined;
  const pct = (outOfOrder / sampleCount) * 100;
  return `${outOfOrder} of ${sampleCount} samples (${pct < 99.95 ? pct.toFixed(1) : '100'} %) are timed before an earlier sample (negative timeDeltas): their time went to the samples around them. The profile's timing is corrupt; times here are not reliable, sample counts are.`;
}

/**
 * A CPU profile whose samples carry no time — it spans 0 µs (every timeDelta 0 and endTime at the
 * last sample, a single sample with nothing after it, or hit counts with endTime = startTime) — is
 * weighed by sample count, 1 µs per sample, so its flame graph, tables and exports show where the
 * samples are instead of nothing. Sets `selfValue` (the importer's own array) from `selfSamples`
 * and returns the note that says so; undefined, changing nothing, when the samples have time or
 * there are none. Its samples have no times either, so the importer drops their per-sample arrays.
 */
export function weighTimelessSamples(selfValue: Float64Array, selfSamples: Float64Array, sampleCount: number): string | undefined {
  if (!(sampleCount > 0)) return undefined;
  for (let i = 0; i < selfValue.length; i++) if (selfValue[i] !== 0) return undefined;
  selfValue.set(selfSamples);
  const each = sampleCount === 1 ? 'its one sample counts' : `each of its ${sampleCount} samples counts`;
  return `The profile's samples carry no time (it spans 0 µs): ${each} as 1 µs, so times here are sample counts.`;
}

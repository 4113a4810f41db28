// Pieces shared by the importers: raw-frame interning while scanning, and assembling the final
// Profile (CSR child lists, line tables, totals) from per-node arrays in parent-first order.
import { makeFrame } from './frames';
import type { Frame, Profile, ProfileFormat, ProfileKind, ValueUnit } from './types';
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
    for (let i = 0; i < this.fn.length; i++) {
      const line = this.line.data[i]!;
      const col = this.col.data[i]!;
      frames[i] = makeFrame(
        this.names.strings[this.fn.data[i]!]!,
        this.urls.strings[this.url.data[i]!]!,
        line === NO_POSITION ? 0 : toOneBased(line),
        col === NO_POSITION ? 0 : toOneBased(col),
      );
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

/** Reads a non-negative integer id, rejecting fractions, negatives and ids beyond 2^31. */
export function readId(sc: JsonScanner, what: string, index = 0): number {
  const at = sc.pos;
  const v = sc.readNumber(what, index);
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw new ProfileError('invalid-structure', `Not a valid profile: ${what.replace('%d', String(index))} ${String(v)} (byte ${at}) is not a usable node id (ids are integers from 0 to 2^31).`);
  }
  return v;
}

/** Maps raw node ids to their position in the input; a dense table when ids are compact. */
export class IdIndex {
  private readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(ids: Int32Array, what: string) {
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
      this.sparse = null;
    } else {
      const sparse = new Map<number, number>();
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (sparse.has(id)) duplicate(what, id);
        sparse.set(id, i);
      }
      this.dense = null;
      this.sparse = sparse;
    }
  }

  /** Position of `id`, or -1. */
  get(id: number): number {
    if (this.dense !== null) return id < this.dense.length ? this.dense[id]! : -1;
    return this.sparse!.get(id) ?? -1;
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
      const sparse = this.sparse!;
      for (let i = 0; i < count; i++) out[i] = sparse.get(src[i]!) ?? -1;
    }
    return out;
  }
}

function duplicate(what: string, id: number): never {
  throw new ProfileError('invalid-structure', `Not a valid profile: two ${what} have the id ${id}; node ids must be unique.`);
}

export interface TreeParts {
  kind: ProfileKind;
  unit: ValueUnit;
  format: ProfileFormat;
  frames: Frame[];
  /** Parent per node, -1 for the root (node 0); parent[i] < i. */
  parent: Int32Array;
  nodeFrame: Int32Array;
  selfValue: Float64Array;
  selfSamples: Float64Array;
  /** Per-node line ticks (1-based lines): entries of n are tickStart[n] .. tickStart[n + 1]. */
  tickStart?: Int32Array;
  tickLine?: Int32Array;
  tickCount?: Float64Array;
  startTime: number;
  endTime: number;
  sampleCount: number;
  notes: string[];
}

/** Builds child lists, line tables and totals. Takes ownership of the arrays in `parts`. */
export function assembleProfile(parts: TreeParts): Profile {
  const { parent, nodeFrame, selfValue, selfSamples, frames } = parts;
  const n = parent.length;
  const childStart = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, n);
  const childNodes = new Int32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) childNodes[fill[parent[i]!]!++] = i;

  const totalValue = Float64Array.from(selfValue);
  for (let i = n - 1; i > 0; i--) totalValue[parent[i]!]! += totalValue[i]!;

  const lines = buildLineTables(parts);
  return {
    kind: parts.kind,
    unit: parts.unit,
    format: parts.format,
    frames,
    nodeCount: n,
    nodeFrame,
    nodeParent: parent,
    childStart,
    childNodes,
    selfValue,
    totalValue,
    selfSamples,
    lineStart: lines.start,
    lineNumber: lines.line,
    lineValue: lines.value,
    startTime: parts.startTime,
    endTime: parts.endTime,
    sampleCount: parts.sampleCount,
    notes: parts.notes,
  };
}

/**
 * Splits each node's self value over its ticked lines in proportion to the ticks (V8's per-line
 * ticks can disagree slightly with the sample count, so ticks only give the proportions). A node
 * without ticks gets one entry at its frame's own line. The last entry takes the floating-point
 * rounding remainder, so each node's entries sum to its selfValue.
 */
function buildLineTables(parts: TreeParts): { start: Int32Array; line: Int32Array; value: Float64Array } {
  const { nodeFrame, selfValue, frames, tickStart, tickLine, tickCount } = parts;
  const n = selfValue.length;
  const start = new Int32Array(n + 1);
  const ticksTotal = tickStart ? tickStart[n]! : 0;
  let cap = n + ticksTotal;
  let line = new Int32Array(cap);
  let value = new Float64Array(cap);
  let k = 0;
  const tmpLine: number[] = [];
  const tmpValue: number[] = [];
  for (let i = 0; i < n; i++) {
    start[i] = k;
    const self = selfValue[i]!;
    if (self === 0) continue;
    const own = frames[nodeFrame[i]!]!.line;
    const t0 = tickStart ? tickStart[i]! : 0;
    const t1 = tickStart ? tickStart[i + 1]! : 0;
    let sumTicks = 0;
    for (let t = t0; t < t1; t++) sumTicks += tickCount![t]!;
    if (sumTicks <= 0) {
      line[k] = own;
      value[k] = self;
      k++;
      continue;
    }
    const per = self / sumTicks;
    tmpLine.length = 0;
    tmpValue.length = 0;
    for (let t = t0; t < t1; t++) {
      const c = tickCount![t]!;
      if (c > 0) {
        tmpLine.push(tickLine![t]!);
        tmpValue.push(c * per);
      }
    }
    // Sort by line and merge repeats (usually one to three entries).
    if (tmpLine.length > 1) sortPairs(tmpLine, tmpValue);
    if (k + tmpLine.length > cap) {
      cap = Math.max(cap * 2, k + tmpLine.length);
      const l2 = new Int32Array(cap);
      l2.set(line);
      line = l2;
      const v2 = new Float64Array(cap);
      v2.set(value);
      value = v2;
    }
    const first = k;
    let acc = 0;
    for (let j = 0; j < tmpLine.length; j++) {
      if (k > first && line[k - 1] === tmpLine[j]) {
        value[k - 1]! += tmpValue[j]!;
      } else {
        line[k] = tmpLine[j]!;
        value[k] = tmpValue[j]!;
        k++;
      }
    }
    for (let j = first; j < k - 1; j++) acc += value[j]!;
    value[k - 1] = self - acc;
  }
  start[n] = k;
  return { start, line: line.subarray(0, k), value: value.subarray(0, k) };
}

function sortPairs(lines: number[], values: number[]): void {
  // Insertion sort: tick lists per node are short.
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const v = values[i]!;
    let j = i - 1;
    while (j >= 0 && lines[j]! > l) {
      lines[j + 1] = lines[j]!;
      values[j + 1] = values[j]!;
      j--;
    }
    lines[j + 1] = l;
    values[j + 1] = v;
  }
}

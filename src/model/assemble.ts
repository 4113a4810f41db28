// The one place a Profile is finished: the importers (parse-cpuprofile, parse-heapprofile), the
// inverted tree (bottom-up) and every transform (through ProfileBuilder.finish) hand their
// per-node arrays here. It builds the CSR child lists, the totals (and a diff's baseline totals)
// and the per-line tables, then checks the value invariants of types.ts, so no profile reaches a
// view or a report with NaN, ±Infinity or negative values, or line tables that do not add up.
import type { Frame, Profile, ProfileFormat, ProfileKind, ValueUnit } from './types';
import { ProfileError } from './types';

/**
 * Largest value (µs or bytes) accepted for one time stamp, interval or node: 2^53 µs is 285
 * years and 2^53 bytes 8 PiB, and above it a double no longer holds every integer.
 */
export const MAX_VALUE = 2 ** 53;

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
  /**
   * Per-node line weights (1-based lines): entries of n are tickStart[n] .. tickStart[n + 1].
   * Only their proportions count (V8's ticks, or the values a transform carried over).
   */
  tickStart?: Int32Array;
  tickLine?: Int32Array;
  tickCount?: Float64Array;
  /** Diff profiles: the baseline's self value per node. */
  baseSelfValue?: Float64Array;
  startTime: number;
  endTime: number;
  sampleCount: number;
  /** Heap: samples of the file not in the tree (Profile.uncountedSamples); omitted or 0 when none. */
  uncountedSamples?: number;
  notes: string[];
  /** Per-sample data (see Profile.sampleNodes): node indexes of this tree, all three the same length. */
  sampleNodes?: Int32Array;
  sampleTimes?: Float64Array;
  sampleValues?: Float64Array;
}

/** Builds child lists, line tables and totals, and checks the values. Takes ownership of the arrays in `parts`. */
export function assembleProfile(parts: TreeParts): Profile {
  const { parent, nodeFrame, selfValue, selfSamples, frames } = parts;
  const n = parent.length;
  const childStart = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  // Filled in place (no cursor copy): childStart[p] runs to the end of p's children, which is
  // where p + 1's start; shifting the array one slot right restores the starts.
  const childNodes = new Int32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) childNodes[childStart[parent[i]!]!++] = i;
  childStart.copyWithin(1, 0, n);
  childStart[0] = 0;

  const totalValue = totalsOf(selfValue, parent);
  const base = parts.baseSelfValue;
  const baseTotalValue = base ? totalsOf(base, parent) : undefined;

  const lines = buildLineTables(parts);
  const profile: Profile = {
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
    ...(parts.uncountedSamples ? { uncountedSamples: parts.uncountedSamples } : {}),
    notes: parts.notes,
    ...(base && baseTotalValue ? { baseSelfValue: base, baseTotalValue } : {}),
    ...samplesOf(parts, n),
  };
  checkValues(profile);
  return profile;
}

/** The per-sample arrays, when they are there and consistent (else the profile simply has none). */
function samplesOf(parts: TreeParts, n: number): Pick<Profile, 'sampleNodes' | 'sampleTimes' | 'sampleValues'> {
  const { sampleNodes, sampleTimes, sampleValues } = parts;
  if (!sampleNodes || !sampleTimes || sampleNodes.length !== sampleTimes.length) return {};
  if (sampleValues && sampleValues.length !== sampleNodes.length) return {};
  for (let i = 0; i < sampleNodes.length; i++) {
    const k = sampleNodes[i]!;
    if (!(k >= 0 && k < n)) return {};
  }
  return { sampleNodes, sampleTimes, ...(sampleValues ? { sampleValues } : {}) };
}

/** Self plus descendants, one reverse pass (parents precede children). */
function totalsOf(self: Float64Array, parent: Int32Array): Float64Array {
  const total = Float64Array.from(self);
  for (let i = total.length - 1; i > 0; i--) total[parent[i]!]! += total[i]!;
  return total;
}

/**
 * The value invariants: every self value (and sample count, and baseline) finite and ≥ 0, the
 * self values adding up to the root's total, times and counts finite. Inputs are validated
 * field by field before they get here (with messages naming the field); this is the net under
 * them, so a value nobody thought of still becomes a typed error rather than "NaN%" in a report.
 */
function checkValues(p: Profile): void {
  const what = p.unit === 'us' ? 'time' : 'size';
  // The self values are checked and summed in one pass: a large import runs this while the code
  // is still cold, where every double read from a Float64Array is a short-lived heap number.
  const self = p.selfValue;
  let sum = 0;
  for (let i = 0; i < self.length; i++) {
    const v = self[i]!;
    if (!(v >= 0 && v <= Number.MAX_VALUE)) notNonNegative(i, v, `self ${what}`);
    sum += v;
  }
  checkNonNegative(p.selfSamples, 'sample count');
  if (p.baseSelfValue) checkNonNegative(p.baseSelfValue, `baseline self ${what}`);
  const total = p.totalValue[0] ?? 0;
  if (!Number.isFinite(total) || Math.abs(total - sum) > 1e-6 * Math.max(1, sum)) {
    throw new ProfileError('invalid-value', `Not a usable profile: the self ${what}s add up to ${sum}, not to the total ${total}.`);
  }
  if (!Number.isFinite(p.startTime) || !Number.isFinite(p.endTime)) {
    throw new ProfileError('invalid-value', `Not a usable profile: start ${p.startTime} / end ${p.endTime} is not a finite time.`);
  }
  if (!(p.sampleCount >= 0 && Number.isFinite(p.sampleCount))) {
    throw new ProfileError('invalid-value', `Not a usable profile: the sample count ${p.sampleCount} is not a count.`);
  }
}

function checkNonNegative(values: Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // Written so NaN fails too.
    if (!(v >= 0 && v <= Number.MAX_VALUE)) notNonNegative(i, v, what);
  }
}

function notNonNegative(node: number, v: number, what: string): never {
  throw new ProfileError('invalid-value', `Not a usable profile: node ${node} has a ${what} of ${v}; values must be finite and not negative.`);
}

/**
 * Splits each node's self value over its lines in proportion to the weights (V8's per-line
 * ticks can disagree slightly with the sample count, so ticks only give the proportions). A node
 * without weights gets one entry at its frame's own line. The last entry takes the floating-point
 * rounding remainder, so each node's entries sum to its selfValue.
 */
function buildLineTables(parts: TreeParts): { start: Int32Array; line: Int32Array; value: Float64Array } {
  const { nodeFrame, selfValue, frames, tickStart, tickLine, tickCount } = parts;
  const n = selfValue.length;
  const start = new Int32Array(n + 1);
  // A node with self value gets at most max(1, its positive weights) entries; the others none.
  // Counted first, so the tables are allocated once at (nearly) their final size: most nodes of a
  // large profile have no self value, and room for every node and tick was most of the table.
  let bound = 0;
  for (let i = 0; i < n; i++) {
    if (selfValue[i] === 0) continue;
    let weights = 0;
    if (tickStart) for (let t = tickStart[i]!; t < tickStart[i + 1]!; t++) if (tickCount![t]! > 0) weights++;
    bound += weights > 1 ? weights : 1;
  }
  const line = new Int32Array(bound);
  const value = new Float64Array(bound);
  let k = 0;
  // One node's weights before sorting, in typed scratch grown to the longest list: JS arrays here
  // (a new backing store per node, boxed doubles) were the import's largest source of garbage.
  let tmpLine = new Int32Array(16);
  let tmpValue = new Float64Array(16);
  for (let i = 0; i < n; i++) {
    start[i] = k;
    const self = selfValue[i]!;
    if (self === 0) continue;
    const own = frames[nodeFrame[i]!]!.line;
    const t0 = tickStart ? tickStart[i]! : 0;
    const t1 = tickStart ? tickStart[i + 1]! : 0;
    let sumTicks = 0;
    for (let t = t0; t < t1; t++) {
      const c = tickCount![t]!;
      if (c > 0) sumTicks += c;
    }
    if (!(sumTicks > 0 && sumTicks < Infinity)) {
      line[k] = own;
      value[k] = self;
      k++;
      continue;
    }
    const per = self / sumTicks;
    if (t1 - t0 > tmpLine.length) {
      tmpLine = new Int32Array(t1 - t0);
      tmpValue = new Float64Array(t1 - t0);
    }
    let m = 0;
    for (let t = t0; t < t1; t++) {
      const c = tickCount![t]!;
      if (c > 0) {
        tmpLine[m] = tickLine![t]!;
        tmpValue[m] = c * per;
        m++;
      }
    }
    // Sort by line and merge repeats (usually one to three entries).
    if (m > 1) sortPairs(tmpLine, tmpValue, m);
    const first = k;
    for (let j = 0; j < m; j++) {
      if (k > first && line[k - 1] === tmpLine[j]) {
        value[k - 1]! += tmpValue[j]!;
      } else {
        line[k] = tmpLine[j]!;
        value[k] = tmpValue[j]!;
        k++;
      }
    }
    let acc = 0;
    for (let j = first; j < k - 1; j++) acc += value[j]!;
    // Rounding can leave the last entry a hair below zero; its share is then nothing.
    value[k - 1] = Math.max(0, self - acc);
  }
  start[n] = k;
  return { start, line: line.subarray(0, k), value: value.subarray(0, k) };
}

/** Sorts the first `m` (line, value) pairs by line, stably (equal lines keep their order). */
function sortPairs(lines: Int32Array, values: Float64Array, m: number): void {
  if (m > 16) {
    // Folded nodes (merged recursion, hidden frames) can collect thousands of entries.
    const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => lines[a]! - lines[b]!);
    const l = order.map((i) => lines[i]!);
    const v = order.map((i) => values[i]!);
    for (let i = 0; i < m; i++) {
      lines[i] = l[i]!;
      values[i] = v[i]!;
    }
    return;
  }
  // Insertion sort: tick lists per node are short.
  for (let i = 1; i < m; i++) {
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

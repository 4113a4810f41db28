// Per-function and per-source-line tables over a profile.
import type { FunctionRow, LineRow, Profile } from './types';
import { IntList } from './scan';

/**
 * Self and total per frame, sorted by self (then total) descending. Total counts a recursive
 * function once: a node adds its total only when no ancestor has the same frame.
 */
export function functionTable(profile: Profile): FunctionRow[] {
  const { nodeCount: n, nodeFrame, selfValue, totalValue, selfSamples, childStart, childNodes } = profile;
  const frameCount = profile.frames.length;
  const self = new Float64Array(frameCount);
  const total = new Float64Array(frameCount);
  const samples = new Float64Array(frameCount);
  const seen = new Uint8Array(frameCount);
  for (let i = 0; i < n; i++) {
    const f = nodeFrame[i]!;
    self[f]! += selfValue[i]!;
    samples[f]! += selfSamples[i]!;
    seen[f] = 1;
  }
  // Depth-first walk keeping how many activations of each frame are on the current stack.
  const active = new Int32Array(frameCount);
  const stack = new Int32Array(2 * n + 2);
  let sp = 0;
  if (n > 0) stack[sp++] = 0;
  while (sp > 0) {
    const v = stack[--sp]!;
    if (v < 0) {
      active[nodeFrame[~v]!]!--;
      continue;
    }
    const f = nodeFrame[v]!;
    if (active[f] === 0) total[f]! += totalValue[v]!;
    active[f]!++;
    stack[sp++] = ~v;
    for (let c = childStart[v + 1]! - 1; c >= childStart[v]!; c--) stack[sp++] = childNodes[c]!;
  }
  const rows: FunctionRow[] = [];
  for (let f = 0; f < frameCount; f++) {
    if (seen[f] === 1) rows.push({ frame: f, self: self[f]!, total: total[f]!, samples: samples[f]! });
  }
  rows.sort((a, b) => b.self - a.self || b.total - a.total || a.frame - b.frame);
  return rows;
}

/**
 * Self value per (url, 1-based line) summed over all nodes' line tables, sorted descending.
 * Lines without a url or a line number (native code, V8 pseudo-frames) are left out.
 */
export function lineTable(profile: Profile): LineRow[] {
  const { nodeCount: n, nodeFrame, frames, lineStart, lineNumber, lineValue } = profile;
  // Url ids per frame, so rows are keyed by numbers rather than strings.
  const urlIds = new Map<string, number>();
  const urls: string[] = [];
  const frameUrl = new Int32Array(frames.length);
  for (let f = 0; f < frames.length; f++) {
    const url = frames[f]!.url;
    if (url === '') {
      frameUrl[f] = -1;
      continue;
    }
    let id = urlIds.get(url);
    if (id === undefined) {
      id = urls.length;
      urls.push(url);
      urlIds.set(url, id);
    }
    frameUrl[f] = id;
  }
  const frameCount = frames.length;
  // Rows keyed by (url id, line) in an open-addressing hash of row indexes; per line entry, its
  // row. No JS Map: its 2^24-entry limit is within reach of a large profile's line entries.
  const rows: LineRow[] = [];
  const rowUrl = new IntList();
  let slots = new Int32Array(1024).fill(-1);
  const entryRow = new Int32Array(lineNumber.length).fill(-1);
  // Nodes with line entries in a file: usually far fewer than all nodes, and the only ones the
  // second part needs to visit.
  const contributors = new IntList(1024);
  for (let i = 0; i < n; i++) {
    const u = frameUrl[nodeFrame[i]!]!;
    if (u < 0 || lineStart[i] === lineStart[i + 1]) continue;
    contributors.push(i);
    for (let k = lineStart[i]!; k < lineStart[i + 1]!; k++) {
      const line = lineNumber[k]!;
      const v = lineValue[k]!;
      if (line <= 0 || v === 0) continue;
      let mask = slots.length - 1;
      let slot = hashPair(u, line) & mask;
      let r = slots[slot]!;
      while (r >= 0 && !(rowUrl.data[r] === u && rows[r]!.line === line)) {
        slot = (slot + 1) & mask;
        r = slots[slot]!;
      }
      if (r < 0) {
        r = rows.length;
        rows.push({ url: urls[u]!, line, self: 0, frame: nodeFrame[i]! });
        rowUrl.push(u);
        if ((rows.length + 1) * 2 > slots.length) {
          slots = new Int32Array(slots.length * 2).fill(-1);
          mask = slots.length - 1;
          for (let q = 0; q < rows.length; q++) {
            let s2 = hashPair(rowUrl.data[q]!, rows[q]!.line) & mask;
            while (slots[s2]! >= 0) s2 = (s2 + 1) & mask;
            slots[s2] = q;
          }
        } else {
          slots[slot] = r;
        }
      }
      rows[r]!.self += v;
      entryRow[k] = r;
    }
  }
  // The row's frame is its biggest contributor. Nodes grouped by frame (a stable counting sort):
  // per frame, sum what it gives each row; ties go to the frame that contributed first.
  const m = contributors.length;
  const nodesOf = contributors.data;
  const byFrameStart = new Int32Array(frameCount + 1);
  for (let j = 0; j < m; j++) byFrameStart[nodeFrame[nodesOf[j]!]! + 1]!++;
  for (let f = 0; f < frameCount; f++) byFrameStart[f + 1]! += byFrameStart[f]!;
  const fill = byFrameStart.slice(0, frameCount);
  const byFrame = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const i = nodesOf[j]!;
    byFrame[fill[nodeFrame[i]!]!++] = i;
  }
  const acc = new Float64Array(rows.length);
  const firstAt = new Int32Array(rows.length).fill(-1);
  const best = new Float64Array(rows.length).fill(-Infinity);
  const bestAt = new Int32Array(rows.length);
  const touched: number[] = [];
  for (let f = 0; f < frameCount; f++) {
    if (frameUrl[f]! < 0) continue;
    for (let j = byFrameStart[f]!; j < byFrameStart[f + 1]!; j++) {
      const i = byFrame[j]!;
      for (let k = lineStart[i]!; k < lineStart[i + 1]!; k++) {
        const r = entryRow[k]!;
        if (r < 0) continue;
        if (firstAt[r] === -1) {
          firstAt[r] = k;
          touched.push(r);
        }
        acc[r]! += lineValue[k]!;
      }
    }
    for (let t = 0; t < touched.length; t++) {
      const r = touched[t]!;
      const v = acc[r]!;
      if (v > best[r]! || (v === best[r]! && firstAt[r]! < bestAt[r]!)) {
        best[r] = v;
        bestAt[r] = firstAt[r]!;
        rows[r]!.frame = f;
      }
      acc[r] = 0;
      firstAt[r] = -1;
    }
    touched.length = 0;
  }
  // The grouped sort pays off from a few thousand rows (measured cold: slower at ~1,000 rows, the
  // 1.4 MB fixture; faster at ~2,000 and above).
  return rows.length > 1500 ? sortedByValueGroups(rows) : rows.sort(byLineRowOrder);
}

/** Self descending, then url and line: a total order, as no two rows share a url and line. */
function byLineRowOrder(a: LineRow, b: LineRow): number {
  return b.self - a.self || (a.url < b.url ? -1 : a.url > b.url ? 1 : a.line - b.line);
}

/**
 * The same order as sorting with byLineRowOrder, for many rows: the self values sorted natively
 * (a Float64Array), rows grouped by value, and only rows with equal values compared in JS — a
 * comparator call per comparison is what a cold sort of thousands of rows spends its time on.
 */
function sortedByValueGroups(rows: LineRow[]): LineRow[] {
  const values = new Float64Array(rows.length);
  const groups = new Map<number, LineRow[]>();
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    values[r] = row.self;
    const group = groups.get(row.self);
    if (group === undefined) groups.set(row.self, [row]);
    else group.push(row);
  }
  values.sort();
  const out: LineRow[] = [];
  for (let r = values.length - 1; r >= 0; r--) {
    if (r < values.length - 1 && values[r] === values[r + 1]) continue;
    const group = groups.get(values[r]!)!;
    if (group.length > 1) group.sort(byLineRowOrder);
    for (let g = 0; g < group.length; g++) out.push(group[g]!);
  }
  return out;
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b, 0xc2b2ae35);
  return h ^ (h >>> 15);
}

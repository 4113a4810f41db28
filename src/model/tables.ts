// Per-function and per-source-line tables over a profile.
import type { FunctionRow, LineRow, Profile } from './types';

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
  const rowOf = new Map<number, number>();
  const rows: LineRow[] = [];
  // Per row, the value each frame contributed: the row's frame is the biggest contributor.
  const contrib = new Map<number, number>();
  const frameCount = frames.length;
  for (let i = 0; i < n; i++) {
    const f = nodeFrame[i]!;
    const u = frameUrl[f]!;
    if (u < 0) continue;
    for (let k = lineStart[i]!; k < lineStart[i + 1]!; k++) {
      const line = lineNumber[k]!;
      const v = lineValue[k]!;
      if (line <= 0 || v === 0) continue;
      const key = u * 0x80000000 + line;
      let r = rowOf.get(key);
      if (r === undefined) {
        r = rows.length;
        rows.push({ url: urls[u]!, line, self: 0, frame: f });
        rowOf.set(key, r);
      }
      rows[r]!.self += v;
      const ck = r * frameCount + f;
      contrib.set(ck, (contrib.get(ck) ?? 0) + v);
    }
  }
  const best = new Float64Array(rows.length).fill(-Infinity);
  for (const [ck, v] of contrib) {
    const r = Math.floor(ck / frameCount);
    if (v > best[r]!) {
      best[r] = v;
      rows[r]!.frame = ck - r * frameCount;
    }
  }
  rows.sort((a, b) => b.self - a.self || (a.url < b.url ? -1 : a.url > b.url ? 1 : a.line - b.line));
  return rows;
}

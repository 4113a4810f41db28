// Before/after comparison of two profiles of the same program.
//
// Matching: nodes are matched by their call path, frame by frame, on the function's identity
// (function name + url + start line), never on scriptId, node ids or columns, which change
// from run to run. When no sibling matches exactly, a sibling with the same name and url is
// taken if it is the only candidate on both sides: an edit above a function shifts its start
// line, and the function should still be compared with itself. Scripts are matched by path, and
// a baseline script that only the baseline has is taken as the new profile's script at the same
// relative path in another folder (movedScripts: the same program run from another checkout).
//
// Values: by default raw (µs or bytes as measured), so a run that took longer shows as a
// regression everywhere. With { normalize: true } the baseline is scaled to the new profile's
// busy total first (recorded time minus (idle)), so only shifts in proportion show: time spent
// waiting (a timer, I/O) is no work, and a run that waited longer must not shrink the baseline.
import { ProfileBuilder, copyValues } from './builder';
import { ProfileError } from './types';
import { fileUrlToPath, isAbsolutePath } from './file-url';
import type { Frame, Profile } from './types';

export interface DiffOptions {
  /** Scale the baseline so its busy total (see busyTotal) equals the new profile's. Default false. */
  readonly normalize?: boolean;
  /** Multiply the baseline by this instead (load runs: per request, see src/load/run.ts). */
  readonly scale?: number;
}

/** Per-function change of self value (and of total, recursion counted once). */
export interface FunctionDelta {
  /** The function (from the new profile when it appears there, else from the baseline). */
  readonly frame: Frame;
  readonly selfBefore: number;
  readonly selfAfter: number;
  /** selfAfter − selfBefore: positive is a regression. */
  readonly selfDelta: number;
  readonly totalBefore: number;
  readonly totalAfter: number;
  readonly totalDelta: number;
}

/** Per-source-line change of self value (1-based line of `url`). */
export interface LineDelta {
  readonly url: string;
  readonly line: number;
  readonly before: number;
  readonly after: number;
  /** after − before: positive is a regression. */
  readonly delta: number;
}

/**
 * A script as both sides name it: DevTools and `--cpu-prof` write file:// URLs, v8-profiler-next
 * plain paths — one file either way.
 */
function fileKey(url: string): string {
  // Frames share a few hundred scripts: each URL is parsed once.
  let key = fileKeys.get(url);
  if (key === undefined) {
    if (fileKeys.size > 50_000) fileKeys.clear();
    key = fileUrlToPath(url) ?? url;
    fileKeys.set(url, key);
  }
  return key;
}
const fileKeys = new Map<string, string>();

/**
 * How one side's frames are keyed: by script (see fileKey), and for the baseline, with its
 * scripts renamed to the new profile's where the program was run from another folder.
 */
interface Keys {
  file(url: string): string;
  fn(f: Frame): string;
  loose(f: Frame): string;
}
function keysOf(renamed?: ReadonlyMap<string, string>): Keys {
  const file = (url: string) => {
    const key = fileKey(url);
    return renamed?.get(key) ?? key;
  };
  return { file, fn: (f) => `${f.functionName}\u0000${file(f.url)}\u0000${f.line}`, loose: (f) => `${f.functionName}\u0000${file(f.url)}` };
}
const nextKeys = keysOf();

/**
 * The same program profiled from two folders (two checkouts, CI build folders, v1/ and v2/):
 * each baseline script found only in the baseline, named as the new profile's script that only
 * the new profile has under the same relative path. The folder pairs are tried most-shared first
 * (so …/build-1/ → …/build-2/ wins over a lone same-named file elsewhere); scripts present on
 * both sides are never renamed.
 */
export function movedScripts(base: Profile, next: Profile): Map<string, string> {
  const scripts = (p: Profile) => new Set(p.frames.filter((f) => f.url !== '').map((f) => fileKey(f.url)).filter(isAbsolutePath));
  const [before, after] = [scripts(base), scripts(next)];
  const onlyBefore = [...before].filter((k) => !after.has(k));
  const onlyAfter = new Set([...after].filter((k) => !before.has(k)));
  const renamed = new Map<string, string>();
  if (onlyBefore.length === 0 || onlyAfter.size === 0) return renamed;
  // Every tail of whole segments of the new-only paths ("x.js", "src/x.js", …) → the paths ending so.
  const byTail = new Map<string, string[]>();
  for (const a of onlyAfter) {
    for (const at of tailStarts(a)) {
      const list = byTail.get(a.slice(at));
      if (!list) byTail.set(a.slice(at), [a]);
      else if (list.length < maxCandidates) list.push(a);
    }
  }
  // Folder pair (the paths without their longest common tail) → the scripts it would rename.
  const pairs = new Map<string, { from: string; to: string; members: [string, string][] }>();
  for (const b of onlyBefore) {
    // The longest tail that a new-only path shares: src/x.js over x.js, so each script looks at its
    // own few candidates, not at every x.js of the other side.
    for (const at of tailStarts(b)) {
      const same = byTail.get(b.slice(at));
      if (!same) continue;
      for (const a of same) {
        const from = b.slice(0, at);
        const to = a.slice(0, a.length - (b.length - at));
        const key = `${from}\u0000${to}`;
        const pair = pairs.get(key);
        if (pair) pair.members.push([b, a]);
        else pairs.set(key, { from, to, members: [[b, a]] });
      }
      break;
    }
  }
  const taken = new Set<string>();
  const ranked = [...pairs.values()].sort((x, y) => y.members.length - x.members.length || compareText(x.from, y.from) || compareText(x.to, y.to));
  for (const { members } of ranked) {
    for (const [b, a] of members) {
      if (renamed.has(b) || taken.has(a)) continue;
      renamed.set(b, a);
      taken.add(a);
    }
  }
  return renamed;
}

const maxCandidates = 16;

/** Where each tail of whole path segments starts, longest first (the file name last). */
function tailStarts(path: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < path.length - 1; i++) if (path[i] === '/' || path[i] === '\\') out.push(i + 1);
  return out;
}

/**
 * after − before, and 0 where they differ by less than half a unit (µs or byte: below any
 * profiler's resolution; a pprof round trip rounds each sample to whole ns) or by floating-point
 * rounding (a baseline scaled by --normalize): such noise is no change, and must not trip a gate.
 */
function change(after: number, before: number): number {
  const d = after - before;
  return Math.abs(d) < 0.5 || Math.abs(d) <= 1e-9 * Math.max(Math.abs(after), Math.abs(before)) ? 0 : d;
}

/**
 * A profile's total without its (idle) time: what the program worked (µs), or for a heap
 * profile its total. Time spent waiting is not a cost to compare or to take a share of.
 */
export function busyTotal(p: Profile): number {
  let idle = 0;
  for (let i = 0; i < p.nodeCount; i++) {
    const f = p.frames[p.nodeFrame[i]!]!;
    if (f.category === 'meta' && f.functionName === '(idle)') idle += p.selfValue[i]!;
  }
  // Rounding can leave a hair below zero when everything is idle.
  return Math.max(0, (p.totalValue[0] ?? 0) - idle);
}

/**
 * What the baseline's values are multiplied by before comparing: `scale`, or with `normalize`
 * new busy total ÷ base busy total (idle left out on both sides: scaling by totals that include
 * waiting would make every function of a run that waited less look grown), else 1.
 */
export function baseScale(base: Profile, next: Profile, options: DiffOptions): number {
  if (base.kind !== next.kind || base.unit !== next.unit) {
    throw new ProfileError('invalid-structure', `cannot compare a ${base.kind} profile with a ${next.kind} profile`);
  }
  if (options.scale !== undefined) return options.scale;
  if (!options.normalize) return 1;
  const busy = busyTotal(base);
  return busy > 0 ? busyTotal(next) / busy : 1;
}

/**
 * The union of both call trees: selfValue/totalValue (and line tables) from `next`,
 * baseSelfValue/baseTotalValue from `base`. Frames of `next` keep their indexes.
 */
export function diffProfiles(base: Profile, next: Profile, options: DiffOptions = {}): Profile {
  const scale = baseScale(base, next, options);
  // The union's baseline comes from `base` only, even if `next` is itself a diff.
  next = { ...next, baseSelfValue: undefined, baseTotalValue: undefined };
  const b = ProfileBuilder.like(next);
  if (scale !== 1) b.note(`Baseline scaled ×${scale.toPrecision(4)} to the new profile's busy total.`);
  b.addBaseSelf(0, 0);
  // Indexes in this function are node/frame ids of `next`, `base` or this builder (every builder
  // node gets its `kids` entry when added), and loops stay below nodeCount: always in range.
  const kids: number[][] = [[]];
  const add = (parent: number, frame: number) => {
    const before = b.nodeCount;
    const node = b.addNode(parent, frame);
    if (b.nodeCount > before) {
      kids[parent]!.push(node);
      kids[node] = [];
    }
    return node;
  };

  const nextMap = new Int32Array(next.nodeCount);
  for (let i = 1; i < next.nodeCount; i++) nextMap[i] = add(nextMap[next.nodeParent[i]!]!, next.nodeFrame[i]!);
  for (let i = 0; i < next.nodeCount; i++) copyValues(next, i, b, nextMap[i]!);

  const unionKeys: string[] = [];
  const unionKey = (frame: number) => (unionKeys[frame] ??= nextKeys.fn(b.frameAt(frame)));
  const baseSide = keysOf(movedScripts(base, next));
  const baseKeys = base.frames.map(baseSide.fn);
  const baseMap = new Int32Array(base.nodeCount);
  for (let bp = 0; bp < base.nodeCount; bp++) {
    const u = baseMap[bp]!;
    const children = base.childNodes.subarray(base.childStart[bp], base.childStart[bp + 1]);
    if (children.length === 0) continue;
    const exact = new Map<string, number>();
    for (const k of kids[u]!) exact.set(unionKey(b.frameOf(k)), k);
    const matched = new Set<number>();
    const pending: number[] = [];
    for (const c of children) {
      const hit = exact.get(baseKeys[base.nodeFrame[c]!]!);
      if (hit === undefined) pending.push(c);
      else {
        baseMap[c] = hit;
        matched.add(hit);
      }
    }
    if (pending.length === 0) continue;
    // Second chance: same name and url, unique on both sides (the function moved).
    const looseUnion = groupBy(kids[u]!.filter((k) => !matched.has(k)), (k) => nextKeys.loose(b.frameAt(b.frameOf(k))));
    const looseBase = groupBy(pending, (c) => baseSide.loose(base.frames[base.nodeFrame[c]!]!));
    for (const c of pending) {
      const key = baseSide.loose(base.frames[base.nodeFrame[c]!]!);
      const candidates = looseUnion.get(key);
      if (candidates?.length === 1 && looseBase.get(key)?.length === 1) baseMap[c] = candidates[0]!;
      else baseMap[c] = add(u, b.frame(base.frames[base.nodeFrame[c]!]!));
    }
  }
  for (let i = 0; i < base.nodeCount; i++) b.addBaseSelf(baseMap[i]!, base.selfValue[i]! * scale);
  return b.finish();
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

interface FunctionValues {
  frame: Frame;
  self: number;
  total: number;
}

// Self and total per function identity; a function's total counts nested (recursive)
// activations once, like the function table.
function functionValues(p: Profile, side: Keys): Map<string, FunctionValues> {
  const keys = p.frames.map(side.fn);
  const out = new Map<string, FunctionValues>();
  const onStack = new Map<string, number>();
  const stack: number[] = [0];
  const exiting: boolean[] = [false];
  // Nodes come from p's own CSR child lists, frames from p's own frame ids: always in range.
  while (stack.length > 0) {
    const node = stack.pop() as number;
    const exit = exiting.pop() as boolean;
    const key = keys[p.nodeFrame[node]!]!;
    if (exit) {
      const depth = (onStack.get(key) ?? 1) - 1;
      if (depth === 0) onStack.delete(key);
      else onStack.set(key, depth);
      continue;
    }
    let row = out.get(key);
    if (!row) {
      row = { frame: p.frames[p.nodeFrame[node]!]!, self: 0, total: 0 };
      out.set(key, row);
    }
    row.self += p.selfValue[node]!;
    const depth = onStack.get(key) ?? 0;
    if (depth === 0) row.total += p.totalValue[node]!;
    onStack.set(key, depth + 1);
    stack.push(node);
    exiting.push(true);
    for (let k = p.childStart[node + 1]! - 1; k >= p.childStart[node]!; k--) {
      stack.push(p.childNodes[k]!);
      exiting.push(false);
    }
  }
  return out;
}

const byMagnitude = (a: number, b: number) => Math.abs(b) - Math.abs(a);
// Code-unit order: deterministic and far cheaper than localeCompare on thousands of rows.
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Per-function self (and total) before/after, largest |selfDelta| first. The root is left out. */
export function diffFunctions(base: Profile, next: Profile, options: DiffOptions = {}): FunctionDelta[] {
  const scale = baseScale(base, next, options);
  const baseSide = keysOf(movedScripts(base, next));
  const before = functionValues(base, baseSide);
  const after = functionValues(next, nextKeys);
  // Node 0 is always the root, and its frame is one of the profile's own.
  const rootKeys = new Set([baseSide.fn(base.frames[base.nodeFrame[0]!]!), nextKeys.fn(next.frames[next.nodeFrame[0]!]!)]);
  // A function that moved (same name and url, another start line) is still itself when it is
  // the only such function on both sides, as in diffProfiles.
  const moved = new Map<string, string>(); // after key → before key
  const onlyAfter = groupBy([...after.keys()].filter((k) => !before.has(k)), (k) => nextKeys.loose(after.get(k)!.frame));
  const onlyBefore = groupBy([...before.keys()].filter((k) => !after.has(k)), (k) => baseSide.loose(before.get(k)!.frame));
  for (const [loose, keys] of onlyAfter) {
    const old = onlyBefore.get(loose);
    if (keys.length === 1 && old?.length === 1) moved.set(keys[0]!, old[0]!);
  }
  const movedFrom = new Set(moved.values());
  const rows: FunctionDelta[] = [];
  for (const key of new Set([...after.keys(), ...before.keys()])) {
    if (rootKeys.has(key) || movedFrom.has(key)) continue;
    const a = after.get(key);
    const bv = before.get(moved.get(key) ?? key);
    const selfBefore = (bv?.self ?? 0) * scale;
    const totalBefore = (bv?.total ?? 0) * scale;
    const selfAfter = a?.self ?? 0;
    const totalAfter = a?.total ?? 0;
    rows.push({
      frame: (a ?? bv)?.frame as Frame,
      selfBefore,
      selfAfter,
      selfDelta: change(selfAfter, selfBefore),
      totalBefore,
      totalAfter,
      totalDelta: change(totalAfter, totalBefore),
    });
  }
  return rows.sort(
    (x, y) =>
      byMagnitude(x.selfDelta, y.selfDelta) ||
      byMagnitude(x.totalDelta, y.totalDelta) ||
      compareText(x.frame.functionName, y.frame.functionName) ||
      compareText(x.frame.url, y.frame.url) ||
      x.frame.line - y.frame.line,
  );
}

function lineValues(p: Profile, side: Keys): Map<string, { url: string; line: number; value: number }> {
  const out = new Map<string, { url: string; line: number; value: number }>();
  // n < nodeCount and k runs over n's own line entries: always in range.
  for (let n = 0; n < p.nodeCount; n++) {
    const url = p.frames[p.nodeFrame[n]!]!.url;
    if (url === '') continue;
    for (let k = p.lineStart[n]!; k < p.lineStart[n + 1]!; k++) {
      const line = p.lineNumber[k]!;
      if (line <= 0) continue;
      const key = `${side.file(url)}\u0000${line}`;
      const row = out.get(key);
      if (row) row.value += p.lineValue[k]!;
      else out.set(key, { url, line, value: p.lineValue[k]! });
    }
  }
  return out;
}

/** Per url:line self before/after, largest |delta| first. Lines of frames without a url are left out. */
export function diffLines(base: Profile, next: Profile, options: DiffOptions = {}): LineDelta[] {
  const scale = baseScale(base, next, options);
  const before = lineValues(base, keysOf(movedScripts(base, next)));
  const after = lineValues(next, nextKeys);
  const rows: LineDelta[] = [];
  for (const key of new Set([...after.keys(), ...before.keys()])) {
    const a = after.get(key);
    const bv = before.get(key);
    const row = (a ?? bv) as { url: string; line: number };
    const b = (bv?.value ?? 0) * scale;
    const v = a?.value ?? 0;
    rows.push({ url: row.url, line: row.line, before: b, after: v, delta: change(v, b) });
  }
  return rows.sort((x, y) => byMagnitude(x.delta, y.delta) || compareText(x.url, y.url) || x.line - y.line);
}

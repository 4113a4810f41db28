// CPU profiles: the DevTools/V8 inspector `.cpuprofile` (what `node --cpu-prof` and Chrome write)
// and the dumps of `v8-profiler-next`. Same shape — a flat `nodes` array linked by child ids,
// plus `samples` and `timeDeltas` — with different conventions:
//   DevTools:          callFrame.lineNumber/columnNumber 0-based (-1 = none), scriptId a string,
//                      per-line ticks in node.positionTicks [{line, ticks}] (1-based lines).
//   v8-profiler-next:  lineNumber/columnNumber 1-based (0 = none), scriptId a number, per-line
//                      ticks in callFrame.lineTicks [{line, hitCount}] (1-based), plus typeId/uid/title.
import { FloatList, IntList, keyBytes, keyCode, type JsonScanner } from './scan';
import { IdIndex, NO_POSITION, RawFrameTable, rawPosition, readId, outOfOrderNote, weighTimelessSamples } from './parse-common';
import { MAX_VALUE, assembleProfile } from './assemble';
import { evenSampleTimes, sampleTimesOf } from './time-slice';
import type { Profile } from './types';
import { ProfileError } from './types';

const K_ID = keyBytes('id');
const K_CALLFRAME = keyBytes('callFrame');
const K_HITCOUNT = keyBytes('hitCount');
const K_CHILDREN = keyBytes('children');
const K_POSITIONTICKS = keyBytes('positionTicks');
const K_PARENT = keyBytes('parent');
const K_FUNCTIONNAME = keyBytes('functionName');
const K_URL = keyBytes('url');
const K_LINENUMBER = keyBytes('lineNumber');
const K_COLUMNNUMBER = keyBytes('columnNumber');
const K_SCRIPTID = keyBytes('scriptId');
const K_LINETICKS = keyBytes('lineTicks');
const K_LINE = keyBytes('line');
const K_TICKS = keyBytes('ticks');
const C_ID = keyCode(K_ID);
const C_CALLFRAME = keyCode(K_CALLFRAME);
const C_HITCOUNT = keyCode(K_HITCOUNT);
const C_CHILDREN = keyCode(K_CHILDREN);
const C_POSITIONTICKS = keyCode(K_POSITIONTICKS);
const C_PARENT = keyCode(K_PARENT);
const C_FUNCTIONNAME = keyCode(K_FUNCTIONNAME);
const C_URL = keyCode(K_URL);
const C_LINENUMBER = keyCode(K_LINENUMBER);
const C_COLUMNNUMBER = keyCode(K_COLUMNNUMBER);
const C_SCRIPTID = keyCode(K_SCRIPTID);
const C_LINETICKS = keyCode(K_LINETICKS);

/** Everything read from a CPU profile's `nodes` array, in input order. */
export class RawCpuNodes {
  readonly frames = new RawFrameTable();
  readonly ids = new IntList(4096);
  readonly frame = new IntList(4096);
  readonly hitCount = new FloatList(4096);
  /** Child ids of node i: childIds[childOff[i] .. childOff[i + 1]). */
  readonly childIds = new IntList(4096);
  readonly childOff = new IntList(4096);
  /** `parent` ids (an alternative some writers use instead of `children`); -1 when absent. */
  readonly parentIds = new IntList(4096);
  hasParentField = false;
  hasChildrenField = false;
  readonly tickLine = new IntList(1024);
  readonly tickCount = new FloatList(1024);
  readonly tickOff = new IntList(4096);
  /** Traits of v8-profiler-next dumps. */
  numericScriptId = false;
  lineTicks = false;
  stringScriptId = false;
  positionTicks = false;

  /** Room for `count` nodes in all, in every per-node list. */
  reserveNodes(count: number): void {
    for (const list of [this.ids, this.frame, this.hitCount, this.childIds, this.childOff, this.parentIds, this.tickOff]) list.reserve(count + 1 - list.length);
  }
}

/** Nodes read before the per-node lists are sized for the rest (where they would first grow). */
const ESTIMATE_AFTER = 4096;
/**
 * Least bytes per node the size estimate assumes: a DevTools node with every field is ~115 bytes.
 * Bounds what a misleading start can make the lists reserve (32 bytes a node) to a third of the file.
 */
const MIN_NODE_BYTES = 96;

/** Scans the `nodes` array (the scanner sits at its '['). */
export function scanCpuNodes(sc: JsonScanner, raw: RawCpuNodes): void {
  if (sc.peek() !== 0x5b) sc.typeError('"nodes"', 'an array');
  if (!sc.openArray()) return;
  const names = raw.frames.names;
  const urls = raw.frames.urls;
  const emptyName = names.internValue('');
  const emptyUrl = urls.internValue('');
  const nodesStart = sc.offset();
  do {
    // Windowed input: read on between nodes (a no-op until the window runs low).
    if (sc.pos > sc.refillAt) sc.refill();
    const index = raw.ids.length;
    if (index === ESTIMATE_AFTER) {
      // Growing the lists node by node copies each a dozen times on a large profile, and the old
      // copies stay in memory until a GC (the scan makes little other garbage to start one).
      // Size them once instead, from the bytes per node so far: the rest of the file holds at
      // most that many more nodes when nodes are alike (samples after them only overestimate;
      // the tail of an array never written stays untouched). Lists still grow past a wrong guess.
      const perNode = Math.max(MIN_NODE_BYTES, (sc.offset() - nodesStart) / index);
      raw.reserveNodes(index + Math.ceil((sc.size - sc.offset()) / perNode));
    }
    if (sc.peek() !== 0x7b) sc.typeError(`node #${index}`, 'an object');
    let id = -1;
    let fn = emptyName;
    let url = emptyUrl;
    let line = NO_POSITION;
    let col = NO_POSITION;
    let hasFrame = false;
    let hits = 0;
    let parentId = -1;
    raw.childOff.push(raw.childIds.length);
    raw.tickOff.push(raw.tickLine.length);
    if (sc.openObject()) {
      do {
        const key = sc.readKey();
        if (key === C_ID && sc.keyIs(K_ID)) {
          id = readId(sc, 'the id of node #%d', index);
        } else if (key === C_CALLFRAME && sc.keyIs(K_CALLFRAME)) {
          hasFrame = true;
          if (sc.peek() !== 0x7b) sc.typeError(`the callFrame of node #${index}`, 'an object');
          if (sc.openObject()) {
            do {
              const fkey = sc.readKey();
              if (fkey === C_FUNCTIONNAME && sc.keyIs(K_FUNCTIONNAME)) {
                if (sc.peek() !== 0x22) sc.typeError('callFrame.functionName', 'a string');
                sc.readStringRange();
                fn = names.internLast(sc);
              } else if (fkey === C_URL && sc.keyIs(K_URL)) {
                if (sc.peek() !== 0x22) sc.typeError('callFrame.url', 'a string');
                sc.readStringRange();
                url = urls.internLast(sc);
              } else if (fkey === C_LINENUMBER && sc.keyIs(K_LINENUMBER)) {
                line = readPosition(sc, 'callFrame.lineNumber');
              } else if (fkey === C_COLUMNNUMBER && sc.keyIs(K_COLUMNNUMBER)) {
                col = readPosition(sc, 'callFrame.columnNumber');
              } else if (fkey === C_SCRIPTID && sc.keyIs(K_SCRIPTID)) {
                const c = sc.peek();
                if (c === 0x22) raw.stringScriptId = true;
                else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) raw.numericScriptId = true;
                sc.skipValue();
              } else if (fkey === C_LINETICKS && sc.keyIs(K_LINETICKS)) {
                raw.lineTicks = true;
                scanTicks(sc, raw, K_HITCOUNT, 'callFrame.lineTicks');
              } else {
                sc.skipValue();
              }
            } while (sc.next(0x7d));
          }
        } else if (key === C_HITCOUNT && sc.keyIs(K_HITCOUNT)) {
          hits = sc.readNumber('the hitCount of node #%d', index);
        } else if (key === C_CHILDREN && sc.keyIs(K_CHILDREN)) {
          raw.hasChildrenField = true;
          if (sc.peek() !== 0x5b) sc.typeError(`the children of node #${index}`, 'an array');
          if (sc.openArray()) {
            do raw.childIds.push(readId(sc, 'a child of node #%d:', index));
            while (sc.next(0x5d));
          }
        } else if (key === C_POSITIONTICKS && sc.keyIs(K_POSITIONTICKS)) {
          raw.positionTicks = true;
          scanTicks(sc, raw, K_TICKS, 'positionTicks');
        } else if (key === C_PARENT && sc.keyIs(K_PARENT)) {
          raw.hasParentField = true;
          parentId = readId(sc, 'the parent of node #%d:', index);
        } else {
          sc.skipValue();
        }
      } while (sc.next(0x7d));
    }
    if (id < 0) throw new ProfileError('invalid-structure', `Not a valid profile: node #${index} has no "id".`);
    if (!hasFrame) throw new ProfileError('invalid-structure', `Not a valid profile: node #${index} (id ${id}) has no "callFrame".`);
    raw.ids.push(id);
    raw.frame.push(raw.frames.intern(fn, url, line, col));
    raw.hitCount.push(hits);
    raw.parentIds.push(parentId);
  } while (sc.next(0x5d));
  raw.childOff.push(raw.childIds.length);
  raw.tickOff.push(raw.tickLine.length);
}

function readPosition(sc: JsonScanner, what: string): number {
  return rawPosition(sc.readNumber(what));
}

/** Keeps one {line, count} tick entry (positionTicks or lineTicks) if it is usable. */
export function addTick(raw: RawCpuNodes, line: number, count: number): void {
  if (Number.isInteger(line) && count > 0 && count <= MAX_VALUE) {
    raw.tickLine.push(line > 0 && line <= 0x7fffffff ? line : 0);
    raw.tickCount.push(count);
  }
}

/** [{line, <countKey>}…] → the node's tick lists. */
function scanTicks(sc: JsonScanner, raw: RawCpuNodes, countKey: Uint8Array, what: string): void {
  if (sc.takeNull()) return;
  if (sc.peek() !== 0x5b) sc.typeError(what, 'an array');
  if (!sc.openArray()) return;
  do {
    if (sc.peek() !== 0x7b) sc.typeError(`an entry of ${what}`, 'an object');
    let line = 0;
    let count = 0;
    if (sc.openObject()) {
      do {
        sc.readKey();
        if (sc.keyIs(K_LINE)) line = sc.readNumber(what === 'positionTicks' ? 'positionTicks[].line' : 'lineTicks[].line');
        else if (sc.keyIs(countKey)) count = sc.readNumber(what === 'positionTicks' ? 'positionTicks[].ticks' : 'lineTicks[].hitCount');
        else sc.skipValue();
      } while (sc.next(0x7d));
    }
    addTick(raw, line, count);
  } while (sc.next(0x5d));
}

/** Reads an array of numbers (samples, timeDeltas). */
export function scanNumberArray(sc: JsonScanner, what: string, into: FloatList | IntList, ids: boolean): void {
  if (sc.peek() !== 0x5b) sc.typeError(what, 'an array');
  if (!sc.openArray()) return;
  const label = `an entry of ${what}`;
  // Windowed input: read on between numbers (a no-op until the window runs low).
  if (ids) {
    do {
      if (sc.pos > sc.refillAt) sc.refill();
      into.push(readId(sc, label));
    } while (sc.next(0x5d));
  } else {
    do {
      if (sc.pos > sc.refillAt) sc.refill();
      into.push(sc.readNumber(label));
    } while (sc.next(0x5d));
  }
}

export interface CpuTopLevel {
  nodes: RawCpuNodes;
  samples: IntList | null;
  timeDeltas: FloatList | null;
  startTime: number | null;
  endTime: number | null;
  /** v8-profiler-next writes typeId/uid/title at the top. */
  hasTypeId: boolean;
}

/** Turns the scanned arrays into a Profile: links nodes, orders them parent-first, attributes time. */
export function buildCpuProfile(top: CpuTopLevel): Profile {
  const raw = top.nodes;
  const n = raw.ids.length;
  if (n === 0) throw new ProfileError('invalid-structure', 'Not a valid profile: "nodes" is empty; a CPU profile has at least a (root) node.');
  const ids = raw.ids.view();
  const index = new IdIndex(ids, 'nodes');
  const notes: string[] = [];

  // Parent of each node (input positions), from children lists or from parent fields.
  const parentPos = new Int32Array(n).fill(-1);
  const childOff = raw.childOff.data;
  const childIds = raw.childIds.data;
  const byChildren = raw.hasChildrenField || !raw.hasParentField;
  const childPos = byChildren ? index.mapAll(childIds, childOff[n]!) : new Int32Array(0);
  if (byChildren) {
    for (let i = 0; i < n; i++) {
      for (let c = childOff[i]!; c < childOff[i + 1]!; c++) {
        const child = childPos[c]!;
        if (child < 0) throw new ProfileError('invalid-structure', `Not a valid profile: node ${ids[i]} lists a child ${childIds[c]} that is not in "nodes".`);
        if (parentPos[child] !== -1 || child === i) {
          throw new ProfileError('invalid-structure', `Not a valid profile: node ${childIds[c]} is listed as a child more than once (or of itself); the nodes do not form a tree.`);
        }
        parentPos[child] = i;
      }
    }
  } else {
    const parentIds = raw.parentIds.data;
    for (let i = 0; i < n; i++) {
      if (parentIds[i] === -1) continue;
      const p = index.get(parentIds[i]!);
      if (p < 0 || p === i) throw new ProfileError('invalid-structure', `Not a valid profile: node ${ids[i]} names a parent ${parentIds[i]} that is not in "nodes".`);
      parentPos[i] = p;
    }
  }
  let root = -1;
  for (let i = 0; i < n; i++) {
    if (parentPos[i] === -1) {
      if (root !== -1) throw new ProfileError('invalid-structure', `Not a valid profile: nodes ${ids[root]} and ${ids[i]} both have no parent; a profile has one root.`);
      root = i;
    }
  }
  if (root === -1) throw new ProfileError('invalid-structure', 'Not a valid profile: every node has a parent, so the child links form a cycle.');

  // Children lists by input position (for parent-field inputs, rebuilt from parents).
  let cStart: Int32Array;
  let cList: Int32Array;
  if (byChildren) {
    cStart = childOff.subarray(0, n + 1);
    cList = childPos;
  } else {
    cStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) if (parentPos[i]! >= 0) cStart[parentPos[i]! + 1]!++;
    for (let i = 0; i < n; i++) cStart[i + 1]! += cStart[i]!;
    const fill = cStart.slice(0, n);
    cList = new Int32Array(cStart[n]!);
    for (let i = 0; i < n; i++) if (parentPos[i]! >= 0) cList[fill[parentPos[i]!]!++] = i;
  }

  // Depth-first preorder from the root: parents first, each subtree contiguous, children in input order.
  const order = new Int32Array(n);
  const newIndex = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let sp = 0;
  let count = 0;
  stack[sp++] = root;
  while (sp > 0) {
    const v = stack[--sp]!;
    newIndex[v] = count;
    order[count++] = v;
    for (let c = cStart[v + 1]! - 1; c >= cStart[v]!; c--) stack[sp++] = cList[c]!;
  }
  if (count !== n) {
    throw new ProfileError('invalid-structure', `Not a valid profile: ${n - count} of ${n} nodes cannot be reached from the root; their child links form a cycle.`);
  }

  // The DFS stack is done with: its buffer becomes the parent array (one n-sized array fewer).
  const parent = stack;
  const nodeFrame = new Int32Array(n);
  const frameRaw = raw.frame.data;
  for (let k = 0; k < n; k++) {
    const v = order[k]!;
    parent[k] = k === 0 ? -1 : newIndex[parentPos[v]!]!;
    nodeFrame[k] = frameRaw[v]!;
  }

  const selfValue = new Float64Array(n);
  const selfSamples = new Float64Array(n);
  checkTime(top.startTime, 'startTime');
  checkTime(top.endTime, 'endTime');
  const startTime = top.startTime ?? 0;
  let endTime = top.endTime ?? startTime;
  let sampleCount = 0;
  // Kept for the timeline and time slices (time-slice.ts).
  let sampleNodes: Int32Array | undefined;
  let sampleTimes: Float64Array | undefined;
  const samples = top.samples;
  if (samples !== null && samples.length > 0) {
    sampleCount = samples.length;
    const s = samples.data;
    // Map every sample to its node once (and validate it).
    const sampleNode = index.mapAll(s, sampleCount);
    for (let i = 0; i < sampleCount; i++) {
      const pos = sampleNode[i]!;
      if (pos < 0) throw new ProfileError('invalid-structure', `Not a valid profile: sample ${i} names node ${s[i]}, which is not in "nodes".`);
      const k = newIndex[pos]!;
      sampleNode[i] = k;
      selfSamples[k]!++;
    }
    const deltas = top.timeDeltas;
    if (deltas !== null && deltas.length === sampleCount) {
      const timed = attributeTime(sampleNode, deltas.data, startTime, top.endTime, selfValue);
      endTime = timed.end;
      const late = outOfOrderNote(timed.outOfOrder, sampleCount);
      if (late) notes.push(late);
      sampleTimes = sampleTimesOf(deltas.data, sampleCount, startTime);
    } else {
      if (deltas !== null && deltas.length > 0) {
        throw new ProfileError('invalid-structure', `Not a valid profile: ${sampleCount} samples but ${deltas.length} timeDeltas; there must be one delta per sample.`);
      }
      const span = checkSpan(startTime, endTime);
      const per = span / sampleCount;
      for (let i = 0; i < sampleCount; i++) selfValue[sampleNode[i]!]! += per;
      sampleTimes = evenSampleTimes(sampleCount, startTime, per);
      notes.push('The profile has no timeDeltas: each sample counts as the average interval.');
    }
    sampleNodes = sampleNode;
  } else {
    // No samples: hitCount × average interval (the only timing such profiles carry).
    const hits = raw.hitCount.data;
    let totalHits = 0;
    for (let k = 0; k < n; k++) {
      const h = hits[order[k]!]!;
      if (!(h >= 0 && h <= MAX_VALUE)) {
        throw new ProfileError('invalid-value', `Not a usable profile: node ${ids[order[k]!]} has a hitCount of ${h}; a hit count is a number of samples (0 or more).`);
      }
      totalHits += h;
    }
    const span = checkSpan(startTime, endTime);
    const per = totalHits > 0 ? span / totalHits : 0;
    for (let k = 0; k < n; k++) {
      const h = hits[order[k]!]!;
      selfSamples[k] = h;
      selfValue[k] = h * per;
    }
    sampleCount = totalHits;
    if (totalHits > 0) notes.push('The profile has no samples: times are hit counts × the average sampling interval.');
  }
  const timeless = weighTimelessSamples(selfValue, selfSamples, sampleCount);
  if (timeless) {
    notes.push(timeless);
    sampleNodes = sampleTimes = undefined;
  }

  // Ticks per node, reordered to the new node order.
  const tickOff = raw.tickOff.data;
  const tickStart = new Int32Array(n + 1);
  const tickLine = new Int32Array(raw.tickLine.length);
  const tickCount = new Float64Array(raw.tickLine.length);
  let t = 0;
  for (let k = 0; k < n; k++) {
    tickStart[k] = t;
    const v = order[k]!;
    for (let j = tickOff[v]!; j < tickOff[v + 1]!; j++) {
      tickLine[t] = raw.tickLine.data[j]!;
      tickCount[t] = raw.tickCount.data[j]!;
      t++;
    }
  }
  tickStart[n] = t;

  const profilerNext = top.hasTypeId || raw.lineTicks || (raw.numericScriptId && !raw.stringScriptId && !raw.positionTicks);
  const frames = raw.frames.toFrames(profilerNext ? (v) => (v > 0 ? v : 0) : (v) => (v >= 0 ? v + 1 : 0));
  return assembleProfile({
    kind: 'cpu',
    unit: 'us',
    format: profilerNext ? 'v8-profiler-next' : 'devtools-cpuprofile',
    frames,
    parent,
    nodeFrame,
    selfValue,
    selfSamples,
    tickStart,
    tickLine,
    tickCount,
    startTime,
    endTime,
    sampleCount,
    notes,
    ...(sampleNodes && sampleTimes ? { sampleNodes, sampleTimes } : {}),
  });
}

/**
 * Chrome DevTools semantics: timeDeltas[i] is the time from the previous sample (from startTime
 * for i = 0) to sample i, and sample i stands for the interval until the next sample — so it is
 * charged timeDeltas[i + 1]; the last sample is charged up to endTime. V8 occasionally records a
 * sample slightly out of order (a negative delta); time is measured on a clock that never runs
 * backwards, so no node gets negative time and the total is the span from the first sample to the
 * end. Returns the end time used, and how many samples were timed
 * before an earlier one.
 */
function attributeTime(sampleNode: Int32Array, deltas: Float64Array, startTime: number, endTime: number | null, selfValue: Float64Array): { end: number; outOfOrder: number } {
  const count = sampleNode.length;
  const max = MAX_VALUE; // a local: the loop below runs once per sample
  checkDelta(deltas, 0);
  let ts = startTime + deltas[0]!;
  const first = ts;
  let clock = ts;
  let outOfOrder = 0;
  for (let i = 1; i < count; i++) {
    const d = deltas[i]!;
    if (!(d >= -max && d <= max)) checkDelta(deltas, i);
    ts += d;
    if (ts > clock) {
      selfValue[sampleNode[i - 1]!]! += ts - clock;
      clock = ts;
    } else if (ts < clock) {
      outOfOrder++;
    }
  }
  const end = endTime !== null && endTime > clock ? endTime : clock;
  if (!(end - first <= MAX_VALUE)) {
    throw new ProfileError('invalid-value', `Not a usable profile: the samples span ${end - first} µs (from the first sample to ${endTime !== null && endTime > clock ? '"endTime"' : 'the last sample'}), more than 285 years; the timeDeltas or "endTime" are corrupt.`);
  }
  selfValue[sampleNode[count - 1]!]! += end - clock;
  return { end, outOfOrder };
}

// Times are µs on a monotonic clock; V8 writes them well below 2^53 (285 years).
function checkTime(v: number | null, what: string): void {
  if (v !== null && !(Math.abs(v) <= MAX_VALUE)) {
    throw new ProfileError('invalid-value', `Not a usable profile: "${what}" is ${v}, not a time in microseconds (a finite number below 2^53).`);
  }
}

function checkDelta(deltas: Float64Array, i: number): void {
  const d = deltas[i]!;
  if (!(d >= -MAX_VALUE && d <= MAX_VALUE)) {
    throw new ProfileError('invalid-value', `Not a usable profile: timeDeltas[${i}] is ${d}, not an interval in microseconds (a finite number below 2^53).`);
  }
}

/** endTime − startTime, which must be a usable duration (never negative: then nothing was recorded). */
function checkSpan(startTime: number, endTime: number): number {
  const span = Math.max(0, endTime - startTime);
  if (!(span <= MAX_VALUE)) {
    throw new ProfileError('invalid-value', `Not a usable profile: "startTime" ${startTime} and "endTime" ${endTime} are ${span} µs apart, more than 285 years.`);
  }
  return span;
}

// Small profiles: JSON.parse, then a walk of the parsed objects into the very tables the byte
// scanner fills (RawCpuNodes, RawHeapNodes), finished by the same build functions. Why two
// paths: in a fresh process the scanner's byte loops run in V8's interpreter until the JIT has
// seen enough of them, so a cold parse of a 1 MB profile cost several times JSON.parse; the walk
// here touches each node once instead of each byte. Large files keep the scanner, which needs a
// fraction of JSON.parse's memory and is faster once compiled.
//
// A CPU profile as V8 writes it (nodes in preorder, a delta per sample) skips even those tables:
// preorderCpuNodes reads it straight into the arrays assembleProfile takes, the parts
// buildCpuProfile would have made. A first open runs cold, so each pass and call per node counts.
//
// This path only handles input it reads exactly as the scanner would; anything unusual (a wrong
// type, a missing id, invalid JSON, a heap snapshot…) makes it give up (undefined), and the
// scanner then gives the result or its precise error. One difference remains by design: JSON.parse
// keeps the last of duplicate keys, which no profiler writes.
import { FloatList, IntList } from './scan';
import { NO_POSITION, RawFrameTable, isNodeId, outOfOrderNote, weighTimelessSamples } from './parse-common';
import { RawCpuNodes, addTick, buildCpuProfile, type CpuTopLevel } from './parse-cpuprofile';
import { RawHeapNodes, buildHeapProfile } from './parse-heapprofile';
import { MAX_VALUE, assembleProfile, type TreeParts } from './assemble';
import type { Profile } from './types';
import { embeddedMapsKey, withEmbeddedMaps } from './embedded-maps';

/** Thrown inside the walk when the input needs the scanner. */
const GIVE_UP = Symbol('give up');
/** Deepest heap tree walked recursively here; deeper ones go to the (iterative) scanner. */
const MAX_HEAP_DEPTH = 2000;

type Json = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** Node's Buffer decodes UTF-8 several times faster than TextDecoder; the model runs without it too. */
const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'utf8'): string } } }).Buffer;

function decode(bytes: Uint8Array): string {
  if (NodeBuffer === undefined) return utf8.decode(bytes); // drops a byte-order mark
  const text = NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // A UTF-8 byte-order mark is harmless, as the scanner skips it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function giveUp(): never {
  throw GIVE_UP;
}

/** The profile in `bytes` (a JSON object), or undefined when the scanner must read it. */
export function parseProfileObject(bytes: Uint8Array): Profile | undefined {
  let embedded: unknown;
  const profile = parseMembers(bytes, (maps) => (embedded = maps));
  return profile && withEmbeddedMaps(profile, embedded);
}

function parseMembers(bytes: Uint8Array, onEmbeddedMaps: (maps: unknown) => void): Profile | undefined {
  let top: unknown;
  try {
    top = JSON.parse(decode(bytes));
  } catch {
    return undefined;
  }
  if (!isObject(top)) return undefined;
  const members = top;
  top = undefined;
  let nodes: unknown;
  let cpuSamples: unknown;
  let timeDeltas: unknown;
  let heap: RawHeapNodes | null = null;
  let startTime: number | null = null;
  let endTime: number | null = null;
  let hasTypeId = false;
  try {
    for (const key in members) {
      const v = members[key];
      // Let go of each part once read: later scavenges then copy only what is still needed.
      members[key] = undefined;
      switch (key) {
        case 'nodes':
          nodes = v;
          break;
        case 'samples':
          if (!Array.isArray(v)) giveUp();
          // As the scanner: an object first means heap samples, anything else CPU sample ids.
          if (isObject(v[0])) {
            heap ??= new RawHeapNodes();
            walkHeapSamples(v, heap);
            cpuSamples = undefined;
          } else {
            cpuSamples = v;
          }
          break;
        case 'timeDeltas':
          if (!Array.isArray(v)) giveUp();
          timeDeltas = v;
          break;
        case 'head':
          heap ??= new RawHeapNodes();
          walkHeapHead(v, heap);
          break;
        case 'startTime':
          startTime = time(v);
          break;
        case 'endTime':
          endTime = time(v);
          break;
        case 'typeId':
          hasTypeId = true;
          break;
        case embeddedMapsKey:
          onEmbeddedMaps(v);
          break;
        case 'snapshot':
        case 'traceEvents':
          // Not a profile: the scanner words the error.
          giveUp();
      }
    }
    if (nodes !== undefined) {
      // The parsed JSON is dropped before the model's arrays and objects are made: a scavenge
      // meanwhile would copy all of it.
      const read = preorderCpuNodes(nodes, cpuSamples, timeDeltas, startTime, endTime, hasTypeId);
      if (read !== undefined) {
        nodes = cpuSamples = timeDeltas = undefined;
        return assembleProfile({ ...read.parts, frames: read.frames.toFrames(read.profilerNext ? (v) => (v > 0 ? v : 0) : (v) => (v >= 0 ? v + 1 : 0)) });
      }
      const top = cpuTopLevel(nodes, cpuSamples as unknown[] | undefined, timeDeltas as unknown[] | undefined, startTime, endTime, hasTypeId);
      nodes = cpuSamples = timeDeltas = undefined;
      return buildCpuProfile(top);
    }
    // Not a CPU profile: its sample ids and deltas are still checked, as the scanner does.
    if (cpuSamples !== undefined) for (const s of cpuSamples as unknown[]) nodeId(s);
    if (timeDeltas !== undefined) for (const d of timeDeltas as unknown[]) number(d);
  } catch (err) {
    // A stack overflow on absurdly nested input is the scanner's to report, too.
    if (err === GIVE_UP || err instanceof RangeError) return undefined;
    throw err;
  }
  if (heap !== null && heap.ids.length > 0) {
    // As the scanner: "samples": [] is a heap profile's sample list, with no samples in it.
    if (Array.isArray(cpuSamples) && cpuSamples.length === 0) heap.hasSamples = true;
    return buildHeapProfile(heap);
  }
  return undefined;
}

/** Any CPU profile JSON.parse read, in the scanner's tables (for buildCpuProfile). */
function cpuTopLevel(nodes: unknown, samplesIn: unknown[] | undefined, deltasIn: unknown[] | undefined, startTime: number | null, endTime: number | null, hasTypeId: boolean): CpuTopLevel {
  const cpu = new RawCpuNodes();
  walkCpuNodes(nodes, cpu);
  let samples: IntList | null = null;
  let timeDeltas: FloatList | null = null;
  if (samplesIn !== undefined) {
    samples = new IntList(samplesIn.length);
    for (let i = 0; i < samplesIn.length; i++) samples.push(nodeId(samplesIn[i]));
  }
  if (deltasIn !== undefined) {
    timeDeltas = new FloatList(deltasIn.length);
    for (let i = 0; i < deltasIn.length; i++) timeDeltas.push(number(deltasIn[i]));
  }
  return { nodes: cpu, samples, timeDeltas, startTime, endTime, hasTypeId };
}

function number(v: unknown): number {
  return typeof v === 'number' ? v : giveUp();
}

function nodeId(v: unknown): number {
  return isNodeId(v) ? v : giveUp();
}

function time(v: unknown): number | null {
  if (v === null) return null;
  const t = number(v);
  return Number.isFinite(t) ? t : null;
}

/**
 * A node's callFrame into the frame table, for both walks: one call per node, its fields checked
 * inline (in cold, interpreted code a call per field is what the walk would pay for).
 */
class CallFrameReader {
  private readonly emptyName: number;
  private readonly emptyUrl: number;
  private lastUrl = '';
  private lastUrlId: number;
  numericScriptId = false;
  stringScriptId = false;

  constructor(private readonly frames: RawFrameTable) {
    this.emptyName = frames.names.internValue('');
    this.emptyUrl = frames.urls.internValue('');
    this.lastUrlId = this.emptyUrl;
  }

  /** The frame's index in the table, or -1 when a field has the wrong type (the caller gives up). */
  read(cf: Record<string, unknown>): number {
    const fnName = cf.functionName;
    let fn = this.emptyName;
    if (fnName !== undefined) {
      if (typeof fnName !== 'string') return -1;
      fn = this.frames.names.internValue(fnName);
    }
    // Siblings in a profile mostly share their file: skip the lookup when the url repeats.
    const urlName = cf.url;
    let url = this.emptyUrl;
    if (urlName !== undefined) {
      if (typeof urlName !== 'string') return -1;
      if (urlName !== this.lastUrl) {
        this.lastUrl = urlName;
        this.lastUrlId = this.frames.urls.internValue(urlName);
      }
      url = this.lastUrlId;
    }
    // As rawPosition(): integers from -1 up (within int32), anything else NO_POSITION.
    const lineNumber: unknown = cf.lineNumber;
    const columnNumber: unknown = cf.columnNumber;
    let line = NO_POSITION;
    let col = NO_POSITION;
    if (lineNumber !== undefined) {
      if (typeof lineNumber !== 'number') return -1;
      if ((lineNumber | 0) === lineNumber && lineNumber >= -1) line = lineNumber;
    }
    if (columnNumber !== undefined) {
      if (typeof columnNumber !== 'number') return -1;
      if ((columnNumber | 0) === columnNumber && columnNumber >= -1) col = columnNumber;
    }
    const scriptId = cf.scriptId;
    if (typeof scriptId === 'string') this.stringScriptId = true;
    else if (typeof scriptId === 'number') this.numericScriptId = true;
    return this.frames.intern(fn, url, line, col);
  }
}

function walkCpuNodes(nodes: unknown, raw: RawCpuNodes): void {
  if (!Array.isArray(nodes) || nodes.length === 0) giveUp();
  const count = nodes.length;
  // The per-node lists sized once from the array (no growing copies) and filled in place: cold
  // code runs in V8's interpreter, where every call and property load per node counts.
  raw.ids.reserve(count);
  raw.frame.reserve(count);
  raw.hitCount.reserve(count);
  raw.parentIds.reserve(count);
  raw.childOff.reserve(count + 1);
  raw.tickOff.reserve(count + 1);
  raw.childIds.reserve(count);
  const ids = raw.ids.data;
  const frame = raw.frame.data;
  const hitCount = raw.hitCount.data;
  const parentIds = raw.parentIds.data;
  const childOff = raw.childOff.data;
  const tickOff = raw.tickOff.data;
  const childIds = raw.childIds;
  const callFrames = new CallFrameReader(raw.frames);
  // Indexed loops: cold code runs in the interpreter, where for-of allocates per element.
  for (let n = 0; n < count; n++) {
    const node: unknown = nodes[n];
    if (!isObject(node)) giveUp();
    // The checks of nodeId() and position() written out: a call per field is what a cold walk pays for.
    // `(v | 0) === v` is an integer within int32, so with v ≥ 0 exactly what isNodeId accepts.
    const id: unknown = node.id;
    if (typeof id !== 'number' || (id | 0) !== id || id < 0) giveUp();
    const cf = node.callFrame;
    if (!isObject(cf)) giveUp();
    childOff[n] = childIds.length;
    tickOff[n] = raw.tickLine.length;
    const f = callFrames.read(cf);
    if (f < 0) giveUp();
    const hits = node.hitCount === undefined ? 0 : number(node.hitCount);
    const children = node.children;
    if (children !== undefined) {
      if (!Array.isArray(children)) giveUp();
      raw.hasChildrenField = true;
      const k = children.length;
      if (k > 0) {
        childIds.reserve(k);
        const into = childIds.data;
        let at = childIds.length;
        for (let c = 0; c < k; c++) {
          const child: unknown = children[c];
          if (typeof child !== 'number' || (child | 0) !== child || child < 0) giveUp();
          into[at++] = child;
        }
        childIds.length = at;
      }
    }
    let parentId = -1;
    if (node.parent !== undefined) {
      raw.hasParentField = true;
      parentId = nodeId(node.parent);
    }
    // Ticks go in key order, as scanned (a node has one kind or the other in practice).
    const lineTicks = cf.lineTicks;
    const positionTicks = node.positionTicks;
    if (lineTicks !== undefined) raw.lineTicks = true;
    if (positionTicks !== undefined) raw.positionTicks = true;
    if (lineTicks !== undefined && positionTicks !== undefined && Object.keys(node).indexOf('positionTicks') < Object.keys(node).indexOf('callFrame')) {
      walkTicks(positionTicks, raw, 'ticks');
      walkTicks(lineTicks, raw, 'hitCount');
    } else {
      if (lineTicks !== undefined) walkTicks(lineTicks, raw, 'hitCount');
      if (positionTicks !== undefined) walkTicks(positionTicks, raw, 'ticks');
    }
    ids[n] = id;
    frame[n] = f;
    hitCount[n] = hits;
    parentIds[n] = parentId;
  }
  childOff[count] = childIds.length;
  if (callFrames.stringScriptId) raw.stringScriptId = true;
  if (callFrames.numericScriptId) raw.numericScriptId = true;
  tickOff[count] = raw.tickLine.length;
  raw.ids.length = count;
  raw.frame.length = count;
  raw.hitCount.length = count;
  raw.parentIds.length = count;
  raw.childOff.length = count + 1;
  raw.tickOff.length = count + 1;
}

function walkTicks(ticks: unknown, raw: RawCpuNodes, countKey: 'ticks' | 'hitCount'): void {
  if (ticks === null) return;
  if (!Array.isArray(ticks)) giveUp();
  for (let i = 0; i < ticks.length; i++) {
    const t: unknown = ticks[i];
    if (!isObject(t)) giveUp();
    const line = t.line === undefined ? 0 : number(t.line);
    const count = t[countKey] === undefined ? 0 : number(t[countKey]);
    addTick(raw, line, count);
  }
}

function walkHeapHead(head: unknown, raw: RawHeapNodes): void {
  if (!isObject(head) || raw.ids.length > 0) giveUp();
  // A callFrame's fields are read and checked as in the CPU walk, by the same reader.
  const callFrames = new CallFrameReader(raw.frames);
  walk(head, -1, 0);
  if (callFrames.stringScriptId) raw.stringScriptId = true;
  if (callFrames.numericScriptId) raw.numericScriptId = true;

  // Members in key order, children where their key is: frames are interned in the scanner's order.
  function walk(node: Json, parent: number, depth: number): void {
    if (depth > MAX_HEAP_DEPTH) giveUp();
    const i = raw.ids.length;
    raw.ids.push(-1);
    raw.parent.push(parent);
    raw.frame.push(-1);
    raw.selfSize.push(0);
    for (const key in node) {
      const v = node[key];
      switch (key) {
        case 'children':
          if (!Array.isArray(v)) giveUp();
          for (let c = 0; c < v.length; c++) {
            const child: unknown = v[c];
            if (!isObject(child)) giveUp();
            walk(child, i, depth + 1);
          }
          break;
        case 'callFrame': {
          if (!isObject(v)) giveUp();
          const f = callFrames.read(v);
          if (f < 0) giveUp();
          raw.frame.data[i] = f;
          break;
        }
        case 'selfSize': {
          const size = number(v);
          if (!(size >= 0 && size <= MAX_VALUE)) giveUp();
          raw.selfSize.data[i] = size;
          break;
        }
        case 'id':
          raw.ids.data[i] = nodeId(v);
          break;
        case 'hitCount':
          // The legacy CPU format: the scanner explains it.
          giveUp();
      }
    }
    if (raw.frame.data[i]! < 0) giveUp();
    if (raw.ids.data[i]! < 0) raw.missingIds++;
  }
}

function walkHeapSamples(samples: unknown[], raw: RawHeapNodes): void {
  raw.hasSamples = true;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!isObject(s)) giveUp();
    // The ordinal (allocation order) defaults to the sample's position, as in the byte scanner.
    const ordinal = s.ordinal === undefined ? raw.sampleNode.length : number(s.ordinal);
    raw.sampleNode.push(nodeId(s.nodeId));
    raw.sampleSize.push(s.size === undefined ? 0 : number(s.size));
    raw.sampleOrdinal.push(ordinal);
  }
}

/**
 * The common CPU profile in one pass: nodes in depth-first preorder with children lists (what V8
 * writes), ids unique, every sample with its time delta. The input order is then the model's node
 * order, so each node's parent, frame and ticks go straight into the final arrays, checked
 * against the children lists as they come; samples and their times in one more pass. Gives the
 * parts buildCpuProfile would assemble (frames still raw); anything else (another order, parent
 * links, no deltas, a value buildCpuProfile would reject) is left to it (undefined).
 */
function preorderCpuNodes(
  nodes: unknown,
  samples: unknown,
  deltas: unknown,
  startTime: number | null,
  endTime: number | null,
  hasTypeId: boolean,
): { parts: Omit<TreeParts, 'frames'>; frames: RawFrameTable; profilerNext: boolean } | undefined {
  if (!Array.isArray(nodes) || !Array.isArray(samples) || !Array.isArray(deltas)) return undefined;
  const n = nodes.length;
  const sampleCount = samples.length;
  if (n === 0 || sampleCount === 0 || deltas.length !== sampleCount) return undefined;
  if ((startTime !== null && !(Math.abs(startTime) <= MAX_VALUE)) || (endTime !== null && !(Math.abs(endTime) <= MAX_VALUE))) return undefined;
  const rawFrames = new RawFrameTable();
  const callFrames = new CallFrameReader(rawFrames);
  const parent = new Int32Array(n);
  const nodeFrame = new Int32Array(n);
  const tickStart = new Int32Array(n + 1);
  let tickLine = new Int32Array(256);
  let tickCount = new Float64Array(256);
  let ticks = 0;
  // Position + 1 per node id (0: no such node), grown up to where buildCpuProfile's index stays dense.
  const maxDenseId = n * 4 + 1024;
  let posOf = new Int32Array(Math.min(maxDenseId, n + 1024));
  // The children lists still being matched, innermost last: node n must be the next child listed.
  const open: unknown[][] = [];
  const openNext = new Int32Array(n);
  const openOwner = new Int32Array(n);
  let depth = 0;
  let positionTicks = false;
  let lineTicks = false;
  for (let i = 0; i < n; i++) {
    const node: unknown = nodes[i];
    if (!isObject(node)) return undefined;
    const id: unknown = node.id;
    if (typeof id !== 'number' || (id | 0) !== id || id < 0) return undefined;
    if (id >= posOf.length) {
      if (id >= maxDenseId) return undefined;
      const grown = new Int32Array(maxDenseId);
      grown.set(posOf);
      posOf = grown;
    }
    if (posOf[id] !== 0) return undefined;
    posOf[id] = i + 1;
    if (i === 0) parent[0] = -1;
    else {
      while (depth > 0 && openNext[depth - 1] === open[depth - 1]!.length) depth--;
      if (depth === 0 || open[depth - 1]![openNext[depth - 1]!] !== id) return undefined;
      openNext[depth - 1]!++;
      parent[i] = openOwner[depth - 1]!;
    }
    if (node.parent !== undefined) return undefined;
    const children = node.children;
    if (children !== undefined) {
      if (!Array.isArray(children)) return undefined;
      if (children.length > 0) {
        open[depth] = children;
        openNext[depth] = 0;
        openOwner[depth] = i;
        depth++;
      }
    }
    const hits = node.hitCount;
    if (hits !== undefined && typeof hits !== 'number') return undefined;
    const cf = node.callFrame;
    if (!isObject(cf)) return undefined;
    const f = callFrames.read(cf);
    if (f < 0) return undefined;
    nodeFrame[i] = f;
    // Per-line ticks: one kind per node (both at once keep their key order: buildCpuProfile's).
    tickStart[i] = ticks;
    let list: unknown = node.positionTicks;
    let countKey = 'ticks';
    if (list !== undefined) {
      positionTicks = true;
      if (cf.lineTicks !== undefined) return undefined;
    } else {
      list = cf.lineTicks;
      if (list !== undefined) {
        lineTicks = true;
        countKey = 'hitCount';
      }
    }
    if (list !== undefined && list !== null) {
      if (!Array.isArray(list)) return undefined;
      if (ticks + list.length > tickLine.length) {
        const size = Math.max(tickLine.length * 2, ticks + list.length);
        const l2 = new Int32Array(size);
        l2.set(tickLine);
        tickLine = l2;
        const c2 = new Float64Array(size);
        c2.set(tickCount);
        tickCount = c2;
      }
      for (let k = 0; k < list.length; k++) {
        const entry: unknown = list[k];
        if (!isObject(entry)) return undefined;
        const tl = entry.line;
        const tc = entry[countKey];
        if ((tl !== undefined && typeof tl !== 'number') || (tc !== undefined && typeof tc !== 'number')) return undefined;
        // As addTick: whole lines only, positive finite counts; a line out of range counts on line 0.
        const lineOf = tl ?? 0;
        const count = tc ?? 0;
        if (Number.isInteger(lineOf) && count > 0 && count <= MAX_VALUE) {
          tickLine[ticks] = lineOf > 0 && lineOf <= 0x7fffffff ? lineOf : 0;
          tickCount[ticks] = count;
          ticks++;
        }
      }
    }
  }
  while (depth > 0 && openNext[depth - 1] === open[depth - 1]!.length) depth--;
  // A child listed but never met: buildCpuProfile names it.
  if (depth > 0) return undefined;
  tickStart[n] = ticks;

  // Samples: each one's node, and the time it stands for (see buildCpuProfile's attributeTime).
  const selfValue = new Float64Array(n);
  const selfSamples = new Float64Array(n);
  const sampleNodes = new Int32Array(sampleCount);
  const sampleTimes = new Float64Array(sampleCount);
  const start = startTime ?? 0;
  let prev = 0;
  let ts = start;
  let clock = 0;
  let first = 0;
  let outOfOrder = 0;
  for (let i = 0; i < sampleCount; i++) {
    const s: unknown = samples[i];
    const d: unknown = deltas[i];
    if (typeof s !== 'number' || (s | 0) !== s || s < 0 || s >= posOf.length || typeof d !== 'number' || !(d >= -MAX_VALUE && d <= MAX_VALUE)) return undefined;
    const k = posOf[s]! - 1;
    if (k < 0) return undefined;
    sampleNodes[i] = k;
    selfSamples[k]!++;
    ts += d;
    if (i === 0) {
      first = ts;
      clock = ts;
    } else if (ts > clock) {
      selfValue[prev]! += ts - clock;
      clock = ts;
    } else if (ts < clock) {
      outOfOrder++;
    }
    sampleTimes[i] = clock;
    prev = k;
  }
  const end = endTime !== null && endTime > clock ? endTime : clock;
  if (!(end - first <= MAX_VALUE)) return undefined;
  selfValue[prev]! += end - clock;

  const profilerNext = hasTypeId || lineTicks || (callFrames.numericScriptId && !callFrames.stringScriptId && !positionTicks);
  const parts: Omit<TreeParts, 'frames'> = {
    kind: 'cpu',
    unit: 'us',
    format: profilerNext ? 'v8-profiler-next' : 'devtools-cpuprofile',
    parent,
    nodeFrame,
    selfValue,
    selfSamples,
    tickStart,
    tickLine: tickLine.subarray(0, ticks),
    tickCount: tickCount.subarray(0, ticks),
    startTime: start,
    endTime: end,
    sampleCount,
    notes: [],
    sampleNodes,
    sampleTimes,
  };
  const late = outOfOrderNote(outOfOrder, sampleCount);
  if (late) parts.notes.push(late);
  const timeless = weighTimelessSamples(selfValue, selfSamples, sampleCount);
  if (timeless) {
    parts.notes.push(timeless);
    delete parts.sampleNodes;
    delete parts.sampleTimes;
  }
  return { parts, frames: rawFrames, profilerNext };
}

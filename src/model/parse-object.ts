// Small profiles: JSON.parse, then a walk of the parsed objects into the very tables the byte
// scanner fills (RawCpuNodes, RawHeapNodes), finished by the same build functions. Why two
// paths: in a fresh process the scanner's byte loops run in V8's interpreter until the JIT has
// seen enough of them, so a cold parse of a 1 MB profile cost several times JSON.parse; the walk
// here touches each node once instead of each byte. Large files keep the scanner, which needs a
// fraction of JSON.parse's memory and is faster once compiled.
//
// This path only handles input it reads exactly as the scanner would; anything unusual (a wrong
// type, a missing id, invalid JSON, a heap snapshot…) makes it give up (undefined), and the
// scanner then gives the result or its precise error. One difference remains by design: JSON.parse
// keeps the last of duplicate keys, which no profiler writes.
import { FloatList, IntList } from './scan';
import { NO_POSITION, rawPosition, isNodeId } from './parse-common';
import { RawCpuNodes, addTick, buildCpuProfile } from './parse-cpuprofile';
import { RawHeapNodes, buildHeapProfile } from './parse-heapprofile';
import { MAX_VALUE } from './assemble';
import type { Profile } from './types';

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
  let top: unknown;
  try {
    top = JSON.parse(decode(bytes));
  } catch {
    return undefined;
  }
  if (!isObject(top)) return undefined;
  const members = top;
  top = undefined;
  let cpu: RawCpuNodes | null = null;
  let heap: RawHeapNodes | null = null;
  let samples: IntList | null = null;
  let timeDeltas: FloatList | null = null;
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
          cpu = new RawCpuNodes();
          walkCpuNodes(v, cpu);
          break;
        case 'samples':
          if (!Array.isArray(v)) giveUp();
          // As the scanner: an object first means heap samples, anything else CPU sample ids.
          if (isObject(v[0])) {
            heap ??= new RawHeapNodes();
            walkHeapSamples(v, heap);
          } else {
            samples = new IntList(v.length);
            for (let i = 0; i < v.length; i++) samples.push(nodeId(v[i]));
          }
          break;
        case 'timeDeltas':
          if (!Array.isArray(v)) giveUp();
          timeDeltas = new FloatList(v.length);
          for (let i = 0; i < v.length; i++) timeDeltas.push(number(v[i]));
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
        case 'snapshot':
        case 'traceEvents':
          // Not a profile: the scanner words the error.
          giveUp();
      }
    }
  } catch (err) {
    // A stack overflow on absurdly nested input is the scanner's to report, too.
    if (err === GIVE_UP || err instanceof RangeError) return undefined;
    throw err;
  }
  if (cpu !== null) return buildCpuProfile({ nodes: cpu, samples, timeDeltas, startTime, endTime, hasTypeId });
  if (heap !== null && heap.ids.length > 0) return buildHeapProfile(heap);
  return undefined;
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

/** A string id in `table` ('' when absent), as the scanner interns functionName and url. */
function stringId(v: unknown, table: { internValue(s: string): number }, empty: number): number {
  if (v === undefined) return empty;
  return typeof v === 'string' ? table.internValue(v) : giveUp();
}

function position(v: unknown): number {
  return v === undefined ? NO_POSITION : rawPosition(number(v));
}

function walkCpuNodes(nodes: unknown, raw: RawCpuNodes): void {
  if (!Array.isArray(nodes) || nodes.length === 0) giveUp();
  const count = nodes.length;
  const names = raw.frames.names;
  const urls = raw.frames.urls;
  const emptyName = names.internValue('');
  const emptyUrl = urls.internValue('');
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
  const frames = raw.frames;
  let lastUrl = '';
  let lastUrlId = emptyUrl;
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
    const fnName = cf.functionName;
    const fn = fnName === undefined ? emptyName : typeof fnName === 'string' ? names.internValue(fnName) : giveUp();
    // Siblings in a profile mostly share their file: skip the lookup when the url repeats.
    const urlName = cf.url;
    let url = emptyUrl;
    if (urlName !== undefined) {
      if (typeof urlName !== 'string') giveUp();
      if (urlName !== lastUrl) {
        lastUrl = urlName;
        lastUrlId = urls.internValue(urlName);
      }
      url = lastUrlId;
    }
    // As rawPosition(): integers from -1 up (within int32), anything else NO_POSITION.
    const lineNumber: unknown = cf.lineNumber;
    const columnNumber: unknown = cf.columnNumber;
    let line = NO_POSITION;
    let col = NO_POSITION;
    if (lineNumber !== undefined) {
      if (typeof lineNumber !== 'number') giveUp();
      if ((lineNumber | 0) === lineNumber && lineNumber >= -1) line = lineNumber;
    }
    if (columnNumber !== undefined) {
      if (typeof columnNumber !== 'number') giveUp();
      if ((columnNumber | 0) === columnNumber && columnNumber >= -1) col = columnNumber;
    }
    const scriptId = cf.scriptId;
    if (typeof scriptId === 'string') raw.stringScriptId = true;
    else if (typeof scriptId === 'number') raw.numericScriptId = true;
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
    frame[n] = frames.intern(fn, url, line, col);
    hitCount[n] = hits;
    parentIds[n] = parentId;
  }
  childOff[count] = childIds.length;
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
  const names = raw.frames.names;
  const urls = raw.frames.urls;
  const emptyName = names.internValue('');
  const emptyUrl = urls.internValue('');
  walk(head, -1, 0);

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
          const fn = stringId(v.functionName, names, emptyName);
          const url = stringId(v.url, urls, emptyUrl);
          raw.frame.data[i] = raw.frames.intern(fn, url, position(v.lineNumber), position(v.columnNumber));
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
    if (raw.ids.data[i]! < 0 || raw.frame.data[i]! < 0) giveUp();
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

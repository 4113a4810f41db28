// Sampling heap profiles (`node --heap-prof`, DevTools "Allocation sampling", Profiler
// HeapProfiler.getSamplingProfile): a nested tree under `head` — {callFrame, selfSize, id,
// children: [...]} — and optionally `samples` [{size, nodeId, ordinal}]. Line numbers are
// 0-based as in DevTools. The value of a node is the bytes allocated there and still live.
// v8-profiler-next writes the same tree from V8's C++ API: numeric scriptIds, 1-based lines
// (0: none), and no ids or samples — ids only link samples to nodes, so without samples none are needed.
import { LegacyCpuProfile } from './parse-legacy-cpu';
import { FloatList, IntList, keyBytes, type JsonScanner } from './scan';
import { IdIndex, NO_POSITION, RawFrameTable, rawPosition, readId } from './parse-common';
import { MAX_VALUE, assembleProfile } from './assemble';
import { heapSamplesInOrder } from './time-slice';
import { formatValue } from './format';
import type { Profile } from './types';
import { ProfileError } from './types';

const K_ID = keyBytes('id');
const K_CALLFRAME = keyBytes('callFrame');
const K_SELFSIZE = keyBytes('selfSize');
const K_CHILDREN = keyBytes('children');
const K_HITCOUNT = keyBytes('hitCount');
const K_FUNCTIONNAME = keyBytes('functionName');
const K_URL = keyBytes('url');
const K_LINENUMBER = keyBytes('lineNumber');
const K_COLUMNNUMBER = keyBytes('columnNumber');
const K_SIZE = keyBytes('size');
const K_ORDINAL = keyBytes('ordinal');
const K_NODEID = keyBytes('nodeId');
const K_SCRIPTID = keyBytes('scriptId');

/** The heap tree as scanned, in document order (which is parent-first). */
export class RawHeapNodes {
  readonly frames = new RawFrameTable();
  readonly ids = new IntList(1024);
  readonly parent = new IntList(1024);
  readonly frame = new IntList(1024);
  readonly selfSize = new FloatList(1024);
  /** Samples: node id and size per sample. */
  readonly sampleNode = new IntList(1024);
  readonly sampleSize = new FloatList(1024);
  /** Allocation order of each sample (V8 lists them unordered); the timeline's axis. */
  readonly sampleOrdinal = new FloatList(1024);
  hasSamples = false;
  /** Nodes without an "id" (v8-profiler-next writes none): fine unless samples refer to nodes. */
  missingIds = 0;
  /** scriptId types seen: numbers mean v8-profiler-next (1-based lines), strings DevTools. */
  numericScriptId = false;
  stringScriptId = false;
}

/** Scans `head` (the scanner sits at its '{'). Iterative: deep allocation stacks cannot overflow. */
export function scanHeapHead(sc: JsonScanner, raw: RawHeapNodes): void {
  if (sc.peek() !== 0x7b) sc.typeError('"head"', 'an object');
  const names = raw.frames.names;
  const urls = raw.frames.urls;
  const emptyName = names.internValue('');
  const emptyUrl = urls.internValue('');
  // Per open node: its index; fields are filled as keys arrive, in any order.
  const stack: number[] = [];
  let cur = open(-1);
  let hasMembers = sc.openObject();
  for (;;) {
    if (hasMembers) {
      sc.readKey();
      if (sc.keyIs(K_CHILDREN)) {
        if (sc.peek() !== 0x5b) sc.typeError(`the children of heap node #${cur}`, 'an array');
        if (sc.openArray()) {
          stack.push(cur);
          if (sc.peek() !== 0x7b) sc.typeError(`a child of heap node #${cur}`, 'an object');
          cur = open(cur);
          hasMembers = sc.openObject();
          continue;
        }
      } else if (sc.keyIs(K_CALLFRAME)) {
        scanCallFrame(cur);
      } else if (sc.keyIs(K_SELFSIZE)) {
        const v = sc.readNumber('the selfSize of heap node #%d', cur);
        if (!(v >= 0 && v <= MAX_VALUE)) {
          throw new ProfileError('invalid-value', `Not a usable heap profile: heap node #${cur} has a selfSize of ${v}; a size is a number of bytes (0 or more, below 2^53).`);
        }
        raw.selfSize.data[cur] = v;
      } else if (sc.keyIs(K_ID)) {
        raw.ids.data[cur] = readId(sc, 'the id of heap node #%d', cur);
      } else if (sc.keyIs(K_HITCOUNT)) {
        throw new LegacyCpuProfile(); // parseProfile reads it through parse-legacy-cpu.ts
      } else {
        sc.skipValue();
      }
    }
    // After a member (or an empty object): more members, or close nodes and move to siblings.
    for (;;) {
      if (hasMembers && sc.next(0x7d)) break;
      finish(cur);
      const parent = stack[stack.length - 1];
      if (parent === undefined) return;
      if (sc.next(0x5d)) {
        if (sc.peek() !== 0x7b) sc.typeError(`a child of heap node #${parent}`, 'an object');
        cur = open(parent);
        hasMembers = sc.openObject();
        break;
      }
      // The children array closed: continue with the parent's remaining members.
      cur = stack.pop()!;
      hasMembers = true;
    }
  }

  function open(parent: number): number {
    const i = raw.ids.length;
    raw.ids.push(-1);
    raw.parent.push(parent);
    raw.frame.push(-1);
    raw.selfSize.push(0);
    return i;
  }

  function finish(i: number): void {
    if (raw.ids.data[i]! < 0) raw.missingIds++;
    if (raw.frame.data[i]! < 0) throw new ProfileError('invalid-structure', `Not a valid heap profile: heap node #${i} (id ${raw.ids.data[i]}) has no "callFrame".`);
  }

  function scanCallFrame(i: number): void {
    if (sc.peek() !== 0x7b) sc.typeError(`the callFrame of heap node #${i}`, 'an object');
    let fn = emptyName;
    let url = emptyUrl;
    let line = NO_POSITION;
    let col = NO_POSITION;
    if (sc.openObject()) {
      do {
        sc.readKey();
        if (sc.keyIs(K_FUNCTIONNAME)) {
          if (sc.peek() !== 0x22) sc.typeError('callFrame.functionName', 'a string');
          sc.readStringRange();
          fn = names.internLast(sc);
        } else if (sc.keyIs(K_URL)) {
          if (sc.peek() !== 0x22) sc.typeError('callFrame.url', 'a string');
          sc.readStringRange();
          url = urls.internLast(sc);
        } else if (sc.keyIs(K_LINENUMBER)) {
          line = position(sc.readNumber('callFrame.lineNumber'));
        } else if (sc.keyIs(K_COLUMNNUMBER)) {
          col = position(sc.readNumber('callFrame.columnNumber'));
        } else if (sc.keyIs(K_SCRIPTID)) {
          if (sc.peek() === 0x22) raw.stringScriptId = true;
          else raw.numericScriptId = true;
          sc.skipValue();
        } else {
          sc.skipValue();
        }
      } while (sc.next(0x7d));
    }
    raw.frame.data[i] = raw.frames.intern(fn, url, line, col);
  }
}

const position = rawPosition;

/** Scans heap `samples` [{size, nodeId, ordinal}] (the scanner sits at its '['). */
export function scanHeapSamples(sc: JsonScanner, raw: RawHeapNodes): void {
  raw.hasSamples = true;
  if (sc.peek() !== 0x5b) sc.typeError('"samples"', 'an array');
  if (!sc.openArray()) return;
  do {
    if (sc.peek() !== 0x7b) sc.typeError('a heap sample', 'an object');
    let node = -1;
    let size = 0;
    let ordinal = raw.sampleNode.length;
    if (sc.openObject()) {
      do {
        sc.readKey();
        if (sc.keyIs(K_NODEID)) node = readId(sc, 'the nodeId of a heap sample:');
        else if (sc.keyIs(K_SIZE)) size = sc.readNumber('the size of a heap sample');
        else if (sc.keyIs(K_ORDINAL)) ordinal = sc.readNumber('the ordinal of a heap sample');
        else sc.skipValue();
      } while (sc.next(0x7d));
    }
    if (node < 0) throw new ProfileError('invalid-structure', `Not a valid heap profile: sample #${raw.sampleNode.length} has no "nodeId".`);
    raw.sampleNode.push(node);
    raw.sampleSize.push(size);
    raw.sampleOrdinal.push(ordinal);
  } while (sc.next(0x5d));
}

export function buildHeapProfile(raw: RawHeapNodes): Profile {
  const n = raw.ids.length;
  const ids = raw.ids.view();
  if (raw.missingIds > 0 && raw.sampleNode.length > 0) {
    const i = ids.indexOf(-1);
    throw new ProfileError('invalid-structure', `Not a valid heap profile: heap node #${i} has no "id", which its samples need to name their nodes.`);
  }
  // Without ids (and so without samples), positions stand in for them.
  const index = new IdIndex(raw.missingIds > 0 ? Int32Array.from(ids, (_id, i) => i) : ids, 'heap nodes');
  const profilerNext = raw.numericScriptId && !raw.stringScriptId;
  const selfSamples = new Float64Array(n);
  const count = raw.sampleNode.length;
  // Samples whose node is not in the tree: V8 removes a sample with its node (a collected
  // object's node is pruned with its last sample), so these are not the program's. They are what
  // V8 allocated while it wrote the profile (each script's line table, to give nodes their
  // lines), sampled under a node it added after that part of the tree was written. They are left
  // out of every count, as DevTools leaves them out of its tree, and the note says how many.
  let orphans = 0;
  let orphanBytes = 0;
  const sampleNodes = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = index.get(raw.sampleNode.data[i]!);
    sampleNodes[i] = k;
    if (k >= 0) selfSamples[k]!++;
    else {
      orphans++;
      const size = raw.sampleSize.data[i]!;
      if (size > 0 && size <= MAX_VALUE) orphanBytes += size;
    }
  }
  const selfValue = Float64Array.from(raw.selfSize.view());
  let total = 0;
  for (let i = 0; i < n; i++) total += selfValue[i]!;
  const notes: string[] = [];
  if (orphans > 0) notes.push(uncountedNote(orphans, orphanBytes, count));
  if (!raw.hasSamples) notes.push('The heap profile has no per-sample list; sample counts are not available.');
  return assembleProfile({
    kind: 'heap',
    unit: 'bytes',
    format: profilerNext ? 'v8-profiler-next' : 'heapprofile',
    frames: raw.frames.toFrames(profilerNext ? (v) => (v > 0 ? v : 0) : (v) => (v >= 0 ? v + 1 : 0)),
    parent: Int32Array.from(raw.parent.view()),
    nodeFrame: Int32Array.from(raw.frame.view()),
    selfValue,
    selfSamples,
    startTime: 0,
    endTime: total,
    sampleCount: count - orphans,
    uncountedSamples: orphans,
    notes,
    ...heapSamplesInOrder(sampleNodes, raw.sampleSize.view(), raw.sampleOrdinal.view()),
  });
}

/** The note on a heap profile's samples outside its tree (see Profile.uncountedSamples). */
function uncountedNote(orphans: number, bytes: number, count: number): string {
  const them = orphans === 1 ? '1 sample' : `${orphans} samples`;
  return `${count - orphans} of the file's ${count} heap samples are counted: ${them} (${formatValue(bytes, 'bytes')}) name a node that is not in the tree. V8 takes such samples of its own allocations while it writes the profile, and DevTools leaves them out too.`;
}

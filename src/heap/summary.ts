// Heap-snapshot summary: objects grouped by constructor (class name) with count, shallow (self)
// size and retained size, computed by @vscode/v8-heap-parser (Rust compiled to WASM). Everything
// the parser allocates lives in WASM memory and is released with .free().
import * as heapParser from '@vscode/v8-heap-parser';
import { decode_bytes } from '@vscode/v8-heap-parser';
import type { ClassGroup, Graph } from '@vscode/v8-heap-parser';
import type { ConstructorSummary, SnapshotSummary } from './types';
import { finishSummary } from './types';
import { formatSize } from '../model/size';

/** Parses a decoded snapshot's bytes. `withRetained` runs the dominator computation (the slow part). */
export function summarizeSnapshotBytes(bytes: Uint8Array, withRetained: boolean): SnapshotSummary {
  const graph = decode_bytes(bytes);
  let summary: SnapshotSummary;
  try {
    summary = summarizeGraph(graph, withRetained);
  } catch (error) {
    freeAfterFailure(graph);
    throw error;
  }
  graph.free();
  return summary;
}

/**
 * Frees a graph whose computation threw. After a trap the parser still marks the graph as in use,
 * and free() throws an error of its own ("recursive use of an object…") that would hide the trap;
 * the graph's memory is then left to the thread, which ends.
 */
export function freeAfterFailure(graph: Graph | undefined): void {
  try {
    graph?.free();
  } catch {
    // See above.
  }
}

/**
 * What the parser (and the retainer index) read of a snapshot's bytes: past a UTF-8 byte-order mark,
 * which an editor may have saved it with and the parser refuses as "invalid profile JSON" (a view,
 * not a copy), with its trace tree blanked in place (see blankTraceTree). For bytes the caller owns.
 */
export function parsableSnapshot(bytes: Uint8Array): Uint8Array {
  const json = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  blankTraceTree(json);
  return json;
}

const traceTreeKey = Buffer.from('"trace_tree":');

/**
 * Blanks a snapshot's "trace_tree" to [] in place (spaces where it was). A process run with
 * --track-heap-objects (or DevTools recording allocations) writes its allocation stacks there as
 * nested arrays, which the parser refuses as "invalid profile JSON"; the summary does not use them.
 * The tree holds only numbers and arrays, so its brackets alone say where it ends. For bytes the
 * caller owns.
 */
export function blankTraceTree(bytes: Uint8Array): void {
  // The key comes before "strings" (after "nodes" and "edges", which are numbers): its first
  // occurrence is the member, not text inside a string (where its quotes would be escaped).
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(traceTreeKey);
  if (key < 0) return;
  let i = key + traceTreeKey.length;
  while (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09) i++;
  if (bytes[i] !== 0x5b) return;
  const start = i;
  let depth = 0;
  for (; i < bytes.length; i++) {
    if (bytes[i] === 0x5b) depth++;
    else if (bytes[i] === 0x5d && --depth === 0) break;
  }
  if (depth !== 0) return; // cut off: the parser says so
  bytes.fill(0x20, start + 1, i + 1);
  bytes[start + 1] = 0x5d;
}

/** A parsed graph, for callers that want a fast summary first and retained sizes after. */
export function decodeSnapshot(bytes: Uint8Array): Graph {
  return decode_bytes(bytes);
}

export function summarizeGraph(graph: Graph, withRetained: boolean): SnapshotSummary {
  // Class groups are few (hundreds); ask for all of them at once.
  const groups = graph.get_class_groups(0, 0x7fffffff, !withRetained);
  const constructors: ConstructorSummary[] = [];
  try {
    for (const group of groups) constructors.push(readGroup(group, withRetained));
  } finally {
    for (const group of groups) group.free();
  }
  return finishSummary(constructors, withRetained, []);
}

function readGroup(group: ClassGroup, withRetained: boolean): ConstructorSummary {
  const summary: ConstructorSummary = { name: group.name(), count: group.children_len, selfSize: Number(group.self_size) };
  if (withRetained) summary.retainedSize = Number(group.retained_size);
  return summary;
}

/**
 * A parser failure in words. The parser throws a string for JSON it cannot read, and traps
 * (WebAssembly "unreachable") both when it panics on inconsistent contents and when its memory
 * cannot grow (wasm32: 4 GB at most; a 646 MB snapshot needed more): a trap with most of
 * that memory in use is the latter.
 */
export function describeParserError(error: unknown): { message: string; outOfMemory: boolean } {
  // WebAssembly.RuntimeError (the node types here have no WebAssembly values).
  if (!(error instanceof Error && error.name === 'RuntimeError')) return { message: error instanceof Error ? error.message : String(error), outOfMemory: false };
  const memory = (heapParser as unknown as { __wasm?: { memory?: { buffer: ArrayBuffer } } }).__wasm?.memory;
  const used = memory?.buffer.byteLength ?? 0;
  const limit = parserMemoryLimit();
  if (used > limit / 2) return { message: `it ran out of memory (${formatSize(used)} in use; WebAssembly lets it have ${formatSize(limit)} at most)`, outOfMemory: true };
  return { message: `the heap parser stopped on inconsistent contents (WebAssembly: ${error.message})`, outOfMemory: false };
}

/** 65,536 pages of 64 KB, or fewer when V8's --wasm-max-mem-pages says so. */
function parserMemoryLimit(): number {
  const flag = process.execArgv.map((a) => /^--wasm[-_]max[-_]mem[-_]pages=(\d+)$/.exec(a)?.[1]).find((v) => v !== undefined);
  return Math.min(65_536, flag === undefined ? 65_536 : Number(flag)) * 65_536;
}

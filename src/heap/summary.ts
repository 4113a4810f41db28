// Heap-snapshot summary: objects grouped by constructor (class name) with count, shallow (self)
// size and retained size, computed by @vscode/v8-heap-parser (Rust compiled to WASM). Everything
// the parser allocates lives in WASM memory and is released with .free().
import { decode_bytes } from '@vscode/v8-heap-parser';
import type { ClassGroup, Graph } from '@vscode/v8-heap-parser';
import type { ConstructorSummary, SnapshotSummary } from './types';
import { finishSummary } from './types';

/** Parses a decoded snapshot's bytes. `withRetained` runs the dominator computation (the slow part). */
export function summarizeSnapshotBytes(bytes: Uint8Array, withRetained: boolean): SnapshotSummary {
  const graph = decode_bytes(bytes);
  try {
    return summarizeGraph(graph, withRetained);
  } finally {
    graph.free();
  }
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

// Answers questions about a kept snapshot (SnapshotQuery): a constructor's largest objects from the WASM
// parser's graph (with retained sizes), and what keeps one of them alive from indexSnapshot.
import type { Graph } from '@vscode/v8-heap-parser';
import { capName, indexSnapshot, type HeapInstance, type InstancePage, type RetainerReport } from './retainers';
import type { SnapshotQuery } from './worker-protocol';

/** `graph` must have its retained sizes computed (summarizeGraph(graph, true)); `bytes` are its snapshot. */
export function snapshotInspector(graph: Graph, bytes: Uint8Array): (query: SnapshotQuery) => InstancePage | RetainerReport {
  const retainers = indexSnapshot(bytes);
  const groups = graph.get_class_groups(0, 0x7fffffff, false);
  const names = groups.map((g) => g.name());
  const counts = groups.map((g) => g.children_len);
  for (const g of groups) g.free();
  return (query) => {
    if (query.type === 'retainers') return retainers(query.index);
    const { name } = query;
    const group = names.indexOf(name);
    if (group < 0) throw new Error(`no constructor ${capName(name)} in the snapshot`);
    const total = counts[group]!;
    // class_children's end must not pass the group's size (it wraps around).
    const instances = graph.class_children(group, 0, Math.min(total, query.count), 1 /* WasmSortBy.RetainedSize */).map((node): HeapInstance => {
      const instance = { index: node.index, id: node.id, name: capName(node.name()), selfSize: Number(node.self_size), retainedSize: Number(node.retained_size) };
      node.free();
      return instance;
    });
    return { name, total, instances };
  };
}

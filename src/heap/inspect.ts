// Answers questions about a kept snapshot (SnapshotQuery): a constructor's largest objects from the WASM
// parser's graph (with retained sizes), and what keeps one of them alive from the HeapIndex.
import { WasmSortBy } from '@vscode/v8-heap-parser';
import type { Graph } from '@vscode/v8-heap-parser';
import { HeapIndex, capName, type HeapInstance, type InstancePage, type RetainerReport } from './retainers';
import type { SnapshotQuery } from './worker-protocol';

export class SnapshotInspector {
  private groups: { name: string; count: number }[] | undefined;
  /** Objects handed out per class group, in order: the parser's sort is not stable across ranges. */
  private readonly shown = new Map<number, HeapInstance[]>();

  constructor(
    private readonly graph: Graph,
    private readonly index: HeapIndex,
  ) {}

  /** `graph` must have had its retained sizes computed (summarizeGraph(graph, true)); `bytes` are its snapshot. */
  static of(graph: Graph, bytes: Uint8Array): SnapshotInspector {
    return new SnapshotInspector(graph, HeapIndex.fromBytes(bytes));
  }

  answer(query: SnapshotQuery): InstancePage | RetainerReport {
    return query.type === 'retainers' ? this.index.retainers(query.index) : this.instances(query.name, query.start, query.count);
  }

  /** Objects `start` to `start + count` of constructor `name`, largest retained size first. */
  instances(name: string, start: number, count: number): InstancePage {
    if (!this.groups) {
      const groups = this.graph.get_class_groups(0, 0x7fffffff, false);
      this.groups = groups.map((g) => ({ name: g.name(), count: g.children_len }));
      for (const g of groups) g.free();
    }
    const group = this.groups.findIndex((g) => g.name === name);
    if (group < 0) throw new Error(`no constructor ${capName(name)} in the snapshot`);
    const total = this.groups[group]!.count;
    const end = Math.min(total, Math.max(0, start) + Math.max(0, count));
    const shown = this.shown.get(group) ?? [];
    this.shown.set(group, shown);
    if (shown.length < end) {
      const seen = new Set(shown.map((i) => i.index));
      // class_children's end must not pass the group's size (it wraps around).
      for (const node of this.graph.class_children(group, 0, end, WasmSortBy.RetainedSize)) {
        if (shown.length < end && !seen.has(node.index)) {
          shown.push({ index: node.index, id: node.id, name: capName(node.name()), selfSize: Number(node.self_size), retainedSize: Number(node.retained_size) });
        }
        node.free();
      }
    }
    return { name, start, total, instances: shown.slice(start, end) };
  }
}

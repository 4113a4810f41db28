// The standalone report's answer to a search share, without a host: the drawn tree's own count plus,
// below each drawn node no match sits on or above, the matches among the frames it folded (embedded
// by src/webview-page/report-search.ts, which describes the data). Exact for the whole profile's tree
// as embedded; for a time range (the tree re-scoped from per-bucket data, which folded frames have
// none of) or a block left out for size, an honest lower bound with the folded frames' count.
import type { FlameNode } from '../src/model/types';
import type { TablePayload } from '../src/protocol';
import { searchDigits, type ReportSearchData } from '../src/webview-page/report-search';

export interface ReportShare {
  term: string;
  matchedValue: number;
  total: number;
  /** Matching frames found (0: no match, when exact). */
  count: number;
  /** Set when matchedValue is only a lower bound: the folded frames that could hold more. */
  folded?: number;
}

interface Decoded {
  name: Int32Array;
  size: Int32Array;
  total: Float64Array;
  /** Block of each drawn node id (index into `at`). */
  block: Map<number, number>;
  /** Index of each block's first node, and the node count last. */
  starts: number[];
}

export class ReportSearch {
  private decoded: Decoded | undefined;
  private readonly lowerNames: string[];
  private readonly omitted: Set<number>;

  private constructor(
    private readonly data: ReportSearchData,
    /** The data describes every folded frame of the embedded tree (but those of `omitted`). */
    private readonly complete = true,
  ) {
    this.lowerNames = data.names.map((n) => String(n).toLowerCase());
    this.omitted = new Set(data.omitted);
  }

  /** Undefined when the data is not what the report writes (the page then counts the drawn tree only). */
  static from(data: ReportSearchData | undefined): ReportSearch | undefined {
    const ok =
      data !== undefined &&
      Array.isArray(data.names) &&
      Array.isArray(data.ids) &&
      Array.isArray(data.at) &&
      data.at.length === data.ids.length + 1 &&
      typeof data.nodes === 'string' &&
      data.at[data.at.length - 1] === data.nodes.length &&
      Array.isArray(data.omitted);
    return ok ? new ReportSearch(data) : undefined;
  }

  /** No embedded data: every folded frame outside a match makes the share a lower bound. */
  static none(): ReportSearch {
    return new ReportSearch({ names: [], ids: [], at: [0], nodes: '', omitted: [] }, false);
  }

  /**
   * The blocks' nodes as arrays, and each node's total (its self plus its children's totals);
   * undefined for data the report did not write (the caller falls back to the drawn tree's count).
   */
  private decode(): Decoded | undefined {
    if (this.decoded) return this.decoded;
    const { nodes, at, ids } = this.data;
    const digit = new Int8Array(128).fill(-1);
    for (let i = 0; i < searchDigits.length; i++) digit[searchDigits.charCodeAt(i)] = i;
    const values: number[] = [];
    const starts: number[] = [];
    let value = 0;
    let scale = 1;
    let block = 0;
    for (let c = 0; c < nodes.length; c++) {
      while (block < at.length - 1 && at[block] === c) starts[block++] = values.length / 3;
      const d = digit[nodes.charCodeAt(c)] ?? -1;
      if (d < 0) return undefined;
      if (d >= 32) {
        value += (d - 32) * scale;
        scale *= 32;
      } else {
        values.push(value + d * scale);
        value = 0;
        scale = 1;
      }
    }
    const count = Math.floor(values.length / 3);
    const name = new Int32Array(count);
    const size = new Int32Array(count);
    const total = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      name[i] = values[3 * i]!;
      size[i] = values[3 * i + 1]! + 1;
      total[i] = values[3 * i + 2]!;
    }
    // Preorder: the nodes of i's subtree are i + 1 … i + size - 1, so a reverse pass adds children first.
    for (let i = count - 1; i >= 0; i--) {
      for (let j = i + 1; j < i + size[i]!; j += size[j]!) total[i]! += total[j]!;
    }
    const blockOf = new Map<number, number>();
    ids.forEach((id, k) => blockOf.set(id, k));
    // Blocks are never empty: each offset in `at` but the last begins one.
    if (starts.length !== ids.length) return undefined;
    this.decoded = { name, size, total, block: blockOf, starts: [...starts, count] };
    return this.decoded;
  }

  /**
   * The share of the frames whose name holds `term` (trimmed, any case) in `root`, the tree drawn:
   * `whole` when it is the embedded tree (not re-scoped to a range), whose folded frames the data
   * describes. `table`: the table shown with it, whose Totals bound a share from below too.
   */
  share(root: FlameNode, term: string, whole: boolean, table?: TablePayload): ReportShare {
    const needle = term.trim().toLowerCase();
    const total = root.value;
    if (!needle) return { term: needle, matchedValue: 0, total, count: 0 };
    let d: Decoded | undefined;
    try {
      d = whole && this.complete ? this.decode() : undefined;
    } catch {
      d = undefined; // data the report did not write: the drawn tree's count, as a lower bound
    }
    const nameMatches = d ? this.lowerNames.map((n) => n.includes(needle)) : [];
    let matchedValue = 0;
    let count = 0;
    let folded = 0;
    let exact = true;
    const stack: FlameNode[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      // A "… deeper frames" block stands for its parent's folded frames, counted with the parent's.
      if (node.id < 0) continue;
      if (node.name.toLowerCase().includes(needle)) {
        matchedValue += node.value;
        count++;
        continue;
      }
      const k = d?.block.get(node.id);
      if (d && k !== undefined) {
        const end = d.starts[k + 1]!;
        for (let i = d.starts[k]!; i < end; ) {
          if (nameMatches[d.name[i]!]) {
            matchedValue += d.total[i]!;
            count++;
            i += d.size[i]!;
          } else i++;
        }
      }
      // Folded frames, and those a "… N deeper frames" child stands for.
      const deeper = (node.children ?? []).filter((c) => c.id < 0);
      if ((node.folded || deeper.length) && (!d || this.omitted.has(node.id))) {
        exact = false;
        folded += deeper.reduce((a, c) => a + (Number(c.name.replace(/\D/g, '')) || 0), node.folded ?? 0);
      }
      for (const c of node.children ?? []) stack.push(c);
    }
    if (exact) return { term: needle, matchedValue, total, count };
    // A function's Total in the table is part of any search its name matches.
    for (const row of table?.rows ?? []) {
      const name = table!.frames[row.frame]?.name ?? '';
      if (row.total > matchedValue && name.toLowerCase().includes(needle)) {
        matchedValue = row.total;
        count = Math.max(count, 1);
      }
    }
    return { term: needle, matchedValue, total, count, folded };
  }
}

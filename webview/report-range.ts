// The standalone report's answer to a timeline range, without a host: the embedded tree and table
// with each node's and function's values added up over the time buckets the range covers (see
// src/webview-page/report-range.ts, which computed them). A range is rounded to whole buckets.
import type { FlameNode } from '../src/model/types';
import type { HostMessage, TablePayload, TimeRange, TreePayload } from '../src/protocol';
import type { ReportRangeData } from '../src/webview-page/report-range';

type Init = Extract<HostMessage, { type: 'init' }>;

export class ReportRange {
  private constructor(
    private readonly init: Init,
    private readonly data: ReportRangeData,
  ) {}

  /** Undefined when the data does not fit the page's tree and table (then no range selection). */
  static from(init: Init, data: ReportRangeData): ReportRange | undefined {
    const ok =
      data &&
      Number.isFinite(data.start) &&
      data.end > data.start &&
      Number.isInteger(data.buckets) &&
      data.buckets > 0 &&
      Array.isArray(data.tree?.ids) &&
      data.tree.at?.length === data.tree.ids.length + 1 &&
      data.table?.at?.length === init.table.rows.length + 1;
    return ok ? new ReportRange(init, data) : undefined;
  }

  /** The buckets [first, last) a range covers: its ends rounded to the nearest bucket edge, at least one bucket. */
  buckets(range: TimeRange): [number, number] {
    const { start, end, buckets } = this.data;
    const at = (t: number) => Math.min(buckets, Math.max(0, Math.round(((t - start) / (end - start)) * buckets)));
    let first = at(range.from);
    let last = at(range.to);
    if (last <= first) {
      first = Math.min(first, buckets - 1);
      last = first + 1;
    }
    return [first, last];
  }

  /** The range the buckets of `range` cover (what scoped() really shows). */
  snap(range: TimeRange): TimeRange {
    const [first, last] = this.buckets(range);
    const { start, end, buckets } = this.data;
    const at = (b: number) => (b >= buckets ? end : start + (b * (end - start)) / buckets);
    return { from: at(first), to: at(last) };
  }

  /** The tree and table of a range (null: the whole profile, as embedded). */
  scoped(range: TimeRange | null): { tree: TreePayload; table: TablePayload } {
    const { tree, table } = this.init;
    if (!range) return { tree, table };
    const [first, last] = this.buckets(range);
    const sum = (at: number[], bucket: number[], values: number[], i: number): number => {
      let s = 0;
      for (let e = at[i]!; e < at[i + 1]!; e++) if (bucket[e]! >= first && bucket[e]! < last) s += values[e] ?? 0;
      return Number.isFinite(s) ? s : 0;
    };
    const t = this.data.tree;
    const value = new Map<number, number>();
    t.ids.forEach((id, i) => value.set(id, sum(t.at, t.bucket, t.value, i)));
    const root = scopeTree(tree.root, value);
    const r = this.data.table;
    const rows = table.rows
      .map((row, i) => ({ ...row, self: sum(r.at, r.bucket, r.self, i), total: sum(r.at, r.bucket, r.total, i) }))
      .filter((row) => row.total > 0 || row.self > 0);
    return { tree: { root, frames: tree.frames, total: root.value }, table: { rows, frames: table.frames } };
  }
}

/**
 * A copy of the tree with the range's values; nodes with nothing in it are left out. Self is what
 * the kept children leave; a parent is at least its children (the buckets hold whole µs each, so
 * children's rounded sums may pass their parent's by a few µs).
 */
function scopeTree(root: FlameNode, value: Map<number, number>): FlameNode {
  const copy = (node: FlameNode): FlameNode => {
    const out: FlameNode = { ...node, value: value.get(node.id) ?? 0 };
    delete out.children;
    return out;
  };
  const top = copy(root);
  // Parents are made before their children: going back over this list visits children first.
  const made: FlameNode[] = [top];
  const stack: [FlameNode, FlameNode][] = [[root, top]];
  while (stack.length > 0) {
    const [node, out] = stack.pop()!;
    const kept = (node.children ?? []).filter((c) => (value.get(c.id) ?? 0) > 0);
    if (kept.length === 0) continue;
    out.children = kept.map(copy);
    made.push(...out.children);
    kept.forEach((c, i) => stack.push([c, out.children![i]!]));
  }
  for (let i = made.length - 1; i >= 0; i--) {
    const node = made[i]!;
    const below = (node.children ?? []).reduce((a, c) => a + c.value, 0);
    node.value = Math.max(node.value, below);
    node.self = node.value - below;
  }
  return top;
}

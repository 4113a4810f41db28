// The flame graph's layout as flat typed arrays, computed once per tree/sort (not per frame):
// nodes in pre-order, each with its horizontal extent as a fraction of the root's value, its
// depth, parent and the end of its subtree in pre-order. Rows list each depth's nodes left to
// right, so the nodes of one row under one subtree are a contiguous slice (found by binary
// search) and a pointer lands on its frame by a binary search in one row. No DOM here.
import type { GraphNode } from './nodes';

export interface FlameLayout {
  /** Pre-order index → node. */
  readonly nodes: GraphNode[];
  readonly x0: Float64Array;
  readonly x1: Float64Array;
  readonly depth: Int32Array;
  /** Pre-order index of the parent; -1 for the root. */
  readonly parent: Int32Array;
  /** One past the last pre-order index of the node's subtree. */
  readonly end: Int32Array;
  /** Per depth, the pre-order indices of that row (ascending, which is also left to right). */
  readonly rows: Int32Array[];
  /** Node id → pre-order index. */
  readonly index: Map<number, number>;
  /** Lower-cased names, for search. */
  readonly lowerNames: string[];
}

export type NodeOrder = (a: GraphNode, b: GraphNode) => number;

export const byValueDescending: NodeOrder = (a, b) => b.value - a.value;
export const byName: NodeOrder = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Lays out the tree left to right in `order`, without recursion (stacks can be thousands deep). */
export function layoutTree(root: GraphNode, order: NodeOrder): FlameLayout {
  const nodes: GraphNode[] = [];
  const parents: number[] = [];
  const depths: number[] = [];
  // Three parallel stacks rather than a stack of tuples: no allocation per node (less GC on 1M-node grafts).
  const stackNode: GraphNode[] = [root];
  const stackParent: number[] = [-1];
  const stackDepth: number[] = [0];
  while (stackNode.length > 0) {
    const node = stackNode.pop()!;
    const parent = stackParent.pop()!;
    const depth = stackDepth.pop()!;
    const i = nodes.length;
    nodes.push(node);
    parents.push(parent);
    depths.push(depth);
    const children = node.children;
    if (children?.length) {
      // The host sends children heaviest first, so left-heavy usually needs no sorted copy.
      const sorted = children.length > 1 && !isSorted(children, order) ? [...children].sort(order) : children;
      // Pushed right to left so the leftmost child is visited (numbered) first.
      for (let c = sorted.length - 1; c >= 0; c--) {
        stackNode.push(sorted[c]!);
        stackParent.push(i);
        stackDepth.push(depth + 1);
      }
    }
  }
  const n = nodes.length;
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  const depth = Int32Array.from(depths);
  const parent = Int32Array.from(parents);
  const end = new Int32Array(n);
  const total = root.value > 0 ? root.value : 1;
  // Children start at their parent's left edge, in visiting order; a cursor per parent.
  const cursor = new Float64Array(n);
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    const start = p < 0 ? 0 : cursor[p]!;
    const width = Math.max(0, nodes[i]!.value) / total;
    const limit = p < 0 ? 1 : x1[p]!;
    x0[i] = start;
    x1[i] = Math.min(limit, start + width);
    cursor[i] = start;
    if (p >= 0) cursor[p] = x1[i]!;
    if (depth[i]! > maxDepth) maxDepth = depth[i]!;
  }
  // Subtree ends: a node's subtree ends where the next node at its depth or shallower begins.
  for (let i = n - 1; i >= 0; i--) end[i] = i + 1;
  for (let i = n - 1; i > 0; i--) {
    const p = parent[i]!;
    if (end[i]! > end[p]!) end[p] = end[i]!;
  }
  const counts = new Int32Array(maxDepth + 1);
  for (let i = 0; i < n; i++) counts[depth[i]!]!++;
  const rows = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(maxDepth + 1);
  for (let i = 0; i < n; i++) {
    const d = depth[i]!;
    rows[d]![fill[d]!++] = i;
  }
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) index.set(nodes[i]!.id, i);
  return { nodes, x0, x1, depth, parent, end, rows, index, lowerNames: nodes.map((node) => node.name.toLowerCase()) };
}

function isSorted(children: GraphNode[], order: NodeOrder): boolean {
  for (let c = 1; c < children.length; c++) if (order(children[c - 1]!, children[c]!) > 0) return false;
  return true;
}

/** First position in `row` whose pre-order index is ≥ `pre`. */
export function lowerBound(row: Int32Array, pre: number): number {
  let lo = 0;
  let hi = row.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (row[mid]! < pre) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The slice [from, to) of row `depth` inside the subtree of pre-order node `top`. */
export function rowSlice(layout: FlameLayout, depth: number, top: number): [number, number] {
  const row = layout.rows[depth];
  if (!row) return [0, 0];
  return [lowerBound(row, top), lowerBound(row, layout.end[top]!)];
}

/** The node of row `depth` under subtree `top` whose extent holds layout position `x`, or -1. */
export function hitRow(layout: FlameLayout, depth: number, top: number, x: number): number {
  const row = layout.rows[depth];
  if (!row) return -1;
  const [from, to] = rowSlice(layout, depth, top);
  // Last node of the slice starting at or left of x.
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (layout.x0[row[mid]!]! <= x) lo = mid + 1;
    else hi = mid;
  }
  const k = lo - 1;
  if (k < from) return -1;
  const i = row[k]!;
  return x < layout.x1[i]! ? i : -1;
}

/** Whether pre-order node `i` is `top` or below it. */
export function isWithin(layout: FlameLayout, i: number, top: number): boolean {
  return i >= top && i < layout.end[top]!;
}

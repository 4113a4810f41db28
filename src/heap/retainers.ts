// "Why is this alive?": the chains of references that keep one object of a heap snapshot reachable,
// read from the snapshot's own node and edge arrays (the WASM parser's retainers carry no edge names).
// Pure: the snapshot's bytes in, plain data out. Built once per kept snapshot by the snapshot worker.

/** One object of a constructor (the WASM parser's node index, V8's @id, bytes). */
export interface HeapInstance {
  index: number;
  id: number;
  name: string;
  selfSize: number;
  retainedSize: number;
}

export interface InstancePage {
  name: string;
  start: number;
  /** How many objects the constructor has. */
  total: number;
  instances: HeapInstance[];
}

export interface RetainerStep {
  /** How the retainer refers to the object before it: `cache`, `[3]`, `table`. */
  edge: string;
  /** V8's edge type: property, element, context, internal, hidden, shortcut, weak. */
  edgeType: string;
  /** The retaining object's constructor or name (capped). */
  name: string;
  /** V8's node type: object, closure, array, synthetic… */
  nodeType: string;
  id: number;
}

export interface RetainerPath {
  /** Nearest retainer first, towards the GC roots. */
  steps: RetainerStep[];
  /** root: reaches the GC roots; depth: cut at the maximum distance; none: nothing reachable retains its last step. */
  end: 'root' | 'depth' | 'none';
}

export interface RetainerReport {
  index: number;
  /** References to the object (the paths start from the first of them, shortest first, weak ones last). */
  retainers: number;
  paths: RetainerPath[];
}

/** Longest name or edge name sent to the view, in characters. */
export const maxNameLength = 160;

export function capName(name: string): string {
  return name.length > maxNameLength ? `${name.slice(0, maxNameLength)}…` : name;
}

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

export class HeapIndex {
  private readonly nodeFields: number;
  private readonly firstEdge: Uint32Array;
  private readonly firstRetainer: Uint32Array;
  private readonly retainingEdges: Uint32Array;
  private readonly distance: Int32Array;
  private readonly weak: number;
  private readonly shortcut: number;

  private constructor(
    private readonly meta: Meta,
    private readonly nodes: Uint32Array,
    private readonly edges: Uint32Array,
    private readonly text: Uint8Array,
    private readonly stringAt: Uint32Array,
  ) {
    const f = (this.nodeFields = meta.node_fields.length);
    const n = nodes.length / f;
    const edgeCount = meta.node_fields.indexOf('edge_count');
    const to = meta.edge_fields.indexOf('to_node');
    this.weak = meta.edge_types[0].indexOf('weak');
    this.shortcut = meta.edge_types[0].indexOf('shortcut');
    this.firstEdge = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) this.firstEdge[i + 1] = this.firstEdge[i]! + nodes[i * f + edgeCount]!;
    // Retainers: every edge's index, grouped by the node it points to.
    const m = edges.length / 3;
    this.firstRetainer = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) this.firstRetainer[edges[e * 3 + to]! / f + 1]!++;
    for (let i = 0; i < n; i++) this.firstRetainer[i + 1]! += this.firstRetainer[i]!;
    const fill = this.firstRetainer.slice(0, n);
    this.retainingEdges = new Uint32Array(m);
    for (let e = 0; e < m; e++) this.retainingEdges[fill[edges[e * 3 + to]! / f]!++] = e;
    // Distance from the root (node 0) as DevTools counts it: weak edges, and shortcuts but the root's, do not count.
    this.distance = new Int32Array(n).fill(-1);
    const queue = new Uint32Array(n);
    let tail = 1;
    this.distance[0] = 0;
    for (let head = 0; head < tail; head++) {
      const from = queue[head]!;
      for (let e = this.firstEdge[from]!; e < this.firstEdge[from + 1]!; e++) {
        const next = edges[e * 3 + to]! / f;
        if (this.distance[next]! < 0 && this.strong(e, from)) {
          this.distance[next] = this.distance[from]! + 1;
          queue[tail++] = next;
        }
      }
    }
  }

  /** Reads the snapshot's JSON (as written by V8) without building it as objects; keeps only its strings' bytes. */
  static fromBytes(bytes: Uint8Array): HeapIndex {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const nodesAt = buffer.indexOf('"nodes"');
    if (nodesAt < 0) throw new Error('no "nodes" in the snapshot');
    const head = JSON.parse(`${buffer.toString('utf8', 0, nodesAt).trimEnd().replace(/,$/, '')}}`) as { snapshot: { meta: Meta; node_count: number; edge_count: number } };
    const { meta, node_count, edge_count } = head.snapshot;
    const nodes = readNumbers(bytes, nodesAt, node_count * meta.node_fields.length);
    const edges = readNumbers(bytes, buffer.indexOf('"edges"', nodes.end), edge_count * 3);
    const stringsAt = buffer.indexOf('[', buffer.indexOf('"strings"', edges.end));
    if (stringsAt < 0) throw new Error('no "strings" in the snapshot');
    let at = new Uint32Array(1024);
    let count = 0;
    let i = stringsAt + 1;
    for (; i < bytes.length && bytes[i] !== 0x5d; i++) {
      if (bytes[i] !== 0x22) continue;
      if (count === at.length) {
        const grown = new Uint32Array(at.length * 2);
        grown.set(at);
        at = grown;
      }
      at[count++] = i - stringsAt;
      for (i++; bytes[i] !== 0x22 && i < bytes.length; i++) if (bytes[i] === 0x5c) i++;
    }
    return new HeapIndex(meta, nodes.values, edges.values, bytes.slice(stringsAt, i), at.slice(0, count));
  }

  get nodeCount(): number {
    return this.distance.length;
  }

  /**
   * Up to `maxPaths` chains from the object towards the GC roots, one per reference to it (shortest
   * first, weak references last), each following the retainer nearest the root, at most `maxDepth` steps.
   */
  retainers(index: number, maxPaths = 10, maxDepth = 10): RetainerReport {
    if (!Number.isInteger(index) || index < 0 || index >= this.nodeCount) throw new Error(`no object ${index} in the snapshot`);
    const byDistance = (a: number, b: number): number => this.rank(a) - this.rank(b);
    const direct = this.retainingEdgesOf(index).sort(byDistance);
    const paths = direct.slice(0, maxPaths).map((first): RetainerPath => {
      const steps: RetainerStep[] = [];
      const seen = new Set([index]);
      for (let e: number | undefined = first; ; ) {
        const from = this.edgeSource(e);
        steps.push(this.step(e, from));
        seen.add(from);
        if (steps.length >= maxDepth) return { steps, end: 'depth' };
        e = this.retainingEdgesOf(from)
          .filter((r) => this.strong(r, this.edgeSource(r)) && !seen.has(this.edgeSource(r)) && this.distance[this.edgeSource(r)]! >= 0)
          .sort(byDistance)[0];
        if (e === undefined) return { steps, end: 'none' };
        if (this.edgeSource(e) === 0) return { steps, end: 'root' };
      }
    });
    return { index, retainers: direct.length, paths };
  }

  private strong(e: number, from: number): boolean {
    const type = this.edges[e * 3]!;
    return type !== this.weak && (type !== this.shortcut || from === 0);
  }

  /** Order of references: nearest the root first, unreachable then weak ones last. */
  private rank(e: number): number {
    const d = this.distance[this.edgeSource(e)]!;
    return (this.edges[e * 3] === this.weak ? 2e9 : 0) + (d < 0 ? 1e9 : d);
  }

  private retainingEdgesOf(index: number): number[] {
    return Array.from(this.retainingEdges.subarray(this.firstRetainer[index]!, this.firstRetainer[index + 1]!));
  }

  /** The node an edge leaves from: the last node whose first edge is at or before it. */
  private edgeSource(e: number): number {
    let lo = 0;
    let hi = this.nodeCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstEdge[mid]! <= e) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private step(e: number, from: number): RetainerStep {
    const edgeType = this.meta.edge_types[0][this.edges[e * 3]!] ?? '?';
    const nameOrIndex = this.edges[e * 3 + 1]!;
    const f = this.nodeFields;
    const nodeType = this.meta.node_types[0][this.nodes[from * f]!] ?? '?';
    const field = (name: string): number => this.nodes[from * f + this.meta.node_fields.indexOf(name)]!;
    return {
      edge: edgeType === 'element' || edgeType === 'hidden' ? `[${nameOrIndex}]` : this.string(nameOrIndex),
      edgeType,
      name: this.string(field('name')) || `(${nodeType})`,
      nodeType,
      id: field('id'),
    };
  }

  /** A string of the snapshot, decoded from at most a few KB of its JSON and capped. */
  private string(i: number): string {
    const start = this.stringAt[i];
    if (start === undefined) return '';
    let end = start + 1;
    const limit = Math.min(this.text.length, start + 1 + maxNameLength * 6);
    while (end < limit && this.text[end] !== 0x22) end += this.text[end] === 0x5c ? 2 : 1;
    const raw = Buffer.from(this.text.buffer, this.text.byteOffset + start + 1, Math.min(end, limit) - start - 1).toString('utf8');
    try {
      return capName(JSON.parse(`"${raw.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '')}"`) as string);
    } catch {
      return capName(raw);
    }
  }
}

/** `count` unsigned integers of the JSON array after `from`. */
function readNumbers(bytes: Uint8Array, from: number, count: number): { values: Uint32Array; end: number } {
  const values = new Uint32Array(count);
  let n = 0;
  let value = -1;
  let i = bytes.indexOf(0x5b, from) + 1;
  for (; i > 0 && i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 0x30 && c <= 0x39) value = (value < 0 ? 0 : value * 10) + c - 0x30;
    else {
      if (value >= 0) values[n++] = value;
      value = -1;
      if (c === 0x5d || n > count) break;
    }
  }
  if (n !== count || i <= 0) throw new Error(`the snapshot's arrays are not as its header says (${n} of ${count} numbers)`);
  return { values, end: i };
}

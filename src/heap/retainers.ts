// "Why is this alive?": the chains of references that keep one object of a heap snapshot reachable,
// read from the snapshot's own node and edge arrays (the WASM parser's retainers carry no edge names).
// Pure: the snapshot's bytes in, plain data out. Built once per kept snapshot by the snapshot worker.
import type { HeapInstance, InstancePage, RetainerPath, RetainerReport, RetainerStep } from './retainer-types';

export type { HeapInstance, InstancePage, RetainerPath, RetainerReport, RetainerStep };

/** Longest name or edge name sent to the view, in characters. */
export const maxNameLength = 160;

export function capName(name: string): string {
  return name.length > maxNameLength ? `${name.slice(0, maxNameLength)}…` : name;
}

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_types: [string[], ...unknown[]];
}

/** What keeps object `index` alive (see indexSnapshot). */
export type Retainers = (index: number, maxPaths?: number, maxDepth?: number) => RetainerReport;

/**
 * Reads a snapshot's JSON as V8 writes it (edges: type, name_or_index, to_node): its nodes and edges
 * into typed arrays, without building them as objects, and its strings. The answer gives up to `maxPaths`
 * chains from the object towards the GC roots, one per reference to it (nearest the root first, weak
 * references last), each following the retainer nearest the root, at most `maxDepth` steps.
 */
export function indexSnapshot(bytes: Uint8Array): Retainers {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nodesAt = buffer.indexOf('"nodes"');
  const { meta, node_count: n, edge_count: m } = (JSON.parse(`${buffer.toString('utf8', 0, nodesAt).trimEnd().replace(/,$/, '')}}`) as { snapshot: { meta: Meta; node_count: number; edge_count: number } }).snapshot;
  const fields = meta.node_fields;
  const f = fields.length;
  const { values: nodes, end } = readNumbers(bytes, nodesAt, n * f);
  const edges = readNumbers(bytes, buffer.indexOf('"edges"', end), m * 3);
  const edge = edges.values;
  const [edgeTypes] = meta.edge_types;
  const [nodeTypes] = meta.node_types;
  const weak = edgeTypes.indexOf('weak');
  const shortcut = edgeTypes.indexOf('shortcut');
  const field = (node: number, name: string): number => nodes[node * f + fields.indexOf(name)]!;

  // The strings array, the snapshot's last member (the names of nodes and edges): the only part kept as text.
  const strings = JSON.parse(buffer.toString('utf8', buffer.indexOf('[', buffer.indexOf('"strings"', edges.end)), buffer.lastIndexOf(']') + 1)) as string[];
  const string = (k: number): string => capName(strings[k] ?? '');

  // Each node's shortest path from the root (node 0), breadth first, as DevTools counts it: weak edges,
  // and shortcuts but the root's, do not count. Its length (-1: unreachable), last edge and last node.
  const firstEdge = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++) firstEdge[k + 1] = firstEdge[k]! + field(k, 'edge_count');
  const distance = new Int32Array(n).fill(-1);
  const parentEdge = new Uint32Array(n);
  const parent = new Uint32Array(n);
  const queue = new Uint32Array(n);
  distance[0] = 0;
  for (let head = 0, tail = 1; head < tail; head++) {
    const from = queue[head]!;
    for (let e = firstEdge[from]!; e < firstEdge[from + 1]!; e++) {
      const next = edge[e * 3 + 2]! / f;
      if (distance[next]! < 0 && edge[e * 3] !== weak && (edge[e * 3] !== shortcut || from === 0)) {
        distance[next] = distance[from]! + 1;
        parentEdge[next] = e;
        parent[next] = from;
        queue[tail++] = next;
      }
    }
  }
  const step = (e: number, from: number): RetainerStep => {
    const edgeType = edgeTypes[edge[e * 3]!] ?? '?';
    return {
      edge: edgeType === 'element' || edgeType === 'hidden' ? `[${edge[e * 3 + 1]}]` : string(edge[e * 3 + 1]!),
      edgeType,
      name: string(field(from, 'name')) || `(${nodeTypes[field(from, 'type')]})`,
      id: field(from, 'id'),
    };
  };

  return (index, maxPaths = 10, maxDepth = 10) => {
    if (!(index >= 0 && index < n)) throw new Error(`no object ${index} in the snapshot`);
    // The references to it (one pass over the edges), nearest the root first, unreachable then weak ones last.
    const direct: [number, number, number][] = [];
    for (let k = 0; k < n; k++) {
      for (let e = firstEdge[k]!; e < firstEdge[k + 1]!; e++) {
        if (edge[e * 3 + 2] === index * f) direct.push([e, k, (edge[e * 3] === weak ? 2e9 : 0) + (distance[k]! < 0 ? 1e9 : distance[k]!)]);
      }
    }
    direct.sort((a, b) => a[2] - b[2]);
    const paths = direct.slice(0, maxPaths).map(([e, from]): RetainerPath => {
      const steps = [step(e, from)];
      for (; from !== 0 && distance[from]! > 0 && steps.length < maxDepth; from = parent[from]!) steps.push(step(parentEdge[from]!, parent[from]!));
      // The root itself is no step: a path ends at the GC roots' categories under it.
      if (from === 0) steps.pop();
      return { steps, end: distance[from]! < 0 ? 'none' : from === 0 ? 'root' : 'depth' };
    });
    return { index, retainers: direct.length, paths };
  };
}

/** `count` unsigned integers of the JSON array after `from` (the parser has read the snapshot already, so it is sound). */
function readNumbers(bytes: Uint8Array, from: number, count: number): { values: Uint32Array; end: number } {
  const values = new Uint32Array(count);
  let n = 0;
  let value = -1;
  let i = bytes.indexOf(0x5b, from) + 1;
  for (; i < bytes.length && bytes[i] !== 0x5d; i++) {
    const c = bytes[i]!;
    if (c >= 0x30 && c <= 0x39) value = (value < 0 ? 0 : value * 10) + c - 0x30;
    else if (value >= 0) {
      values[n++] = value;
      value = -1;
    }
  }
  if (value >= 0) values[n] = value;
  return { values, end: i };
}

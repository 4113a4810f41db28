// Heap-snapshot summary types and the pure helpers around them. No parser import here, so the
// extension host and CLI can use these without loading the WASM heap parser on the main thread.

export interface ConstructorSummary {
  /** Constructor or V8 category name: 'LeakyThing', 'Array', '(string)', '(closure)', 'system / Context'… */
  name: string;
  /** Number of objects. */
  count: number;
  /** Sum of the objects' own sizes, bytes. */
  selfSize: number;
  /** Sum of what the objects keep alive, bytes; undefined when retained sizes were not computed. */
  retainedSize?: number;
}

export interface SnapshotSummary {
  /** By retained size (largest first) when retained sizes were computed, else by self size. */
  constructors: ConstructorSummary[];
  /** Total self size of all objects = the heap size the snapshot saw, bytes. */
  totalSize: number;
  /** Total number of objects. */
  objectCount: number;
  hasRetainedSizes: boolean;
  notes: string[];
}

export function finishSummary(constructors: ConstructorSummary[], hasRetainedSizes: boolean, notes: string[]): SnapshotSummary {
  // Ties broken by name so the order doesn't depend on the parser's hash order.
  const sorted = [...constructors].sort(
    (a, b) =>
      (hasRetainedSizes ? (b.retainedSize ?? 0) - (a.retainedSize ?? 0) : 0) ||
      b.selfSize - a.selfSize ||
      b.count - a.count ||
      compareNames(a.name, b.name),
  );
  return {
    constructors: sorted,
    totalSize: sorted.reduce((sum, c) => sum + c.selfSize, 0),
    objectCount: sorted.reduce((sum, c) => sum + c.count, 0),
    hasRetainedSizes,
    notes,
  };
}

/** The top n constructors by a measure (count, selfSize or retainedSize), largest first. */
export function topConstructors(summary: SnapshotSummary, by: 'count' | 'selfSize' | 'retainedSize', n: number): ConstructorSummary[] {
  return [...summary.constructors].sort((a, b) => (b[by] ?? 0) - (a[by] ?? 0) || compareNames(a.name, b.name)).slice(0, n);
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Growth between two heap-snapshot summaries, per constructor: what leaked between A and B.
import type { SnapshotSummary } from './types';
import { compareNames } from './types';

export interface ConstructorGrowth {
  name: string;
  countBefore: number;
  countAfter: number;
  countDelta: number;
  selfSizeBefore: number;
  selfSizeAfter: number;
  selfSizeDelta: number;
  /** Present when both summaries have retained sizes. */
  retainedSizeDelta?: number;
}

export interface SnapshotDiff {
  /** Every constructor present in either snapshot, most growth first (see diffSnapshots). */
  growth: ConstructorGrowth[];
  totalSizeDelta: number;
  objectCountDelta: number;
}

/**
 * B − A per constructor. Sorted by `by`: 'size' (self-size growth, then count growth; the default,
 * since bytes are what leaks cost) or 'count' (object-count growth, then size).
 */
export function diffSnapshots(a: SnapshotSummary, b: SnapshotSummary, by: 'size' | 'count' = 'size'): SnapshotDiff {
  const before = new Map(a.constructors.map((c) => [c.name, c]));
  const after = new Map(b.constructors.map((c) => [c.name, c]));
  const names = new Set([...before.keys(), ...after.keys()]);
  const withRetained = a.hasRetainedSizes && b.hasRetainedSizes;
  const growth: ConstructorGrowth[] = [];
  for (const name of names) {
    const x = before.get(name);
    const y = after.get(name);
    const row: ConstructorGrowth = {
      name,
      countBefore: x?.count ?? 0,
      countAfter: y?.count ?? 0,
      countDelta: (y?.count ?? 0) - (x?.count ?? 0),
      selfSizeBefore: x?.selfSize ?? 0,
      selfSizeAfter: y?.selfSize ?? 0,
      selfSizeDelta: (y?.selfSize ?? 0) - (x?.selfSize ?? 0),
    };
    if (withRetained) row.retainedSizeDelta = (y?.retainedSize ?? 0) - (x?.retainedSize ?? 0);
    growth.push(row);
  }
  growth.sort(
    (p, q) =>
      (by === 'count' ? q.countDelta - p.countDelta || q.selfSizeDelta - p.selfSizeDelta : q.selfSizeDelta - p.selfSizeDelta || q.countDelta - p.countDelta) ||
      compareNames(p.name, q.name),
  );
  return { growth, totalSizeDelta: b.totalSize - a.totalSize, objectCountDelta: b.objectCount - a.objectCount };
}

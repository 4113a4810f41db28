// The flame graph's search share over a whole (view) profile: what the webview computes over the
// tree it draws (webview/flamegraph.ts applySearch), but over every node. The tree the page gets
// is pruned (toFlameTree keeps the heaviest nodes), so on a large profile most calls of a
// function can sit in folded frames, where the page cannot see them; the host answers the exact
// share instead. Pure, so the host and the tests share it.
import type { Profile } from './types';

export interface SearchShare {
  /** Total value of the matching nodes, a match below another match counted once (recursion). */
  readonly matchedValue: number;
  /** The whole profile's total (the root's). */
  readonly total: number;
  /** Matching nodes (0: no match). */
  readonly count: number;
}

/**
 * Nodes whose function name holds `term` (case-insensitive, as the page matches: trimmed, lower
 * case), and their share. As in the tree the page draws, nodes with nothing in them (and, in a
 * comparison, nothing in the baseline either) are not counted.
 */
export function searchShare(p: Profile, term: string): SearchShare {
  const total = p.totalValue[0] ?? 0;
  const needle = term.trim().toLowerCase();
  if (!needle) return { matchedValue: 0, total, count: 0 };
  // Names are matched once per frame, not per node.
  const frameMatches = new Uint8Array(p.frames.length);
  for (let f = 0; f < p.frames.length; f++) if ((p.frames[f]?.functionName ?? '(unknown)').toLowerCase().includes(needle)) frameMatches[f] = 1;
  const base = p.baseTotalValue;
  const n = p.nodeCount;
  // Parents precede children: a node's matched ancestor (if any) is seen first.
  const under = new Uint8Array(n);
  let matchedValue = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const parent = p.nodeParent[i]!;
    const above = parent >= 0 && under[parent] === 1;
    if (above) under[i] = 1;
    if (frameMatches[p.nodeFrame[i]!] !== 1) continue;
    const value = p.totalValue[i]!;
    if (!(value > 0) && !(base !== undefined && base[i]! !== 0)) continue;
    under[i] = 1;
    count++;
    if (!above) matchedValue += value;
  }
  return { matchedValue, total, count };
}

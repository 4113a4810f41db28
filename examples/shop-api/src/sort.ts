// The classic accidental hotspot: an insertion sort that was fine for ten orders and is not for
// thousands. O(n²) comparisons, all on one line.
import type { Order } from './orders';

export function sortOrdersByTotal(orders: readonly Order[]): Order[] {
  const sorted = orders.slice();
  for (let i = 1; i < sorted.length; i++) {
    const current = sorted[i]!;
    let j = i - 1;
    while (j >= 0 && sorted[j]!.total > current.total) { // flamelens-demo: hot-sort
      sorted[j + 1] = sorted[j]!;
      j--;
    }
    sorted[j + 1] = current;
  }
  return sorted;
}

// A price cache that allocates a fresh snapshot for every lookup (keys, arrays, objects): little
// CPU per call, a lot of garbage — the heap profile's hotspot.
import type { Order } from './orders';

export interface PriceSnapshot {
  key: string;
  lines: { sku: string; cents: number[] }[];
}

export class PriceCache {
  private readonly entries = new Map<string, PriceSnapshot>();
  constructor(private readonly capacity: number) {}

  snapshot(order: Order): PriceSnapshot {
    const key = `${order.customer}:${order.items.map((it) => it.sku).join(',')}`;
    const lines = order.items.map((it) => ({ sku: it.sku, cents: new Array(64).fill(Math.round(it.price * 100)) })); // flamelens-demo: alloc
    const snap = { key, lines };
    this.entries.delete(key);
    this.entries.set(key, snap);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return snap;
  }
}

export function warmCache(orders: readonly Order[], rounds: number): number {
  const cache = new PriceCache(2000);
  let cells = 0;
  for (let r = 0; r < rounds; r++) {
    for (const order of orders) cells += cache.snapshot(order).lines.length;
  }
  return cells;
}

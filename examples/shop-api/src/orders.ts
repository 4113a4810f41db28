// Fake but deterministic data: a seeded generator, so every run does exactly the same work.
export interface Order {
  id: number;
  customer: string;
  email: string;
  items: { sku: string; qty: number; price: number }[];
  total: number;
}

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

export function makeOrders(count: number, seed = 42): Order[] {
  const rnd = seededRandom(seed);
  const orders: Order[] = [];
  for (let id = 0; id < count; id++) {
    const items = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, k) => ({
      sku: `SKU-${Math.floor(rnd() * 9000) + 1000}-${k}`,
      qty: 1 + Math.floor(rnd() * 5),
      price: Math.round(rnd() * 10000) / 100,
    }));
    const total = items.reduce((sum, it) => sum + it.qty * it.price, 0);
    orders.push({ id, customer: `customer${id % 977}`, email: `customer${id % 977}@shop${id % 13}.example`, items, total });
  }
  return orders;
}

// A request handler of the kind every API has: parse JSON, validate with regular expressions,
// compute, serialise the answer. Costly because it re-parses and re-validates on every call.
import type { Order } from './orders';

const emailPattern = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/i;
const skuPattern = /^SKU-(\d{4})-(\d+)$/;

export interface Quote {
  orderId: number;
  valid: boolean;
  subtotal: number;
  tax: number;
  skus: number[];
}

export function handleQuoteRequest(body: string): string {
  const order = JSON.parse(body) as Order; // flamelens-demo: handler-parse
  const valid = emailPattern.test(order.email) && order.items.every((it) => skuPattern.test(it.sku));
  const skus = order.items.map((it) => Number(skuPattern.exec(it.sku)?.[1] ?? 0));
  const subtotal = order.items.reduce((sum, it) => sum + it.qty * it.price, 0);
  const quote: Quote = { orderId: order.id, valid, subtotal, tax: Math.round(subtotal * 19) / 100, skus };
  return JSON.stringify(quote);
}

export function serveQuotes(orders: readonly Order[], rounds: number): number {
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    for (const order of orders) bytes += handleQuoteRequest(JSON.stringify(order)).length;
  }
  return bytes;
}

// Runs as a child process (fork): checksums the order ledger, as a nightly audit job would.
import { makeOrders } from './orders';

export function checksumLedger(text: string, passes: number): number {
  let h = 0x811c9dc5;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0; // flamelens-demo: hot-checksum
  }
  return h;
}

const ledger = JSON.stringify(makeOrders(2000, 7));
process.send?.({ checksum: checksumLedger(ledger, 30) });

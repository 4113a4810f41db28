// shop-api: a small, deterministic workload with one obvious hotspot per concern, used by the
// FlameLens demo and tests. Runs for a second or two and exits by itself.
//   handler.ts       JSON + regex per request   (CPU)
//   sort.ts          insertion sort of orders   (CPU, the hottest line)
//   cache.ts         allocation-heavy cache     (heap)
//   primes-worker.ts CPU job in a worker thread
//   audit-child.ts   checksum in a child process
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { makeOrders } from './orders';
import { serveQuotes } from './handler';
import { sortOrdersByTotal } from './sort';
import { warmCache } from './cache';

function runWorker(limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'primes-worker.js'), { workerData: { limit } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function runAudit(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'audit-child.js'));
    child.once('message', (m) => resolve((m as { checksum: number }).checksum));
    child.once('error', reject);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const primes = runWorker(1_500_000);
  const audit = runAudit();
  const orders = makeOrders(14_000);
  const sorted = sortOrdersByTotal(orders);
  const bytes = serveQuotes(orders.slice(0, 4000), 3);
  const cells = warmCache(orders, 3);
  const [primeCount, checksum] = await Promise.all([primes, audit]);
  console.log(
    `shop-api: sorted ${sorted.length} orders (cheapest ${sorted[0]?.total.toFixed(2) ?? '-'}), served ${bytes} bytes of quotes, ` +
      `cached ${cells} lines, ${primeCount} primes, audit ${checksum.toString(16)} in ${Date.now() - started} ms`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

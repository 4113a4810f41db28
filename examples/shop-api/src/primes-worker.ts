// Runs in a worker thread: a CPU-bound job (trial-division prime counting) off the main thread.
import { parentPort, workerData } from 'node:worker_threads';

export function countPrimes(limit: number): number {
  let count = 0;
  for (let n = 2; n <= limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) { // flamelens-demo: hot-primes
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

parentPort?.postMessage(countPrimes((workerData as { limit: number }).limit));

// Part of the agent: reaches worker threads created with their own `env`. Node reads a worker's
// NODE_OPTIONS from the env it is given, so `new Worker(file, { env: {} })` drops the
// `--require agent.js` the launcher put in NODE_OPTIONS, and the worker would go unrecorded
// without a word. Such workers get the agent through their execArgv instead; their settings come
// from the worker environment data the creating thread's agent published (see agent.ts).
import workerThreads from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';

const patchedKey = Symbol.for('flamelens.agent.workerPatched');

/** Makes workers created with their own env load `agentFile` too. Idempotent per thread. */
export function preloadIntoWorkersWithOwnEnv(agentFile: string): void {
  const exports = workerThreads as unknown as Record<string | symbol, unknown>;
  if (exports[patchedKey]) return;
  const Original = workerThreads.Worker;
  class Worker extends Original {
    constructor(filename: string | URL, options?: WorkerOptions) {
      super(filename, withAgent(options, agentFile));
    }
  }
  Object.defineProperty(Worker, 'name', { value: Original.name });
  Object.defineProperty(exports, 'Worker', { value: Worker, writable: true, configurable: true, enumerable: true });
  Object.defineProperty(exports, patchedKey, { value: true });
  // `import { Worker } from 'node:worker_threads'` sees the new class too.
  syncBuiltinESMExports();
}

function withAgent(options: WorkerOptions | undefined, agentFile: string): WorkerOptions | undefined {
  const env = options?.env;
  // No env (or SHARE_ENV, a symbol): the worker keeps this thread's NODE_OPTIONS, agent included.
  if (!options || typeof env !== 'object' || env === null || env === process.env) return options;
  const nodeOptions = (env as Record<string, unknown>).NODE_OPTIONS;
  if (typeof nodeOptions === 'string' && nodeOptions.includes(agentFile)) return options;
  return { ...options, execArgv: [...(options.execArgv ?? process.execArgv), '--require', agentFile] };
}

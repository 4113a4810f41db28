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
  // A constructor function rather than a subclass: it returns the worker it constructs, which a
  // first try refused may have to construct twice. `new.target` keeps the program's subclasses.
  const Worker = function Worker(filename: string | URL, options?: WorkerOptions): workerThreads.Worker {
    if (!new.target) throw new TypeError("Class constructor Worker cannot be invoked without 'new'");
    return construct(Original, new.target, filename, options, agentFile);
  } as unknown as WorkerClass;
  Object.setPrototypeOf(Worker, Original);
  Worker.prototype = Object.create(Original.prototype, { constructor: { value: Worker, writable: true, configurable: true } }) as workerThreads.Worker;
  Object.defineProperty(Worker, 'name', { value: Original.name });
  Object.defineProperty(exports, 'Worker', { value: Worker, writable: true, configurable: true, enumerable: true });
  Object.defineProperty(exports, patchedKey, { value: true });
  // `import { Worker } from 'node:worker_threads'` sees the new class too.
  syncBuiltinESMExports();
}

/**
 * This thread's execArgv flags a worker refuses when given them explicitly (V8 and per-process
 * options such as --max-old-space-size, which it silently skips when it inherits them), learnt
 * from the first refusal.
 */
let refusedFlags: ReadonlySet<string> = new Set();

type WorkerClass = typeof workerThreads.Worker;

function construct(Original: WorkerClass, target: object, filename: string | URL, options: WorkerOptions | undefined, agentFile: string): workerThreads.Worker {
  const make = (o: WorkerOptions | undefined) => Reflect.construct(Original, [filename, o], target as WorkerClass) as workerThreads.Worker;
  const given = withAgent(options, agentFile);
  // The program's own execArgv (or no agent needed): its errors are its own.
  if (given === options || options?.execArgv !== undefined) return make(given);
  try {
    return make(given);
  } catch (e) {
    const refused = refusedIn(e);
    if (!refused) throw e;
    refusedFlags = new Set([...refusedFlags, ...refused]);
    const retry = withAgent(options, agentFile);
    // Still refused: the worker runs as the program asked, unrecorded, rather than not at all.
    try {
      return make(retry);
    } catch {
      return make(options);
    }
  }
}

/** The flags an ERR_WORKER_INVALID_EXEC_ARGV names, when they all came from this thread's execArgv. */
function refusedIn(e: unknown): string[] | undefined {
  const err = e as { code?: unknown; message?: unknown };
  if (err?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof err.message !== 'string') return undefined;
  const list = err.message.slice(err.message.indexOf(': ') + 2).split(', ');
  return list.length > 0 && list.every((f) => process.execArgv.includes(f)) ? list : undefined;
}

function withAgent(options: WorkerOptions | undefined, agentFile: string): WorkerOptions | undefined {
  const env = options?.env;
  // No env (or SHARE_ENV, a symbol): the worker keeps this thread's NODE_OPTIONS, agent included.
  if (!options || typeof env !== 'object' || env === null || env === process.env) return options;
  const nodeOptions = (env as Record<string, unknown>).NODE_OPTIONS;
  if (typeof nodeOptions === 'string' && nodeOptions.includes(agentFile)) return options;
  // Inherited flags the worker would have skipped are left out: given explicitly, they are refused.
  const inherited = options.execArgv ?? process.execArgv.filter((f) => !refusedFlags.has(f));
  return { ...options, execArgv: [...inherited, '--require', agentFile] };
}

// The part of autocannon's programmatic API (v8/v9) the load driver uses; it ships no types.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  namespace autocannon {
  interface AutocannonOptions {
    url: string | string[];
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    overallRate?: number;
    connectionRate?: number;
    ignoreCoordinatedOmission?: boolean;
    /** Milliseconds between its samples — also how often it looks whether the run has ended (default 1000). */
    sampleInt?: number;
    /** Called with each connection's client as it is made. */
    setupClient?: (client: never) => void;
  }
  interface AutocannonInstance extends EventEmitter {
    stop(): void;
  }
  }
  function autocannon(opts: autocannon.AutocannonOptions, cb: (err: Error | null, result: unknown) => void): autocannon.AutocannonInstance;
  export = autocannon;
}

// A real leak and its heap snapshot, for the "why is this alive?" tests: a module-level `cache` Map
// holding LeakyThing objects (the last one the largest), a 200 KB string beside them and a weak
// reference to one. The snapshot (about 4 MB) is written by the program itself once its module code
// has returned, so the Map is reached through the `cache` variable, not from the stack.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const leakyCount = 300;

export const LEAKY_CACHE_PROGRAM = `
class LeakyThing {
  constructor(i) { this.i = i; this.payload = new Array(i + 1).fill(i); }
}
const cache = new Map();
function remember(i) { cache.set('thing-' + i, new LeakyThing(i)); }
for (let i = 0; i < ${leakyCount}; i++) remember(i);
cache.set('big', Buffer.alloc(200000, 'y').toString());
globalThis.weakly = new WeakRef(cache.get('thing-0'));
setTimeout(() => require('node:v8').writeHeapSnapshot(process.argv[2]), 1);
`;

/** Runs the program in `dir` and returns its snapshot's path. */
export function writeLeakySnapshot(dir: string): string {
  const program = path.join(dir, 'leaky-cache.js');
  const file = path.join(dir, 'leaky-cache.heapsnapshot');
  writeFileSync(program, LEAKY_CACHE_PROGRAM);
  execFileSync(process.execPath, [program, file], { stdio: 'ignore', timeout: 60_000 });
  return file;
}

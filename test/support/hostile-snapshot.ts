// A real heap snapshot whose names hold a bidi override and a newline: objects of a class whose
// constructor name (V8 takes it from Symbol.toStringTag when the class has no name of its own) is
// `hostileClass`, kept under a property named `hostileKey` of a global object, so both the table's
// constructor names and a retainer path's edge names carry them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const hostileClass = 'Evil\u202eeman\nForged';
export const hostileKey = 'key\u202e\nx';
export const hostileCount = 40;

const program = `
globalThis.holder = {};
((make) => {
  const Tagged = make();
  Object.defineProperty(Tagged.prototype, Symbol.toStringTag, { value: ${JSON.stringify(hostileClass)} });
  const kept = [];
  for (let i = 0; i < ${hostileCount}; i++) kept.push(new Tagged(i));
  globalThis.holder[${JSON.stringify(hostileKey)}] = kept.pop();
  globalThis.rest = kept;
})(() => class { constructor(i) { this.i = i; } });
require('node:v8').writeHeapSnapshot(process.argv[2]);
`;

/** Runs the program in `dir` and returns its snapshot's path. */
export function writeHostileSnapshot(dir: string): string {
  const file = path.join(dir, 'hostile-names.heapsnapshot');
  writeFileSync(path.join(dir, 'hostile-names.js'), program);
  execFileSync(process.execPath, [path.join(dir, 'hostile-names.js'), file], { stdio: 'ignore', timeout: 60_000 });
  return file;
}

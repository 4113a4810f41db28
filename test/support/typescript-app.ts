// A small TypeScript app with one hot function, built by esbuild with a source map: what the
// source-map suites profile and map back. The interface makes the .ts lines differ from the .js.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

export const hotFunctionSource = `// A hot function in TypeScript.
interface Options {
  rounds: number;
}

export function hot(options: Options): number {
  let s = 0;
  for (let i = 0; i < options.rounds; i++) s += Math.sqrt(i);
  return s;
}
`;
/** The 1-based line of `export function hot` in hotFunctionSource. */
export const hotFunctionLine = 6;

/** Writes `dir`/src/app.ts (hotFunctionSource, then `tail`) and builds `dir`/out/app.js with its map; returns app.js's path. */
export function buildTypeScriptApp(dir: string, tail = ''): string {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'src/app.ts'), hotFunctionSource + tail);
  const appJs = path.join(dir, 'out/app.js');
  buildSync({ entryPoints: [path.join(dir, 'src/app.ts')], outfile: appJs, sourcemap: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
  return appJs;
}

// Bundlers name a map's original sources with their own URLs, not file paths: webpack (and
// Rspack, Next.js) `webpack://<namespace>/./src/a.ts` (the namespace is the package name, may be
// scoped, "@org/app", or empty: `webpack:///./src/a.ts`; `~/` was node_modules in webpack 1–3),
// Turbopack `turbopack:///[project]/src/a.ts`. The path inside is relative to the project's root,
// which the map does not say; VS Code's JavaScript debugger takes the workspace folder for it. The
// model knows no workspace, but it knows where the bundle is: the project root is one of the
// bundle's folders or their parents, nearest first (dist/main.js → dist/src/a.ts, then src/a.ts).

import { windowsDrivePath } from './file-url';

const bundlerScheme = /^(?:webpack|turbopack):\/\/([^/]*)\/(.*)$/i;
/** Parents of the bundle's folder tried, at most. */
const MAX_DEPTH = 32;

/**
 * The file paths `source` (a bundler URL as trace-mapping resolved it) may be, most likely first;
 * undefined when it is not a bundler URL. Bundler-internal modules (webpack/bootstrap) simply
 * match no file.
 */
export function bundlerSourceCandidates(source: string, bundlePath: string): string[] | undefined {
  const m = bundlerScheme.exec(source);
  if (!m) return undefined;
  let rest = m[2]!.replace(/[?#].*$/s, '');
  // A scoped package name takes two segments: webpack://@org/app/src/a.ts.
  if (m[1]!.startsWith('@')) rest = rest.slice(rest.indexOf('/') + 1);
  rest = rest.replace(/^\[project\]\//, '').replace(/^(?:\.\/)+/, '').replace(/^~\//, 'node_modules/');
  if (rest === '' || rest.split('/').includes('..')) return undefined;
  if (windowsDrivePath.test(rest)) return [rest];
  const folders = bundlePath.replace(/\\/g, '/').split('/').slice(0, -1);
  if (folders.length === 0) return undefined;
  const candidates: string[] = [];
  for (let n = folders.length; n >= 1 && candidates.length < MAX_DEPTH; n--) {
    const base = folders.slice(0, n).join('/');
    // The root ("/" on POSIX) is where an absolute path lost its leading slash (webpack:////home/…).
    candidates.push(base === '' ? `/${rest}` : `${base}/${rest}`);
  }
  return candidates;
}

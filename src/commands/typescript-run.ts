// How Profile Current File runs a TypeScript file. tsx first, when the file's package has it: a
// project set up for tsx may use what Node's own type stripping refuses (enums, extensionless
// imports, tsconfig paths), and the agent embeds tsx's in-memory source maps, so frames land on the
// .ts lines. Else Node itself, from the versions that strip types by default (22.18, 23.6): it
// blanks the types out in place, so lines and columns are the file's own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** .ts, .mts, .cts, but not declaration files (nothing to run). */
export function isTypeScriptFile(file: string): boolean {
  return /\.[cm]?ts$/i.test(file) && !/\.d\.[cm]?ts$/i.test(file);
}

/** Whether `node <file>.ts` runs on this Node version without flags ("v22.18.0" or "22.18.0"). */
export function nodeStripsTypes(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

/**
 * The file: URL of tsx's `--import` entry as Node would find it from `fromDir` (the nearest
 * node_modules/tsx up the folders), or undefined when there is none or it is too old to have one
 * (tsx 4 exports it as "."). A URL, not the name `tsx`: Node resolves `--import tsx` from the
 * working folder, which need not be the package that has it.
 */
export function findTsxImport(fromDir: string, readFile: (p: string) => string = (p) => fs.readFileSync(p, 'utf8')): string | undefined {
  for (let dir = path.resolve(fromDir); ; ) {
    const pkgDir = path.join(dir, 'node_modules', 'tsx');
    let manifest: string | undefined;
    try {
      manifest = readFile(path.join(pkgDir, 'package.json'));
    } catch {
      // not in this folder: look further up
    }
    if (manifest !== undefined) {
      const entry = importEntry(manifest);
      // The nearest install is the one Node would load: an older or broken one there is not skipped.
      return entry ? pathToFileURL(path.join(pkgDir, entry)).href : undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function importEntry(manifest: string): string | undefined {
  let exports: unknown;
  try {
    exports = (JSON.parse(manifest) as { exports?: unknown }).exports;
  } catch {
    return undefined;
  }
  const dot = exports && typeof exports === 'object' ? (exports as Record<string, unknown>)['.'] : undefined;
  const target = typeof dot === 'string' ? dot : dot && typeof dot === 'object' ? ((dot as Record<string, unknown>).import ?? (dot as Record<string, unknown>).default) : undefined;
  // Only a relative path inside the package (a manifest is the workspace's, not ours to trust further).
  return typeof target === 'string' && target.startsWith('./') && !target.split('/').includes('..') ? target : undefined;
}

export type TypeScriptRun = { how: 'tsx'; command: string[] } | { how: 'node'; command: string[] } | { how: 'none' };

/**
 * The command that runs `file`: through tsx when its package has it, else plain node when the node
 * that will run it strips types (`nodeVersion` is asked only then: it may start a process).
 */
export async function typeScriptRun(file: string, nodeVersion: () => Promise<string | undefined>, findTsx: (dir: string) => string | undefined = findTsxImport): Promise<TypeScriptRun> {
  const tsx = findTsx(path.dirname(file));
  if (tsx) return { how: 'tsx', command: ['node', '--import', tsx, file] };
  const version = await nodeVersion();
  if (version && nodeStripsTypes(version)) return { how: 'node', command: ['node', file] };
  return { how: 'none' };
}

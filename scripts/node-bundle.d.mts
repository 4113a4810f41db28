// Types for scripts/node-bundle.mjs (imported by the package tests).
import type { BuildOptions, Plugin } from 'esbuild';

export interface BundleStub {
  /** A file inside node_modules, or a whole package when it ends in `/`. */
  module: string;
  /** The only files (inside node_modules) that may require it. */
  importedBy: string[];
  why: string;
  /** A stand-in in scripts/stubs/; without one the module is absent (throws when used). */
  file?: string;
}

export const bundleStubs: BundleStub[];
export function packagePath(file: string): string;
export function stubForModule(rel: string): BundleStub | undefined;
export const bundleStubsPlugin: Plugin;
export const shippedHeapParserWasm: string;
export const heapParserWasmPlugin: Plugin;
export function writeHeapParserWasm(outDir: string, root?: string): void;
export const sharedModelFile: string;
export function sharedModelEntry(root?: string): NonNullable<BuildOptions['stdin']>;
export const sharedModelPlugin: Plugin;
export function nodeBundleOptions(production: boolean): BuildOptions;

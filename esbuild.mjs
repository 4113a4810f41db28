// Bundles every runtime piece: the extension host, the CLI, the capture agent (preloaded into
// profiled programs), the webview UI and the integration suite. `--production` minifies;
// `--watch` rebuilds on change. Entries whose source does not exist yet are skipped.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { nodeBundleOptions, sharedModelEntry, sharedModelPlugin, svgExportStubsPlugin, writeHeapParserWasm } from './scripts/node-bundle.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
// `--only=NAME,…` builds just the bundles written as dist/NAME.js (or .css), and `--dist=DIR` writes
// them to DIR instead: bench/webview.ts measures the page as it ships (--production) this way,
// without touching dist/.
const only = option('only')?.split(',');
const outDir = option('dist') ?? 'dist';

function integrationSuites() {
  const dir = 'test/integration/suite';
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => `${dir}/${f}`) : [];
}

// Parts of autocannon and hdr-histogram-js that only their own CLI (or WebAssembly) uses are replaced
// by stand-ins in every Node bundle: see scripts/node-bundle.mjs.
const node = nodeBundleOptions(production);
// The extension and the parse worker read the profile model from dist/model.js (one copy, not two).
const withSharedModel = { ...node, plugins: [...node.plugins, sharedModelPlugin] };

const builds = [
  { ...withSharedModel, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // Every src/model module, for the two above (a model file added under --watch needs a restart).
  { ...node, stdin: sharedModelEntry(), outfile: 'dist/model.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The agent runs inside the user's program: no source map, nothing the target could trip over.
  { ...node, entryPoints: ['src/capture/agent.ts'], outfile: 'dist/agent.js', sourcemap: false },
  { ...node, entryPoints: ['src/heap/snapshot-worker.ts'], outfile: 'dist/heap-worker.js' },
  // Big profiles are parsed off the extension host's main thread.
  { ...withSharedModel, entryPoints: ['src/parse/parse-worker.ts'], outfile: 'dist/parse-worker.js' },
  // `flamelens export --format svg`: d3-flame-graph on linkedom's DOM in Node (loaded by the CLI when asked).
  { ...node, entryPoints: ['webview/svg-offline.ts'], outfile: 'dist/svg-export.js' },
  // dist/webview.css comes out of this bundle: main.ts imports style.css (after d3-flame-graph's CSS).
  { platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
  // The SVG export (d3-flame-graph + d3), loaded by the page the first time it saves an SVG (svg-loader.ts).
  { platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning',
    // (d3-flame-graph imports its stylesheet; the page has it in webview.css, the file inlines its own.)
    // Its transitions apply at once (svgExportStubs in scripts/node-bundle.mjs): the export never animates.
    loader: { '.css': 'empty' }, plugins: [svgExportStubsPlugin], entryPoints: ['webview/svg-entry.ts'], outfile: 'dist/webview-svg.js' },
  // The heap-snapshot table (custom editor for *.heapsnapshot and the snapshot comparison).
  { platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning',
    entryPoints: ['webview/snapshot/main.ts'], outfile: 'dist/snapshot.js' },
  { bundle: true, logLevel: 'warning', entryPoints: ['webview/snapshot/style.css'], outfile: 'dist/snapshot.css', minify: production },
  // The Load Run view (Profile Under Load…, Open Load Run, Compare Load Runs…): tables and canvas charts.
  { platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning',
    entryPoints: ['webview/load/main.ts'], outfile: 'dist/load.js' },
  { bundle: true, logLevel: 'warning', entryPoints: ['webview/load/style.css'], outfile: 'dist/load.css', minify: production },
  // The integration suite runs inside VS Code's extension host (test-electron or code-server): the mocha
  // entry plus one bundle per suite/*.test.ts, which index.js finds beside it. mocha stays a runtime require.
  { ...node, entryPoints: ['test/integration/index.ts', ...integrationSuites()], outdir: 'out/test/integration', outbase: 'test/integration', external: ['vscode', 'mocha'], sourcemap: true },
].filter((b) => b.stdin || existsSync(b.entryPoints[0]))
  // `--production` (vscode:prepublish): what ships is minified, without source maps, with NODE_ENV set
  // for the libraries that check it; the integration suite is not shipped, so it is not built.
  .filter((b) => !production || !b.outdir?.startsWith('out/test'))
  .map((b) => production ? { ...b, minify: true, sourcemap: false, define: { ...b.define, 'process.env.NODE_ENV': '"production"' } } : b)
  .filter((b) => !only || (b.outfile && only.includes(path.basename(b.outfile).replace(/\.(js|css)$/, ''))))
  .map((b) => b.outfile && outDir !== 'dist' ? { ...b, outfile: path.join(outDir, path.relative('dist', b.outfile)) } : b);

mkdirSync(outDir, { recursive: true });
// The heap-snapshot parser is WASM; its binary ships (brotli-compressed) beside the bundles that load it.
if (!only) writeHeapParserWasm(outDir);

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[flamelens] watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
// Maps left by an earlier development build would not describe the minified files.
if (production) for (const f of readdirSync(outDir)) if (f.endsWith('.map')) rmSync(path.join(outDir, f), { force: true });
// A deleted suite file must not keep running from a stale bundle (pruned after the build rather than
// wiping the folder first, so a suite run already under way never sees it empty).
const outSuites = 'out/test/integration/suite';
if (existsSync(outSuites)) {
  for (const f of readdirSync(outSuites)) {
    const source = `test/integration/suite/${f.replace(/\.js(\.map)?$/, '.ts')}`;
    if (!existsSync(source)) rmSync(path.join(outSuites, f), { force: true });
  }
}

// How the Node bundles are built (esbuild.mjs), defined once so test/unit/package/load-bundle.test.ts
// can bundle the load driver exactly as it ships. Part of that is the list of modules kept out of the
// bundles that carry the load engine (dist/extension.js, dist/cli.js): parts of autocannon and
// hdr-histogram-js that only their own command line or other runtimes use. FlameLens calls autocannon's
// programmatic API (src/load/driver.ts) and renders results itself, so none of them is reached; each
// is replaced when esbuild loads it, wherever it is required from.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';

const stubDir = path.join(import.meta.dirname, 'stubs');

/**
 * `module` is a path inside node_modules: a file, or a whole package when it ends in `/`.
 * `importedBy` lists the only files (inside node_modules) that may require it: the reason it can be
 * left out was read there, and the bundle test fails when something else starts to need it.
 * `file` replaces it with a stand-in from scripts/stubs/; without one, it is `absent` (throws when used).
 */
export const bundleStubs = [
  {
    module: 'autocannon/lib/printResult.js',
    importedBy: ['autocannon/autocannon.js', 'autocannon/lib/progressTracker.js'],
    why: "autocannon's command-line result table (cli-table3, chalk, pretty-bytes); FlameLens renders its own",
  },
  {
    module: 'autocannon/lib/progressTracker.js',
    importedBy: ['autocannon/autocannon.js', 'autocannon/lib/init.js'],
    why: "autocannon's command-line progress bar (progress, chalk, char-spinner); init() only starts it for its own CLI",
  },
  ...['cross-argv/', 'manage-path/', 'has-async-hooks/', '@minimistjs/subarg/', 'autocannon/package.json'].map((module) => ({
    module,
    importedBy: ['autocannon/autocannon.js'],
    why: "autocannon's command line (start(), parseArguments(), --version)",
  })),
  {
    module: 'autocannon/lib/manager.js',
    importedBy: ['autocannon/lib/init.js'],
    why: "autocannon's `workers` option (its worker script is not in the bundle anyway)",
  },

  {
    module: 'form-data/',
    importedBy: ['autocannon/lib/multipart.js'],
    why: "multipart bodies (autocannon's `form` option), which FlameLens never sends; also keeps mime-db out",
  },
  {
    module: 'buffer/',
    importedBy: ['hyperid/hyperid.js'],
    why: "hyperid's fallback for runtimes without Node's buffer module",
  },
  {
    module: 'hdr-histogram-js/dist/wasm/index.js',
    importedBy: ['hdr-histogram-js/dist/index.js', 'hdr-histogram-js/dist/HistogramBuilder.js', 'hdr-histogram-js/dist/encoding.js'],
    why: 'WebAssembly histograms; FlameLens and (with this stand-in) autocannon use the JS ones',
    file: 'hdr-histogram-no-wasm.cjs',
  },
  {
    module: 'hdr-histogram-js/dist/PackedHistogram.js',
    importedBy: ['hdr-histogram-js/dist/JsHistogramFactory.js', 'hdr-histogram-js/dist/index.js'],
    why: "`bitBucketSize: 'packed'` histograms; FlameLens builds 32-bit ones, autocannon 64-bit ones",
  },
  ...['Recorder.js', 'HistogramLogReader.js', 'HistogramLogWriter.js'].map((file) => ({
    module: `hdr-histogram-js/dist/${file}`,
    importedBy: ['hdr-histogram-js/dist/index.js'],
    why: 'interval recorders and histogram log files, which neither FlameLens nor autocannon uses',
  })),
  {
    module: 'hdr-histogram-js/dist/encoding.js',
    importedBy: ['hdr-histogram-js/dist/index.js'],
    why: "histograms as compressed base64: autocannon encodes its three when a run ends and decodes them at once, in the same process; a token per histogram makes that round trip",
    file: 'hdr-histogram-token.cjs',
  },
  {
    module: 'hdr-histogram-js/dist/ByteBuffer.js',
    importedBy: ['hdr-histogram-js/dist/index.js'],
    why: "the byte buffer of the histogram encoding (left out above); hdr-histogram-js only re-exports it",
  },
  ...['websocket-server.js', 'stream.js'].map((file) => ({
    module: `ws/lib/${file}`,
    importedBy: ['ws/wrapper.mjs', 'ws/index.js'],
    why: "ws's server and stream adapter; FlameLens is only a client (src/capture/inspector/transport.ts)",
  })),
  {
    module: 'ws/lib/permessage-deflate.js',
    importedBy: ['ws/lib/websocket.js', 'ws/lib/receiver.js', 'ws/lib/sender.js', 'ws/index.js', 'ws/wrapper.mjs'],
    why: "ws's compression extension: FlameLens's client turns it off (perMessageDeflate: false), so ws only reads its name",
    file: 'ws-no-deflate.cjs',
  },
  {
    module: 'lodash.clonedeep/',
    importedBy: ['autocannon/lib/httpClient.js', 'autocannon/lib/requestIterator.js', 'autocannon/lib/subargAliases.js'],
    why: 'autocannon copies its plain option objects per connection; a small deep copy does',
    file: 'clone-deep.cjs',
  },
  ...[
    ['lodash.chunk/', 'lodash-chunk.cjs'],
    ['lodash.flatten/', 'lodash-flatten.cjs'],
  ].map(([module, file]) => ({
    module,
    importedBy: ['autocannon/lib/requestIterator.js'],
    why: "pairing a response's raw headers and joining repeated ones: a few lines each",
    file,
  })),
  {
    module: 'semver/index.js',
    importedBy: ['autocannon/lib/util.js'],
    why: 'autocannon only compares the Node version',
    file: 'semver-gte.cjs',
  },
];

/** The part of a path after its last `node_modules/`, with `/` separators ('' outside node_modules). */
export function packagePath(file) {
  const posix = file.split(path.sep).join('/');
  const at = posix.lastIndexOf('node_modules/');
  return at < 0 ? '' : posix.slice(at + 'node_modules/'.length);
}

/** The entry of `stubs` (the Node bundles' by default) for a path inside node_modules (`autocannon/lib/init.js`), if any. */
export function stubForModule(rel, stubs = bundleStubs) {
  return rel === '' ? undefined : stubs.find((s) => (s.module.endsWith('/') ? rel.startsWith(s.module) : rel === s.module));
}

/** An esbuild plugin that loads every module of `stubs` as its stand-in. */
function stubsPlugin(name, stubs) {
  return {
    name,
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]/ }, (args) => {
        const stub = stubForModule(packagePath(args.path), stubs);
        if (!stub) return undefined;
        const module = stub.module.replace(/\/$/, '');
        const file = stub.file && JSON.stringify(path.join(stubDir, stub.file));
        // An ES-module stand-in (.mjs) is re-exported as one: the module it replaces may be ESM too.
        const contents = stub.file?.endsWith('.mjs')
          ? `import ${file}; export * from ${file};`
          : stub.file
          ? `module.exports = require(${file});`
          : `module.exports = require(${JSON.stringify(path.join(stubDir, 'absent.cjs'))})(${JSON.stringify(module)}, ${JSON.stringify(stub.why)});`;
        return { contents, loader: 'js', resolveDir: stubDir };
      });
    },
  };
}

/** The plugin of every Node bundle. */
export const bundleStubsPlugin = stubsPlugin('flamelens-bundle-stubs', bundleStubs);

/**
 * The in-editor SVG export (dist/webview-svg.js, a browser bundle) draws once, without animation:
 * d3-flame-graph's transitions apply at once there. The CLI's offline export keeps the real ones.
 */
export const svgExportStubs = [
  {
    module: 'd3-transition/',
    importedBy: ['d3-flame-graph/dist/d3-flamegraph.es.js'],
    why: 'the export draws with transitionDuration(0) and writes every position, width and label itself (webview/svg-export.ts)',
    file: 'd3-transition-now.mjs',
  },
  {
    module: 'd3-ease/',
    importedBy: ['d3-flame-graph/dist/d3-flamegraph.es.js'],
    why: 'the easing d3-flame-graph hands its transitions, which apply at once here',
    file: 'd3-ease-linear.mjs',
  },
];

export const svgExportStubsPlugin = stubsPlugin('flamelens-svg-export-stubs', svgExportStubs);

/**
 * The heap parser's WASM (@vscode/v8-heap-parser, 180 KB) ships brotli-compressed beside the bundles that
 * load it: about 60 KB instead of the 74 KB the .vsix's deflate makes of it. Its loader (wasm-bindgen's
 * Node glue, which reads the binary beside itself) is bundled with one change: it inflates the .br file.
 */
const heapParserDir = 'node_modules/@vscode/v8-heap-parser/pkg/nodejs';
const heapParserWasm = 'v8_heap_parser_bg.wasm';
export const shippedHeapParserWasm = `${heapParserWasm}.br`;
const wasmRead = "require('fs').readFileSync(path)";

export const heapParserWasmPlugin = {
  name: 'flamelens-heap-parser-wasm',
  setup(build) {
    build.onLoad({ filter: /[\\/]@vscode[\\/]v8-heap-parser[\\/]pkg[\\/]nodejs[\\/]v8_heap_parser\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      // The glue must read the binary exactly once, as this expects: otherwise fail the build, not the user.
      if (source.split(wasmRead).length !== 2 || !source.includes(`join(__dirname, '${heapParserWasm}')`)) {
        throw new Error(`${args.path} no longer loads ${heapParserWasm} with ${wasmRead}: update scripts/node-bundle.mjs`);
      }
      return { contents: source.replace(wasmRead, `require('zlib').brotliDecompressSync(require('fs').readFileSync(path + '.br'))`), loader: 'js' };
    });
  },
};

/** Writes the compressed WASM into `outDir` (unless it is newer than the package's) and removes a plain copy. */
export function writeHeapParserWasm(outDir, root = process.cwd()) {
  const from = path.join(root, heapParserDir, heapParserWasm);
  const to = path.join(outDir, shippedHeapParserWasm);
  rmSync(path.join(outDir, heapParserWasm), { force: true });
  if (!existsSync(from) || (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs)) return;
  const bytes = readFileSync(from);
  const params = { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_LGWIN]: zlib.BROTLI_MAX_WINDOW_BITS, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length };
  writeFileSync(to, brotliCompressSync(bytes, { params }));
}

/**
 * The profile model (src/model, with pprof-format and the source-map reader: ~90 KB minified) is one
 * bundle, dist/model.js, shared by the extension and the parse worker instead of a copy in each (the
 * worker would otherwise carry ~56 KB of it again). `sharedModelEntry` builds it: every src/model
 * module's exports under its name, and pprof-format's, which the extension's pprof export also
 * imports. In the bundles built with `sharedModelPlugin`, every import of one of those reads it from
 * ./model.js, so each thread has one copy of the model (one ProfileError class, one of every cache).
 */
export const sharedModelFile = 'model.js';
const modelDir = 'src/model';
const sharedPackages = ['pprof-format'];

function modelModules(root) {
  return readdirSync(path.join(root, modelDir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
}

/** esbuild `stdin` for dist/model.js, resolved from `root` (the repository). */
export function sharedModelEntry(root = process.cwd()) {
  const names = modelModules(root);
  const specifiers = [...names.map((n) => `./${modelDir}/${n}`), ...sharedPackages];
  const keys = [...names, ...sharedPackages];
  const lines = specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`);
  lines.push(`export const modules = { ${keys.map((k, i) => `${JSON.stringify(k)}: m${i}`).join(', ')} };`);
  return { contents: lines.join('\n'), resolveDir: root, sourcefile: 'flamelens-shared-model.js', loader: 'js' };
}

export const sharedModelPlugin = {
  name: 'flamelens-shared-model',
  setup(build) {
    const root = build.initialOptions.absWorkingDir ?? process.cwd();
    const dir = path.join(root, modelDir);
    const packages = new RegExp(`^(${sharedPackages.join('|')})$`);
    build.onResolve({ filter: packages }, (args) => ({ path: args.path, namespace: 'flamelens-shared-model' }));
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.namespace === 'flamelens-shared-model') return { path: `./${sharedModelFile}`, external: true };
      const file = path.resolve(args.resolveDir, args.path);
      if (path.dirname(file) !== dir) return undefined;
      const name = path.basename(file).replace(/\.ts$/, '');
      if (!existsSync(path.join(dir, `${name}.ts`))) return undefined;
      return { path: name, namespace: 'flamelens-shared-model' };
    });
    build.onLoad({ filter: /.*/, namespace: 'flamelens-shared-model' }, (args) => ({
      contents: `module.exports = require('./${sharedModelFile}').modules[${JSON.stringify(args.path)}];`,
      loader: 'js',
      resolveDir: dir,
    }));
  },
};

/**
 * esbuild options shared by every Node bundle. `production` (vscode:prepublish): minified, no source
 * maps, `process.env.NODE_ENV` set for the libraries that check it.
 */
export function nodeBundleOptions(production) {
  return {
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    bundle: true,
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    plugins: [bundleStubsPlugin, heapParserWasmPlugin],
    ...(production ? { define: { 'process.env.NODE_ENV': '"production"' } } : {}),
  };
}

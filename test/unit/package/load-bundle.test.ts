// The load engine as it ships: src/load/driver.ts bundled with the production options and module
// stand-ins of scripts/node-bundle.mjs (the ones esbuild.mjs builds dist/extension.js and dist/cli.js
// with), then driving a real loopback HTTP server. Also checks, on the extension and CLI bundles
// themselves, that every stand-in is still needed, is reached only from where its reason was read,
// and that what it keeps out stays out.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { bundleStubs, nodeBundleOptions, packagePath, stubForModule } from '../../../scripts/node-bundle.mjs';
import type * as Driver from '../../../src/load/driver';

const repo = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);

/** node_modules paths (package-relative) in a bundle, each with the node_modules files that import it. */
function bundledModules(meta: esbuild.Metafile): Map<string, Set<string>> {
  const modules = new Map<string, Set<string>>();
  for (const [file, input] of Object.entries(meta.inputs)) {
    const rel = packagePath(file);
    if (rel !== '' && !modules.has(rel)) modules.set(rel, new Set());
    for (const i of input.imports) {
      const target = packagePath(i.path);
      if (target === '') continue;
      if (!modules.has(target)) modules.set(target, new Set());
      modules.get(target)!.add(packagePath(file) || file);
    }
  }
  return modules;
}

describe('the load engine in the production bundles', () => {
  let work = '';
  let server: http.Server;
  let url = '';
  let served = 0;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'flamelens-load-bundle-'));
    server = http.createServer((_req, res) => {
      served++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  it('measures a real server through the bundled, stubbed autocannon and hdr-histogram-js', async () => {
    const outfile = path.join(work, 'driver.js');
    await esbuild.build({ ...nodeBundleOptions(true), absWorkingDir: repo, entryPoints: ['src/load/driver.ts'], outfile });
    const { LoadDriver } = require(outfile) as typeof Driver;
    const spec: Driver.RequestSpec = { urls: [url], method: 'GET', headers: {}, pipelining: 1 };

    const driver = new LoadDriver();
    await driver.warmup(spec, 200, 2);
    const before = served;
    const m = await driver.measure(spec, [{ durationMs: 1000, connections: 4 }]);
    assert.equal(driver.stopReason, undefined);
    const stage = m.stages[0]!;
    assert.ok(stage.requests.total > 0, 'no requests');
    assert.equal(stage.requests.ok, stage.requests.total, JSON.stringify(stage.requests));
    assert.ok(served - before >= stage.requests.ok, `server saw ${served - before}, driver counted ${stage.requests.ok}`);
    assert.equal(stage.statusCodes['200'], stage.requests.ok);
    assert.ok(stage.bytes > 0);
    const h = stage.histogram;
    const pct = [50, 90, 99, 99.9].map((p) => h.getValueAtPercentile(p));
    for (const v of [...pct, h.maxValue, h.mean]) assert.ok(Number.isFinite(v) && v > 0, `percentiles ${pct.join(', ')}, max ${h.maxValue}, mean ${h.mean}`);
    for (let i = 1; i < pct.length; i++) assert.ok(pct[i - 1]! <= pct[i]!, pct.join(' ≤ '));
    assert.equal(h.totalCount, stage.requests.ok);
    assert.ok(m.seconds.length >= 1 && m.seconds.every((s) => s.requests.total >= 0));

    // A fixed rate takes autocannon's rate limiter and the coordinated-omission path of the histogram.
    const paced = await new LoadDriver().measure({ ...spec, rate: 100 }, [{ durationMs: 1000, connections: 2 }]);
    const total = paced.stages[0]!.requests.total;
    assert.ok(total > 20 && total < 200, `${total} requests at 100/s for 1 s`);
    assert.ok(Number.isFinite(paced.stages[0]!.histogram.getValueAtPercentile(99)));
  });

  it('fails the run, naming the module, if a code path reaches something left out', async () => {
    // Multipart bodies (autocannon's `form` option) need form-data, which is left out: through the
    // driver's own autocannon, a run that asks for them must fail with that name, not misbehave.
    const outfile = path.join(work, 'autocannon.js');
    await esbuild.build({ ...nodeBundleOptions(true), absWorkingDir: repo, stdin: { contents: "module.exports = require('autocannon');", resolveDir: repo }, outfile });
    const autocannon = require(outfile) as (opts: object, cb: (err: Error | null) => void) => unknown;
    const err = await new Promise<Error | null>((resolve) => {
      try {
        autocannon({ url, duration: 1, form: { field: { type: 'text', value: 'x' } } }, resolve);
      } catch (e) {
        resolve(e as Error);
      }
    });
    assert.match(String(err?.message), /form-data is not bundled with FlameLens/);
  });

  for (const entry of ['src/extension.ts', 'src/cli/main.ts']) {
    it(`${entry}: every stand-in is used, only by the importers it was written for, and keeps its dependencies out`, async () => {
      const result = await esbuild.build({ ...nodeBundleOptions(true), absWorkingDir: repo, entryPoints: [entry], outfile: path.join(work, 'out.js'), external: ['vscode'], write: false, metafile: true });
      const modules = bundledModules(result.metafile);
      for (const stub of bundleStubs) {
        const hits = [...modules.keys()].filter((m) => stubForModule(m) === stub);
        assert.ok(hits.length > 0, `${stub.module} is no longer in ${entry}: remove it from scripts/node-bundle.mjs`);
        for (const hit of hits) {
          for (const by of modules.get(hit)!) {
            if (stubForModule(by) === stub) continue; // inside the package that is left out
            assert.ok(stub.importedBy.includes(by), `${by} now requires ${hit}, left out of the bundles because: ${stub.why}`);
          }
        }
      }
      // What the stand-ins exist to keep out: no file of these is bundled (a stand-in itself aside).
      const out = ['hdr-histogram-js/dist/packedarray/', 'cli-table3/', 'chalk/', 'progress/', 'pretty-bytes/', 'char-spinner/', 'color-support/', 'mime-db/', 'mime-types/', 'combined-stream/', '@assemblyscript/loader/', 'hdr-histogram-js/dist/wasm/', 'semver/', 'pako/', 'ieee754/'];
      const leaked = Object.keys(result.metafile.inputs).map(packagePath).filter((m) => m !== '' && !stubForModule(m) && out.some((o) => m.startsWith(o)));
      assert.deepEqual(leaked, []);
    });
  }

  it("semver's stand-in compares Node versions as semver does, and refuses the rest", () => {
    const semver = require(path.join(repo, 'scripts/stubs/semver-gte.cjs')) as { gte(a: string, b: string): boolean; satisfies?: unknown };
    assert.equal(semver.gte(process.versions.node, '11.7.0'), true);
    assert.equal(semver.gte('11.7.0', '11.7.0'), true);
    assert.equal(semver.gte('11.6.10', '11.7.0'), false);
    assert.equal(semver.gte('11.10.0', '11.7.0'), true);
    assert.equal(semver.gte('v9.99.99', '11.7.0'), false);
    assert.throws(() => semver.gte('11.7.0-rc.1', '11.7.0'), /MAJOR\.MINOR\.PATCH/);
    assert.throws(() => semver.satisfies, /semver.satisfies is not bundled with FlameLens/);
  });
});

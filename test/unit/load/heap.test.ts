// `flamelens load --heap`: a sampling heap profile of the server during the measured load, and its
// top allocators by bytes in the run and the reports (a real server allocating in a known function).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBundles, scratchDir } from '../../support/capture-helpers';
import { allFinite, freePort, readRun, runLoad } from '../../support/load-helpers';

const fixture = path.resolve(__dirname, '../../fixtures/load/server.js');

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

test('load --heap: the server\'s top allocators during the load name the allocating handler', { timeout: 180_000 }, async () => {
  const dir = scratchDir('load-heap');
  const port = await freePort();
  const r = runLoad(cli, ['--url', `http://127.0.0.1:${port}/alloc`, '--heap', '--connections', '1', '--warmup', '0', '--duration', '2s', '--out', 'out', '--json', 'run.json', '--markdown', 'run.md', '--', 'node', '--no-turbo-inlining', fixture], dir, { PORT: String(port) });
  assert.equal(r.status, 0, r.stderr);
  const run = readRun(path.join(dir, 'run.json'));
  assert.ok(allFinite(run));
  assert.ok(run.profiles.some((p) => p.endsWith('.heapprofile')), run.profiles.join(', '));
  assert.ok(run.profiles.some((p) => p.endsWith('.cpuprofile')), 'CPU is recorded as well');
  const allocators = run.topAllocators ?? [];
  const top = allocators.find((a) => a.name === 'allocateOrders');
  assert.ok(top && top.selfBytes > 0 && top.selfPct > 0, JSON.stringify(allocators.slice(0, 5)));
  assert.ok(allocators.every((a, i) => i === 0 || a.selfBytes <= allocators[i - 1]!.selfBytes), 'by bytes, largest first');
  // A launched server's heap profile covers the whole run (heap samples carry no time to cut by): said so.
  assert.match(r.stdout, /allocations over the whole run, warm-up included[\s\S]*allocateOrders/);
  assert.match(fs.readFileSync(path.join(dir, 'run.md'), 'utf8'), /### Server: top allocators \(sampled heap profile\)[\s\S]*allocateOrders/);
});

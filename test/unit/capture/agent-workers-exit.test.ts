// Worker threads against process.exit(): every worker that recorded keeps its profile, including
// workers still starting when the main thread exits; and what the agent itself costs the main
// thread of a worker-heavy program (its share of self time, and how long terminate() blocks).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { startCapture, type CaptureResult } from '../../../src/capture/launcher';
import { buildBundles, scratchDir, writeFiles, busyFunction, hottestCpuFunction, readJson } from '../../support/capture-helpers';

let agentPath = '';
before(async () => {
  agentPath = (await buildBundles()).agent;
});

async function run(dir: string, args: string[], outName: string): Promise<{ result: CaptureResult; stdout: string }> {
  const h = await startCapture({ command: ['node', ...args], cwd: dir, outDir: path.join(dir, outName), agentPath, stdio: 'pipe' });
  let stdout = '';
  h.child.stdout!.on('data', (d: Buffer) => (stdout += d));
  const result = await h.done;
  return { result, stdout };
}

const spinWorker = `${busyFunction('spinForever', 60_000)}require('node:worker_threads').parentPort.postMessage('up');\nspinForever();\n`;

test('process.exit() with four busy workers running keeps every worker profile', async () => {
  const dir = scratchDir('agent-exit-busy-workers');
  writeFiles(dir, {
    'spin.js': spinWorker,
    'main.js': `const { Worker } = require('node:worker_threads');
${busyFunction('mainWork', 200)}
const workers = Array.from({ length: 4 }, () => new Worker(__dirname + '/spin.js'));
Promise.all(workers.map((w) => new Promise((r) => w.once('message', r)))).then(() => { mainWork(); process.exit(0); });
`,
  });
  for (let round = 0; round < 3; round++) {
    const { result } = await run(dir, ['main.js'], `s${round}`);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.problems, [], `round ${round}`);
    const workers = result.profiles.filter((p) => !p.isMainThread);
    assert.equal(workers.length, 4, `round ${round}: ${workers.length} worker profiles`);
    for (const w of workers) {
      assert.equal(w.stopReason, 'terminated');
      assert.equal(hottestCpuFunction(w.path), 'spinForever');
    }
  }
});

test('process.exit() while workers are still starting leaves no worker without its profile', async (t) => {
  const dir = scratchDir('agent-exit-starting-workers');
  // The main thread exits after a varying delay, so workers are caught at every stage of their start.
  writeFiles(dir, {
    'spin.js': spinWorker,
    'main.js': `const { Worker } = require('node:worker_threads');
const delay = Number(process.argv[2]);
function mainWork(ms) { const end = Date.now() + ms; let acc = 0; while (Date.now() < end) acc += Math.sqrt(acc + 1); return acc; }
for (let i = 0; i < 4; i++) new Worker(__dirname + '/spin.js');
mainWork(delay);
process.exit(0);
`,
  });
  let recordedWorkers = 0;
  for (const delay of [0, 50, 100, 150, 200, 300, 400, 600]) {
    const t0 = Date.now();
    const { result } = await run(dir, ['main.js', String(delay)], `s${delay}`);
    t.diagnostic(`exit after ${delay} ms: ${result.threads.length - 1} workers recorded, run took ${Date.now() - t0} ms`);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.problems, [], `exit after ${delay} ms`);
    const workers = result.threads.filter((t) => !t.isMainThread);
    assert.ok(workers.every((t) => t.state === 'saved'), `exit after ${delay} ms: ${workers.map((t) => t.state).join(', ')}`);
    recordedWorkers += workers.length;
  }
  assert.ok(recordedWorkers > 0, 'some workers started recording before the exit');
});

test('terminate() does not wait for the worker to save (its profile appears after terminate() returned); the agent\'s cost is reported', async (t) => {
  const dir = scratchDir('agent-cost');
  writeFiles(dir, {
    'spin.js': spinWorker,
    'main.js': `const { Worker } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
${busyFunction('mainWork', 20)}
const up = (w) => new Promise((r) => w.once('message', r));
(async () => {
  const blocked = [];
  for (let c = 0; c < 12; c++) {
    const w = new Worker(__dirname + '/spin.js');
    await up(w);
    mainWork();
    const saved = require('node:path').join(process.env.FLAMELENS_DIR, process.pid + '-' + w.threadId + '.cpuprofile');
    const t0 = performance.now();
    const done = w.terminate();
    blocked.push(performance.now() - t0);
    // The save is a round trip to the worker thread: a terminate() that waited for it would find it
    // done every time; one that does not finds it done only if the worker thread won a race with us.
    if (require('node:fs').existsSync(saved)) console.log('saved before terminate() returned');
    console.log('terminate resolved with ' + await done);
  }
  const live = Array.from({ length: 4 }, () => new Worker(__dirname + '/spin.js'));
  await Promise.all(live.map(up));
  mainWork();
  console.log(JSON.stringify({ blocked }));
  process.exit(0);
})();
`,
  });
  const { result, stdout } = await run(dir, ['main.js'], 's');
  assert.deepEqual(result.problems, []);
  assert.equal(result.profiles.filter((p) => !p.isMainThread).length, 16, 'every worker saved');
  assert.equal(stdout.match(/terminate resolved with 1\n/g)?.length, 12, 'terminate() resolves as without the agent');
  const { blocked } = JSON.parse(stdout.trim().split('\n').pop()!) as { blocked: number[] };
  blocked.sort((a, b) => a - b);
  const median = blocked[blocked.length >> 1]!;

  // The agent's share of the main thread's (non-idle) self time, from the captured profile. Since the
  // agent takes its own frames out of what it writes (agent-frames.ts), this reads 0: its time counts
  // under its callers; the figure stays for profiles written by older agents.
  const main = result.profiles.find((p) => p.isMainThread)!;
  const prof = readJson<{ nodes: { id: number; callFrame: { functionName: string; url: string } }[]; samples: number[]; timeDeltas: number[] }>(main.path);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  let total = 0;
  let agent = 0;
  prof.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const dt = prof.timeDeltas[i] ?? 0;
    total += dt;
    if (frame.url === agentPath || frame.url.endsWith('/agent.js')) agent += dt;
  });
  const share = (100 * agent) / total;
  t.diagnostic(`agent share of main-thread self time ${share.toFixed(2)}%; terminate() blocked median ${median.toFixed(2)} ms, max ${blocked[blocked.length - 1]!.toFixed(2)} ms`);
  // Figures, not assertions (speed belongs in benchmarks): before the fix 24-32% (the exit wait was
  // profiled) and 11-16 ms (terminate() waited for the save); after, about 1-4% and 1 ms here.
  // Not "never": the worker thread runs in parallel, and on a loaded machine it can finish its save
  // between terminate() returning and the check (seen once in CI). A waiting terminate() would make it always.
  const savedFirst = stdout.match(/saved before terminate\(\) returned/g)?.length ?? 0;
  assert.ok(savedFirst < 12, `terminate() waited for the worker to save (${savedFirst} of 12 saved before it returned)`);
  assert.ok(Number.isFinite(share) && Number.isFinite(median));
});

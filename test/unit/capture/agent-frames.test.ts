// The agent's own functions (its stop-file poll, exit hook, worker relay) stay out of the profiles
// it writes: checked on real recordings, and on small hand-made profiles for where the time goes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { Protocol } from 'devtools-protocol';
import { startCapture } from '../../../src/capture/launcher';
import { cpuProfileWithout, heapProfileWithout } from '../../../src/capture/agent-frames';
import { buildBundles, readJson, scratchDir } from '../../support/capture-helpers';

let agentPath = '';
before(async () => {
  agentPath = (await buildBundles()).agent;
});

test('node -e with CPU and heap recorded: no frame of the agent\'s file in either profile', async () => {
  const dir = scratchDir('agent-frames');
  // Long enough for many stop-file polls, with a worker so the exit path asks the relay; a 50 µs interval.
  const program = `const { Worker } = require('node:worker_threads');
new Worker('setTimeout(() => {}, 300)', { eval: true });
const keep = []; const end = Date.now() + 700;
while (Date.now() < end) keep.push({ t: Date.now() }), keep.length > 1e4 && keep.splice(0);
setTimeout(() => process.exit(0), 300);`;
  const h = await startCapture({ command: ['node', '-e', program], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe', cpu: true, heap: true, intervalUs: 50 });
  const r = await h.done;
  assert.deepEqual(r.problems, []);
  assert.equal(r.profiles.filter((p) => p.kind === 'cpu').length, 2, 'main thread and worker');
  for (const p of r.profiles) {
    const urls = new Set<string>();
    if (p.kind === 'cpu') for (const n of readJson<Protocol.Profiler.Profile>(p.path).nodes) urls.add(n.callFrame.url);
    else {
      const walk = (n: Protocol.HeapProfiler.SamplingHeapProfileNode): void => (urls.add(n.callFrame.url), n.children.forEach(walk));
      walk(readJson<Protocol.HeapProfiler.SamplingHeapProfile>(p.path).head);
    }
    assert.ok(![...urls].some((u) => u.includes(path.basename(agentPath)) && u.includes(path.dirname(agentPath))), `${p.label}: ${[...urls].join(', ')}`);
  }
});

test('the agent\'s setup (its signal thread\'s Worker, listeners, timers) is done before the profiler starts: none of it is in the profile', async () => {
  const dir = scratchDir('agent-setup');
  // Nothing of the program's own runs before its main script: whatever the profile holds under
  // loadPreloadModules (where --require runs the agent) is the agent's. Creating its watch thread's
  // Worker took 10–20 ms there, well above the 100 µs interval.
  const h = await startCapture({ command: ['node', '-e', 'let x = 0; for (let i = 0; i < 2e7; i++) x += i % 7; console.log(x);'], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe', cpu: true, intervalUs: 100 });
  const r = await h.done;
  assert.deepEqual(r.problems, []);
  const cpu = r.profiles.find((p) => p.kind === 'cpu');
  assert.ok(cpu);
  const profile = readJson<Protocol.Profiler.Profile>(cpu.path);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const under = (name: string): string[] => {
    const found: string[] = [];
    const stack = profile.nodes.filter((n) => n.callFrame.functionName === name).flatMap((n) => n.children ?? []);
    while (stack.length > 0) {
      const n = byId.get(stack.pop()!)!;
      found.push(n.callFrame.functionName);
      stack.push(...(n.children ?? []));
    }
    return found;
  };
  const setup = under('loadPreloadModules');
  for (const name of ['Worker', 'setupPortReferencing', 'addListener', 'setInterval']) assert.ok(!setup.includes(name), `${name} under loadPreloadModules: ${setup.join(', ')}`);
});

const frame = (functionName: string, url: string): Protocol.Runtime.CallFrame => ({ functionName, url, scriptId: '1', lineNumber: 0, columnNumber: 0 });

test('a heap profile recorded with a large CPU profile holds none of the CPU profile\'s stop and write', async () => {
  const dir = scratchDir('agent-heap-stop');
  // Thousands of distinct stacks at a 50 µs interval: a CPU profile of several MB, whose stop
  // (the inspector's answer parsed into objects, the agent's frame filter, the JSON written)
  // allocates tens of MB on the program's exit path.
  const program = `const fns = [];
for (let i = 0; i < 40; i++) fns.push(new Function('fns', 'return function f' + i + '(d, s) { if (d === 0) { let x = 0; for (let k = 0; k < 300; k++) x += k; return x; } s = (s * 1103515245 + 12345) >>> 0; return fns[(s >>> 16) % 40](d - 1, s); }')(fns));
// 1.5 s of CPU, not of wall time: a loaded machine samples what the program gets.
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const wallEnd = Date.now() + 20000; let s = 1;
while (cpuMs() < 1500 && Date.now() < wallEnd) { s = (s * 69069 + 1) >>> 0; fns[(s >>> 16) % 40](14, s); }`;
  const h = await startCapture({ command: ['node', '-e', program], cwd: dir, outDir: path.join(dir, 's'), agentPath, stdio: 'pipe', cpu: true, heap: true, intervalUs: 50 });
  const r = await h.done;
  assert.deepEqual(r.problems, []);
  const cpu = r.profiles.find((p) => p.kind === 'cpu');
  const heap = r.profiles.find((p) => p.kind === 'heap');
  assert.ok(cpu && heap);
  const cpuBytes = statSync(cpu.path).size;
  assert.ok(cpuBytes > 200e3, `a CPU profile of ${cpuBytes} B is too small to show the stop's allocations`);
  // The bytes allocated under the inspector's session (what the agent's stop runs in).
  let underInspector = 0;
  const walk = (n: Protocol.HeapProfiler.SamplingHeapProfileNode, inside: boolean): void => {
    const within = inside || n.callFrame.url === 'node:inspector';
    if (within) underInspector += n.selfSize;
    n.children.forEach((c) => walk(c, within));
  };
  walk(readJson<Protocol.HeapProfiler.SamplingHeapProfile>(heap.path).head, false);
  // Before: 12× the CPU profile's size (60 MB for 5 MB, 17.5 MB for 1.4 MB); now a 32 KB sample or so (the heap profile's own answer).
  assert.ok(underInspector < Math.max(cpuBytes / 10, 128 * 1024), `${underInspector} B allocated under node:inspector, against a ${cpuBytes} B CPU profile`);
});

test('CPU: an agent frame\'s hits and samples go to its caller, what it called moves up; the input is unchanged', () => {
  const input: Protocol.Profiler.Profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), hitCount: 0, children: [2, 5] },
      { id: 2, callFrame: frame('listOnTimeout', 'node:internal/timers'), hitCount: 1, children: [3] },
      { id: 3, callFrame: frame('pollStopFile', '/x/agent.js'), hitCount: 2, children: [4] },
      { id: 4, callFrame: frame('readFileSync', 'node:fs'), hitCount: 3 },
      { id: 5, callFrame: frame('main', '/app/main.js'), hitCount: 4 },
    ],
    startTime: 0,
    endTime: 10,
    samples: [5, 3, 4, 3, 2],
    timeDeltas: [1, 1, 1, 1, 1],
  };
  const copy = structuredClone(input);
  const out = cpuProfileWithout(input, new Set(['/x/agent.js']));
  assert.deepEqual(input, copy);
  const byId = new Map(out.nodes.map((n) => [n.id, n]));
  assert.equal(byId.has(3), false);
  assert.deepEqual(byId.get(2)!.children, [4]);
  assert.equal(byId.get(2)!.hitCount, 3);
  assert.deepEqual(out.samples, [5, 2, 4, 2, 2]);
  assert.deepEqual(out.timeDeltas, input.timeDeltas);
  assert.equal(cpuProfileWithout(out, new Set(['/x/agent.js'])), out, 'nothing to drop: the same object');
});

test('heap: an agent frame\'s bytes and samples go to its caller, what it called moves up', () => {
  const input: Protocol.HeapProfiler.SamplingHeapProfile = {
    head: {
      callFrame: frame('(root)', ''),
      selfSize: 0,
      id: 1,
      children: [
        { callFrame: frame('onExit', '/x/agent.js'), selfSize: 100, id: 2, children: [{ callFrame: frame('stringify', 'node:internal/x'), selfSize: 50, id: 3, children: [] }] },
        { callFrame: frame('main', '/app/main.js'), selfSize: 10, id: 4, children: [] },
      ],
    },
    samples: [
      { size: 100, nodeId: 2, ordinal: 1 },
      { size: 10, nodeId: 4, ordinal: 2 },
    ],
  };
  const copy = structuredClone(input);
  const out = heapProfileWithout(input, new Set(['/x/agent.js']));
  assert.deepEqual(input, copy);
  assert.equal(out.head.selfSize, 100);
  assert.deepEqual(
    out.head.children.map((c) => [c.id, c.callFrame.functionName, c.selfSize]),
    [
      [3, 'stringify', 50],
      [4, 'main', 10],
    ],
  );
  assert.deepEqual(
    out.samples.map((s) => s.nodeId),
    [1, 4],
  );
});

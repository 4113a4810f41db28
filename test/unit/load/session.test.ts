// The shared load-run lifecycle (src/load/session.ts) as VS Code drives it: callbacks in order,
// progress during the measured phase, and Cancel (an AbortSignal) mid-load → the load stops early,
// the run says why, the server's profile is still saved and the server is ended. Real node:http
// server on loopback with the real agent.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CaptureError } from '../../../src/capture/launcher';
import { buildBundles, busyFunction, isAlive, scratchDir, writeFiles } from '../../support/capture-helpers';
import { runLoadSession } from '../../../src/load/session';
import { freePort } from '../../support/load-helpers';

let agent = '';
before(async () => {
  agent = (await buildBundles()).agent;
});

test('session: events in order, progress while measuring, Cancel stops the load and keeps the profile', { timeout: 90_000 }, async () => {
  const dir = scratchDir('load-session');
  const port = await freePort();
  writeFiles(dir, {
    'server.js': `const http = require('node:http');
${busyFunction('handlerWork', 2)}
http.createServer((req, res) => { handlerWork(); res.end('ok'); }).listen(${port}, '127.0.0.1', () => console.log('listening'));
`,
  });
  const url = new URL(`http://127.0.0.1:${port}/`);
  const abort = new AbortController();
  const events: string[] = [];
  let progress = 0;
  let pid = 0;
  const started = Date.now();
  const session = await runLoadSession(
    {
      capture: { command: [process.execPath, 'server.js'], cwd: dir, outDir: path.join(dir, 'out'), cpu: true, agentPath: agent, waitForOthersMs: 2000 },
      readyUrl: url,
      readyTimeoutMs: 30_000,
      spec: { urls: [url.href], method: 'GET', headers: {}, pipelining: 1 },
      warmupMs: 500,
      stages: [{ durationMs: 30_000, connections: 2 }],
      signal: abort.signal,
    },
    {
      started: (h) => {
        pid = h.pid ?? 0;
        events.push('started');
      },
      onOutput: (chunk) => {
        if (chunk.toString().includes('listening')) events.push('output');
      },
      warmingUp: () => events.push('warmup'),
      measuring: (threads) => events.push(`measuring ${threads}`),
      onProgress: (p) => {
        progress++;
        assert.ok(Number.isFinite(p.rps) && Number.isFinite(p.p99) && p.totalMs === 30_000);
        // Cancel as the user would, after two seconds of measured load.
        if (progress === 2) abort.abort('cancelled');
      },
    },
  );
  assert.deepEqual(events, ['started', 'output', 'warmup', 'measuring 1']);
  assert.ok(progress >= 2, `${progress} progress reports`);
  assert.equal(session.measurement.cutShort, 'cancelled');
  assert.ok(session.measurement.elapsedMs < 20_000, `stopped early: ${session.measurement.elapsedMs} ms of 30 s`);
  assert.ok(Date.now() - started < 60_000);
  const requests = session.measurement.stages.reduce((a, s) => a + s.requests.total, 0);
  assert.ok(requests > 10, `${requests} requests measured`);
  const cpu = session.recorded.profiles.filter((p) => p.kind === 'cpu');
  assert.equal(cpu.length, 1, 'the server saved its profile');
  assert.ok(fs.existsSync(cpu[0]!.path));
  assert.ok(!isAlive(pid), 'the server FlameLens started was ended');
});

test('session: a port another process already holds is refused before the server starts (else the load would measure that process)', { timeout: 60_000 }, async () => {
  const dir = scratchDir('load-port-taken');
  const other = http.createServer((_req, res) => res.end('someone else'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const port = (other.address() as AddressInfo).port;
  writeFiles(dir, { 'server.js': "require('node:fs').writeFileSync('started', '1');" });
  try {
    await assert.rejects(
      runLoadSession({
        capture: { command: [process.execPath, 'server.js'], cwd: dir, outDir: path.join(dir, 'out'), cpu: true, agentPath: agent, waitForOthersMs: 2000 },
        readyUrl: new URL(`http://127.0.0.1:${port}/`),
        readyTimeoutMs: 10_000,
        spec: { urls: [`http://127.0.0.1:${port}/`], method: 'GET', headers: {}, pipelining: 1 },
        warmupMs: 0,
        stages: [{ durationMs: 1000, connections: 1 }],
      }),
      (e: unknown) => e instanceof CaptureError && new RegExp(`already accepts connections on 127\\.0\\.0\\.1:${port}.*another process holds that port`).test(e.message),
    );
    assert.ok(!fs.existsSync(path.join(dir, 'started')), 'the server was never started');
    // Held by another process on a second --url (or a --warmup-url): refused as well.
    const free = await freePort();
    for (const extra of [{ spec: [`http://127.0.0.1:${free}/`, `http://127.0.0.1:${port}/b`] }, { spec: [`http://127.0.0.1:${free}/`], warmup: [`http://127.0.0.1:${port}/w`] }]) {
      await assert.rejects(
        runLoadSession({
          capture: { command: [process.execPath, 'server.js'], cwd: dir, outDir: path.join(dir, 'out'), cpu: true, agentPath: agent, waitForOthersMs: 2000 },
          readyUrl: new URL(`http://127.0.0.1:${free}/`),
          readyTimeoutMs: 10_000,
          spec: { urls: extra.spec, method: 'GET', headers: {}, pipelining: 1 },
          ...(extra.warmup ? { warmupUrls: extra.warmup } : {}),
          warmupMs: 0,
          stages: [{ durationMs: 1000, connections: 1 }],
        }),
        (e: unknown) => e instanceof CaptureError && new RegExp(`already accepts connections on 127\\.0\\.0\\.1:${port}`).test(e.message),
      );
    }
    assert.ok(!fs.existsSync(path.join(dir, 'started')), 'the server was never started');
  } finally {
    await new Promise((r) => other.close(r));
  }
});

test('session: a server slow to answer is waited for within --ready-timeout; cancelled in the warm-up, no load is measured and the profile says so', { timeout: 90_000 }, async () => {
  const dir = scratchDir('load-slow-ready');
  const port = await freePort();
  // Each answer takes 2.5 s: longer than a fixed per-try timeout of 2 s, well within 8 s.
  writeFiles(dir, {
    'server.js': `require('node:http').createServer((req, res) => setTimeout(() => res.end('ok'), 2500)).listen(${port}, '127.0.0.1');`,
  });
  const abort = new AbortController();
  const events: string[] = [];
  const session = await runLoadSession(
    {
      capture: { command: [process.execPath, 'server.js'], cwd: dir, outDir: path.join(dir, 'out'), cpu: true, agentPath: agent, waitForOthersMs: 2000 },
      readyUrl: new URL(`http://127.0.0.1:${port}/`),
      readyTimeoutMs: 8000,
      spec: { urls: [`http://127.0.0.1:${port}/`], method: 'GET', headers: {}, pipelining: 1 },
      warmupMs: 20_000,
      stages: [{ durationMs: 5000, connections: 1 }],
      signal: abort.signal,
    },
    {
      warmingUp: () => {
        events.push('warmup');
        setTimeout(() => abort.abort('cancelled'), 500);
      },
      measuring: () => events.push('measuring'),
    },
  );
  assert.deepEqual(events, ['warmup'], 'ready after its slow answer; no measured phase announced after the cancel');
  assert.equal(session.measured, false);
  assert.equal(session.measurement.stages.length, 0);
  assert.ok(session.recorded.problems.some((p) => /no load was measured: the profiles cover the server's start and warm-up only/.test(p)), session.recorded.problems.join('; '));
});

test('session: a server that ignores SIGTERM is ended with SIGKILL after a short grace, once its profile is saved, and the run says so', { timeout: 60_000 }, async () => {
  const dir = scratchDir('load-session-sigterm');
  const port = await freePort();
  writeFiles(dir, {
    'server.js': `process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
require('node:http').createServer((req, res) => res.end('ok')).listen(${port}, '127.0.0.1', () => console.log('listening'));
`,
  });
  const url = new URL(`http://127.0.0.1:${port}/`);
  let pid = 0;
  let measuredAt = 0;
  const session = await runLoadSession(
    {
      capture: { command: [process.execPath, 'server.js'], cwd: dir, outDir: path.join(dir, 'out'), cpu: true, agentPath: agent, waitForOthersMs: 2000 },
      readyUrl: url,
      readyTimeoutMs: 30_000,
      spec: { urls: [url.href], method: 'GET', headers: {}, pipelining: 1 },
      warmupMs: 0,
      stages: [{ durationMs: 1000, connections: 2 }],
    },
    {
      started: (h) => (pid = h.pid ?? 0),
      measuring: () => (measuredAt = Date.now()),
    },
  );
  const finishMs = Date.now() - measuredAt - session.measurement.elapsedMs;
  assert.ok(!isAlive(pid), 'the server was ended');
  assert.ok(session.recorded.notes.some((n) => /did not exit within 5 s of SIGTERM and was ended with SIGKILL, after its profiles were saved/.test(n)), session.recorded.notes.join('\n'));
  const cpu = session.recorded.profiles.filter((p) => p.kind === 'cpu');
  assert.equal(cpu.length, 1, 'the profile was saved before the kill');
  assert.deepEqual(session.recorded.problems, []);
  // The grace (5 s), not the old 10 s: what finishing cost after the measured load.
  assert.ok(finishMs >= 4500 && finishMs < 9000, `finishing took ${finishMs} ms`);
});

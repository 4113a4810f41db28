// The load driver (src/load/driver.ts) against real node:http servers on loopback, in this process:
// stages end on time (not on autocannon's once-a-second check), requests in flight when a stage
// ends are waited for and measured, one the server never answers counts as a timeout with the
// timeout as its latency, and stop() ends a run at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedUnanswered, LoadDriver, type RequestSpec } from '../../../src/load/driver';
import { summarizeLatency } from '../../../src/load/histogram';

/** A server answering each request after `delayMs` (never, when undefined); closed by the returned function. */
async function server(delayMs: number | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const open = new Set<http.ServerResponse>();
  const s = http.createServer((_req, res) => {
    open.add(res);
    if (delayMs === undefined) return;
    setTimeout(() => {
      open.delete(res);
      res.end('ok');
    }, delayMs);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        for (const res of open) res.destroy();
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

const spec = (url: string, timeoutS = 10): RequestSpec => ({ urls: [url], method: 'GET', headers: {}, pipelining: 1, timeoutS });

test('driver: each stage ends on its own time, not on the next whole second', { timeout: 30_000 }, async () => {
  const s = await server(0);
  try {
    const m = await new LoadDriver().measure(spec(s.url), [
      { durationMs: 500, connections: 2 },
      { durationMs: 700, connections: 3 },
    ]);
    assert.equal(m.stages.length, 2);
    for (const st of m.stages) {
      // autocannon alone ended a stage on its 1 s sample tick: 500 ms ran ~1.0 s.
      assert.ok(st.elapsedMs >= st.stage.durationMs - 5 && st.elapsedMs < st.stage.durationMs + 250, `${st.stage.durationMs} ms stage ran ${st.elapsedMs.toFixed(0)} ms`);
      assert.ok(st.requests.ok > 10, `${st.requests.ok} answered`);
    }
    assert.ok(m.elapsedMs < 1200 + 400, `${m.elapsedMs.toFixed(0)} ms for 1.2 s of stages`);
  } finally {
    await s.close();
  }
});

test('driver: requests in flight when a stage ends are waited for and measured', { timeout: 30_000 }, async () => {
  // Every answer takes 1.3 s; the stage lasts 300 ms: nothing is answered within it (nor by
  // autocannon's own end, at its first 1 s tick).
  const s = await server(1300);
  try {
    const m = await new LoadDriver().measure(spec(s.url), [{ durationMs: 300, connections: 2 }]);
    const st = m.stages[0]!;
    assert.equal(st.requests.ok, 2, JSON.stringify(st.requests));
    assert.equal(st.requests.errors, 0);
    const l = summarizeLatency(st.histogram);
    assert.ok(l.p50 >= 1250 && l.p99 < 2000, `p50 ${l.p50} ms, p99 ${l.p99} ms`);
    assert.ok(m.elapsedMs >= 1250 && m.elapsedMs < 2200, `${m.elapsedMs.toFixed(0)} ms`);
  } finally {
    await s.close();
  }
});

test('driver: a request never answered counts as a timeout, with the timeout as its latency; the run ends by itself', { timeout: 30_000 }, async () => {
  const s = await server(undefined);
  const waiting: [number, number][] = [];
  try {
    const t0 = performance.now();
    const m = await new LoadDriver().measure(spec(s.url, 1.5), [{ durationMs: 200, connections: 3 }], undefined, (n, upTo) => waiting.push([n, upTo]));
    const st = m.stages[0]!;
    assert.equal(st.requests.ok, 0);
    assert.equal(st.requests.timeouts, 3, JSON.stringify(st.requests));
    assert.equal(st.requests.errors, st.requests.total);
    const l = summarizeLatency(st.histogram);
    assert.ok(l.p50 >= 1500 && l.p99 <= 1600, `p50 ${l.p50} ms, p99 ${l.p99} ms`);
    assert.deepEqual(waiting, [[3, 1500]], 'told once, a second after the stage, what it waits for');
    const took = performance.now() - t0;
    assert.ok(took >= 1500 && took < 3500, `${took.toFixed(0)} ms`);
  } finally {
    await s.close();
  }
});

test('driver: stop() ends a run at once, waiting for nothing', { timeout: 30_000 }, async () => {
  const s = await server(undefined);
  try {
    const driver = new LoadDriver();
    setTimeout(() => driver.stop('cancelled'), 300);
    const t0 = performance.now();
    const m = await driver.measure(spec(s.url), [{ durationMs: 20_000, connections: 2 }]);
    const took = performance.now() - t0;
    assert.equal(m.cutShort, 'cancelled');
    assert.ok(took < 800, `${took.toFixed(0)} ms`);
  } finally {
    await s.close();
  }
});

/** A server that handles each request with `handle`; closed by the returned function. */
async function serverWith(handle: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const s = http.createServer(handle);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

test('driver: a server that closes connections without answering fails every request, named as such (autocannon forgot them: 0 requests)', { timeout: 30_000 }, async () => {
  let seen = 0;
  const s = await serverWith((req) => {
    seen++;
    req.socket.destroy();
  });
  try {
    const m = await new LoadDriver().measure(spec(s.url), [{ durationMs: 500, connections: 2 }]);
    const st = m.stages[0]!;
    assert.ok(seen > 10, `${seen} requests reached the server`);
    assert.equal(st.requests.ok, 0);
    assert.ok(st.requests.errors > 10 && st.requests.errors === st.requests.total, JSON.stringify(st.requests));
    assert.equal(st.errorCauses?.[closedUnanswered], st.requests.errors, JSON.stringify(st.errorCauses));
    // Every request the server saw is failed once (the last ones may be cut by the stage's end).
    assert.ok(st.requests.errors <= seen && st.requests.errors >= seen - 2, `${st.requests.errors} failed of ${seen} seen`);
  } finally {
    await s.close();
  }
});

test('driver: a server that answers and says Connection: close is not failing; answers are timed from their own request', { timeout: 30_000 }, async () => {
  const s = await serverWith((_req, res) => {
    res.setHeader('connection', 'close');
    setTimeout(() => res.end('ok'), 20);
  });
  try {
    const m = await new LoadDriver().measure(spec(s.url), [{ durationMs: 600, connections: 2 }]);
    const st = m.stages[0]!;
    assert.ok(st.requests.ok > 10, JSON.stringify(st.requests));
    assert.equal(st.requests.errors, 0, JSON.stringify(st.errorCauses));
    const l = summarizeLatency(st.histogram);
    // A stale request left in autocannon's queue timed the next answer from its own start (~2×).
    assert.ok(l.p50 >= 19 && l.p50 < 35, `p50 ${l.p50} ms for 20 ms answers`);
  } finally {
    await s.close();
  }
});

test('driver: a connection reset is counted under its code', { timeout: 30_000 }, async () => {
  const s = await serverWith((req) => req.socket.resetAndDestroy());
  try {
    const m = await new LoadDriver().measure(spec(s.url), [{ durationMs: 400, connections: 2 }]);
    const st = m.stages[0]!;
    assert.equal(st.requests.ok, 0);
    assert.ok(st.requests.errors > 5, JSON.stringify(st.requests));
    assert.ok((st.errorCauses?.ECONNRESET ?? 0) > 0, JSON.stringify(st.errorCauses));
  } finally {
    await s.close();
  }
});

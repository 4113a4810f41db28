// The DevTools-protocol client against a real Node inspector (a child started with
// --inspect=127.0.0.1:0): typed commands, events, protocol errors, timeouts, and closing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { Connection } from '../../../src/capture/inspector/connection';
import { isInspectorListening, listTargets, webSocketUrlFor } from '../../../src/capture/inspector/endpoints';
import { CommandTimeoutError, ConnectionClosedError, ProtocolError } from '../../../src/capture/inspector/errors';
import { WebSocketTransport } from '../../../src/capture/inspector/transport';
import { LEAKY_PROGRAM, killAllTargets, startTarget } from '../../support/attach-targets';
import type { Target } from '../../support/attach-targets';

after(killAllTargets);

async function inspectedTarget(): Promise<{ target: Target; wsUrl: string; port: number }> {
  const target = await startTarget(LEAKY_PROGRAM, { nodeArgs: ['--inspect=127.0.0.1:0'], args: ['10'], name: 'inspected' });
  const m = await target.waitFor(/Debugger listening on (ws:\/\/127\.0\.0\.1:(\d+)\/\S+)/);
  return { target, wsUrl: m[1]!, port: Number(m[2]) };
}

/** A port nothing listens on (bound then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('inspector endpoints', () => {
  it('lists targets and rewrites the WebSocket URL to the host we were given', async () => {
    const { port, wsUrl } = await inspectedTarget();
    const targets = await listTargets('127.0.0.1', port);
    assert.equal(targets.length, 1);
    assert.equal(targets[0]!.type, 'node');
    assert.equal(targets[0]!.webSocketDebuggerUrl, wsUrl);
    assert.equal(await webSocketUrlFor('127.0.0.1', port), wsUrl);
    assert.equal(await isInspectorListening('127.0.0.1', port), true);
    assert.equal(await isInspectorListening('127.0.0.1', await freePort()), false);
  });
});

describe('Connection over a WebSocket', () => {
  let conn: Connection;
  let target: Target;

  before(async () => {
    const t = await inspectedTarget();
    target = t.target;
    conn = new Connection(await WebSocketTransport.connect(t.wsUrl), 5000);
  });
  after(() => conn?.dispose());

  it('sends typed commands and returns their results', async () => {
    const { result } = await conn.send('Runtime.evaluate', { expression: '6 * 7', returnByValue: true });
    assert.equal(result.value, 42);
  });

  it('delivers events', async () => {
    const created = conn.once('Runtime.executionContextCreated');
    await conn.send('Runtime.enable');
    const event = await created;
    assert.ok(event.context.id > 0);
    await conn.send('Runtime.disable');
  });

  it('rejects protocol errors with a stack that points at the caller', async () => {
    const error = await conn.send('Runtime.getProperties', { objectId: 'no-such-object' }).catch((e: unknown) => e);
    assert.ok(error instanceof ProtocolError, String(error));
    assert.equal(error.method, 'Runtime.getProperties');
    assert.match(error.message, /^Runtime\.getProperties: /);
    assert.match(error.stack ?? '', /inspector-connection\.test\.ts/);
  });

  it('times out commands that get no answer', async () => {
    const pending = conn.send('Runtime.evaluate', { expression: 'new Promise(() => {})', awaitPromise: true }, { timeoutMs: 200 });
    await assert.rejects(pending, (e: unknown) => e instanceof CommandTimeoutError && /within 200 ms/.test(e.message));
  });

  it('rejects every pending command when the target goes away, and later sends fail at once', async () => {
    const pending = conn.send('Runtime.evaluate', { expression: 'new Promise(() => {})', awaitPromise: true }, { timeoutMs: 0 });
    let closedWith: Error | undefined | 'not called' = 'not called';
    conn.onClose((e) => (closedWith = e));
    target.child.kill('SIGKILL');
    await assert.rejects(pending, (e: unknown) => e instanceof ConnectionClosedError && /connection to the target closed/.test(e.message));
    assert.notEqual(closedWith, 'not called');
    assert.equal(conn.isClosed, true);
    await assert.rejects(conn.send('Runtime.evaluate', { expression: '1' }), ConnectionClosedError);
  });
});

describe('WebSocketTransport.connect', () => {
  it('fails clearly when nothing listens', async () => {
    const port = await freePort();
    await assert.rejects(WebSocketTransport.connect(`ws://127.0.0.1:${port}/x`), /could not connect to ws:\/\/127\.0\.0\.1:\d+\/x/);
  });

  it('honours an abort signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await assert.rejects(WebSocketTransport.connect('ws://127.0.0.1:9/x', { signal: controller.signal }), /user cancelled/);
  });
});

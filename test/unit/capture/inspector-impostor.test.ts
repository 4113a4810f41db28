// Attaching by host:port connects to whatever listens there: another local user can squat the
// port with an impostor inspector (here a real HTTP + WebSocket server speaking the protocol) that
// answers every command with an error of its own wording. That text reaches VS Code notifications
// ("could not attach to …"), which turn [x](command:…) into a link that runs a command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { WebSocketServer } from 'ws';
import { attach } from '../../../src/capture/attach';
import { scratchDir } from '../../support/attach-targets';

const link = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)';

test('protocol errors from an impostor inspector are quoted inertly: no command link, control or bidi character', async () => {
  const server = http.createServer((_req, res) => {
    const { port } = server.address() as { port: number };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify([{ type: 'node', id: 'x', webSocketDebuggerUrl: `ws://127.0.0.1:${port}/x` }]));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) =>
    ws.on('message', (m) => {
      const { id } = JSON.parse(String(m)) as { id: number };
      ws.send(JSON.stringify({ id, error: { code: -32000, message: `${link}\x1b]52;c;aGk=\x07`, data: `\u202eatad${link}` } }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    await assert.rejects(attach({ host: '127.0.0.1', port }, { outDir: scratchDir('impostor'), cpu: true, durationMs: 200 }), (e: Error) => {
      assert.ok(!e.message.includes(']('), e.message);
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      assert.ok(!/[\x00-\x1f\u202e]/.test(e.message), e.message);
      // What the inspector said is still shown, as text.
      assert.match(e.message, /\[Fix it\] \(command:.*\\x1b\]52;c;aGk=\\x07 \(\\u202eatad\[Fix it\] \(/);
      return true;
    });
  } finally {
    wss.close();
    server.close();
  }
});

// Process discovery from /proc: inspector flags, the listening sockets of a real process, the
// owner of a port, and what counts as a Node executable.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { findPortOwner, inspectPortFromArgs, isPortListening, listeningSocketsOf, listNodeProcesses, looksLikeNode } from '../../../src/capture/processes';
import { LEAKY_PROGRAM, killAllTargets, startTarget } from '../../support/attach-targets';

after(killAllTargets);

describe('process discovery', () => {
  it('reads the inspector port from Node flags', () => {
    assert.equal(inspectPortFromArgs(['node', 'app.js']), undefined);
    assert.equal(inspectPortFromArgs(['node', '--inspect', 'app.js']), 9229);
    assert.equal(inspectPortFromArgs(['node', '--inspect=0', 'app.js']), 0);
    assert.equal(inspectPortFromArgs(['node', '--inspect-brk=127.0.0.1:9333', 'app.js']), 9333);
    assert.equal(inspectPortFromArgs(['node', '--inspect=localhost', 'app.js']), 9229);
    assert.equal(inspectPortFromArgs(['node', '--inspect-port', '7000', 'app.js']), 7000);
    assert.equal(inspectPortFromArgs(['node', '--inspect-port=7001', '--inspect', 'app.js']), 7001);
    // Flags after the script belong to the program, not to Node.
    assert.equal(inspectPortFromArgs(['node', 'app.js', '--inspect=1234']), undefined);
  });

  it('recognises Node executables and nothing else', () => {
    assert.ok(looksLikeNode('/usr/bin/node', []));
    assert.ok(looksLikeNode('/usr/local/bin/nodejs', []));
    assert.ok(looksLikeNode('/opt/node20', []));
    assert.ok(looksLikeNode('', ['node', 'x.js']));
    assert.ok(!looksLikeNode('/usr/bin/sleep', ['sleep', '30']));
    assert.ok(!looksLikeNode('/usr/bin/python3', ['node']));
    assert.ok(!looksLikeNode('/usr/lib/code/code', []));
  });

  it('finds a real process, its inspector socket, and names the owner of a port', async () => {
    const target = await startTarget(LEAKY_PROGRAM, { nodeArgs: ['--inspect=127.0.0.1:0'], args: ['10'], name: 'discover' });
    const port = Number((await target.waitFor(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//))[1]);
    const sockets = await listeningSocketsOf(target.pid);
    assert.deepEqual(sockets.map((s) => [s.host, s.port]), [['127.0.0.1', port]]);
    const owner = await findPortOwner(port);
    assert.equal(owner?.pid, target.pid);
    assert.match(owner!.commandLine, /discover\.js/);

    const all = await listNodeProcesses();
    const me = all.find((p) => p.isSelf);
    assert.equal(me?.pid, process.pid);
    const found = all.find((p) => p.pid === target.pid);
    assert.deepEqual(found?.inspector, { host: '127.0.0.1', port });
    assert.equal(found?.exe, process.execPath);
    assert.match(found!.commandLine, /--inspect=127\.0\.0\.1:0 .*discover\.js 10$/);
  });

  it('sees IPv6 listeners', async (t) => {
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '::1', () => resolve()));
    } catch {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    const { port } = server.address() as net.AddressInfo;
    assert.ok(await isPortListening(port));
    const mine = await listeningSocketsOf(process.pid);
    assert.ok(mine.some((s) => s.host === '::1' && s.port === port), JSON.stringify(mine));
    await new Promise<void>((r) => server.close(() => r()));
    assert.equal(await isPortListening(port), false);
  });
});

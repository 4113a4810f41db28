// Process discovery from /proc: inspector flags, the listening sockets of a real process, the
// owner of a port, and what counts as a Node executable.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import {
  findPortOwner,
  inspectPortFromArgs,
  isLoopbackHost,
  isPortListening,
  listeningSocketsOf,
  listNodeProcesses,
  looksLikeNode,
  nodeOptionsInEnvFile,
  nodeScript,
  parseNodeArgs,
  splitNodeOptions,
} from '../../../src/capture/processes';
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
    // The value of an option given as the next argument is not the script: the scan goes on past it.
    assert.equal(inspectPortFromArgs(['node', '-r', './setup.js', '--inspect-port=0', 'app.js']), 0);
    assert.equal(inspectPortFromArgs(['node', '--import', 'tsx', '--title', 'api', '--inspect-port', '7002', 'app.js']), 7002);
    // As Node applies them: a host alone resets the port to 9229, `--inspect` alone changes nothing, `_` reads as `-`.
    assert.equal(inspectPortFromArgs(['node', '--inspect-port=0', '--inspect=0.0.0.0', 'app.js']), 9229);
    assert.equal(inspectPortFromArgs(['node', '--inspect-port=0', '--inspect', 'app.js']), 0);
    assert.equal(inspectPortFromArgs(['node', '--inspect_port=7003', 'app.js']), 7003);
    assert.equal(inspectPortFromArgs(['node', '--inspect-port=[::]', 'app.js']), 9229);
  });

  it('finds the script past the values of Node options that take one', () => {
    assert.equal(nodeScript(['node', 'app.js', '-r', 'x']), 'app.js');
    assert.equal(nodeScript(['node', '-r', './setup.js', 'app.js']), 'app.js');
    assert.equal(nodeScript(['node', '--require', './a.js', '-r', 'b', '--import', 'tsx', '--loader', 'l.mjs', 'app.js']), 'app.js');
    assert.equal(nodeScript(['node', '--experimental-loader', 'l.mjs', '-C', 'dev', '--conditions', 'x', 'app.js']), 'app.js');
    assert.equal(nodeScript(['node', '--env-file', '.env', '--title', 'api', '--inspect-port', '0', 'app.js', 'arg']), 'app.js');
    assert.equal(nodeScript(['node', '--require=./a.js', '--max-old-space-size=100', '--expose-gc', 'app.js']), 'app.js');
    assert.equal(nodeScript(['node', '--', '-weird.js']), '-weird.js');
    // -e / -p run their code: what follows is the program's, not a script.
    assert.equal(nodeScript(['node', '-e', 'setInterval(() => {}, 1000)', 'arg']), undefined);
    assert.equal(nodeScript(['node', '-p', '1 + 1']), undefined);
    assert.equal(nodeScript(['node']), undefined);
    assert.deepEqual(parseNodeArgs(['node', '-r', 'a', '--disable_sigusr1', '--inspect=[::1]:0', 'app.js']), {
      options: [{ name: '-r', value: 'a' }, { name: '--disable-sigusr1' }, { name: '--inspect', value: '[::1]:0' }],
      scriptIndex: 5,
    });
  });

  it('splits NODE_OPTIONS as Node does (double quotes, backslash escapes inside them)', () => {
    assert.deepEqual(splitNodeOptions('--require "/a dir/agent.js"  --inspect-port=0'), ['node', '--require', '/a dir/agent.js', '--inspect-port=0']);
    assert.deepEqual(splitNodeOptions('--title "say \\"hi\\""'), ['node', '--title', 'say "hi"']);
    assert.deepEqual(splitNodeOptions(''), []);
  });

  it('reads NODE_OPTIONS from an env file as Node does (export, quotes, comments; the last one counts)', () => {
    assert.equal(nodeOptionsInEnvFile('A=1\nNODE_OPTIONS=--inspect-port=0.0.0.0:0 # all\n'), '--inspect-port=0.0.0.0:0');
    assert.equal(nodeOptionsInEnvFile('export NODE_OPTIONS="--require ./a.js --inspect-port=[::]:0"\n'), '--require ./a.js --inspect-port=[::]:0');
    assert.equal(nodeOptionsInEnvFile("NODE_OPTIONS='--x'\nNODE_OPTIONS='--y'\n"), '--y');
    assert.equal(nodeOptionsInEnvFile('# NODE_OPTIONS=--x\nMY_NODE_OPTIONS=--y\n'), undefined);
  });

  it('tells loopback inspector hosts from the ones other machines may reach', () => {
    for (const host of ['127.0.0.1', 'localhost', 'LocalHost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '127.0.0.2', '::ffff:127.0.0.1']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of ['0.0.0.0', '::', '[::]', '192.168.1.20', '10.0.0.1', 'fe80::1', 'example.org', 'my-laptop', 'localhost.example.org', '', '::ffff:10.0.0.1']) {
      assert.ok(!isLoopbackHost(host), host);
    }
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

// Attach by PID reads the target's inspector flags from its command line and NODE_OPTIONS: a host
// that is not loopback is refused before SIGUSR1 (it would open an inspector other machines can
// reach), and the values of options such as `-r ./x.js` are not taken for the script.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { attach } from '../../../src/capture/attach';
import { AttachError } from '../../../src/capture/attach-errors';
import { listeningSocketsOf, listNodeProcesses } from '../../../src/capture/processes';
import { shortProcessName } from '../../../src/commands/attach-items';
import { bundleCli, isRunning, killAllTargets, scratchDir, startCli, startTarget, withPort9229Lock, type Target } from '../../support/attach-targets';

after(killAllTargets);

/** Idles; a line "url?" on stdin prints what node:inspector's url() says from inside. */
const IDLE_PROGRAM = `
const inspector = require('node:inspector');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => { if (text.includes('url?')) console.log('url=' + inspector.url()); });
setInterval(() => {}, 1000);
console.log('ready');
`;

/** No inspector, seen from inside (inspector.url()) and from outside (no listening socket, nothing printed). */
async function assertNoInspector(target: Target): Promise<void> {
  // A signalled Node.js opens its inspector within milliseconds: give it ample time to show one.
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(isRunning(target.child), 'the target still runs');
  target.child.stdin!.write('url?\n');
  assert.equal((await target.waitFor(/url=(\S+)/))[1], 'undefined', 'inspector.url() inside the target');
  assert.deepEqual(await listeningSocketsOf(target.pid), [], 'the target listens on no socket');
  assert.doesNotMatch(target.stderr(), /Debugger listening/);
}

describe('attach by PID: the inspector host named by the target', () => {
  it('--inspect-port=0.0.0.0:0 on the command line: refused with the reason and the fix, and no inspector is opened', async () => {
    const target = await startTarget(IDLE_PROGRAM, { nodeArgs: ['--inspect-port=0.0.0.0:0'], name: 'any-interface' });
    await assert.rejects(attach({ pid: target.pid }, { outDir: scratchDir('any-interface-out') }), (e: unknown) => {
      assert.ok(e instanceof AttachError, String(e));
      assert.equal(e.code, 'inspector-host-not-loopback', e.message);
      assert.match(e.message, new RegExp(`^pid ${target.pid} would open its inspector on 0\\.0\\.0\\.0:0 \\(set by --inspect-port=0\\.0\\.0\\.0:0\\), which is not a loopback address`));
      assert.match(e.message, /other machines could connect to it and run any code in the process, so FlameLens did not send SIGUSR1/);
      assert.match(e.message, /Restart the target without that host \(or with --inspect-port=127\.0\.0\.1:0\), or start it with --inspect=127\.0\.0\.1:0 yourself/);
      return true;
    });
    await assertNoInspector(target);
  });

  it('--inspect-port=[::]:0 in NODE_OPTIONS: the CLI exits 2 with the reason, and no inspector is opened', async () => {
    const target = await startTarget(IDLE_PROGRAM, { env: { NODE_OPTIONS: '--inspect-port=[::]:0' }, name: 'any-interface-env' });
    const cli = await bundleCli();
    const run = await startCli(cli, ['attach', String(target.pid), '--duration', '1', '--out', scratchDir('any-interface-env-out')]).exited;
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /would open its inspector on \[::\]:0 \(set by --inspect-port=\[::\]:0 in its NODE_OPTIONS\), which is not a loopback address/);
    await assertNoInspector(target);
  });

  it('--inspect-port=0.0.0.0:0 in the NODE_OPTIONS of an --env-file (not in /proc/PID/environ): refused, and no inspector is opened', async () => {
    const target = await startTarget(IDLE_PROGRAM, {
      nodeArgs: ['--env-file', 'app.env'],
      files: { 'app.env': '# settings\nexport NODE_OPTIONS="--inspect-port=0.0.0.0:0" # all interfaces\n' },
      cwd: 'script',
      name: 'env-file',
    });
    await assert.rejects(attach({ pid: target.pid }, { outDir: scratchDir('env-file-out') }), (e: unknown) => {
      assert.ok(e instanceof AttachError, String(e));
      assert.equal(e.code, 'inspector-host-not-loopback', e.message);
      assert.match(e.message, /on 0\.0\.0\.0:0 \(set by --inspect-port=0\.0\.0\.0:0 in the NODE_OPTIONS of its env file \/\S+\/app\.env\)/);
      return true;
    });
    await assertNoInspector(target);
  });

  it('a host named by the command line overrides NODE_OPTIONS, as in Node (localhost over 0.0.0.0): not refused', async () => {
    const target = await startTarget(IDLE_PROGRAM, {
      env: { NODE_OPTIONS: '--inspect-port=0.0.0.0:0' },
      nodeArgs: ['--inspect-port=localhost:0'],
      name: 'loopback-over-env',
    });
    const listed = (await listNodeProcesses()).find((p) => p.pid === target.pid);
    assert.deepEqual(listed?.inspectHost, { host: 'localhost', flag: '--inspect-port=localhost:0', from: 'command line' });
    const session = await attach({ pid: target.pid }, { cpu: true, durationMs: 300, outDir: scratchDir('loopback-over-env-out') });
    assert.equal(session.openedInspector, true);
    const result = await session.finished;
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.inspectorClosed, true);
    assert.match(target.stderr(), /Debugger listening on ws:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+\//);
  });
});

describe('attach by PID: Node options with a value before the script', () => {
  it('node -r ./setup.js --inspect-port=0 app.js is listed as app.js and opens on a free port, not 9229', async () => {
    await withPort9229Lock(async () => {
      // 9229 taken: reading `./setup.js` as the script would miss --inspect-port=0 and refuse (port in use).
      // (Listing Node processes probes this one's sockets too: hang up, or close() would wait for it.)
      const blocker = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => blocker.once('error', () => resolve()).listen(9229, '127.0.0.1', () => resolve()));
      try {
        const target = await startTarget(IDLE_PROGRAM, {
          nodeArgs: ['-r', './setup.js', '--inspect-port=0'],
          files: { 'setup.js': "globalThis.setupRan = true;\n" },
          cwd: 'script',
          name: 'app',
        });
        const listed = (await listNodeProcesses()).find((p) => p.pid === target.pid);
        assert.ok(listed, 'listed');
        assert.equal(shortProcessName(listed.argv), 'app.js');
        assert.equal(listed.inspectPortFlag, 0);

        const session = await attach({ pid: target.pid }, { cpu: true, durationMs: 300, outDir: scratchDir('preload-out') });
        assert.equal(session.openedInspector, true);
        assert.notEqual(session.port, 9229);
        const result = await session.finished;
        assert.equal(result.error, undefined, result.error?.message);
        assert.equal(result.inspectorClosed, true);
      } finally {
        await new Promise<void>((r) => (blocker.listening ? blocker.close(() => r()) : r()));
      }
    });
  });
});

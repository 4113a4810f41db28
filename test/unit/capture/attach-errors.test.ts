// How attaching fails, on real processes: each failure is a typed AttachError with an actionable
// message, and the target is left running and unchanged.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { attach } from '../../../src/capture/attach';
import { AttachError } from '../../../src/capture/attach-errors';
import type { AttachErrorCode } from '../../../src/capture/attach-errors';
import { isInspectorListening } from '../../../src/capture/inspector/endpoints';
import { findInspector } from '../../../src/capture/processes';
import { BUSY_SERVER, LEAKY_PROGRAM, isRunning, repoRoot, killAllTargets, scratchDir, startSleep, startTarget, withPort9229Lock } from '../../support/attach-targets';

after(killAllTargets);

function isAttachError(code: AttachErrorCode, message?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof AttachError, `expected an AttachError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  };
}

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => s.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('attach errors', () => {
  it('PID not found', async () => {
    await assert.rejects(attach({ pid: 999_999_999 }, { outDir: scratchDir('err') }), isAttachError('pid-not-found', /no process with pid 999999999/));
  });

  it('a program that handles SIGUSR1 itself: the timeout names that as the likely cause, and the program runs on', async () => {
    const target = await startTarget(`process.on('SIGUSR1', () => console.log('got SIGUSR1')); setInterval(() => {}, 1000); console.log('ready');`, {
      nodeArgs: ['--inspect-port=0'],
      name: 'own-sigusr1',
    });
    await assert.rejects(
      attach({ pid: target.pid }, { outDir: scratchDir('err'), openTimeoutMs: 1500 }),
      isAttachError('inspector-not-opened', /did not open an inspector within 1500 ms of SIGUSR1: most likely the program handles SIGUSR1 itself \(process\.on\('SIGUSR1'\)/),
    );
    await target.waitFor(/got SIGUSR1/);
    assert.ok(isRunning(target.child));
    assert.equal(await findInspector(target.pid), undefined);
  });

  it('our own PID', async () => {
    await assert.rejects(attach({ pid: process.pid }, { outDir: scratchDir('err') }), isAttachError('self'));
  });

  it('a non-Node process is refused and NOT signalled (SIGUSR1 would kill it)', async () => {
    const sleep = startSleep();
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(attach({ pid: sleep.pid! }, { outDir: scratchDir('err') }), isAttachError('not-node', /not a Node\.js process .*sleep/));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(isRunning(sleep), 'sleep is still running');
  });

  it('a non-Node process whose command line holds a command link and escape sequences is named inertly (the message reaches notifications)', async () => {
    // Whoever starts a process chooses its argv; a notification turns [x](command:…) into a link that runs a command.
    const link = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)';
    const sleep = spawn('sleep', ['30'], { argv0: `${link}\x1b]0;t\x07\u202e`, stdio: 'ignore' });
    try {
      await once(sleep, 'spawn');
      await new Promise((r) => setTimeout(r, 100));
      await assert.rejects(attach({ pid: sleep.pid! }, { outDir: scratchDir('err') }), (e: unknown) => {
        assert.ok(e instanceof AttachError && e.code === 'not-node', String(e));
        assert.ok(!e.message.includes(']('), e.message);
        // eslint-disable-next-line no-control-regex -- finding control characters is the point
        assert.ok(!/[\x00-\x1f\u202e]/.test(e.message), e.message);
        assert.match(e.message, /\[Fix it\] \(command:.*\\x1b\]0;t\\x07\\u202e 30\)/);
        return true;
      });
    } finally {
      sleep.kill();
    }
  });

  it('port 9229 in use: names the port and its owner, and leaves the target running without an inspector', async () => {
    await withPort9229Lock(async () => {
      let server: net.Server | undefined;
      try {
        server = await listen(9229);
      } catch {
        // Someone else holds 9229 right now: the attach must still fail the same way, naming the port.
      }
      try {
        const target = await startTarget(BUSY_SERVER, { name: 'busy-portclash' });
        const owner = server ? new RegExp(`pid ${process.pid} `) : /./;
        await assert.rejects(
          attach({ pid: target.pid }, { outDir: scratchDir('err') }),
          isAttachError('port-in-use', new RegExp(`port 9229 is in use by ${owner.source}.*--inspect=0`)),
        );
        assert.ok(isRunning(target.child));
        assert.equal(await findInspector(target.pid), undefined);
        assert.doesNotMatch(target.stderr(), /Debugger listening/, 'the target was never signalled');
      } finally {
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      }
    });
  });

  it('permission denied: another user cannot signal the target (run as uid nobody)', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root to start the attacher as another user');
      return;
    }
    const target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect-port=0'], name: 'busy-eperm' });
    // A bundle of the attach code that uid nobody can read and run.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-eperm-'));
    fs.chmodSync(dir, 0o755);
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(
      entry,
      `import { attach } from ${JSON.stringify(path.join(repoRoot, 'src/capture/attach'))};
attach({ pid: Number(process.argv[2]) }, { outDir: '/tmp' }).then(
  () => console.log(JSON.stringify({ attached: true })),
  (e) => console.log(JSON.stringify({ code: e.code, message: e.message })),
);
`,
    );
    await esbuild.build({ entryPoints: [entry], outfile: path.join(dir, 'attach.js'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
    fs.chmodSync(path.join(dir, 'attach.js'), 0o644);
    try {
      const output = execFileSync(process.execPath, [path.join(dir, 'attach.js'), String(target.pid)], { uid: 65534, gid: 65534, cwd: dir, encoding: 'utf8' });
      const answer = JSON.parse(output) as { code?: string; message?: string };
      assert.equal(answer.code, 'permission-denied', output);
      assert.match(answer.message!, new RegExp(`not allowed to signal pid ${target.pid}.*another user`));
      assert.ok(isRunning(target.child));
      assert.doesNotMatch(target.stderr(), /Debugger listening/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nothing listening at host:port', async () => {
    const server = await listen(0);
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    await assert.rejects(attach({ host: '127.0.0.1', port }, { outDir: scratchDir('err') }), isAttachError('connect-failed', /--inspect=127\.0\.0\.1:\d+/));
  });

  it('a malformed ws:// URL', async () => {
    await assert.rejects(attach({ wsUrl: 'http://127.0.0.1:9229/x' }, { outDir: scratchDir('err') }), isAttachError('connect-failed', /not a WebSocket URL/));
  });

  it('cancelled before attaching: nothing is signalled', async () => {
    const target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect-port=0'], name: 'busy-precancel' });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(attach({ pid: target.pid }, { outDir: scratchDir('err'), signal: controller.signal }), isAttachError('cancelled'));
    assert.doesNotMatch(target.stderr(), /Debugger listening/);
  });

  it('target exits during capture: says what was lost', async () => {
    const target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect-port=0'], name: 'busy-exits' });
    const outDir = scratchDir('err-exit');
    const session = await attach({ pid: target.pid }, { cpu: true, heap: true, outDir });
    await new Promise((r) => setTimeout(r, 500));
    target.child.kill('SIGKILL');
    const result = await session.finished;
    assert.ok(result.error instanceof AttachError);
    assert.equal(result.error.code, 'target-exited');
    assert.match(result.error.message, new RegExp(`pid ${target.pid} exited during the capture`));
    assert.deepEqual(result.files, {});
    assert.equal(result.lost.length, 2);
    assert.match(result.lost[0]!, /^the CPU profile: .*never answered/);
    assert.match(result.lost[1]!, /^the heap profile: /);
    assert.deepEqual(fs.readdirSync(outDir), []);
  });

  it('target exits while the snapshot streams: the partial file is removed', async () => {
    const target = await startTarget(LEAKY_PROGRAM, { nodeArgs: ['--inspect-port=0'], args: ['200000'], name: 'leaky-exits' });
    const outDir = scratchDir('err-exit-snapshot');
    let killed = false;
    const session = await attach(
      { pid: target.pid },
      {
        cpu: false,
        snapshot: true,
        outDir,
        onProgress: (p) => {
          if (p.phase === 'snapshot' && p.done !== undefined && !killed) {
            killed = true;
            target.child.kill('SIGKILL');
          }
        },
      },
    );
    const result = await session.finished;
    assert.ok(killed, 'snapshot progress arrived');
    assert.equal(result.error?.code, 'target-exited', result.error?.message);
    assert.deepEqual(result.files, {});
    assert.match(result.lost.join('\n'), /the heap snapshot/);
    assert.deepEqual(fs.readdirSync(outDir), []);
  });

  it('the target closes its inspector during capture (ws:// attach): connection lost, target still running', async () => {
    const target = await startTarget(LEAKY_PROGRAM, { nodeArgs: ['--inspect=127.0.0.1:0'], args: ['10'], name: 'leaky-closes' });
    const wsUrl = (await target.waitFor(/Debugger listening on (ws:\/\/\S+)/))[1]!;
    const session = await attach({ wsUrl }, { cpu: true, outDir: scratchDir('err-lost') });
    target.child.stdin!.write('close-inspector\n');
    const result = await session.finished;
    assert.equal(result.error?.code, 'connection-lost', result.error?.message);
    assert.match(result.error!.message, /closed during the capture/);
    assert.deepEqual(result.files, {});
    assert.match(result.lost[0]!, /the CPU profile/);
    assert.ok(isRunning(target.child));
  });

  it('user cancels during recording: nothing written, target running, inspector closed', async () => {
    const target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect-port=0'], name: 'busy-cancel' });
    const outDir = scratchDir('err-cancel');
    const controller = new AbortController();
    const session = await attach({ pid: target.pid }, { cpu: true, heap: true, snapshot: true, outDir, signal: controller.signal });
    assert.equal(session.openedInspector, true);
    setTimeout(() => controller.abort(), 400);
    const result = await session.finished;
    assert.equal(result.error?.code, 'cancelled');
    assert.deepEqual(result.files, {});
    assert.deepEqual(fs.readdirSync(outDir), []);
    assert.equal(result.inspectorClosed, true);
    assert.ok(isRunning(target.child));
    assert.equal(await findInspector(target.pid), undefined);
    assert.equal(await isInspectorListening('127.0.0.1', session.port), false);
  });
});

// Two FlameLens attaches to one process at once: whichever leaves first must not close the
// inspector under the other; the last to leave closes the inspector FlameLens opened. The register
// of sessions lives in the target (the only code FlameLens evaluates there), so this holds across
// separate CLI processes, and an attacher that was killed does not keep the inspector open for ever.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { attach } from '../../../src/capture/attach';
import { findInspector } from '../../../src/capture/processes';
import { BUSY_SERVER, bundleCli, connectionRefused, isRunning, killAllTargets, openedPort, scratchDir, startCli, startTarget } from '../../support/attach-targets';
import type { Target } from '../../support/attach-targets';

after(killAllTargets);

let cli: string;
before(async () => {
  cli = await bundleCli();
});

function startServer(name: string): Promise<Target> {
  return startTarget(BUSY_SERVER, { nodeArgs: ['--inspect-port=0'], name });
}

function profilesIn(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
}

describe('overlapping attaches to one process', () => {
  it('two CLI attaches: the one that opened the inspector finishes first and leaves it open for the other; the second closes it', async () => {
    const target = await startServer('overlap-cli');
    const outA = scratchDir('overlap-cli-a');
    const outB = scratchDir('overlap-cli-b');
    const first = startCli(cli, ['attach', String(target.pid), '--out', outA]);
    await first.waitForStderr(/until Ctrl\+C/);
    assert.match(first.stderr(), /sending SIGUSR1/, 'the first attach opened the inspector');
    const port = await openedPort(target);
    const second = startCli(cli, ['attach', String(target.pid), '--out', outB]);
    await second.waitForStderr(/until Ctrl\+C/);
    assert.match(second.stderr(), new RegExp(`already has an inspector on 127\\.0\\.0\\.1:${port}`));

    first.child.kill('SIGINT');
    const a = await first.exited;
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, new RegExp(`left the inspector on 127\\.0\\.0\\.1:${port} open for 1 other FlameLens session still attached`));
    assert.equal(profilesIn(outA).length, 1);
    // Past the delay the target would wait before closing: still open, and the second still records.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await findInspector(target.pid), { host: '127.0.0.1', port }, 'the inspector is still open for the second attach');
    assert.equal(second.child.exitCode, null, 'the second attach is still recording');
    assert.doesNotMatch(second.stderr(), /closed during the capture|exited/);

    second.child.kill('SIGINT');
    const b = await second.exited;
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /computeHotPrimes/, 'the second attach recorded the whole time');
    assert.match(b.stderr, /closed the inspector an earlier FlameLens session opened/);
    assert.equal(profilesIn(outB).length, 1);
    assert.ok(isRunning(target.child));
    assert.ok(await connectionRefused('127.0.0.1', port), 'after both, the port is closed');
    assert.equal(await findInspector(target.pid), undefined);
  });

  it('API: the attach that did not open the inspector finishes first and does not close it; the opener closes it after', async () => {
    const target = await startServer('overlap-api');
    const out = scratchDir('overlap-api');
    const opener = await attach({ pid: target.pid }, { cpu: true, outDir: out, baseName: 'opener' });
    const other = await attach({ pid: target.pid }, { cpu: true, outDir: out, baseName: 'other' });
    assert.equal(opener.openedInspector, true);
    assert.equal(other.openedInspector, false);

    const otherResult = await other.stop();
    assert.equal(otherResult.error, undefined, otherResult.error?.message);
    assert.equal(otherResult.inspectorClosed, false);
    assert.equal(otherResult.otherSessions, 1);
    assert.deepEqual(otherResult.warnings, []);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await findInspector(target.pid), { host: '127.0.0.1', port: opener.port });

    const openerResult = await opener.stop();
    assert.equal(openerResult.error, undefined, openerResult.error?.message);
    assert.equal(openerResult.inspectorClosed, true);
    assert.equal(openerResult.otherSessions, 0);
    assert.ok(isRunning(target.child));
    assert.ok(await connectionRefused('127.0.0.1', opener.port));
  });

  it('an attacher killed mid-recording (SIGKILL) while another FlameLens session records: the inspector stays open for that one, which closes it when it leaves', async () => {
    const target = await startServer('overlap-killed');
    const killed = startCli(cli, ['attach', String(target.pid), '--out', scratchDir('overlap-killed-a')]);
    await killed.waitForStderr(/until Ctrl\+C/);
    const port = await openedPort(target);
    const next = await attach({ pid: target.pid }, { cpu: true, outDir: scratchDir('overlap-killed-b') });
    assert.equal(next.openedInspector, false);
    killed.child.kill('SIGKILL');
    await killed.exited;
    // The watchdog in the target (once a second) drops the dead attacher, not the live one.
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(await findInspector(target.pid), { host: '127.0.0.1', port }, 'open for the session still recording');
    const result = await next.stop();
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.inspectorClosed, true, 'the killed attacher’s entry was dropped, so this last session closed it');
    assert.ok(isRunning(target.child));
    assert.ok(await connectionRefused('127.0.0.1', port));
  });

  it('an inspector the user opened (--inspect) is never closed, however many FlameLens sessions come and go', async () => {
    const target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect=127.0.0.1:0'], name: 'overlap-user-inspect' });
    const port = Number((await target.waitFor(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//))[1]);
    const out = scratchDir('overlap-user-inspect');
    const a = await attach({ pid: target.pid }, { cpu: true, outDir: out, baseName: 'a' });
    const b = await attach({ host: '127.0.0.1', port }, { cpu: true, outDir: out, baseName: 'b' });
    const ra = await a.stop();
    const rb = await b.stop();
    assert.equal(ra.otherSessions, 1);
    assert.equal(rb.otherSessions, 0);
    assert.equal(rb.inspectorClosed, false);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await findInspector(target.pid), { host: '127.0.0.1', port });
  });
});

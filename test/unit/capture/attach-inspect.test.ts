// Attach to processes that already have an inspector (started with --inspect=127.0.0.1:0), by
// ws:// URL, host:port and PID. We didn't open it, so it must still be open after we leave.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { attach } from '../../../src/capture/attach';
import { isInspectorListening } from '../../../src/capture/inspector/endpoints';
import { findInspector, listNodeProcesses } from '../../../src/capture/processes';
import { parseProfile } from '../../../src/model/import';
import { functionTable } from '../../../src/model/tables';
import { BUSY_SERVER, isRunning, killAllTargets, scratchDir, startTarget } from '../../support/attach-targets';
import type { Target } from '../../support/attach-targets';

after(killAllTargets);

/** The function with the most self time among frames of the target's own script (model: parseProfile + functionTable). */
function hottestUserFunction(file: string, scriptName: string): string | undefined {
  const profile = parseProfile(fs.readFileSync(file));
  const row = functionTable(profile).find((r) => profile.frames[r.frame]!.url.endsWith(scriptName));
  return row && profile.frames[row.frame]!.functionName;
}

describe('attach to an inspector that is already open', () => {
  let target: Target;
  let wsUrl: string;
  let port: number;
  let outDir: string;

  before(async () => {
    target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect=127.0.0.1:0'], name: 'busy-inspected' });
    const m = await target.waitFor(/Debugger listening on (ws:\/\/127\.0\.0\.1:(\d+)\/\S+)/);
    wsUrl = m[1]!;
    port = Number(m[2]);
    outDir = scratchDir('attach-inspect');
  });

  it('is listed with its inspector port', async () => {
    const listed = (await listNodeProcesses()).find((p) => p.pid === target.pid);
    assert.deepEqual(listed?.inspector, { host: '127.0.0.1', port });
    assert.equal(listed?.inspectPortFlag, 0);
    assert.equal(listed?.isSelf, false);
  });

  it('records CPU and heap profiles by ws:// URL and leaves the inspector open', async () => {
    const session = await attach({ wsUrl }, { cpu: true, heap: true, durationMs: 1000, outDir, baseName: 'by-ws' });
    assert.equal(session.openedInspector, false);
    const result = await session.finished;
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.inspectorClosed, false);
    assert.equal(hottestUserFunction(result.files.cpuprofile!, 'busy-inspected.js'), 'computeHotPrimes');
    const heap = parseProfile(fs.readFileSync(result.files.heapprofile!));
    assert.equal(heap.kind, 'heap');
    assert.ok(heap.totalValue[0]! > 0, 'the heap profile has sampled bytes');
    assert.ok(await isInspectorListening('127.0.0.1', port), 'the inspector we did not open is still open');
    assert.ok(isRunning(target.child));
  });

  it('records by host:port until stop() is called', async () => {
    const session = await attach({ host: '127.0.0.1', port }, { cpu: true, outDir, baseName: 'by-port' });
    await new Promise((r) => setTimeout(r, 700));
    const result = await session.stop();
    assert.equal(result.error, undefined, result.error?.message);
    assert.ok(result.recordedMs >= 600 && result.recordedMs < 5000, `recorded ${result.recordedMs} ms`);
    assert.equal(result.files.cpuprofile, `${outDir}/by-port.cpuprofile`);
    const profile = parseProfile(fs.readFileSync(result.files.cpuprofile));
    const wallMs = (profile.endTime - profile.startTime) / 1000;
    assert.ok(wallMs >= 500 && wallMs < 5000, `profile spans ${wallMs} ms`);
    assert.equal(hottestUserFunction(result.files.cpuprofile, 'busy-inspected.js'), 'computeHotPrimes');
    assert.ok(await isInspectorListening('127.0.0.1', port));
    // stop() is idempotent.
    assert.equal(await session.stop(), result);
  });

  it('uses the open inspector when attaching by PID, without signalling, and leaves it open', async () => {
    const session = await attach({ pid: target.pid }, { cpu: true, durationMs: 300, outDir, baseName: 'by-pid' });
    assert.equal(session.openedInspector, false);
    assert.equal(session.port, port);
    const result = await session.finished;
    assert.equal(result.error, undefined, result.error?.message);
    assert.ok(fs.existsSync(result.files.cpuprofile!));
    assert.deepEqual(await findInspector(target.pid), { host: '127.0.0.1', port });
  });
});

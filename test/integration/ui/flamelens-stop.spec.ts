// Stop Profiling from the status bar: a program that would run for a minute is recorded from
// "FlameLens: Profile Command…", the "$(record) FlameLens 0:0x" item is clicked, and the flame
// graph of what ran so far opens while the program keeps running (then the spec ends it: it would
// spin for the rest of its minute beside the next spec).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { flameFrames, waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

export const timeoutMs = 120_000;

export async function run(ui: Workbench): Promise<void> {
  writeFileSync(
    ui.workspacePath('forever.js'),
    "function spinForAWhile(){const e=Date.now()+20;while(Date.now()<e);}\nsetInterval(spinForAWhile, 25);\nsetTimeout(()=>process.exit(0), 60000);\nrequire('fs').writeFileSync('forever.started', String(process.pid));\n",
  );
  rmSync(ui.workspacePath('forever.started'), { force: true });
  await ui.openFile('busy.js');
  await ui.runCommand('FlameLens: Profile Command…');
  await ui.answerInput('node forever.js');
  const recording = ui.statusBarItem(/FlameLens \d+:\d\d/);
  await recording.waitFor({ state: 'visible', timeout: 30_000 });
  // Let it record for a couple of seconds, visibly counting up.
  await ui.page.waitForFunction(
    () => /FlameLens 0:0[2-9]/.test((globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText),
    undefined,
    { timeout: 30_000 },
  );
  // The status bar counts from the launch; on a loaded machine the terminal's shell can take seconds
  // to start the program. Stop once the program itself has run for a while (CI once stopped a
  // 28 ms profile, spinForAWhile not yet called).
  for (const deadline = Date.now() + 30_000; !existsSync(ui.workspacePath('forever.started')) && Date.now() < deadline; ) await ui.page.waitForTimeout(200);
  assert.ok(existsSync(ui.workspacePath('forever.started')), 'the program started');
  await ui.page.waitForTimeout(1500);
  await ui.screenshot('1-recording');
  await recording.click();
  await ui.waitForNotification(/Profiled node forever\.js/, { timeoutMs: 30_000 });
  const graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 30_000 });
  await waitForFlameFrame(graph, 'spinForAWhile');
  assert.ok((await flameFrames(graph)).length > 2);
  await recording.waitFor({ state: 'hidden', timeout: 10_000 });
  await ui.screenshot('2-stopped');
  const pid = Number(readFileSync(ui.workspacePath('forever.started'), 'utf8'));
  assert.doesNotThrow(() => process.kill(pid, 0), 'the program still runs after Stop Profiling');
  process.kill(pid, 'SIGKILL');
}

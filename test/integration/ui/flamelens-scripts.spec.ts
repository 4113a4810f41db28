// Profile npm Script… and Profile Launch Configuration…: real npm (whose own Node process loads the
// agent too and must not be the profile shown) and a launch.json Node configuration with args.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

export const timeoutMs = 180_000;

export async function run(ui: Workbench): Promise<void> {
  writeFileSync(ui.workspacePath('package.json'), JSON.stringify({ name: 'busy-ws', private: true, scripts: { 'busy-run': 'node busy.js' } }, null, 2));
  mkdirSync(ui.workspacePath('.vscode'), { recursive: true });
  writeFileSync(
    ui.workspacePath('.vscode/launch.json'),
    JSON.stringify({ version: '0.2.0', configurations: [{ type: 'node', request: 'launch', name: 'Busy via launch.json', program: '${workspaceFolder}/busy.js' }] }, null, 2),
  );
  await ui.openFile('busy.js');

  await ui.runCommandAndPick('FlameLens: Profile npm Script…', 'busy-run');
  await ui.waitForNotification(/Profiled npm run busy-run/, { timeoutMs: 90_000 });
  const npmGraph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 30_000 });
  await waitForFlameFrame(npmGraph, 'sortWords');
  // The program's profile is shown, not npm's (npm's run has no sortWords at all).
  assert.match(await npmGraph.locator('.fl-heading-title').innerText(), /^npm run busy-run \(CPU, pid \d+\)$/);
  await ui.screenshot('1-npm-script');

  // (No second quick open of busy.js: the session folders under .flamelens/ now match "busy" too.)
  await ui.runCommandAndPick('FlameLens: Profile Launch Configuration…', 'Busy via launch.json');
  await ui.waitForNotification(/Profiled Busy via launch\.json/, { timeoutMs: 60_000 });
  const launchGraph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 30_000 });
  await waitForFlameFrame(launchGraph, 'sortWords');
  assert.match(await launchGraph.locator('.fl-heading-title').innerText(), /^Busy via launch\.json \(CPU, pid \d+\)$/);
  await ui.screenshot('2-launch-config');
}

// A flame-graph panel survives a window reload: the serializer re-reads the capture's profile file
// and the webview draws it again (no retainContextWhenHidden; state comes back through the host).
import * as assert from 'node:assert/strict';
import { flameFrames, waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

export const timeoutMs = 150_000;

export async function run(ui: Workbench): Promise<void> {
  await ui.openFile('busy.js');
  await ui.runCommand('FlameLens: Profile Current File');
  await ui.waitForNotification(/Profiled busy\.js/, { timeoutMs: 60_000 });
  let graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 30_000 });
  await waitForFlameFrame(graph, 'sortWords');
  const title = await graph.locator('.fl-heading-title').innerText();
  assert.match(title, /^busy\.js \(CPU, pid \d+\)$/);

  await ui.runCommand('Developer: Reload Window');
  await ui.page.waitForLoadState('domcontentloaded');
  await ui.ready({ timeoutMs: 90_000 });
  ui.log('reloaded');
  graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 60_000 });
  await waitForFlameFrame(graph, 'sortWords');
  assert.equal(await graph.locator('.fl-heading-title').innerText(), title);
  assert.ok((await flameFrames(graph)).length > 3);
  await ui.screenshot('restored-after-reload');
}

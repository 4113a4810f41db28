// End to end: "FlameLens: Open Profile…" on a real CPU profile of the workspace's busy.js shows its flame
// graph in the custom editor, and clicking a frame opens that function's source.
import * as assert from 'node:assert/strict';
import { clickFlameFrame, flameFrames, waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

export async function run(ui: Workbench): Promise<void> {
  await ui.runCommand('FlameLens: Open Profile…');
  await ui.answerFileDialog(ui.workspacePath('busy.cpuprofile'));
  await ui.waitForActiveEditor('busy.cpuprofile');

  const graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 60_000 });
  // The chart's frame API names every drawn frame, whatever its label is cut to on the canvas.
  await waitForFlameFrame(graph, 'sortWords');
  const names = (await flameFrames(graph)).map((f) => f.name);
  // busy.js spends its 0.5 s in these; a sampled profile of it always has them.
  for (const fn of ['main', 'sortWords', 'fibonacci']) {
    assert.ok(names.includes(fn), `no flame graph frame for ${fn}; frames: ${JSON.stringify(names.slice(0, 30))}`);
  }
  await ui.screenshot('flame-graph');

  await clickFlameFrame(graph, 'sortWords');
  await ui.waitForActiveEditor('busy.js');
  assert.match(await ui.activeEditorText(), /function sortWords\(count\)/);
  await ui.screenshot('source');
}

// A profile file that isn't one: Open Profile… says what is wrong with which file — in a
// notification and in the editor's banner — instead of VS Code's generic "could not be opened".
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Workbench } from './workbench';

export async function run(ui: Workbench): Promise<void> {
  const whole = readFileSync(ui.workspacePath('busy.cpuprofile'));
  writeFileSync(ui.workspacePath('cut.cpuprofile'), whole.subarray(0, whole.length >> 1));
  await ui.runCommand('FlameLens: Open Profile…');
  await ui.answerFileDialog(ui.workspacePath('cut.cpuprofile'));
  await ui.waitForNotification(/cut\.cpuprofile: The file ends early/, { timeoutMs: 30_000 });
  const view = await ui.waitForWebview({ selector: '.fl-banner', timeoutMs: 30_000 });
  assert.match(await view.locator('.fl-banner').first().innerText(), /cannot show this file\. cut\.cpuprofile: The file ends early/);
  await ui.screenshot('error');
}

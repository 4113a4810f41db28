// Restricted Mode (issue 11, workspace trust): on a server that honours trust, the fresh workspace opens
// untrusted. The read-only viewer still works (a .cpuprofile opens and its flame graph is drawn), while
// "Profile Current File" is hidden from the palette and, reached another way (a user keybinding that runs it
// through `runCommands`, which ignores the manifest's `enablement`), refused with the trust message whose
// "Manage Workspace Trust" button opens VS Code's trust editor.
import * as assert from 'node:assert/strict';
import { manageTrustLabel, untrustedText } from '../../../src/commands/trust-message';
import { englishText } from '../../../src/translator';
import { waitForFlameFrame } from './flame-frames';
import type { UiServerOptions, Workbench } from './workbench';

const PROFILE_KEY = 'Alt+Shift+F11';

export const server: UiServerOptions = {
  workspaceTrust: true,
  keybindings: [{ key: 'alt+shift+f11', command: 'runCommands', args: { commands: ['flamelens.profileCurrentFile'] } }],
};

export const timeoutMs = 150_000;

export async function run(ui: Workbench): Promise<void> {
  // The harness really put the workspace in Restricted Mode (VS Code's own status bar entry says so).
  await ui.statusBarItem('Restricted Mode').waitFor({ state: 'visible', timeout: 30_000 });

  // Viewers work untrusted: the extension is active and draws a real profile.
  await ui.runCommand('FlameLens: Open Profile…');
  await ui.answerFileDialog(ui.workspacePath('busy.cpuprofile'));
  await ui.waitForActiveEditor('busy.cpuprofile');
  const graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 60_000 });
  await waitForFlameFrame(graph, 'sortWords');
  await ui.screenshot('flame-graph');

  // Commands that run programs are not offered...
  await ui.openFile('busy.js');
  const offered = await ui.paletteCommands('FlameLens: Profile');
  assert.ok(!offered.includes('FlameLens: Profile Current File'), `Profile Current File is offered in Restricted Mode: ${JSON.stringify(offered)}`);
  // ...while the viewers are (so the list above was not simply empty because the palette was not ready).
  assert.ok((await ui.paletteCommands('FlameLens: Open Profile')).includes('FlameLens: Open Profile…'));

  // ...and refused at run time when reached anyway.
  await ui.openFile('busy.js');
  await ui.press(PROFILE_KEY);
  const toast = await ui.waitForNotification(untrustedText(englishText, 'Profile Current File'));
  assert.match(await toast.innerText(), /"Profile Current File" is not available in Restricted Mode/);
  const manage = toast.getByRole('button', { name: manageTrustLabel(englishText) });
  await manage.waitFor({ state: 'visible' });
  await ui.page.waitForTimeout(500); // let the toast finish sliding in before the screenshot
  await ui.screenshot('refused');
  // Nothing was started: no recording in the status bar.
  assert.equal(await ui.statusBarItem(/FlameLens( .*)? \d+:\d\d/).count(), 0, 'a recording started in Restricted Mode');

  await manage.click();
  // code-server 4.139 shows the trust editor as a modal editor over the workbench.
  await ui.page.getByText('You are in Restricted Mode').first().waitFor({ state: 'visible', timeout: 30_000 });
  await ui.screenshot('manage-trust');
}

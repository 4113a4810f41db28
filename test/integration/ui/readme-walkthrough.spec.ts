// The "Get Started with FlameLens" walkthrough of the installed extension: VS Code lists it, opens it with
// its five steps under their contributed titles (text from package.nls.json), and the first step's picture
// (a screenshot from this suite, media/readme/) loads.
import * as assert from 'node:assert/strict';
import type { Workbench } from './workbench';

export const timeoutMs = 120_000;

const steps = ['Profile a file', 'Read the flame graph', 'See the hot lines in your code', 'Compare two profiles', 'Profile a server under load'];

export async function run(ui: Workbench): Promise<void> {
  const [openWalkthrough] = (await ui.paletteCommands('Open Walkthrough')).filter((t) => /^Welcome: Open Walkthrough/.test(t));
  assert.ok(openWalkthrough, 'no "Welcome: Open Walkthrough…" command');
  await ui.runCommand(openWalkthrough);
  await ui.pickQuickItem(/Get Started with FlameLens/);

  const page = ui.page;
  const shown = page.locator('.gettingStartedContainer .getting-started-step .step-title');
  await shown.filter({ hasText: steps[0] }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const titles = (await shown.allInnerTexts()).map((t) => t.trim());
  ui.log(`steps: ${JSON.stringify(titles)}`);
  for (const step of steps) assert.ok(titles.includes(step), `step "${step}" not shown; shown: ${JSON.stringify(titles)}`);

  // The selected step's picture is served from the extension's media/readme/ and decodes.
  const image = page.locator('.gettingStartedContainer .getting-started-media img').first();
  await image.waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForFunction(
    (img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0,
    await image.elementHandle(),
    { timeout: 15_000 },
  );
  const shownSrc = await image.evaluate((img) => (img as unknown as { currentSrc: string }).currentSrc);
  ui.log(`picture: ${shownSrc}`);
  // code-server serves it as vscode-remote-resource?path=<url-encoded path>.
  assert.match(decodeURIComponent(shownSrc), /\/flamelens\.flamelens-[^/]+\/media\/readme\/flame-graph\.webp\b/);
  assert.equal(await image.getAttribute('alt'), 'busy.js beside its flame graph in VS Code');
  await ui.screenshot('steps');
}

// End to end: "FlameLens: Compare Profiles…" on two real profiles of busy.js — the workspace's
// busy.cpuprofile (before) and one recorded here after a change that makes fibonacci slower and sortWords
// faster (after) — draws the differential flame graph with its grew/shrank legend. Its screenshot is the
// README's and the walkthrough's compare image (scripts/refresh-readme-images.mjs).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Workbench } from './workbench';
import { flameFrames, waitForFlameFrame } from './flame-frames';

/**
 * Answers the open dialog whose title matches `title`. Compare asks twice in a row and the quick input
 * stays open between the two, so "the widget closed" (what `answerFileDialog` waits for) never comes; the
 * dialog's title, in the input's aria-label, tells the two apart.
 */
async function answerDialogTitled(ui: Workbench, title: RegExp, absolutePath: string): Promise<void> {
  const input = ui.page.locator('.quick-input-widget input');
  const asking = async () => (await input.isVisible()) && title.test((await input.getAttribute('aria-label')) ?? '');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!(await asking())) {
      await ui.page.waitForTimeout(200);
      continue;
    }
    // The dialog fills in its starting folder asynchronously and may overwrite a path typed too early.
    await input.fill(absolutePath);
    await ui.page.waitForTimeout(500);
    if ((await input.inputValue()) !== absolutePath) continue;
    await input.press('Enter');
    for (let i = 0; i < 25 && (await asking()); i++) await ui.page.waitForTimeout(200);
    if (!(await asking())) {
      ui.log(`dialog ${title}: ${absolutePath}`);
      return;
    }
  }
  throw new Error(`no dialog ${title} took ${absolutePath}`);
}

export const timeoutMs = 120_000;

export async function run(ui: Workbench): Promise<void> {
  // The same lines, different work: frames match by name, file and line between the two profiles.
  const script = ui.workspacePath('busy.js');
  const before = readFileSync(script, 'utf8');
  const after = before.replace('fibonacci(22)', 'fibonacci(25)').replace('sortWords(20000)', 'sortWords(2000)');
  assert.notEqual(after, before, 'busy.js no longer has the calls this spec changes');
  writeFileSync(script, after);
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', ui.workspace, '--cpu-prof-name', 'after.cpuprofile', script], {
    cwd: ui.workspace,
    stdio: 'ignore',
    timeout: 30_000,
  });
  assert.ok(existsSync(ui.workspacePath('after.cpuprofile')));

  await ui.openFile('busy.js');
  await ui.runCommand('FlameLens: Compare Profiles…');
  await answerDialogTitled(ui, /BASELINE profile/, ui.workspacePath('busy.cpuprofile'));
  await answerDialogTitled(ui, /NEW profile/, ui.workspacePath('after.cpuprofile'));
  const graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 60_000 });
  await waitForFlameFrame(graph, 'fibonacci', 60_000);
  await ui.page.locator('.tabs-container .tab').filter({ hasText: 'busy.cpuprofile → after.cpuprofile' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  const legend = await graph.locator('div.fl-legend').innerText();
  assert.match(legend, /Grew/);
  assert.match(legend, /Shrank/);
  assert.ok((await flameFrames(graph)).some((f) => f.name === 'sortWords'), 'sortWords is not drawn');
  await ui.screenshot('diff');
}

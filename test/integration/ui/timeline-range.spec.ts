// End to end: "FlameLens: Open Profile…" on a real CPU profile of the workspace's busy.js shows the
// timeline above the flame graph; dragging across it scopes the function table to that range (the
// extension host slices the profile), the chip shows the range, and clearing it restores the table.
import * as assert from 'node:assert/strict';
import type { Workbench } from './workbench';

export async function run(ui: Workbench): Promise<void> {
  await ui.runCommand('FlameLens: Open Profile…');
  await ui.answerFileDialog(ui.workspacePath('busy.cpuprofile'));
  await ui.waitForActiveEditor('busy.cpuprofile');
  const view = await ui.waitForWebview({ selector: '.fl-timeline-canvas', timeoutMs: 60_000 });
  const rows = view.locator('.fl-table tbody tr');
  await rows.first().waitFor({ timeout: 30_000 });
  /** The table as shown: each row's name and self time. */
  const table = async () => (await rows.evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''))).join('\n');
  const whole = await table();
  const label = (await view.locator('.fl-timeline-canvas').getAttribute('aria-label')) ?? '';
  assert.match(label, /^Timeline of \d+ ms: Your code [\d.]+%/);

  const box = await view.locator('.fl-timeline-canvas').boundingBox();
  assert.ok(box, 'the timeline is laid out');
  const y = box.y + box.height / 2;
  await ui.page.mouse.move(box.x + box.width * 0.2, y);
  await ui.page.mouse.down();
  await ui.page.mouse.move(box.x + box.width * 0.35, y, { steps: 5 });
  await ui.page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
  await ui.page.mouse.up();
  ui.log('dragged across the timeline');

  const chip = view.locator('.fl-range-chip');
  await chip.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await chip.innerText(), /^\d+\.\d\d s – \d+\.\d\d s ×$/);
  // The host answers with the slice's table: same functions, a fraction of the time.
  const deadline = Date.now() + 30_000;
  let scoped = await table();
  while (scoped === whole && Date.now() < deadline) {
    await ui.page.waitForTimeout(200);
    scoped = await table();
  }
  assert.notEqual(scoped, whole, 'the function table re-scoped to the range');
  await ui.screenshot('range');

  // The flame chart of the range, laid out by the host in chunks (flameChartInChunks), then back.
  await view.locator('.fl-chart-toggle').click();
  const status = view.locator('.fl-flame-chart-status');
  await status.filter({ hasText: 'calls over' }).waitFor({ timeout: 30_000 });
  ui.log(`flame chart: ${await status.innerText()}`);
  assert.match(await status.innerText(), /\d[\d,]* calls over/);
  // Zoomed in from the keyboard, the chart asks the extension host for a finer chart of the window.
  const chartBox = view.locator('.fl-flame-chart-canvas');
  await chartBox.focus();
  for (let i = 0; i < 5; i++) await ui.page.keyboard.press('+');
  await view.locator('.fl-flame-chart-window').waitFor({ state: 'visible', timeout: 10_000 });
  const fine = await chartBox.evaluate(async () => {
    const chart = (globalThis as unknown as { __flamelensChart: { testState(): { from: number; to: number; start: number; end: number; detail?: { from: number; to: number }; asked?: unknown; rects: unknown[] } } }).__flamelensChart;
    for (let i = 0; i < 300; i++) {
      const s = chart.testState();
      if (s.detail && !s.asked) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no finer chart came from the host');
  });
  ui.log(`flame chart zoomed to ${Math.round(fine.to - fine.from)} µs of ${Math.round(fine.end - fine.start)}; ${fine.rects.length} calls drawn`);
  assert.ok(fine.detail!.from <= fine.from && fine.detail!.to >= fine.to && fine.rects.length > 0);
  assert.ok(fine.to - fine.from < (fine.end - fine.start) / 2);
  await ui.screenshot('flame-chart-zoomed');
  await view.locator('.fl-chart-toggle').click();
  await view.locator('.fl-flame-chart').waitFor({ state: 'hidden', timeout: 10_000 });

  await chip.click();
  await chip.waitFor({ state: 'hidden', timeout: 30_000 });
  const until = Date.now() + 30_000;
  let back = await table();
  while (back !== whole && Date.now() < until) {
    await ui.page.waitForTimeout(200);
    back = await table();
  }
  assert.equal(back, whole, 'clearing the range shows the whole profile again');
}

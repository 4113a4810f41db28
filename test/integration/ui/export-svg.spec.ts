// End to end: Export Profile… as SVG. From the flame graph's Export… button the quick pick offers SVG;
// the extension asks the webview for its drawing, the save dialog writes it, and the file is an SVG
// of that drawing (a <title> per frame, busy.js's functions in it). With the view hidden (another
// editor in front) the palette's Export Profile… has no view to draw it and does not offer SVG. A profile
// with no samples names that as the reason it has no SVG.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { flameFrames, waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

export const timeoutMs = 180_000;

export async function run(ui: Workbench): Promise<void> {
  await ui.runCommand('FlameLens: Open Profile…');
  await ui.answerFileDialog(ui.workspacePath('busy.cpuprofile'));
  await ui.waitForActiveEditor('busy.cpuprofile');
  const graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 60_000 });
  await waitForFlameFrame(graph, 'main');
  // d3-flame-graph draws the SVG from the same view; it leaves out frames of 1 px or less.
  const drawn = (await flameFrames(graph)).filter((f) => f.width > 1).length;
  assert.ok(drawn > 3, `frames drawn: ${drawn}`);

  await graph.locator('.fl-toolbar button', { hasText: 'Export…' }).click();
  await ui.pickQuickItem('as drawn in the view');
  const target = ui.workspacePath('busy-flame.svg');
  await ui.answerFileDialog(target);
  await ui.waitForNotification(/exported to .*busy-flame\.svg/, { timeoutMs: 30_000 });
  const svg = fs.readFileSync(target, 'utf8');
  assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
  assert.match(svg, /<\/svg>\s*$/);
  assert.doesNotMatch(svg, /<script|foreignObject/i);
  const frames = svg.match(/<g [^>]*class="frame/g)?.length ?? 0;
  assert.ok(Math.abs(frames - drawn) <= 2, `every frame the view drew: ${frames} in the SVG, ${drawn} drawn`);
  const titles = svg.match(/<g [^>]*class="frame[^>]*><title>/g)?.length ?? 0;
  assert.equal(titles, frames, 'a tooltip title first in every frame');
  for (const fn of ['main', 'sortWords', 'fibonacci']) assert.ok(svg.includes(`<title>${fn}\n`), `a frame titled ${fn}`);
  await ui.screenshot('exported');

  // speedscope from the view with a filter on (Hide idle/GC): the samples in the order they were taken,
  // each on its node of the filtered view; the hidden idle time is left out.
  await graph.locator('#fl-opt-hideMeta').check();
  await graph.locator('.fl-toolbar button', { hasText: 'Export…' }).click();
  await ui.pickQuickItem('speedscope');
  const speedscope = ui.workspacePath('busy-filtered.speedscope.json');
  await ui.answerFileDialog(speedscope);
  await ui.waitForNotification(/exported to .*busy-filtered\.speedscope\.json/, { timeoutMs: 30_000 });
  const exported = JSON.parse(fs.readFileSync(speedscope, 'utf8')) as { shared: { frames: { name: string }[] }; profiles: { samples: number[][]; weights: number[] }[] };
  const prof = exported.profiles[0]!;
  const names = exported.shared.frames.map((f) => f.name);
  assert.ok(!names.includes('(idle)') && !names.includes('(program)'), `the filter hid idle time: ${JSON.stringify(names.slice(0, 20))}`);
  const seen = new Set<string>();
  const again = prof.samples.filter((st) => seen.has(st.join(',')) || (seen.add(st.join(',')), false)).length;
  ui.log(`speedscope of the filtered view: ${prof.samples.length} runs, ${again} of a stack seen before`);
  assert.ok(again > 0, 'in time order (a stack comes back after another ran), not one sample per node');
  await graph.locator('#fl-opt-hideMeta').uncheck();

  // The profile stays current, but its view is hidden behind busy.js: nothing draws the SVG.
  await ui.openFile('busy.js');
  await ui.runCommand('FlameLens: Export Profile…');
  // The quick pick is up once its rows are (nothing is picked: Escape below).
  await ui.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'speedscope' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  // The palette's rows can linger while the quick pick replaces them: read until the formats are listed.
  let rows = await ui.quickInputRows();
  for (const deadline = Date.now() + 30_000; !rows.some((r) => r.startsWith('pprof')) && Date.now() < deadline; ) {
    await ui.page.waitForTimeout(250);
    rows = await ui.quickInputRows();
  }
  ui.log(`rows without a view: ${JSON.stringify(rows)}`);
  assert.ok(rows.some((r) => r.startsWith('pprof')), `the file formats: ${JSON.stringify(rows)}`);
  assert.ok(!rows.some((r) => r.startsWith('SVG') || r.includes('as drawn in the view')), `SVG offered without a view: ${JSON.stringify(rows)}`);
  const placeholder = await ui.page.locator('.quick-input-widget input').getAttribute('placeholder');
  assert.match(placeholder ?? '', /SVG: export from the flame graph view/);
  await ui.closeQuickInput();

  // A profile with no samples: SVG is offered, and picking it says why there is nothing to draw
  // (the webview could only say "nothing drawn yet").
  const empty = ui.workspacePath('empty.cpuprofile');
  const root = { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2] };
  const main = { id: 2, callFrame: { functionName: 'main', scriptId: '1', url: 'file:///nowhere/x.js', lineNumber: 1, columnNumber: 0 }, hitCount: 0 };
  fs.writeFileSync(empty, JSON.stringify({ nodes: [root, main], startTime: 0, endTime: 1000, samples: [], timeDeltas: [] }));
  await ui.runCommand('FlameLens: Open Profile…');
  await ui.answerFileDialog(empty);
  await ui.waitForActiveEditor('empty.cpuprofile');
  const emptyGraph = await ui.waitForWebview({ selector: '.fl-heading-title:has-text("empty.cpuprofile")', timeoutMs: 60_000 });
  await emptyGraph.locator('.fl-toolbar button', { hasText: 'Export…' }).click();
  await ui.pickQuickItem('as drawn in the view');
  await ui.waitForNotification(/the profile has no samples: there is no flame graph to draw/, { timeoutMs: 30_000 });
  assert.ok(!fs.existsSync(ui.workspacePath('empty.svg')), 'no file written');
}

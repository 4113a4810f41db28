// End to end: "FlameLens: Open Profile…" on a real CPU profile of the workspace's busy.js shows its flame
// graph in the custom editor, and clicking a frame opens that function's source. Then a profile too
// large to draw whole (a real capture of a program with tens of thousands of distinct stacks): the
// flame graph folds frames past its node budget, and a search's share comes from the extension host
// over the whole profile, as the function table's Total does.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { clickFlameFrame, flameFrames, waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

// Two profiles, one of them captured here first.
export const timeoutMs = 180_000;

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

  await searchOnPrunedProfile(ui);
}

/**
 * 48 functions calling each other along pseudo-random paths, 12 deep: each sample a stack of its own,
 * nearly, that adds ~9 nodes. (7 deep added ~5: a loaded CI box sampled too rarely for 16,000 nodes.)
 */
const wideProgram = `const fns = [];
for (let i = 0; i < 48; i++) {
  const name = 'step' + String(i).padStart(2, '0') + 'x';
  fns.push(new Function('fns', 'return function ' + name + '(depth, seed) {' +
    'if (depth === 0) { let x = 0; for (let k = 0; k < 400; k++) x += k % 7; return x; }' +
    'let sum = 0; for (let j = 0; j < 2; j++) { seed = (seed * 1103515245 + 12345) >>> 0; sum += fns[(seed >>> 16) % 48](depth - 1, seed); }' +
    'return sum; }')(fns));
}
// 1.5 s of CPU (not of wall time: on a loaded machine the samples, and so the stacks, come with the CPU it gets).
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const wallEnd = Date.now() + 30000;
let seed = 1;
while (cpuMs() < 1500 && Date.now() < wallEnd) { seed = (seed * 69069 + 1) >>> 0; fns[(seed >>> 16) % 48](11, seed); }
`;

async function searchOnPrunedProfile(ui: Workbench): Promise<void> {
  writeFileSync(ui.workspacePath('wide.js'), wideProgram);
  execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-name', 'wide.cpuprofile', 'wide.js'], { cwd: ui.workspacePath('.') });
  const nodes = (JSON.parse(readFileSync(ui.workspacePath('wide.cpuprofile'), 'utf8')) as { nodes: unknown[] }).nodes.length;
  ui.log(`wide.cpuprofile: ${nodes} nodes`);
  // Past the flame graph's budget of 16,000 nodes: the drawn tree has folded frames.
  assert.ok(nodes > 16_000, `${nodes} nodes`);
  await ui.runCommand('View: Close All Editors');
  await ui.runCommand('FlameLens: Open Profile…');
  await ui.answerFileDialog(ui.workspacePath('wide.cpuprofile'));
  await ui.waitForActiveEditor('wide.cpuprofile');
  const view = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 60_000 });
  const row = view.locator('.fl-table tbody tr').filter({ has: view.locator('td.name', { hasText: 'step07x' }) }).first();
  await row.waitFor({ timeout: 30_000 });
  // The table's Total of step07x ("123 ms 4.5%") is the share of samples with step07x on their stack.
  const total = ((await row.locator('td.num').nth(1).textContent()) ?? '').replace(/\s+/g, ' ').trim();
  assert.match(total, /^[\d.]+ (µs|ms|s) [\d.]+%$/);
  await view.locator('.fl-search').fill('step07x');
  await view.locator('.fl-search').press('Enter');
  const info = view.locator('.fl-match-info');
  const cut = total.lastIndexOf(' ');
  const want = `matched ${total.slice(0, cut)} · ${total.slice(cut + 1)}`;
  const deadline = Date.now() + 30_000;
  let shown = '';
  while (Date.now() < deadline) {
    shown = ((await info.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    if (shown === want) break;
    await ui.page.waitForTimeout(200);
  }
  ui.log(`search step07x: "${shown}"; table Total ${total}`);
  assert.equal(shown, want, 'the search share is the whole profile\'s, as the table\'s Total');
  await ui.screenshot('pruned-search');
}

// Profile Under Load in a real VS Code: the fixture server (workspace/load-server.js) is started from
// the palette with the agent waiting, loaded for a few seconds, recorded only while measured; the
// Load Run view shows the percentiles in order, the charts and the server's top functions, and the
// server's flame graph opens beside it; Open Full Recording shows the whole recording (warm-up
// included) scoped to the measured window.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../support/load-helpers';
import { webviewShowing, type Workbench } from './workbench';
import { flameFrames, waitForFlameFrame } from './flame-frames';

export const timeoutMs = 180_000;


export async function run(ui: Workbench): Promise<void> {
  const port = await freePort();
  writeFileSync(ui.workspacePath('load-port'), String(port));
  await ui.openFile('load-server.js');

  await ui.runCommand('FlameLens: Profile Under Load…');
  await ui.pickQuickItem(/Current File/);
  // The three input boxes share one widget: answer each only once its own title shows.
  const answer = async (title: RegExp, text: string) => {
    await ui.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
    await ui.answerInput(text);
  };
  await answer(/Profile Under Load — URL/, `http://127.0.0.1:${port}/slow`);
  await answer(/Profile Under Load — duration/, '3s');
  await answer(/Profile Under Load — connections/, '4');
  ui.log('answered; the run takes 2 s warm-up + 3 s measured');

  const view = await webviewShowing(ui, 'table.percentiles', 120_000);
  const labels = await view.locator('table.percentiles th').allInnerTexts();
  assert.deepEqual(labels, ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']);
  const values = (await view.locator('table.percentiles td').allInnerTexts()).map((t) => {
    const m = /^([\d.,]+) (ms|s)$/.exec(t.trim());
    assert.ok(m, `percentile cell "${t}"`);
    return Number(m[1]!.replace(/,/g, '')) * (m[2] === 's' ? 1000 : 1);
  });
  ui.log(`percentiles: ${values.join(', ')}`);
  assert.ok(values.every(Number.isFinite));
  assert.ok(values[0]! >= 1, `p50 ${values[0]} ms: every /slow request burns 3 ms`);
  assert.ok(values[0]! <= values[2]! && values[2]! <= values[3]! && values[3]! <= values[5]!, 'p50 ≤ p95 ≤ p99 ≤ max');
  const total = Number((await view.locator('table.requests td').first().innerText()).replace(/[^\d]/g, ''));
  assert.ok(total > 10, `${total} requests`);
  // The agent's metrics (FLAMELENS_METRICS, set by the shared load session) fill the event-loop delay chart and the server row.
  assert.equal(await view.locator('.chart canvas').count(), 4, 'requests/s, latency, errors and event-loop delay charts');
  assert.equal(await view.locator('.chart[data-chart="eventLoop"] canvas').count(), 1);
  const serverCells = await view.locator('table.server td').allInnerTexts();
  ui.log(`server: ${JSON.stringify(serverCells)}`);
  assert.equal(serverCells.length, 6, 'event-loop delay, utilisation, CPU and heap of the server');
  assert.doesNotMatch((await view.locator('body').innerText()).replace(/\s+/g, ' '), /NaN|Infinity|undefined/);
  assert.equal(await view.locator('.banner.broken').count(), 0);
  const functions = await view.locator('table.functions a.fn').allInnerTexts();
  ui.log(`top functions: ${JSON.stringify(functions)}`);
  assert.ok(functions.length > 0, 'no top function listed');

  await ui.screenshot('load-run-view');
  // The server's flame graph, opened beside the Load Run view.
  const graph = await webviewShowing(ui, '.fl-graph[data-drawn]', 90_000);
  assert.ok((await flameFrames(graph)).length > 3, 'the flame graph has painted frames');
  assert.match(await graph.locator('.fl-heading-title').innerText(), /load-server\.js under load \(CPU\)/);
  // The run's per-second series as tracks under the timeline (load-run.json sits beside the profile).
  await graph.locator('.fl-track[data-track="rps"] .fl-track-canvas').waitFor({ state: 'visible', timeout: 30_000 });
  const rpsLabel = await graph.locator('.fl-track[data-track="rps"] .fl-track-label').innerText();
  ui.log(`requests/s track: ${rpsLabel}`);
  // "min – max" of the seconds, or one value when every second had the same rate.
  assert.match(rpsLabel, /Requests\/s\s*\d[\d,.]* req\/s( – \d[\d,.]* req\/s)?\s*$/);
  assert.ok((await graph.locator('.fl-track[data-track="p99"]').count()) === 1, 'a p99 latency track');
  await ui.waitForNotification(/load run of load-server\.js — \d+ req\/s/, { timeoutMs: 30_000 });
  await ui.screenshot('load-run-view-and-flame-graph');

  // Open Full Recording: the server's whole recording (its 2 s warm-up included) beside the view,
  // scoped to the measured window from the start (the range chip shows it).
  await view.locator('button.open-full').click();
  const full = await webviewShowing(ui, '.fl-range-chip:not([hidden])', 90_000);
  assert.match(await full.locator('.fl-heading-title').innerText(), /load-server\.js under load \(CPU, full recording\)/);
  const chipText = await full.locator('.fl-range-chip').innerText();
  ui.log(`full recording range: ${chipText}`);
  const m = /^(\d+\.\d\d) s – (\d+\.\d\d) s/.exec(chipText);
  assert.ok(m, `range chip "${chipText}"`);
  assert.ok(Number(m[1]) >= 1.5, `the window starts after the warm-up: ${chipText}`);
  assert.ok(Math.abs(Number(m[2]) - Number(m[1]) - 3) < 0.6, `the window is the 3 s measured: ${chipText}`);
  await full.locator('.fl-graph[data-drawn]').waitFor({ state: 'attached', timeout: 30_000 });
  await full.locator('.fl-track[data-track="rps"] .fl-track-canvas').waitFor({ state: 'visible', timeout: 30_000 });
  await ui.screenshot('load-run-full-recording');

  // Clicking a top function with a source location opens it in the editor.
  const slow = view.locator('table.functions a.fn', { hasText: 'slowRoute' });
  if ((await slow.count()) > 0) {
    await slow.first().click();
    await ui.waitForActiveEditor('load-server.js');
  } else {
    ui.log('slowRoute not among the top functions on this run (sparse samples); source click not checked');
  }

  // The run was saved as the CLI's JSON in the session folder; Compare Load Runs… reads it back.
  const sessions = readdirSync(ui.workspacePath('.flamelens')).filter((d) => /-load-load-server\.js$/.test(d));
  assert.equal(sessions.length, 1, `session folders: ${sessions.join(', ')}`);
  const runFile = ui.workspacePath(path.join('.flamelens', sessions[0]!, 'load-run.json'));
  assert.ok(existsSync(runFile) && existsSync(runFile.replace(/\.json$/, '.md')), 'load-run.json and load-run.md saved');
  await ui.runCommand('FlameLens: Compare Load Runs…');
  await ui.answerFileDialog(runFile);
  // The second dialog reuses the first's widget, which answerFileDialog's retry may already have answered.
  const second = ui.page.locator('.quick-input-widget input');
  if (await second.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) await ui.answerFileDialog(runFile);
  const compare = await webviewShowing(ui, 'table.deltas', 30_000);
  const rows = await compare.locator('table.deltas tbody td:first-child').allInnerTexts();
  assert.deepEqual(rows.slice(0, 4), ['latency p50', 'latency p90', 'latency p95', 'latency p99']);
  await ui.screenshot('compare-load-runs');

  // A run whose work spanned threads (a worker pool, a cluster) lists the profiles its top functions
  // were merged from; Open Flame Graph shows them merged, one top frame per thread, as the table counts.
  // Made from this run: its server profile twice, as two threads of one server.
  const savedRun = JSON.parse(readFileSync(runFile, 'utf8')) as { profiles: string[]; topFunctionsFrom?: unknown };
  const cpu = savedRun.profiles.find((p) => /\.cpuprofile$/.test(p) && !/\.full\.cpuprofile$/.test(p));
  assert.ok(cpu && existsSync(cpu), `the run's server profile: ${savedRun.profiles.join(', ')}`);
  const mergedDir = ui.workspacePath(path.join('.flamelens', 'merged-threads-run'));
  mkdirSync(mergedDir, { recursive: true });
  const parts = ['main.cpuprofile', 'worker.cpuprofile'].map((name) => path.join(mergedDir, name));
  for (const p of parts) copyFileSync(cpu, p);
  const mergedRun = path.join(mergedDir, 'load-run.json');
  writeFileSync(mergedRun, JSON.stringify({ ...savedRun, profiles: parts, topFunctionsFrom: [{ label: 'pid 1 · main thread', path: parts[0] }, { label: 'pid 1 · worker 1', path: parts[1] }] }));
  await ui.runCommand('FlameLens: Open Load Run…');
  await ui.answerFileDialog(mergedRun);
  const mergedView = await webviewShowing(ui, 'h1.title:has-text("merged-threads-run")', 30_000);
  await mergedView.locator('button.open-flame').click();
  const mergedGraph = await webviewShowing(ui, '.fl-heading-title:has-text("2 threads and processes")', 60_000);
  for (const label of ['pid 1 · main thread', 'pid 1 · worker 1']) await waitForFlameFrame(mergedGraph, label);
  await ui.screenshot('load-run-merged-threads');
}

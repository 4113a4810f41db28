// Load Run views survive a window reload: a run recorded by the real CLI (`flamelens load` against
// workspace/load-server.js) is opened with Open Load Run… and compared with a copy of itself; after
// Developer: Reload Window both views come back with the same tables (the serializer re-reads the run
// files whose paths the webviews kept). A run file deleted before the next reload leaves both views
// saying so, with the path, instead of a blank page.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { freePort } from '../../support/load-helpers';
import { webviewShowing, type Workbench } from './workbench';

export const timeoutMs = 240_000;

const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** `flamelens load` as a user runs it, in the workspace; resolves with its exit code and output. */
function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'load', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}


/** What a Load Run view's tables say (header and cells), to compare before and after a reload. */
async function tableTexts(view: FrameLocator, table: string): Promise<string[]> {
  return view.locator(`table.${table} th, table.${table} td`).allInnerTexts();
}

async function reload(ui: Workbench): Promise<void> {
  await ui.runCommand('Developer: Reload Window');
  await ui.page.waitForLoadState('domcontentloaded');
  await ui.ready({ timeoutMs: 90_000 });
  ui.log('reloaded');
}

/** Shows the editor tab titled `title` (a restored webview is drawn only once its tab is shown). */
async function showTab(ui: Workbench, title: string): Promise<void> {
  await ui.page.locator('.tabs-container .tab', { hasText: title }).first().click({ timeout: 30_000 });
}

export async function run(ui: Workbench): Promise<void> {
  assert.ok(existsSync(cli), `${cli}: build first (npm run build)`);
  const port = await freePort();
  writeFileSync(ui.workspacePath('load-port'), String(port));
  const recorded = await runCli(['--url', `http://127.0.0.1:${port}/slow`, '--warmup', '0', '--duration', '1s', '--connections', '2', '--out', 'runs/before', '--', 'node', 'load-server.js'], ui.workspace, {});
  ui.log(`flamelens load exited ${recorded.code}`);
  assert.equal(recorded.code, 0, recorded.output);
  const before = ui.workspacePath('runs/before/load-run.json');
  cpSync(ui.workspacePath('runs/before'), ui.workspacePath('runs/after'), { recursive: true });
  const after = ui.workspacePath('runs/after/load-run.json');

  await ui.runCommand('FlameLens: Open Load Run…');
  await ui.answerFileDialog(before);
  let view = await webviewShowing(ui, 'table.percentiles', 30_000);
  const percentiles = await tableTexts(view, 'percentiles');
  const requests = await tableTexts(view, 'requests');
  ui.log(`percentiles: ${JSON.stringify(percentiles)}`);
  assert.deepEqual(percentiles.slice(0, 7), ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']);
  assert.equal(percentiles.length, 14);

  await ui.runCommand('FlameLens: Compare Load Runs…');
  await ui.answerFileDialog(before);
  // The second dialog reuses the first's widget, which answerFileDialog's retry may already have answered.
  const second = ui.page.locator('.quick-input-widget input');
  if (await second.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) await ui.answerFileDialog(after);
  let compare = await webviewShowing(ui, 'table.deltas', 30_000);
  const deltas = await tableTexts(compare, 'deltas');
  assert.ok(deltas.includes('latency p50'), JSON.stringify(deltas));
  await ui.screenshot('before-reload');

  await reload(ui);
  await showTab(ui, 'Load Runs:');
  compare = await webviewShowing(ui, 'table.deltas', 60_000);
  assert.deepEqual(await tableTexts(compare, 'deltas'), deltas, 'the compared runs come back as they were');
  await showTab(ui, 'Load Run: before');
  view = await webviewShowing(ui, 'table.percentiles', 60_000);
  assert.deepEqual(await tableTexts(view, 'percentiles'), percentiles, 'the same run comes back');
  assert.deepEqual(await tableTexts(view, 'requests'), requests);
  await ui.screenshot('restored-after-reload');

  // The run file is deleted: both views say so, with its path, instead of a blank page. (The compare's
  // second dialog may have been answered with this same file: see above. It is the baseline either way.)
  rmSync(before);
  await reload(ui);
  await showTab(ui, 'Load Runs:');
  compare = await webviewShowing(ui, '.unavailable', 60_000);
  const said = await compare.locator('.unavailable').allInnerTexts();
  ui.log(`unavailable: ${JSON.stringify(said)}`);
  assert.equal(said.length, 1, 'only the deleted run is named, once');
  assert.ok(said[0]!.includes(before), `"${said[0]}" names ${before}`);
  assert.equal(await compare.locator('table').count(), 0);
  await ui.screenshot('deleted-run-after-reload');
  await showTab(ui, 'Load Run: before');
  // The run's own view (titled by its folder; the compare's title has an arrow).
  const gone = await webviewShowing(ui, 'h1.title:text-is("before")', 60_000);
  await gone.locator('.unavailable').first().waitFor({ timeout: 30_000 });
  assert.ok((await gone.locator('.unavailable').allInnerTexts()).some((t) => t.includes(before) && /no longer exists/.test(t)));
  assert.equal(await gone.locator('table.percentiles').count(), 0);
}

// End to end in a real VS Code (code-server + Chromium): profile busy.js from the palette, see the
// flame graph, click a frame to open its source at the right line, see the inline hot-line
// annotations in the editor, and clear them again.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { clickFlameFrame, flameFrames, focusedFlameFrame, waitForFlameFrame } from './flame-frames';
import type { Workbench } from './workbench';

export const timeoutMs = 150_000;

// What page-side callbacks use of the DOM (this tsconfig has no DOM lib).
interface El {
  querySelectorAll(s: string): ArrayLike<El>;
}
interface PageDom {
  document: El;
  getComputedStyle(el: El, pseudo: string): { content: string };
}

/** Texts of the after-line decorations (CSS ::after content) rendered in the active editor's visible lines. */
async function inlineAnnotations(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as PageDom;
    const editors = g.document.querySelectorAll('.editor-group-container .monaco-editor .view-lines');
    const out: string[] = [];
    for (let i = 0; i < editors.length; i++) {
      const spans = editors[i]!.querySelectorAll('.view-line span');
      for (let j = 0; j < spans.length; j++) {
        const content = g.getComputedStyle(spans[j]!, '::after').content;
        if (content && content !== 'none' && content !== 'normal') out.push(content.replace(/^"|"$/g, ''));
      }
    }
    return out;
  });
}

async function frameNames(frame: FrameLocator): Promise<string[]> {
  return (await flameFrames(frame)).map((f) => f.name);
}

export async function run(ui: Workbench): Promise<void> {
  await ui.openFile('busy.js');
  assert.match(await ui.activeEditorText(), /function fibonacci/);

  await ui.runCommand('FlameLens: Profile Current File');
  // The status bar shows the recording while busy.js runs (about half a second), then the result.
  await ui.waitForNotification(/Profiled busy\.js/, { timeoutMs: 60_000 });
  // sortWords takes most of busy.js's time, so it is drawn even when a loaded machine samples sparsely.
  const graph = await ui.waitForWebview({ selector: '.fl-graph[data-drawn]', timeoutMs: 30_000 });
  await waitForFlameFrame(graph, 'sortWords');
  const names = await frameNames(graph);
  ui.log(`${names.length} frames drawn`);
  assert.ok(names.length > 5, `only ${names.length} frames`);
  for (const fn of ['(root)', 'main', 'sortWords']) assert.ok(names.includes(fn), `${fn} not drawn`);
  assert.match(await graph.locator('.fl-heading-title').innerText(), /busy\.js \(CPU, pid \d+\)/);
  // The program's terminal has done its part; hide the panel so the picture (the README's first) shows the graph.
  await ui.runCommand('View: Hide Panel');
  await ui.page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => ui.log('the panel stayed open'));
  await waitForFlameFrame(graph, 'sortWords');
  await ui.screenshot('1-flame-graph');

  // Clicking a frame zooms it and opens its source beside the graph, at the function's line.
  await clickFlameFrame(graph, 'sortWords');
  await ui.waitForActiveEditor('busy.js');
  const cursor = ui.statusBarItem(/Ln \d+, Col \d+/);
  await cursor.waitFor({ state: 'visible', timeout: 10_000 });
  // the editor may be scrolled: read the line from the status bar, the text from the file
  const status = await cursor.innerText();
  const line = Number(/Ln (\d+)/.exec(status)?.[1]);
  const source = (await import('node:fs')).readFileSync(ui.workspacePath('busy.js'), 'utf8').split('\n');
  assert.match(source[line - 1] ?? '', /function sortWords/, `cursor at "${status}": ${source[line - 1]}`);

  // The hot lines carry "12.4 ms · 3.1%" after their code.
  let annotations: string[] = [];
  for (let i = 0; i < 50 && annotations.length === 0; i++) {
    annotations = (await inlineAnnotations(ui.page)).filter((t) => / ms · [\d.<]+%/.test(t));
    if (annotations.length === 0) await ui.page.waitForTimeout(200);
  }
  ui.log(`annotations: ${JSON.stringify(annotations)}`);
  assert.ok(annotations.length > 0, 'no inline hot-line annotation in the editor');
  // Function lenses ("self … · total …") above the hot functions.
  const lens = ui.page.locator('.editor-group-container.active .codelens-decoration').filter({ hasText: /self .+ · total /, visible: true }).first();
  await lens.waitFor({ state: 'visible', timeout: 15_000 });
  ui.log(`lens: ${await lens.innerText()}`);
  await ui.screenshot('2-source-with-hot-lines');

  await ui.runCommand('FlameLens: Clear Hot Lines');
  for (let i = 0; i < 50 && annotations.length > 0; i++) {
    await ui.page.waitForTimeout(100);
    annotations = (await inlineAnnotations(ui.page)).filter((t) => / ms · /.test(t));
  }
  assert.deepEqual(annotations, [], 'Clear Hot Lines left annotations');
  await ui.page
    .locator('.editor-group-container.active .codelens-decoration')
    .filter({ hasText: /self .+ · total / })
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 });
  await ui.screenshot('3-hot-lines-cleared');

  // Reveal in Flame Graph: the function under the cursor (main, a line inside it) is focused in the graph.
  const inMain = source.findIndex((l) => /function main/.test(l)) + 3;
  await ui.runCommand('Go to Line/Column...');
  await ui.answerInput(`:${inMain}`);
  await ui.statusBarItem(new RegExp(`Ln ${inMain}, Col`)).waitFor({ state: 'visible', timeout: 10_000 });
  await ui.runCommand('FlameLens: Reveal in Flame Graph');
  for (let i = 0; i < 75 && (await focusedFlameFrame(graph)) !== 'main'; i++) await ui.page.waitForTimeout(200);
  assert.equal(await focusedFlameFrame(graph), 'main', 'Reveal focused main in the flame graph');
  await ui.screenshot('4-revealed-main');
}

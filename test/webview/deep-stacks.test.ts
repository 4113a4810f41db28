// A 100,000-frame stack in the browser: the CLI's standalone HTML report (written by
// `flamelens report X --html OUT`) and the webview fed by the host's payload must draw it, zoom,
// search and reset with no page error, showing the cut as one "… N deeper frames" block.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseProfile } from '../../src/model/import';
import { maxTreeDepth } from '../../src/webview-page/payload';
import { buildBundles } from '../support/capture-helpers';
import { deepChainProfileJson } from '../support/deep-stacks-profile';
import { openOfflinePage } from '../support/chromium-suite';
import { openWebview, settle, StandInHost, useWebviewSuite } from './harness';
import { chartStill, clickFrame, drawnFrames, waitZoomed } from './canvas-frames';
import type { WebviewServer } from './harness';

const depth = 100_000;
const markerName = `… ${(depth - maxTreeDepth).toLocaleString('en-US')} deeper frames`;

/** Zooms into the frame named `name` (a real Alt+click at its computed rectangle on the canvas), searches, then resets. */
async function exercise(page: Page, name: string): Promise<void> {
  await chartStill(page);
  const frame = (await drawnFrames(page)).find((f) => f.name === name);
  assert.ok(frame, `a frame named ${name} is drawn`);
  await clickFrame(page, frame, ['Alt']);
  await waitZoomed(page, frame.id);
  await page.fill('input[type=search]', 'deep7');
  await page.press('input[type=search]', 'Enter');
  await settle(page);
  assert.ok((await drawnFrames(page)).some((f) => f.matched), 'search matches are drawn');
  await page.fill('input[type=search]', '');
  await page.press('input[type=search]', 'Enter');
  await page.focus('.fl-graph');
  await page.keyboard.press('Escape');
  await waitZoomed(page, undefined);
}

describe('100,000-frame stacks in Chromium', () => {
  let browser: Browser;
  let server: WebviewServer;
  let dir: string;
  let profileFile: string;

  useWebviewSuite((suite) => ({ browser, server } = suite));
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-deep-'));
    profileFile = path.join(dir, 'deep.cpuprofile');
    writeFileSync(profileFile, deepChainProfileJson(depth));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the standalone report of a 100,000-deep profile (report --html) renders, zooms and searches without a page error', { timeout: 180_000 }, async () => {
    const { cli } = await buildBundles();
    const out = path.join(dir, 'deep.html');
    const r = spawnSync(process.execPath, [cli, 'report', profileFile, '--html', out, '--no-source-maps'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const { context, page, errors } = await openOfflinePage(browser, pathToFileURL(out).href, { viewport: { width: 1100, height: 850 } });
    try {
      await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached', timeout: 60_000 });
      await settle(page);
      assert.match(await page.locator('.fl-notes').innerText(), /1 note/);
      assert.match(await page.locator('.fl-notes').textContent() ?? '', /Stacks deeper than 1,000 frames are cut/);
      await exercise(page, markerName);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('the webview draws the host payload of a 100,000-deep stack, zooms and searches without a page error', { timeout: 180_000 }, async () => {
    const profile = parseProfile(Buffer.from(deepChainProfileJson(depth)));
    const { page, errors } = await openWebview(browser, server, new StandInHost(profile, 'deep'));
    try {
      await settle(page);
      await exercise(page, markerName);
      await exercise(page, 'deep42');
      assert.deepEqual(errors, []);
    } finally {
      await page.context().close();
    }
  });
});

// The CLI's standalone HTML report: one file opened from disk (file://) in Chromium, with no
// network, a nonce CSP, and the same UI working from the embedded data.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadWebviewAssets } from '../../src/webview-page/assets';
import { renderStandaloneReport } from '../../src/webview-page/html';
import { openOfflinePage, recordCspViolations, useChromium } from '../support/chromium-suite';
import { distDir, ensureBuilt, loadProfile, makeInit, outputDir } from './harness';
import { chartStill, chartWidth, clickFrame, drawnFrames, waitZoomed } from './canvas-frames';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, getComputedStyle: any;

const breakout = '</script><script>window.__pwned=1</script><!--';

describe('standalone HTML report (file://, Chromium)', () => {
  let browser: Browser;
  let dir: string;
  let reportUrl: string;
  let hotName: string;
  const network: string[] = [];
  const violations: string[] = [];
  const errors: string[] = [];

  async function openReport(colorScheme: 'dark' | 'light'): Promise<{ context: BrowserContext; page: Page }> {
    const viewport = { width: 1100, height: 850 };
    const { context, page } = await openOfflinePage(browser, reportUrl, { colorScheme, viewport, network, errors, beforeLoad: (fresh) => recordCspViolations(fresh, violations) });
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await chartStill(page);
    return { context, page };
  }

  before(() => ensureBuilt());
  useChromium((suite) => (browser = suite.browser));
  before(() => {
    // A real profile whose hottest function name tries to break out of the data element.
    const profile = loadProfile('small-marked-1000us.cpuprofile');
    let best = -1;
    for (let n = 1; n < profile.nodeCount; n++) {
      const f = profile.frames[profile.nodeFrame[n]!]!;
      if (f.url && !f.functionName.startsWith('(') && n !== 0 && (best < 0 || profile.totalValue[n]! > profile.totalValue[best]!) && profile.totalValue[n]! < profile.totalValue[0]! * 0.6) best = n;
    }
    hotName = profile.frames[profile.nodeFrame[best]!]!.functionName;
    const tainted = loadProfile('small-marked-1000us.cpuprofile', (json) => {
      for (const node of json.nodes) if (node.callFrame.functionName === hotName) node.callFrame.functionName = `${hotName}${breakout}`;
    });
    hotName = `${hotName}${breakout}`;
    const html = renderStandaloneReport(makeInit(tainted, 'marked — standalone', undefined, 20_000), loadWebviewAssets(distDir));
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-report-'));
    const file = path.join(dir, 'report.html');
    writeFileSync(file, html);
    reportUrl = pathToFileURL(file).href;
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens offline, draws, searches and zooms with no network and no CSP violations', async () => {
    const { context, page } = await openReport('dark');
    assert.ok((await drawnFrames(page)).length > 100, 'frames drawn');
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'the embedded name did not run as script');
    assert.ok((await drawnFrames(page)).some((f) => f.name === hotName), 'the hostile name is drawn as a frame name');

    await page.fill('.fl-search', 'parse');
    await page.press('.fl-search', 'Enter');
    assert.match(await page.locator('.fl-match-info').innerText(), /^matched [\d.]+ (µs|ms|s) · [\d.]+%$/);

    // The widest frame at depth 3, clicked at its computed rectangle on the canvas: it zooms to full width.
    const frame = (await drawnFrames(page)).filter((f) => f.depth === 3).sort((a, b) => b.value - a.value)[0];
    assert.ok(frame);
    await clickFrame(page, frame);
    await waitZoomed(page, frame.id);
    assert.ok(Math.abs((await drawnFrames(page)).find((f) => f.id === frame.id)!.width - (await chartWidth(page))) < 1, 'the clicked frame fills the width');

    // Without a backend, the tree can't be recomputed: those controls are off and say why.
    assert.ok(await page.isDisabled('#fl-opt-hideNodeModules'));
    assert.match((await page.locator('label[for="fl-opt-hideNodeModules"]').getAttribute('title')) ?? '', /Available in VS Code/);
    assert.ok(await page.locator('text=Open source').isHidden());

    await page.screenshot({ path: path.join(outputDir, 'standalone-dark.png') });
    await page.reload();
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    assert.equal(await page.inputValue('.fl-search'), 'parse', 'search kept across a reload');
    await context.close();
    assert.deepEqual(network, [], 'no network requests');
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('follows the OS light theme', async () => {
    const { context, page } = await openReport('light');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    await page.screenshot({ path: path.join(outputDir, 'standalone-light.png') });
    await context.close();
    assert.deepEqual(network, []);
    assert.deepEqual(violations, []);
  });
});

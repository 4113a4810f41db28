// The CLI's standalone HTML report: one file opened from disk (file://) in Chromium, with no
// network, a nonce CSP, and the same UI working from the embedded data.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { reportExtras } from '../../src/cli/html-report';
import { formatPercent, formatValue } from '../../src/model/format';
import { searchShare } from '../../src/model/search';
import { functionTable } from '../../src/model/tables';
import type { FlameNode, Profile } from '../../src/model/types';
import { applyViewOptions } from '../../src/model/view';
import { defaultViewOptions } from '../../src/protocol';
import { loadWebviewAssets } from '../../src/webview-page/assets';
import { renderStandaloneReport, type InitMessage } from '../../src/webview-page/html';
import { initMessage } from '../../src/webview-page/payload';
import { reportSearchData } from '../../src/webview-page/report-search';
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

/** The drawn tree's own count of `term` (what the page showed before): topmost matches only. */
function drawnShare(root: FlameNode, term: string): number {
  let sum = 0;
  const stack: FlameNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.id >= 0 && node.name.toLowerCase().includes(term.toLowerCase())) sum += node.value;
    else stack.push(...(node.children ?? []));
  }
  return sum;
}

describe('standalone HTML report: search share of a pruned tree (file://, Chromium)', () => {
  let browser: Browser;
  let dir: string;
  const network: string[] = [];
  const violations: string[] = [];
  const errors: string[] = [];
  // A real profile, its report's tree pruned to 300 nodes as a large profile's is to 16,000: most calls of a
  // function sit in folded frames. The function only folded frames hold gets a name that tries to break out.
  const maxNodes = 300;
  const name = 'small-webpack-1000us.cpuprofile';
  let view: Profile;
  let init: InitMessage;
  let partly: { name: string; total: number; drawn: number };
  let hidden: { name: string; total: number };
  let several: { term: string; share: number; functions: number; sumOfTotals: number; drawn: number };
  const files: Record<'exact' | 'bound', string> = { exact: '', bound: '' };

  const uniqueFunctions = (p: Profile) => {
    const lower = p.frames.map((f) => f.functionName.toLowerCase());
    return functionTable(p)
      .filter((r) => r.frame !== p.nodeFrame[0])
      .map((r) => ({ name: p.frames[r.frame]!.functionName, total: r.total }))
      .filter((c) => c.total > 0 && !c.name.startsWith('(') && c.name.length > 3 && lower.filter((n) => n.includes(c.name.toLowerCase())).length === 1);
  };

  before(() => ensureBuilt());
  useChromium((suite) => (browser = suite.browser));
  before(() => {
    const plain = loadProfile(name);
    const plainInit = initMessage(plain, applyViewOptions(plain, defaultViewOptions), 'webpack', defaultViewOptions, maxNodes) as InitMessage;
    const hiddenPlain = uniqueFunctions(plain).find((c) => drawnShare(plainInit.tree.root, c.name) === 0);
    assert.ok(hiddenPlain, 'a function with no frame in the pruned tree');
    const profile = loadProfile(name, (json) => {
      for (const node of json.nodes) if (node.callFrame.functionName === hiddenPlain.name) node.callFrame.functionName = `${hiddenPlain.name}${breakout}`;
    });
    view = applyViewOptions(profile, defaultViewOptions);
    init = initMessage(profile, view, 'webpack — pruned', defaultViewOptions, maxNodes) as InitMessage;
    const functions = uniqueFunctions(view).map((c) => ({ ...c, drawn: drawnShare(init.tree.root, c.name) }));
    // Of the functions drawn, the one whose drawn share is furthest below its Total.
    partly = functions.filter((c) => c.drawn > 0).sort((a, b) => a.drawn / a.total - b.drawn / b.total)[0]!;
    hidden = functions.find((c) => c.name === `${hiddenPlain.name}${breakout}`)!;
    // A term several functions' names hold, on nested stacks (the sum of their Totals counts some time twice)
    // and partly folded: the share is neither the sum nor the drawn count.
    for (const term of ['resolve', 'module', 'parse', 'walk', 'hook', 'compil', 'call', 'get']) {
      const matched = functionTable(view).filter((r) => view.frames[r.frame]!.functionName.toLowerCase().includes(term));
      const share = searchShare(view, term).matchedValue;
      const sumOfTotals = matched.reduce((a, r) => a + r.total, 0);
      const drawn = drawnShare(init.tree.root, term);
      if (matched.length >= 3 && share < sumOfTotals * 0.95 && drawn < share * 0.9) {
        several = { term, share, functions: matched.length, sumOfTotals, drawn };
        break;
      }
    }
    assert.ok(several!, 'a term matching several nested, partly folded functions');
    const extras = reportExtras(profile, init);
    assert.ok(extras.search, 'the report embeds what its folded frames hold');
    const assets = loadWebviewAssets(distDir);
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-report-search-'));
    files.exact = path.join(dir, 'exact.html');
    writeFileSync(files.exact, renderStandaloneReport(init, assets, undefined, extras));
    // No room for any folded frame's data: the page can only say "at least".
    files.bound = path.join(dir, 'bound.html');
    writeFileSync(files.bound, renderStandaloneReport(init, assets, undefined, { ...extras, search: reportSearchData(view, init.tree, 0) }));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(which: 'exact' | 'bound'): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await openOfflinePage(browser, pathToFileURL(files[which]).href, { colorScheme: 'dark', viewport: { width: 1100, height: 850 }, network, errors, beforeLoad: (fresh) => recordCspViolations(fresh, violations) });
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await chartStill(page);
    return { context, page };
  }

  async function searchFor(page: Page, term: string, want: string): Promise<void> {
    await page.fill('.fl-search', term);
    await page.press('.fl-search', 'Enter');
    await page.waitForFunction((text) => document.querySelector('.fl-match-info').textContent === text, want, { timeout: 5000 }).catch(async () => {
      assert.fail(`"${term}": match info "${await page.locator('.fl-match-info').innerText()}", want "${want}"`);
    });
  }

  const matched = (value: number) => `matched ${formatValue(value, 'us')} · ${formatPercent(value, init.tree.total)}`;

  it('equals searchShare and the table Total for a partly folded function, one only folded frames hold, and several nested functions', async () => {
    const { context, page } = await open('exact');
    // The model's answers first: searchShare of a function's own name is its Total.
    assert.ok(partly.drawn < partly.total * 0.8, `${partly.name}: ${partly.drawn} drawn of ${partly.total}`);
    assert.equal(searchShare(view, partly.name).matchedValue, partly.total);
    assert.equal(searchShare(view, hidden.name).matchedValue, hidden.total);
    assert.equal(drawnShare(init.tree.root, hidden.name), 0);

    await searchFor(page, partly.name, matched(partly.total));
    await searchFor(page, hidden.name, matched(hidden.total));
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'the embedded name did not run as script');
    // Several functions on nested stacks: counted once (not the sum of their Totals), folded frames included.
    assert.notEqual(matched(several.share), matched(several.sumOfTotals), `${several.term}: the sum of Totals differs`);
    assert.notEqual(matched(several.share), matched(several.drawn), `${several.term}: the drawn count differs`);
    await searchFor(page, several.term, matched(several.share));
    // Any case, and a term nothing holds.
    await searchFor(page, several.term.toUpperCase(), matched(several.share));
    await searchFor(page, 'zzz-no-such-function', 'no match');
    await context.close();
    assert.deepEqual(network, [], 'no network requests');
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('in a time range (no data on what its folded frames hold there) says "at least", and is exact again without it', async () => {
    const { context, page } = await open('exact');
    await searchFor(page, several.term, matched(several.share));
    // From the keyboard: Home, then Shift+→ five times (a tenth of the profile).
    await page.focus('.fl-timeline-canvas');
    await page.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForSelector('.fl-range-chip', { state: 'visible' });
    await page.waitForFunction(() => /^at least .+ — [\d,]+ frames folded$/.test(document.querySelector('.fl-match-info').textContent), undefined, { timeout: 5000 }).catch(async () => {
      assert.fail(`match info in a range "${await page.locator('.fl-match-info').innerText()}"`);
    });
    await page.keyboard.press('Escape');
    await page.waitForSelector('.fl-range-chip', { state: 'hidden' });
    await page.waitForFunction((text) => document.querySelector('.fl-match-info').textContent === text, matched(several.share), { timeout: 5000 });
    await context.close();
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('says "at least" with the folded frames when the report does not hold them', async () => {
    const { context, page } = await open('bound');
    // Folded frames outside the matches, under nodes whose folded frames hold time (others cannot hold a match).
    const folded = (() => {
      let n = 0;
      const stack: FlameNode[] = [init.tree.root];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.name.toLowerCase().includes(several.term)) continue;
        // Frames folded with some time in them (a node's value beyond its self and drawn children).
        const hiddenTime = node.value - node.self - (node.children ?? []).reduce((a, c) => a + c.value, 0);
        if (hiddenTime > 0) n += node.folded ?? 0;
        stack.push(...(node.children ?? []));
      }
      return n;
    })();
    // The drawn count, or a matched function's Total when the table lists it: a lower bound of the share.
    const rows = init.table.rows.filter((r) => init.table.frames[r.frame]!.name.toLowerCase().includes(several.term));
    const bound = Math.max(several.drawn, ...rows.map((r) => r.total));
    assert.ok(bound < several.share);
    await page.fill('.fl-search', several.term);
    await page.press('.fl-search', 'Enter');
    const prefix = `at least ${formatValue(bound, 'us')} · ${formatPercent(bound, init.tree.total)} — `;
    await page.waitForFunction((text) => document.querySelector('.fl-match-info').textContent.startsWith(text), prefix, { timeout: 5000 }).catch(async () => {
      assert.fail(`match info "${await page.locator('.fl-match-info').innerText()}", want "${prefix}…"`);
    });
    // Those folded frames (less any whose names all sit on the stack above them already: they cannot add a match).
    const said = Number(/— ([\d,]+) frames folded$/.exec(await page.locator('.fl-match-info').innerText())?.[1]?.replace(/,/g, ''));
    assert.ok(said > folded * 0.9 && said <= folded, `${said} frames folded said, ${folded} folded with time in them`);
    assert.match((await page.locator('.fl-match-info').getAttribute('title')) ?? '', /^Open the profile in VS Code for the exact share/);
    await context.close();
    assert.deepEqual(errors, [], 'no page errors');
  });
});

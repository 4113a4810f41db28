// "Save SVG" in the standalone HTML report (file://, Chromium): the download is a self-contained SVG
// of the drawn flame graph — every frame with a <title> holding the tooltip's lines and a <text>
// label, no HTML islands, scripts or links — and Chromium, opening the file as a user would, shows
// it as an SVG document with the same frames. A function name with markup in it stays text.
// Inside VS Code (the webview API stood in for, as in webview.test.ts) the toolbar's Export… posts
// `export` to the host instead, and Save SVG is not offered (webviews cannot download); Export
// Profile… as SVG asks the webview with `svgRequest`, and it answers with the same file as `svg`,
// which passes the host's check (checkWebviewSvg) and which Chromium opens as an SVG document.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkWebviewSvg } from '../../src/export/formats';
import type { Profile } from '../../src/model/types';
import type { WebviewMessage } from '../../src/protocol';
import { loadWebviewAssets } from '../../src/webview-page/assets';
import { renderStandaloneReport } from '../../src/webview-page/html';
import { openOfflinePage, useChromium } from '../support/chromium-suite';
import { distDir, ensureBuilt, loadProfile, makeInit, openWebview, posted, StandInHost, startWebviewServer } from './harness';
import { chartStill, chartWidth, clickFrame, drawnFrames, waitZoomed } from './canvas-frames';
import type { FrameRect } from './canvas-frames';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any;

const marked = '<b>&amp;"x"</b>';

/** Waits until the flame graph is painted and no zoom transition runs; returns the drawn frames d3-flame-graph also draws (> 1 px). */
async function drawnAndStill(page: Page): Promise<FrameRect[]> {
  await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
  await chartStill(page);
  return (await drawnFrames(page)).filter((f) => f.width > 1);
}

/** The SVG's frames are the canvas's: same count (± rounding at the 1 px cut) and the same widest widths. */
function sameFrames(doc: SvgDocument, drawn: FrameRect[]): void {
  assert.ok(Math.abs(doc.frames - drawn.length) <= Math.max(2, drawn.length * 0.01), `SVG frames ${doc.frames} vs drawn ${drawn.length}`);
  const svgWidths = doc.widths.map(Number).sort((a, b) => b - a).slice(0, 50);
  const canvasWidths = drawn.map((f) => f.width).sort((a, b) => b - a).slice(0, 50);
  svgWidths.forEach((w, i) => assert.ok(Math.abs(w - canvasWidths[i]!) < 0.5, `width #${i}: ${w} vs ${canvasWidths[i]}`));
}

interface SvgDocument {
  tag: string;
  ns: string | null;
  title: string | undefined;
  frames: number;
  withTitle: number;
  titles: string[];
  labels: string[];
  widths: string[];
  width: number;
}

/** Opens a saved SVG file in Chromium as a user would and reads its frames (a parse error would give an error page instead). */
async function openSvgFile(context: BrowserContext, file: string): Promise<SvgDocument> {
  const view = await context.newPage();
  await view.goto(pathToFileURL(file).href);
  return view.evaluate(() => {
    const root = document.documentElement;
    const frames = [...root.querySelectorAll('g.frame')] as { querySelector(s: string): { textContent: string; getAttribute(n: string): string | null } | null }[];
    return {
      tag: root.tagName,
      ns: root.namespaceURI,
      title: root.querySelector(':scope > title')?.textContent,
      frames: frames.length,
      withTitle: frames.filter((g) => g.querySelector('title')?.textContent).length,
      titles: frames.map((g) => g.querySelector('title')?.textContent ?? ''),
      labels: frames.map((g) => g.querySelector('text')?.textContent ?? ''),
      widths: frames.map((g) => g.querySelector('rect')?.getAttribute('width') ?? ''),
      width: root.getBoundingClientRect().width,
    };
  });
}

describe('export buttons of the flame-graph toolbar (Chromium)', () => {
  let browser: Browser;
  let dir: string;
  let reportUrl: string;
  let hotName: string;
  let profile: Profile;

  before(() => ensureBuilt());
  useChromium((suite) => (browser = suite.browser));
  before(() => {
    const plain = loadProfile('small-marked-1000us.cpuprofile');
    // The heaviest named function below the root: its frame is wide enough to carry a label.
    let best = -1;
    for (let n = 1; n < plain.nodeCount; n++) {
      const f = plain.frames[plain.nodeFrame[n]!]!;
      if (f.url && !f.functionName.startsWith('(') && (best < 0 || plain.totalValue[n]! > plain.totalValue[best]!)) best = n;
    }
    const original = plain.frames[plain.nodeFrame[best]!]!.functionName;
    hotName = `${original}${marked}`;
    profile = loadProfile('small-marked-1000us.cpuprofile', (json) => {
      for (const node of json.nodes) if (node.callFrame.functionName === original) node.callFrame.functionName = hotName;
    });
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-svg-'));
    const file = path.join(dir, 'marked.cpuprofile.html');
    writeFileSync(file, renderStandaloneReport(makeInit(profile, 'marked.cpuprofile', undefined, 20_000), loadWebviewAssets(distDir)));
    reportUrl = pathToFileURL(file).href;
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('downloads an SVG with a title and label per frame, which Chromium opens as an SVG document', async () => {
    const { context, network, page } = await openOfflinePage(browser, reportUrl, { viewport: { width: 1100, height: 850 }, acceptDownloads: true, allow: ['file:', 'blob:'] });
    try {
      const drawn = await drawnAndStill(page);
      assert.equal(await page.locator('.fl-toolbar button', { hasText: 'Export…' }).isHidden(), true, 'no Export… without VS Code');
      assert.ok(drawn.length > 50, `frames drawn: ${drawn.length}`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('.fl-toolbar button:has-text("Save SVG")')]);
      assert.equal(download.suggestedFilename(), 'marked.svg');
      const saved = path.join(dir, 'marked.svg');
      await download.saveAs(saved);
      const text = readFileSync(saved, 'utf8');
      assert.match(text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
      assert.doesNotMatch(text, /<script|foreignObject|xhtml|href=/i, 'self-contained, no HTML islands');
      assert.ok(!text.includes(marked), 'markup in a name is escaped in the file');

      // Chromium reads the file as an image/svg+xml document.
      const doc = await openSvgFile(context, saved);
      assert.equal(doc.tag, 'svg');
      assert.equal(doc.ns, 'http://www.w3.org/2000/svg');
      assert.equal(doc.title, 'marked.cpuprofile — FlameLens flame graph');
      sameFrames(doc, drawn);
      assert.equal(doc.withTitle, doc.frames, 'every frame has a tooltip title');
      assert.ok(doc.width > 500, `drawn at its size: ${doc.width}`);
      // The renamed function: its title holds the tooltip's lines, name first, as text.
      const hot = doc.titles.findIndex((t) => t.split('\n')[0] === hotName);
      assert.ok(hot >= 0, 'the frame of the renamed function');
      assert.match(doc.titles[hot]!, /\nSelf: .+\nTotal: [\d.]+ (µs|ms|s) \([\d.]+%\)\n.*\.js:\d+/);
      assert.ok(hotName.startsWith(doc.labels[hot]!.replace(/…$/, '')) && doc.labels[hot]!.length > 3, `label ${doc.labels[hot]}`);
      assert.deepEqual(network, [], 'no network');
    } finally {
      await context.close();
    }
  });

  it('in VS Code (stand-in webview API), Export… asks the host to export this view; Save SVG is not offered', async () => {
    const server = await startWebviewServer();
    const w = await openWebview(browser, server, new StandInHost(loadProfile('small-marked-1000us.cpuprofile'), 'marked'));
    try {
      assert.equal(await w.page.locator('.fl-toolbar button', { hasText: 'Save SVG' }).isHidden(), true);
      await w.page.click('.fl-toolbar button:has-text("Export…")');
      await w.page.waitForFunction(() => (window.__posted as { type: string }[]).some((m) => m.type === 'export'));
      assert.deepEqual((await posted(w.page)).filter((m) => m.type === 'export'), [{ type: 'export' }]);
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.violations, []);
    } finally {
      await w.page.context().close();
      await server.close();
    }
  });
  it('a function name with control characters (forbidden in XML) still gives an SVG file that opens, the characters shown escaped', async () => {
    const controlled = `${hotName.replace(marked, '')}\x01\x1b[31m`;
    const tainted = loadProfile('small-marked-1000us.cpuprofile', (json) => {
      for (const node of json.nodes) if (node.callFrame.functionName === hotName.replace(marked, '')) node.callFrame.functionName = controlled;
    });
    const server = await startWebviewServer();
    const w = await openWebview(browser, server, new StandInHost(tainted, 'controls.cpuprofile'));
    try {
      await drawnAndStill(w.page);
      await w.page.evaluate(() => window.dispatchEvent(new MessageEvent('message', { data: { type: 'svgRequest', requestId: 43 } })));
      await w.page.waitForFunction(() => (window.__posted as { type: string }[]).some((m) => m.type === 'svg'), undefined, { timeout: 30_000 });
      const reply = (await posted(w.page)).find((m): m is Extract<WebviewMessage, { type: 'svg' }> => m.type === 'svg')!;
      const saved = path.join(dir, 'controls.svg');
      writeFileSync(saved, checkWebviewSvg(reply.svg));
      const doc = await openSvgFile(w.page.context(), saved);
      assert.equal(doc.tag, 'svg', 'Chromium opens the file as SVG (not an XML parse error page)');
      const shown = `${hotName.replace(marked, '')}\\x01\\x1b[31m`;
      const hot = doc.titles.findIndex((t) => t.split('\n')[0] === shown);
      assert.ok(hot >= 0, `the frame's title names it with the controls escaped: ${shown}`);
      assert.ok(shown.startsWith(doc.labels[hot]!.replace(/…$/, '')), `label ${doc.labels[hot]}`);
    } finally {
      await w.page.context().close();
      await server.close();
    }
  });

  it('in VS Code (stand-in webview API), svgRequest is answered with the drawing as SVG: it passes the host\'s check and opens as an SVG document', async () => {
    const server = await startWebviewServer();
    const w = await openWebview(browser, server, new StandInHost(profile, 'marked.cpuprofile'));
    try {
      const drawn = await drawnAndStill(w.page);
      assert.ok(drawn.length > 50, `frames drawn: ${drawn.length}`);
      // The SVG export (d3) is not part of the page until it is asked for: then its bundle loads, under the page's nonce.
      const svgBundle = () => w.page.evaluate(() => performance.getEntriesByType('resource').filter((e: { name: string }) => /\/webview-svg\.js$/.test(e.name)).length as number);
      assert.equal(await svgBundle(), 0, 'webview-svg.js is not loaded as the page boots');
      assert.equal(await w.page.evaluate(() => typeof window.__flamelensSvgExport), 'undefined');
      // As the extension host would post it (ProfileViewController.requestSvg).
      await w.page.evaluate(() => window.dispatchEvent(new MessageEvent('message', { data: { type: 'svgRequest', requestId: 41 } })));
      await w.page.waitForFunction(() => (window.__posted as { type: string }[]).some((m) => m.type === 'svg'), undefined, { timeout: 30_000 });
      const replies = (await posted(w.page)).filter((m): m is Extract<WebviewMessage, { type: 'svg' }> => m.type === 'svg');
      assert.equal(replies.length, 1);
      const reply = replies[0]!;
      assert.equal(reply.requestId, 41, 'answers with the request\'s id');
      assert.equal(reply.error, undefined);
      assert.equal(await svgBundle(), 1, 'loaded once, when asked for');
      const svg = checkWebviewSvg(reply.svg);
      assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
      assert.doesNotMatch(svg, /<script|foreignObject|xhtml|href=/i, 'self-contained, no HTML islands');
      assert.ok(!svg.includes(marked), 'markup in a name is escaped');

      const saved = path.join(dir, 'from-vscode.svg');
      writeFileSync(saved, svg);
      const doc = await openSvgFile(w.page.context(), saved);
      assert.equal(doc.tag, 'svg');
      assert.equal(doc.ns, 'http://www.w3.org/2000/svg');
      assert.equal(doc.title, 'marked.cpuprofile — FlameLens flame graph');
      sameFrames(doc, drawn);
      assert.equal(doc.withTitle, doc.frames, 'every frame has a tooltip title');
      const hot = doc.titles.findIndex((t) => t.split('\n')[0] === hotName);
      assert.ok(hot >= 0, 'the frame of the renamed function, its name as text');
      assert.match(doc.titles[hot]!, /\nSelf: .+\nTotal: [\d.]+ (µs|ms|s) \([\d.]+%\)/);
      assert.ok(hotName.startsWith(doc.labels[hot]!.replace(/…$/, '')) && doc.labels[hot]!.length > 3, `label ${doc.labels[hot]}`);

      // Zoomed in, the export is of the zoomed view: the zoomed frame spans the SVG's width.
      const target = drawn.filter((f) => f.depth === 3).sort((a, b) => b.width - a.width)[0]!;
      await clickFrame(w.page, target, ['Alt']);
      await waitZoomed(w.page, target.id);
      await w.page.evaluate(() => window.dispatchEvent(new MessageEvent('message', { data: { type: 'svgRequest', requestId: 42 } })));
      await w.page.waitForFunction(() => (window.__posted as { type: string; requestId?: number }[]).some((m) => m.type === 'svg' && m.requestId === 42));
      const zoomedReply = (await posted(w.page)).filter((m): m is Extract<WebviewMessage, { type: 'svg' }> => m.type === 'svg').at(-1)!;
      assert.equal(await svgBundle(), 1, 'not loaded again');
      const zoomedFile = path.join(dir, 'zoomed.svg');
      writeFileSync(zoomedFile, checkWebviewSvg(zoomedReply.svg));
      const zoomedDoc = await openSvgFile(w.page.context(), zoomedFile);
      const full = await chartWidth(w.page);
      const spans = zoomedDoc.titles.filter((t, i) => t.split('\n')[0] === target.name && Math.abs(Number(zoomedDoc.widths[i]) - full) < 1);
      assert.ok(spans.length >= 1, `${target.name} spans the zoomed SVG`);
      assert.ok(zoomedDoc.frames < doc.frames, 'only the zoomed subtree (and its ancestors) is in the zoomed SVG');
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.violations, []);
    } finally {
      await w.page.context().close();
      await server.close();
    }
  });
  it('in VS Code (stand-in webview API), a profile whose samples carry no time (all timeDeltas 0) is drawn by sample count and exported as SVG', async () => {
    // Before: "Nothing to draw: this view has no samples", and the export's answer "the flame graph has nothing drawn yet".
    const timeless = loadProfile('small-marked-1000us.cpuprofile', (json) => {
      const raw = json as unknown as { timeDeltas: number[]; startTime: number; endTime: number };
      raw.timeDeltas = raw.timeDeltas.map(() => 0);
      raw.endTime = raw.startTime;
    });
    assert.equal(timeless.totalValue[0], timeless.sampleCount, '1 µs per sample');
    const server = await startWebviewServer();
    const w = await openWebview(browser, server, new StandInHost(timeless, 'zerodur.cpuprofile'));
    try {
      const drawn = await drawnAndStill(w.page);
      assert.ok(drawn.length > 20, `frames drawn: ${drawn.length}`);
      await w.page.evaluate(() => window.dispatchEvent(new MessageEvent('message', { data: { type: 'svgRequest', requestId: 7 } })));
      await w.page.waitForFunction(() => (window.__posted as { type: string }[]).some((m) => m.type === 'svg'), undefined, { timeout: 30_000 });
      const reply = (await posted(w.page)).find((m): m is Extract<WebviewMessage, { type: 'svg' }> => m.type === 'svg')!;
      assert.equal(reply.error, undefined);
      const saved = path.join(dir, 'zerodur.svg');
      writeFileSync(saved, checkWebviewSvg(reply.svg));
      const doc = await openSvgFile(w.page.context(), saved);
      sameFrames(doc, drawn);
      assert.deepEqual(w.errors, []);
    } finally {
      await w.page.context().close();
      await server.close();
    }
  });
});

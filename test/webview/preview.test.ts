// The first draw from a preview (src/protocol.ts): the page asks with `ready` for the top of the
// tree at its size, paints it, posts `previewPainted`, and only then gets the full `init`. Driven in
// headless Chromium by the stand-in host with the real payload builders; the host's answer to
// `previewPainted` is held back here so the preview's own paint can be checked before the init lands.
// The extension's controller embeds the preview in the page's HTML instead (renderWebviewHtml): the
// page paints it as it boots and its `ready`, posted after that paint, asks for the init.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../src/protocol';
import { embeddedPreviewSize, initMessage, previewMessage } from '../../src/webview-page/payload';
import { defaultViewOptions } from '../../src/protocol';
import { loadProfile, openWebview, posted, StandInHost, useWebviewSuite } from './harness';
import type { WebviewPage, WebviewServer } from './harness';
import { chartState, chartStill, drawnFrames } from './canvas-frames';
import type { FrameRect } from './canvas-frames';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, performance: any, sessionStorage: any, MessageEvent: any;

const profile = loadProfile('small-webpack-1000us.cpuprofile');
/** 70vh of 300 px: a box of 12 rows, fewer than the fixture's stacks are deep. */
const viewport = { width: 1000, height: 300 };

/** A stand-in host that answers `previewPainted` only when the test says so. */
class HeldHost extends StandInHost {
  private held = false;
  constructor() {
    super(profile, 'small-webpack');
  }

  override handle(message: WebviewMessage): HostMessage[] {
    if (message.type !== 'previewPainted') return super.handle(message);
    this.received.push(message);
    this.held = true;
    return [];
  }

  /** The init the real host would have answered with, sent into the page now. */
  async release(page: Page): Promise<void> {
    assert.ok(this.held, 'the page asked for the rest');
    const init = initMessage(profile, profile, 'small-webpack', defaultViewOptions);
    this.sent.push(init);
    await page.evaluate((text: string) => window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(text) })), JSON.stringify(init));
  }
}

/** Frames in view, keyed by node id, with their geometry. */
async function inView(page: Page): Promise<Map<number, FrameRect>> {
  return new Map((await drawnFrames(page)).filter((f) => f.visible).map((f) => [f.id, f]));
}

describe('first draw from a preview (Chromium)', () => {
  let browser: Browser;
  let server: WebviewServer;
  const opened: WebviewPage[] = [];

  useWebviewSuite((suite) => ({ browser, server } = suite), opened);

  it('paints the rows in view from the preview, then the full view paints the same frames there and adds the table', async () => {
    const host = new HeldHost();
    const w = await openWebview(browser, server, host, 'dark', viewport, '.fl-graph[data-preview]');
    opened.push(w);
    const { page } = w;
    const ready = (await posted(page))[0];
    assert.ok(ready?.type === 'ready' && ready.preview, 'ready asks for a preview');
    assert.ok(ready.preview.width > 500 && ready.preview.width <= viewport.width, `width ${ready.preview.width}`);
    assert.equal(ready.preview.rows, Math.ceil((viewport.height * 0.7) / 18));
    assert.deepEqual(host.sent.map((m) => m.type), ['preview']);
    // Asked for the rest only once the preview was painted.
    await page.waitForFunction(() => performance.getEntriesByName('flamelens:painted').length > 0);
    const marks = await page.evaluate(() => ({
      preview: performance.getEntriesByName('flamelens:preview')[0].startTime,
      painted: performance.getEntriesByName('flamelens:painted')[0].startTime,
    }));
    assert.ok(marks.painted > marks.preview);
    assert.deepEqual((await posted(page)).map((m) => m.type), ['ready', 'previewPainted']);
    // The full view is not claimed yet: no data-drawn, no table, no timeline data.
    assert.equal(await page.locator('.fl-graph[data-drawn]').count(), 0);
    assert.equal(await page.locator('.fl-table tbody tr').count(), 0);
    await page.waitForFunction(() => window.__flamelens.frames('.fl-graph').length > 0);
    const preview = await inView(page);
    assert.ok(preview.size > 20, `${preview.size} frames painted from the preview`);
    const previewMessage = host.sent[0] as Extract<HostMessage, { type: 'preview' }>;
    const heading = await page.locator('.fl-heading-title').innerText();
    assert.equal(heading, previewMessage.summary.title);

    await host.release(page);
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await chartStill(page);
    assert.equal(await page.locator('.fl-graph[data-preview]').count(), 0, 'the preview attribute goes with the full view');
    assert.ok((await page.locator('.fl-table tbody tr').count()) > 10, 'the table arrives with the init');
    const full = await inView(page);
    // The same picture where the preview drew: every frame it painted in view is there, in the same place.
    for (const [id, f] of preview) {
      const g = full.get(id);
      assert.ok(g, `${f.name} (${id}) still drawn`);
      assert.ok(Math.abs(g.x - f.x) < 0.5 && Math.abs(g.width - f.width) < 0.5 && Math.abs(g.y - f.y) < 0.5, `${f.name} in place: ${JSON.stringify([f.x, f.y, f.width, f.depth])} → ${JSON.stringify([g.x, g.y, g.width, g.depth])}`);
    }
    // …and the full view adds no frame of ≥ 1 px in the rows the preview covered, at the top of the box.
    const missing = [...full.values()].filter((g) => !preview.has(g.id));
    assert.deepEqual(missing.map((g) => `${g.name} ${g.width.toFixed(1)}px`), []);
  });

  it('keeps the timeline’s place in the preview’s paint and draws its canvas after that paint, before the init', async () => {
    const host = new HeldHost();
    const w = await openWebview(browser, server, host, 'dark', viewport, '.fl-graph[data-preview]');
    opened.push(w);
    const { page } = w;
    // Notes when the strip's canvas is first filled: the real 2D context's fill, wrapped in the page before it boots.
    await page.addInitScript(`{
      const fill = CanvasRenderingContext2D.prototype.fill;
      CanvasRenderingContext2D.prototype.fill = function (...args) {
        if (this.canvas.classList.contains('fl-timeline-canvas')) window.__timelineFilled ??= performance.now();
        return fill.apply(this, args);
      };
    }`);
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('flamelens:painted').length > 0 && window.__timelineFilled !== undefined);
    const at = await page.evaluate(() => ({ painted: performance.getEntriesByName('flamelens:painted')[0].startTime, filled: window.__timelineFilled }));
    assert.ok(at.filled > at.painted, `the timeline is filled after the preview's paint: ${JSON.stringify(at)}`);
    assert.ok(host.sent.every((m) => m.type === 'preview'), 'the init is still held');
    const strip = await page.$eval('.fl-timeline-canvas', (c: { width: number; height: number; clientHeight: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return { painted, pixels: c.width * c.height, cssHeight: c.clientHeight };
    });
    assert.ok(strip.cssHeight >= 50, `the strip holds its height: ${strip.cssHeight}px`);
    assert.ok(strip.painted > strip.pixels * 0.8, `drawn from the preview's timeline: ${strip.painted} of ${strip.pixels} pixels`);
    const graphTop = async () => (await page.locator('.fl-graph').boundingBox())!.y;
    const before = await graphTop();
    await host.release(page);
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    assert.equal(await graphTop(), before, 'the flame graph does not move when the full view comes');
  });

  /** Opens a page held at its preview, with `state` saved for it as a reload would find it. */
  async function previewWithState(host: HeldHost, state: Record<string, unknown>): Promise<Page> {
    const w = await openWebview(browser, server, host, 'dark', viewport, '.fl-graph[data-preview]');
    opened.push(w);
    await w.page.evaluate((text: string) => sessionStorage.setItem('vscode-state', text), JSON.stringify({ version: 1, search: '', icicle: false, leftHeavy: true, tableSort: { key: 'self', descending: true }, ...state }));
    await w.page.reload();
    await w.page.waitForSelector('.fl-graph[data-preview]', { state: 'attached' });
    await w.page.waitForFunction(() => performance.getEntriesByName('flamelens:painted').length > 0);
    const ready = (await posted(w.page))[0];
    assert.ok(ready?.type === 'ready' && ready.preview, 'asked for a preview');
    return w.page;
  }

  it('a saved zoom below the preview’s rows is restored by the full view', async () => {
    // The heaviest node 20 levels down: below the 12 rows a preview of this box holds.
    const init = initMessage(profile, profile, 'small-webpack', defaultViewOptions) as Extract<HostMessage, { type: 'init' }>;
    let level = [init.tree.root];
    for (let d = 0; d < 20; d++) level = level.flatMap((n) => n.children ?? []);
    const deep = level.sort((a, b) => b.value - a.value)[0];
    assert.ok(deep && deep.value > init.tree.total / 100, 'the fixture has a wide frame 20 levels down');
    const host = new HeldHost();
    const page = await previewWithState(host, { zoomId: deep.id });
    assert.equal((await chartState(page)).zoomedId, undefined, 'the preview does not reach depth 20: not zoomed yet');
    await host.release(page);
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await chartStill(page);
    assert.equal((await chartState(page)).zoomedId, deep.id, 'zoom restored on the full tree');
  });

  it('a zoom made on the preview asks no subtree and is kept by the full view', async () => {
    const host = new HeldHost();
    const page = await previewWithState(host, {});
    const target = (await drawnFrames(page)).filter((f) => f.visible && f.depth === 3 && f.folded > 0).sort((a, b) => b.width - a.width)[0];
    assert.ok(target, 'a folded frame in the preview');
    // Dispatched at the frame's centre (the 300 px viewport shows the toolbar, the graph is below it): the canvas hit-tests it.
    await page.evaluate(({ x, y }: { x: number; y: number }) => {
      document.querySelector('.fl-graph canvas').dispatchEvent(new window.MouseEvent('click', { bubbles: true, altKey: true, clientX: x, clientY: y }));
    }, { x: target.x + target.width / 2, y: target.y + target.height / 2 });
    await page.waitForFunction((id: number) => window.__flamelens.state('.fl-graph').zoomedId === id, target.id);
    assert.equal((await posted(page)).filter((m) => m.type === 'expand').length, 0, 'no subtree asked for a preview’s folded frame');
    await host.release(page);
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await chartStill(page);
    assert.equal((await chartState(page)).zoomedId, target.id, 'the zoom is kept on the full tree');
  });

  it('after a reload with saved filters the page asks for no preview (it would show another view first)', async () => {
    const w = await openWebview(browser, server, new StandInHost(profile, 'small-webpack'), 'dark', viewport);
    opened.push(w);
    await w.page.check('#fl-opt-hideMeta');
    await w.page.waitForFunction(() => !document.body.classList.contains('fl-busy'));
    await w.page.reload();
    await w.page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await w.page.waitForFunction(() => !document.body.classList.contains('fl-busy'));
    const readies = (await posted(w.page)).filter((m) => m.type === 'ready');
    assert.equal(readies.length, 1);
    assert.equal(readies[0]!.type === 'ready' && readies[0]!.preview, undefined);
    assert.equal(await w.page.evaluate(() => performance.getEntriesByName('flamelens:preview').length), 0);
    assert.ok(await w.page.isChecked('#fl-opt-hideMeta'));
  });

  it('a filter toggled while the preview shows is applied to the full view', async () => {
    const host = new HeldHost();
    const w = await openWebview(browser, server, host, 'dark', viewport, '.fl-graph[data-preview]');
    opened.push(w);
    await w.page.check('#fl-opt-hideMeta');
    assert.equal((await posted(w.page)).filter((m) => m.type === 'setOptions').length, 0, 'held until the full view');
    await host.release(w.page);
    await w.page.waitForFunction(() => document.querySelector('.fl-graph[data-drawn]') && !document.body.classList.contains('fl-busy'));
    const sets = (await posted(w.page)).filter((m) => m.type === 'setOptions');
    assert.equal(sets.length, 1);
    assert.ok(sets[0]!.type === 'setOptions' && sets[0]!.options.hideMeta);
    assert.ok(await w.page.isChecked('#fl-opt-hideMeta'));
  });

  describe('embedded in the page by the host', () => {
    const embedded = previewMessage(profile, profile, 'small-webpack', defaultViewOptions, embeddedPreviewSize);
    before(() => {
      server.preview = embedded;
    });
    after(() => {
      server.preview = undefined;
    });

    it('is painted before the page says ready, with no round trip; ready then gets the init', async () => {
      const host = new StandInHost(profile, 'small-webpack');
      const w = await openWebview(browser, server, host, 'dark', viewport);
      opened.push(w);
      const { page } = w;
      await chartStill(page);
      const marks = await page.evaluate(() => ({
        preview: performance.getEntriesByName('flamelens:preview')[0]?.startTime,
        ready: performance.getEntriesByName('flamelens:ready')[0]?.startTime,
        painted: performance.getEntriesByName('flamelens:painted').map((e: { startTime: number }) => e.startTime),
      }));
      assert.ok(marks.preview < marks.painted[0] && marks.painted[0] < marks.ready, `preview shown, painted, then ready: ${JSON.stringify(marks)}`);
      assert.equal(marks.painted.length, 2, 'two first paints: the embedded preview, then the full view');
      const sent = await posted(page);
      assert.ok(sent[0]?.type === 'ready' && sent[0].preview === undefined, 'ready asks for no preview: the page has one');
      assert.equal(sent.filter((m) => m.type === 'previewPainted').length, 0);
      assert.deepEqual(host.sent.map((m) => m.type), ['init']);
      assert.equal(await page.textContent('.fl-heading-title'), 'small-webpack');
      assert.ok((await page.locator('.fl-table tbody tr').count()) > 10, 'the table arrives with the init');
      // The embedded preview's frames in view are the full view's there (node ids are the host's).
      const full = await inView(page);
      assert.ok(full.size > 20);
      const ids = new Set<number>();
      const stack = embedded.type === 'preview' ? [embedded.tree.root] : [];
      while (stack.length) {
        const n = stack.pop()!;
        ids.add(n.id);
        stack.push(...(n.children ?? []));
      }
      const top = [...full.values()].filter((f) => f.depth < 8 && f.width >= 2);
      assert.deepEqual(top.filter((f) => !ids.has(f.id)).map((f) => f.name), [], 'every frame ≥ 2 px of the top rows was in the embedded preview');
    });

    it('is ignored after a reload with saved filters: the page waits for the init of its own view', async () => {
      const w = await openWebview(browser, server, new StandInHost(profile, 'small-webpack'), 'dark', viewport);
      opened.push(w);
      await w.page.check('#fl-opt-hideMeta');
      await w.page.waitForFunction(() => !document.body.classList.contains('fl-busy'));
      await w.page.reload();
      await w.page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
      await w.page.waitForFunction(() => !document.body.classList.contains('fl-busy'));
      assert.equal(await w.page.evaluate(() => performance.getEntriesByName('flamelens:preview').length), 0, 'no preview shown');
      const readies = (await posted(w.page)).filter((m) => m.type === 'ready');
      assert.equal(readies.length, 1);
      assert.ok(await w.page.isChecked('#fl-opt-hideMeta'));
    });
  });
});

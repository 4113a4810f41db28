// The flame chart in headless Chromium, fed by the real host payload (flameChartMessage) of real
// profiles: it zooms (Ctrl+wheel about the pointer, keys, double-click) and pans (drag,
// Shift+wheel, arrows) on the page, then asks the host for a finer chart of the window, which
// shows calls the whole range's chart left out; clicks after zooming still land on the right
// call; a 20,000-deep stack draws at its deepest rows; names stay inert text in the tooltip.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseProfile } from '../../src/model/import';
import type { FlameChartPayload, HostMessage, WebviewMessage } from '../../src/protocol';
import { ChartTickets } from '../../src/webview-page/chart-tickets';
import { flameChartMessage } from '../../src/webview-page/payload';
import type { ChartRect } from '../../webview/frame-rect';
import { deepChainProfileJson } from '../support/deep-stacks-profile';
import { loadProfile, openWebview, outputDir, posted, settle, StandInHost, useWebviewSuite } from './harness';
import type { WebviewServer } from './harness';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any;

interface ViewState {
  from: number;
  to: number;
  start: number;
  end: number;
  detail?: { from: number; to: number };
  asked?: { from: number; to: number };
  animating: boolean;
  rects: ChartRect[];
}

const profile = loadProfile('small-webpack-1000us.cpuprofile');
const canvasSel = '.fl-flame-chart canvas.fl-canvas';
const boxSel = '.fl-flame-chart-canvas';

async function state(page: Page): Promise<ViewState> {
  return page.evaluate(() => window.__flamelensChart.testState());
}

/** Waits until the chart has drawn with no animation or finer chart pending, then two more frames. */
async function still(page: Page): Promise<ViewState> {
  await page.waitForFunction(() => {
    const s = window.__flamelensChart?.testState();
    return s && !s.animating && s.asked === undefined && document.querySelector('.fl-flame-chart-canvas')?.dataset.drawn !== undefined;
  });
  // The refine timer (150 ms) may still be about to ask: wait past it, then for the answer.
  await page.waitForTimeout(200);
  await page.waitForFunction(() => window.__flamelensChart.testState().asked === undefined);
  await settle(page);
  return state(page);
}

async function openChart(browser: Browser, server: WebviewServer, host: StandInHost): Promise<{ page: Page; errors: string[]; violations: string[] }> {
  const opened = await openWebview(browser, server, host);
  await opened.page.click('.fl-chart-toggle');
  await opened.page.waitForSelector(boxSel, { state: 'visible' });
  await opened.page.waitForFunction(() => document.querySelector('.fl-flame-chart-status')?.textContent?.includes('calls over'));
  await still(opened.page);
  return opened;
}

function charts(messages: WebviewMessage[]): Extract<WebviewMessage, { type: 'flameChart' }>[] {
  return messages.filter((m): m is Extract<WebviewMessage, { type: 'flameChart' }> => m.type === 'flameChart');
}

/** Rectangles of `chart` inside [from, to). */
function callsWithin(chart: FlameChartPayload, from: number, to: number): number {
  let n = 0;
  for (let k = 0; k < chart.depth.length; k++) if (chart.from[k]! >= from && chart.to[k]! <= to) n++;
  return n;
}

async function paintedPixels(page: Page, rows?: { from: number; to: number }): Promise<number> {
  return page.$eval(
    canvasSel,
    (c: { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }, r?: { from: number; to: number }) => {
      const dpr = window.devicePixelRatio || 1;
      const y0 = r ? Math.round(r.from * dpr) : 0;
      const y1 = r ? Math.round(r.to * dpr) : c.height;
      const data = c.getContext('2d').getImageData(0, y0, c.width, Math.max(1, y1 - y0)).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    },
    rows,
  );
}

/**
 * A host that lays charts out as slowly as the extension's on a big profile (each answer after `delayMs`) and drops
 * the ones a newer request made stale, by the controller's own rule (ChartTickets): requests overlap as they do there.
 */
class SlowChartHost extends StandInHost {
  private readonly tickets = new ChartTickets();
  constructor(
    title: string,
    private readonly delayMs: number,
  ) {
    super(profile, title);
  }
  async reply(message: WebviewMessage): Promise<HostMessage[]> {
    if (message.type !== 'flameChart') return this.handle(message);
    const stale = this.tickets.take(message.detail === true);
    await new Promise((r) => setTimeout(r, this.delayMs));
    return stale() ? [] : this.handle(message);
  }
}

describe('flame chart navigation (webview, real Chromium)', () => {
  let browser: Browser;
  let server: WebviewServer;

  useWebviewSuite((suite) => ({ browser, server } = suite));

  it('Ctrl+wheel zooms about the pointer; once still, a finer chart of the window shows calls the whole range left out', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors, violations } = await openChart(browser, server, host);
    const whole = await state(page);
    const base = host.sent.filter((m) => m.type === 'flameChart').at(-1);
    assert.ok(base?.type === 'flameChart');
    const box = (await page.locator(canvasSel).boundingBox())!;
    // Whole pixels: the pointer events carry integer coordinates.
    const px = Math.round(box.x + box.width * 0.3) - box.x;
    const at = whole.from + (px / box.width) * (whole.to - whole.from);
    await page.mouse.move(box.x + px, box.y + 20);
    await page.keyboard.down('Control');
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -250);
    await page.keyboard.up('Control');
    const zoomed = await still(page);
    const span = zoomed.to - zoomed.from;
    assert.ok(span < (whole.to - whole.from) / 5, `zoomed in: ${span} of ${whole.to - whole.from} µs`);
    // The time under the pointer stayed under it.
    const atNow = zoomed.from + (px / box.width) * span;
    assert.ok(Math.abs(atNow - at) < span / box.width * 2, `anchored: ${atNow} vs ${at}`);
    // A finer chart of the window (and a margin) was asked for, laid out for the window's pixels.
    const ask = charts(await posted(page)).at(-1)!;
    assert.ok(ask.range && ask.range.from <= zoomed.from && ask.range.to >= zoomed.to && ask.range.to - ask.range.from < whole.to - whole.from);
    const fine = host.sent.filter((m) => m.type === 'flameChart').at(-1);
    assert.ok(fine?.type === 'flameChart' && fine.chart.start === ask.range.from);
    assert.deepEqual(zoomed.detail, { from: ask.range.from, to: ask.range.to });
    const before = callsWithin(base.chart, zoomed.from, zoomed.to);
    const after = callsWithin(fine.chart, zoomed.from, zoomed.to);
    assert.ok(after > before, `the finer chart has more calls in the window: ${after} vs ${before}`);
    // What is drawn comes from the finer chart: more rectangles than the whole range's chart has there.
    assert.ok(zoomed.rects.length > before, `drawn ${zoomed.rects.length}, whole-range chart had ${before}`);
    assert.ok(zoomed.rects.every((r) => r.to > zoomed.from && r.from < zoomed.to));
    assert.ok((await paintedPixels(page)) > 1000);
    await page.screenshot({ path: path.join(outputDir, 'flame-chart-zoomed.png') });
    // Zoom out all the way: back to the whole range, the finer chart dropped.
    await page.mouse.move(box.x + px, box.y + 20);
    await page.keyboard.down('Control');
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 400);
    await page.keyboard.up('Control');
    const out = await still(page);
    assert.equal(out.from, whole.from);
    assert.equal(out.to, whole.to);
    assert.equal(out.detail, undefined);
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('a drag pans without opening anything; a click after zooming opens the call under the pointer', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors } = await openChart(browser, server, host);
    await page.focus(boxSel);
    for (let i = 0; i < 6; i++) await page.keyboard.press('+');
    const zoomed = await still(page);
    const box = (await page.locator(canvasSel).boundingBox())!;
    const sent = (await posted(page)).length;
    await page.mouse.move(box.x + 400, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, box.y + 30, { steps: 5 });
    await page.mouse.up();
    const panned = await still(page);
    const perPx = (zoomed.to - zoomed.from) / box.width;
    assert.ok(Math.abs(panned.from - zoomed.from - 100 * perPx) < 2 * perPx, `dragged 100 px left: the window moved ${(panned.from - zoomed.from) / perPx} px later`);
    assert.equal(panned.to - panned.from, zoomed.to - zoomed.from);
    assert.equal((await posted(page)).slice(sent).filter((m) => m.type === 'openLocation').length, 0, 'a drag opens nothing');
    // Click the middle of the widest drawn call two rows down: that function opens.
    const target = panned.rects.filter((r) => r.depth === 2).sort((a, b) => b.width - a.width)[0]!;
    await page.mouse.click(box.x + target.x + target.width / 2, box.y + target.y + target.height / 2);
    // The click opens once no second click has followed (a double-click zooms instead).
    await page.waitForFunction((n) => window.__posted.slice(n).some((m: { type: string }) => m.type === 'openLocation'), sent);
    const opened = (await posted(page)).slice(sent).find((m) => m.type === 'openLocation');
    assert.ok(opened?.type === 'openLocation', 'a click opens the source');
    assert.equal(opened.name, target.name);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('keys zoom and pan, Shift+wheel pans, a double-click zooms to a call, 0 shows the whole range; the window survives a reload', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors } = await openChart(browser, server, host);
    const whole = await state(page);
    await page.focus(boxSel);
    await page.keyboard.press('+');
    let s = await still(page);
    assert.ok(Math.abs((s.to - s.from) * 1.25 - (whole.to - whole.from)) < 1, 'one + zooms in by 1.25');
    const spanIn = s.to - s.from;
    await page.keyboard.press('ArrowRight');
    const right = await still(page);
    assert.ok(Math.abs(right.from - s.from - spanIn * 0.1) < 1, '→ pans a tenth of the window later');
    const box = (await page.locator(canvasSel).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 10);
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Shift');
    s = await still(page);
    assert.ok(s.from < right.from, 'Shift+wheel up pans earlier');
    assert.equal(s.to - s.from, spanIn);
    // Double-click a narrow call: the window closes in on it.
    const call = s.rects.filter((r) => r.width > 6 && r.width < 60).sort((a, b) => b.depth - a.depth)[0]!;
    const sentBefore = (await posted(page)).length;
    await page.mouse.dblclick(box.x + call.x + call.width / 2, box.y + call.y + call.height / 2);
    s = await still(page);
    assert.equal((await posted(page)).slice(sentBefore).filter((m) => m.type === 'openLocation').length, 0, 'a double-click opens nothing');
    assert.ok(s.from <= call.from && s.to >= call.to && s.to - s.from <= (call.to - call.from) * 1.2 + 1, `zoomed to the call [${call.from}, ${call.to}): [${s.from}, ${s.to})`);
    // The zoom is part of the view state.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('.fl-flame-chart-status')?.textContent?.includes('calls over'));
    const restored = await still(page);
    assert.ok(Math.abs(restored.from - s.from) < 1 && Math.abs(restored.to - s.to) < 1, 'the window is restored');
    assert.match((await page.textContent('.fl-flame-chart-window-text')) ?? '', /^Showing \d\.\d{2,6} s – \d\.\d{2,6} s \([\d.]+ m?s\)$/);
    // The button goes back to the whole range as 0 does; zoom in again to try the key.
    await page.click('.fl-flame-chart-whole');
    s = await still(page);
    assert.equal(s.from, whole.from);
    assert.equal(s.to, whole.to);
    assert.equal(await page.isHidden('.fl-flame-chart-window'), true);
    await page.focus(boxSel);
    await page.keyboard.press('+');
    await still(page);
    await page.focus(boxSel);
    await page.keyboard.press('0');
    s = await still(page);
    assert.equal(s.from, whole.from);
    assert.equal(s.to, whole.to);
    assert.match((await page.textContent('.fl-flame-chart .fl-sr-only')) ?? '', /^Showing the whole range/);
    // The toolbar's Reset zoom, and Escape from outside the chart, act on the chart shown (not on the hidden graph).
    for (const reset of [() => page.click('.fl-toolbar button:has-text("Reset zoom")'), () => page.focus('.fl-toolbar input[type=search], .fl-toolbar input').then(() => page.keyboard.press('Tab')).then(() => page.keyboard.press('Escape'))]) {
      await page.focus(boxSel);
      await page.keyboard.press('+');
      s = await still(page);
      assert.ok(s.to - s.from < whole.to - whole.from, 'zoomed in');
      await reset();
      s = await still(page);
      assert.equal(s.from, whole.from);
      assert.equal(s.to, whole.to);
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('the timeline outlines the zoomed window; "Select this range" scopes every view to it', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors, violations } = await openChart(browser, server, host);
    const strip = () =>
      page.$eval('.fl-timeline-canvas', (c: { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }) => ({
        width: c.width,
        height: c.height,
        data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data),
      }));
    const before = await strip();
    await page.focus(boxSel);
    for (let i = 0; i < 4; i++) await page.keyboard.press('+');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    const s = await still(page);
    const after = await strip();
    await page.screenshot({ path: path.join(outputDir, 'flame-chart-window.png') });
    // Columns of the strip whose pixels changed: the window's edges, and nothing far outside it.
    const changed = new Set<number>();
    for (let i = 0; i < before.data.length; i += 4) if (before.data.slice(i, i + 4).join() !== after.data.slice(i, i + 4).join()) changed.add((i / 4) % before.width);
    const xOf = (t: number) => ((t - s.start) / (s.end - s.start)) * before.width;
    const [x0, x1] = [xOf(s.from), xOf(s.to)];
    assert.ok(changed.size > 0, 'the strip changed');
    assert.ok([...changed].some((x) => Math.abs(x - x0) <= 3), `an edge at ${x0.toFixed(0)} is drawn`);
    assert.ok([...changed].some((x) => Math.abs(x - x1) <= 3), `an edge at ${x1.toFixed(0)} is drawn`);
    assert.ok([...changed].every((x) => x >= x0 - 3 && x <= x1 + 3), 'nothing outside the window changed');
    // Scope every view to the window: the range is set, the chip shows it, the chart shows all of it.
    await page.click('.fl-flame-chart-use');
    await page.waitForSelector('.fl-range-chip', { state: 'visible' });
    const range = (await posted(page)).filter((m) => m.type === 'setRange').at(-1);
    assert.ok(range?.type === 'setRange' && range.range);
    assert.ok(Math.abs(range.range.from - s.from) < 1e-6 * (s.end - s.start) + 1 && Math.abs(range.range.to - s.to) < 1e-6 * (s.end - s.start) + 1, 'the range is the window');
    const scoped = await still(page);
    assert.equal(scoped.start, range.range.from);
    assert.equal(scoped.end, range.range.to);
    assert.equal(scoped.from, scoped.start, 'the chart shows the whole new range');
    assert.equal(await page.isHidden('.fl-flame-chart-window'), true);
    // Zoomed within the selected range, the window survives a reload (the saved range is re-applied first).
    await page.focus(boxSel);
    for (let i = 0; i < 3; i++) await page.keyboard.press('+');
    const inRange = await still(page);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('.fl-flame-chart-status')?.textContent?.includes('calls over'));
    const reloaded = await still(page);
    assert.equal(reloaded.start, range.range.from);
    assert.ok(Math.abs(reloaded.from - inRange.from) < 1 && Math.abs(reloaded.to - inRange.to) < 1, `restored [${reloaded.from}, ${reloaded.to}) vs [${inRange.from}, ${inRange.to})`);
    assert.equal(host.received.filter((m) => m.type === 'flameChart' && !m.detail).length, 3, 'one whole-range chart per page load and range');
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('a new range\'s chart is not stopped by a finer chart of the old range asked for while it is laid out', async () => {
    const slow = new SlowChartHost('slow', 600);
    const { page, errors } = await openChart(browser, server, { handle: (m: WebviewMessage) => slow.reply(m) } as unknown as StandInHost);
    await page.focus(boxSel);
    for (let i = 0; i < 4; i++) await page.keyboard.press('+');
    const zoomed = await still(page);
    await page.click('.fl-flame-chart-use');
    // While the new range's chart is on its way, the old chart is still moved: no finer chart of it may be asked for.
    await page.focus(boxSel);
    await page.keyboard.press('+');
    await page.waitForTimeout(300);
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(1500);
    const s = await still(page);
    const range = (await posted(page)).filter((m) => m.type === 'setRange').at(-1);
    assert.ok(range?.type === 'setRange' && range.range);
    assert.ok(Math.abs(range.range.from - zoomed.from) < 1);
    assert.equal(s.start, range.range.from, 'the chart is the new range\'s');
    assert.equal(s.end, range.range.to);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a finer chart that reaches deeper than the whole range\'s can be scrolled to its deepest row', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors } = await openChart(browser, server, host);
    const base = host.sent.filter((m) => m.type === 'flameChart').at(-1)!;
    assert.ok(base.type === 'flameChart');
    // A fortieth of the profile where the finer chart (as the page will ask for it: the window and half its span on
    // each side, at the window's pixels) holds calls deeper than the whole range's chart.
    const { start, end } = base.chart;
    const span = (end - start) / 40;
    const width = await page.$eval(boxSel, (b: { clientWidth: number }) => b.clientWidth);
    let from = NaN;
    for (let a = start; a + span <= end && Number.isNaN(from); a += span / 2) {
      const r = { from: Math.max(start, a - span / 2), to: Math.min(end, a + 1.5 * span) };
      const m = flameChartMessage(profile, 0, r, Math.round((width * (r.to - r.from)) / span));
      if (m.type !== 'flameChart' || m.chart.maxDepth <= base.chart.maxDepth) continue;
      // Centred on that deepest call.
      const k = m.chart.depth.indexOf(m.chart.maxDepth);
      from = Math.max(start, Math.min(end - span, (m.chart.from[k]! + m.chart.to[k]!) / 2 - span / 2));
    }
    assert.ok(!Number.isNaN(from), 'the fixture has a stretch deeper than its whole-range chart shows');
    await page.evaluate(({ from, to }) => window.__flamelensChart.setWindowForTest(from, to), { from, to: from + span });
    const s = await still(page);
    const fine = host.sent.filter((m) => m.type === 'flameChart').at(-1)!;
    assert.ok(fine.type === 'flameChart' && fine !== base && s.detail);
    assert.ok(fine.chart.maxDepth > base.chart.maxDepth, `the finer chart is deeper: ${fine.chart.maxDepth} vs ${base.chart.maxDepth}`);
    await page.$eval(boxSel, (b: { scrollTop: number; scrollHeight: number }) => (b.scrollTop = b.scrollHeight));
    const bottom = await still(page);
    const drawnDepth = Math.max(...bottom.rects.map((r) => r.depth));
    // The deepest row of the finer chart inside the window is drawn.
    let want = 0;
    for (let k = 0; k < fine.chart.depth.length; k++) if (fine.chart.to[k]! > bottom.from && fine.chart.from[k]! < bottom.to) want = Math.max(want, fine.chart.depth[k]!);
    assert.equal(drawnDepth, want);
    assert.ok(want > base.chart.maxDepth);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a much wider view asks for the whole range\'s chart again at its width, keeping the window', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors } = await openChart(browser, server, host);
    const wholeAsked = () => host.received.filter((m) => m.type === 'flameChart' && !m.detail);
    const first = wholeAsked().at(-1)!;
    assert.ok(first.type === 'flameChart');
    await page.focus(boxSel);
    await page.keyboard.press('+');
    const zoomed = await still(page);
    await page.setViewportSize({ width: 1800, height: 900 });
    await page.waitForFunction((n) => window.__posted.filter((m: { type: string; detail?: boolean }) => m.type === 'flameChart' && !m.detail).length > n, wholeAsked().length);
    const again = wholeAsked().at(-1)!;
    assert.ok(again.type === 'flameChart' && again.width > first.width * 1.25, `laid out again for ${again.type === 'flameChart' ? again.width : NaN} px (was ${first.width})`);
    const s = await still(page);
    assert.ok(Math.abs(s.from - zoomed.from) < 1 && Math.abs(s.to - zoomed.to) < 1, 'the window is kept');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('draws a 20,000-deep stack: the canvas covers only the box, the deepest rows draw when scrolled to', { timeout: 60_000 }, async () => {
    const deep = parseProfile(Buffer.from(deepChainProfileJson(20_000)));
    const { page, errors } = await openChart(browser, server, new StandInHost(deep, 'deep'));
    const size = await page.$eval(canvasSel, (c: { height: number }) => c.height);
    const boxHeight = await page.$eval(boxSel, (b: { clientHeight: number }) => b.clientHeight);
    assert.ok(size <= Math.ceil(boxHeight * 2) && boxHeight < 1000, `canvas ${size} px tall for a ${boxHeight} px box`);
    assert.ok((await paintedPixels(page)) > 1000, 'the top rows are painted');
    await page.$eval(boxSel, (b: { scrollTop: number; scrollHeight: number }) => (b.scrollTop = b.scrollHeight));
    const s = await still(page);
    const deepest = Math.max(...s.rects.map((r) => r.depth));
    assert.ok(deepest >= 19_990, `deepest row drawn: ${deepest}`);
    const last = s.rects.filter((r) => r.depth === deepest)[0]!;
    assert.ok((await paintedPixels(page, { from: last.y, to: last.y + last.height })) > 0, 'the deepest row is painted');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('the tooltip shows a bidi override or newline in a call\'s name as an escape, as the flame graph\'s tooltip does', async () => {
    const tricky = '\u202ecompile\nrun';
    const named = loadProfile('small-webpack-1000us.cpuprofile', (json) => {
      for (const n of json.nodes) if (n.callFrame.functionName === 'compile') n.callFrame.functionName = tricky;
    });
    const { page, errors } = await openChart(browser, server, new StandInHost(named, 'bidi'));
    const s = await state(page);
    const box = (await page.locator(canvasSel).boundingBox())!;
    const target = s.rects.filter((r) => r.name === tricky && r.width > 2).sort((a, b) => b.width - a.width)[0];
    assert.ok(target, 'the renamed function is drawn');
    await page.mouse.move(box.x + target.x + target.width / 2, box.y + target.y + target.height / 2);
    await page.waitForSelector('.fl-tooltip:not([hidden])');
    assert.equal(await page.textContent('.fl-tooltip .fl-tooltip-name'), '\\u202ecompile\\nrun');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('the tooltip shows a call\'s name as text, its time and location', async () => {
    const named = loadProfile('small-webpack-1000us.cpuprofile', (json) => {
      for (const n of json.nodes) if (n.callFrame.functionName === 'compile') n.callFrame.functionName = '<img src=x onerror="window.__pwned=1">compile';
    });
    const { page, errors, violations } = await openChart(browser, server, new StandInHost(named, 'named'));
    const s = await state(page);
    const box = (await page.locator(canvasSel).boundingBox())!;
    const target = s.rects.filter((r) => r.name.startsWith('<img') && r.width > 2).sort((a, b) => b.width - a.width)[0];
    assert.ok(target, 'the renamed function is drawn');
    await page.mouse.move(box.x + target.x + target.width / 2, box.y + target.y + target.height / 2);
    await page.waitForSelector('.fl-tooltip:not([hidden])');
    assert.equal(await page.textContent('.fl-tooltip .fl-tooltip-name'), target.name);
    assert.equal(await page.$$eval('.fl-tooltip img', (x) => x.length), 0);
    assert.match((await page.innerText('.fl-tooltip'))!, /\d.* from \d/);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await page.mouse.move(box.x + box.width / 2, box.y - 40);
    await page.waitForSelector('.fl-tooltip', { state: 'hidden' });
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });
});

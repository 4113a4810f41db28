// The timeline strip in headless Chromium: drawn from a real CPU profile's samples, a drag selects
// a range and the function table re-scopes to it (the stand-in host slices with the real
// sliceProfile), the chip shows and clears the range, the range survives a reload, and the
// keyboard selects too.
import { canvasColumn, dimAlphas, median } from '../support/canvas-dim';
import { de, germanBundle } from '../support/l10n-de';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatValue } from '../../src/model/format';
import { parseProfile } from '../../src/model/import';
import { sliceProfile } from '../../src/model/time-slice';
import type { TimeRange, WebviewMessage } from '../../src/protocol';
import { treeAndTable } from '../../src/webview-page/payload';
import { cursorAnnouncement } from '../../webview/timeline-announce';
import { loadProfile, openWebview, outputDir, posted, settle, StandInHost, useWebviewSuite } from './harness';
import type { WebviewServer } from './harness';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any;
// Shapes of the page's elements used in the callbacks above.
interface HTMLRow {
  querySelector(s: string): { textContent: string | null; firstChild?: { textContent: string | null } | null } | null;
}
interface CanvasLike {
  width: number;
  height: number;
  clientWidth: number;
  clientHeight: number;
  getAttribute(name: string): string;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

const profile = loadProfile('small-webpack-1000us.cpuprofile');
const canvas = '.fl-timeline-canvas';
const chip = '.fl-range-chip';

/** Drags across the timeline from `from` to `to` (fractions of its width), at mid-height, in `steps` moves. */
async function dragOnTimeline(page: Page, from: number, to: number, steps: number): Promise<void> {
  const box = (await page.locator(canvas).boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, y, { steps });
  await page.mouse.up();
}

/** The function table as shown: name and self text of the first rows. */
async function tableRows(page: Page, count = 8): Promise<string[]> {
  return page.$$eval('.fl-table tbody tr', (rows, n) => rows.slice(0, n).map((r) => `${r.querySelector('td.name')?.textContent} ${r.querySelector('td.num')?.firstChild?.textContent}`), count);
}

/** What the table's first rows must read for `range`: the real host payload of the real slice. */
function expectedRows(range: TimeRange | null, count = 8): string[] {
  const view = range ? sliceProfile(profile, range.from, range.to) : profile;
  const { table } = treeAndTable(view);
  // The table sorts by self, descending (its default).
  return [...table.rows]
    .sort((a, b) => b.self - a.self)
    .slice(0, count)
    .map((r) => `${table.frames[r.frame]!.name} ${formatValue(r.self, 'us')}`);
}

function lastRange(messages: WebviewMessage[]): TimeRange | null | undefined {
  const m = messages.filter((x) => x.type === 'setRange').at(-1);
  return m?.type === 'setRange' ? m.range : undefined;
}

async function waitForTable(page: Page, rows: string[]): Promise<void> {
  await page.waitForFunction((want) => {
    const got = [...document.querySelectorAll('.fl-table tbody tr')].slice(0, want.length).map((r: HTMLRow) => `${r.querySelector('td.name')?.textContent} ${r.querySelector('td.num')?.firstChild?.textContent}`);
    return JSON.stringify(got) === JSON.stringify(want);
  }, rows, { timeout: 10_000 }).catch(async (e) => {
    throw new Error(`${e}\nwanted ${JSON.stringify(rows)}\ngot ${JSON.stringify(await tableRows(page, rows.length))}`);
  });
}

describe('timeline (webview, real Chromium)', () => {
  let browser: Browser;
  let server: WebviewServer;

  useWebviewSuite((suite) => ({ browser, server } = suite));

  it('draws the samples as a stacked area, sized for the device pixel ratio, with a describing label', async () => {
    const { page, errors, violations } = await openWebview(browser, server, new StandInHost(profile, 'small-webpack'));
    await page.waitForSelector(canvas, { state: 'visible' });
    await settle(page);
    const info = await page.$eval(canvas, (c: CanvasLike) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return { width: c.width, height: c.height, cssWidth: c.clientWidth, cssHeight: c.clientHeight, dpr: window.devicePixelRatio, painted, pixels: c.width * c.height, label: c.getAttribute('aria-label') };
    });
    assert.equal(info.width, Math.round(info.cssWidth * info.dpr));
    assert.equal(info.height, Math.round(info.cssHeight * info.dpr));
    // Every bucket accounts for its whole interval (idle included), so the area fills most of the strip.
    assert.ok(info.painted > info.pixels * 0.8, `painted ${info.painted} of ${info.pixels}`);
    assert.match(info.label, /^Timeline of 6\.1 s: Your code [\d.<]+%, node_modules [\d.]+%, Node internals [\d.]+%, GC [\d.]+%, Idle \/ program [\d.]+%\. The arrow keys move a cursor that reads out what ran at that time\. Drag/);
    assert.equal(await page.isHidden(chip), true);
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('a drag selects a range: the table re-scopes, the chip shows it, a reload keeps it, the chip clears it', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors, violations } = await openWebview(browser, server, host);
    await page.waitForSelector(canvas, { state: 'visible' });
    const whole = expectedRows(null);
    await waitForTable(page, whole);

    const box = (await page.locator(canvas).boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, y, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.55, y, { steps: 5 });
    await page.mouse.up();

    const range = lastRange(await posted(page));
    assert.ok(range, 'the webview asked for the range');
    const span = profile.endTime - profile.sampleTimes![0]!;
    const start = profile.sampleTimes![0]!;
    assert.ok(Math.abs((range.from - start) / span - 0.3) < 0.01, `from at 30%: ${(range.from - start) / span}`);
    assert.ok(Math.abs((range.to - start) / span - 0.55) < 0.01, `to at 55%: ${(range.to - start) / span}`);
    const sliced = expectedRows(range);
    assert.notDeepEqual(sliced, whole, 'the range has a different table (else the test proves nothing)');
    await waitForTable(page, sliced);
    const chipText = `${((range.from - start) / 1e6).toFixed(2)} s – ${((range.to - start) / 1e6).toFixed(2)} s ×`;
    assert.equal(await page.textContent(chip), chipText);
    await page.screenshot({ path: path.join(outputDir, 'timeline-range.png') });

    // A reload (VS Code unloads hidden webviews) restores the range from the view state.
    const before = (await posted(page)).length;
    await page.reload();
    await page.waitForSelector(chip, { state: 'visible' });
    assert.equal(await page.textContent(chip), chipText);
    await waitForTable(page, sliced);
    assert.deepEqual(lastRange(host.received.slice(before)), range, 'the reloaded view asked the host for the same range');

    await page.click(chip);
    await page.waitForSelector(chip, { state: 'hidden' });
    await waitForTable(page, whole);
    assert.equal(lastRange(await posted(page)), null);
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('the flame chart shows the calls of the range as they happened; a click lands on the right call', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors, violations } = await openWebview(browser, server, host);
    await page.waitForSelector(canvas, { state: 'visible' });
    await dragOnTimeline(page, 0.4, 0.6, 4);
    await page.waitForSelector(chip, { state: 'visible' });
    await page.click('.fl-chart-toggle');
    await page.waitForSelector('.fl-flame-chart-canvas', { state: 'visible' });
    assert.equal(await page.isHidden('.fl-graph'), true, 'the chart takes the flame graph\'s place');
    await page.waitForFunction(() => document.querySelector('.fl-flame-chart-status')?.textContent?.includes('calls over'));
    const reply = host.sent.filter((m) => m.type === 'flameChart').at(-1);
    assert.ok(reply?.type === 'flameChart');
    const chart = reply.chart;
    const range = lastRange(await posted(page))!;
    assert.equal(chart.start, range.from);
    assert.equal(chart.end, range.to);
    await settle(page);
    // The widest call on the top row: click its middle, the webview opens that function.
    let widest = -1;
    for (let k = 0; k < chart.depth.length; k++) if (chart.depth[k] === 2 && (widest < 0 || chart.to[k]! - chart.from[k]! > chart.to[widest]! - chart.from[widest]!)) widest = k;
    assert.ok(widest >= 0);
    const cbox = (await page.locator('.fl-flame-chart canvas.fl-canvas').boundingBox())!;
    const mid = (chart.from[widest]! + chart.to[widest]!) / 2;
    const before = (await posted(page)).length;
    await page.mouse.click(cbox.x + ((mid - chart.start) / (chart.end - chart.start)) * cbox.width, cbox.y + 2 * 18 + 9);
    await page.waitForFunction((n) => window.__posted.slice(n).some((m: { type: string }) => m.type === 'openLocation'), before);
    const opened = (await posted(page)).slice(before).find((m) => m.type === 'openLocation');
    assert.ok(opened?.type === 'openLocation', 'a click posts openLocation');
    assert.equal(opened.name, chart.frames[chart.frame[widest]!]!.name);
    const painted = await page.$eval('.fl-flame-chart canvas.fl-canvas', (c: CanvasLike) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    assert.ok(painted > 1000, `painted ${painted}`);
    await page.screenshot({ path: path.join(outputDir, 'timeline-flame-chart.png') });
    // The mode survives a reload.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('.fl-flame-chart-status')?.textContent?.includes('calls over'));
    assert.equal(await page.isHidden('.fl-graph'), true);
    await page.click('.fl-chart-toggle');
    await page.waitForSelector('.fl-flame-chart', { state: 'hidden' });
    assert.equal(await page.isVisible('.fl-graph'), true);
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('a range re-scopes the open sandwich view to the same function; both survive reloads', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors } = await openWebview(browser, server, host);
    await page.waitForSelector(canvas, { state: 'visible' });
    const start = profile.sampleTimes![0]!;
    const span = profile.endTime - start;
    // A named function that runs both in the middle of the profile, where the range will be, and outside it.
    const totals = (view: typeof profile) => {
      const { table } = treeAndTable(view);
      return new Map(table.rows.map((r) => [table.frames[r.frame]!.name, r.total]));
    };
    const [all, middle] = [totals(profile), totals(sliceProfile(profile, start + 0.35 * span, start + 0.65 * span))];
    const name = [...middle].sort((a, b) => b[1] - a[1]).find(([n, t]) => !n.startsWith('(') && all.get(n)! > 1.5 * t)![0];
    await page.click('.fl-table th button[data-sort="total"]');
    const row = page.locator('.fl-table tbody tr').filter({ has: page.locator('td.name', { hasText: new RegExp(`^${name.replace(/[$()*+.?[\]^{|}\\]/g, '\\$&')}$`) }) }).first();
    await row.click();
    await page.waitForSelector('.fl-sandwich:not([hidden])');
    assert.equal(await page.textContent('.fl-sandwich-title'), `Sandwich: ${name}`);
    const sandwiches = () => host.sent.filter((m) => m.type === 'sandwich');
    const whole = sandwiches().at(-1)!;
    assert.ok(whole.type === 'sandwich');

    await page.locator(canvas).scrollIntoViewIfNeeded(); // the row's zoom scrolled the page
    await dragOnTimeline(page, 0.3, 0.7, 5);
    const range = lastRange(await posted(page))!;
    assert.ok(range, 'a range was selected');
    await page.waitForFunction(() => !document.querySelector('.fl-sandwich').hidden && !document.body.classList.contains('fl-busy'), undefined, { timeout: 10_000 });
    assert.equal(await page.textContent('.fl-sandwich-title'), `Sandwich: ${name}`);
    const scoped = sandwiches().at(-1)!;
    assert.ok(scoped.type === 'sandwich' && scoped !== whole, 'the sandwich was asked for again after the range');
    // Its callers' root is the function's total in the range (the host's table of the real slice says it).
    const { table } = treeAndTable(sliceProfile(profile, range.from, range.to));
    const inRange = table.rows.find((r) => table.frames[r.frame]!.name === name && table.frames[r.frame]!.url === scoped.frame.url)!;
    assert.equal(scoped.callers.root.value, inRange.total);
    assert.ok(inRange.total < whole.callers.root.value, `the range holds less of it than the whole profile: ${inRange.total} vs ${whole.callers.root.value}`);
    // Range and sandwich come back after a reload, and after another one (the first restore must not forget the sandwich).
    for (const reload of [1, 2]) {
      await page.reload();
      await page.waitForSelector(chip, { state: 'visible' });
      await page.waitForFunction(() => !document.body.classList.contains('fl-busy') && document.querySelector('.fl-graph[data-drawn]'));
      await page.waitForSelector('.fl-sandwich:not([hidden])', { timeout: 10_000 }).catch(() => assert.fail(`the sandwich is open after reload ${reload}`));
      assert.equal(await page.textContent('.fl-sandwich-title'), `Sandwich: ${name}`);
      await page.waitForTimeout(200); // the view state is written after the frame
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a function clicked in the table while a range is on its way gets its sandwich in the new view (not an old view\'s node id)', async () => {
    // The host holds the range's tree back until the click is made; node ids are per view.
    const inner = new StandInHost(profile, 'small-webpack');
    let release: (() => void) | undefined;
    const host = {
      inner,
      handle(message: WebviewMessage) {
        const replies = inner.handle(message);
        if (message.type !== 'setRange') return replies;
        return new Promise<typeof replies>((resolve) => (release = () => resolve(replies)));
      },
    };
    const { page, errors } = await openWebview(browser, server, host);
    await page.waitForSelector(canvas, { state: 'visible' });
    const start = profile.sampleTimes![0]!;
    const span = profile.endTime - start;
    const { table } = treeAndTable(sliceProfile(profile, start + 0.3 * span, start + 0.7 * span));
    // A function deep in the tree that runs in the range too: its node id differs between the views.
    const inRange = new Set(table.rows.map((r) => table.frames[r.frame]!.name));
    await page.click('.fl-table th button[data-sort="total"]');
    const names = await page.locator('.fl-table tbody td.name').allTextContents();
    const name = names.slice(10).find((n) => inRange.has(n) && !n.startsWith('(') && names.filter((x) => x === n).length === 1)!;
    assert.ok(name, 'a function to click');

    await dragOnTimeline(page, 0.3, 0.7, 5);
    for (const deadline = Date.now() + 10_000; !release && Date.now() < deadline; ) await page.waitForTimeout(20);
    assert.ok(release, 'the range was asked for');
    const row = page.locator('.fl-table tbody tr').filter({ has: page.locator('td.name', { hasText: new RegExp(`^${name.replace(/[$()*+.?[\]^{|}\\]/g, '\\$&')}$`) }) }).first();
    await row.click();
    release!();
    await page.waitForFunction(() => !document.querySelector('.fl-sandwich').hidden && !document.body.classList.contains('fl-busy'), undefined, { timeout: 10_000 });
    assert.equal(await page.textContent('.fl-sandwich-title'), `Sandwich: ${name}`);
    const answered = inner.sent.filter((m) => m.type === 'sandwich');
    assert.ok(answered.length > 0 && answered.every((m) => m.type === 'sandwich' && m.frame.name === name), `every sandwich the host made is ${name}'s: ${answered.map((m) => m.type === 'sandwich' && m.frame.name).join(', ')}`);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('the chip of a range in a short profile has digits enough to tell its ends apart (not "0.00 s – 0.01 s")', async () => {
    // 60 samples 100 µs apart: a 6 ms profile, as a micro-benchmark's.
    const frame = (id: number, functionName: string, children?: number[]) => ({ id, callFrame: { functionName, scriptId: '1', url: 'file:///bench.js', lineNumber: id, columnNumber: 0 }, ...(children ? { children } : {}) });
    const samples = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 3 : 4));
    const short = parseProfile(Buffer.from(JSON.stringify({ nodes: [frame(1, '(root)', [2]), frame(2, 'main', [3, 4]), frame(3, 'hash'), frame(4, 'parse')], startTime: 0, endTime: 6100, samples, timeDeltas: samples.map(() => 100) })));
    const { page, errors } = await openWebview(browser, server, new StandInHost(short, 'short'));
    await page.waitForSelector(canvas, { state: 'visible' });
    await dragOnTimeline(page, 0.3, 0.4, 5);
    const range = lastRange(await posted(page))!;
    assert.ok(range && range.to - range.from < 1000, `a range under a millisecond: ${JSON.stringify(range)}`);
    const start = short.sampleTimes![0]!;
    const at = (t: number) => `${((t - start) / 1e6).toFixed(5)} s`;
    assert.equal(await page.textContent(chip), `${at(range.from)} – ${at(range.to)} ×`);
    assert.match((await page.textContent(chip))!, /^0\.00[1-9]\d\d s – 0\.00[1-9]\d\d s ×$/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a click on the strip clears the range; Shift+arrows select from the keyboard; Escape clears', async () => {
    const host = new StandInHost(profile, 'small-webpack');
    const { page, errors } = await openWebview(browser, server, host);
    await page.waitForSelector(canvas, { state: 'visible' });
    await dragOnTimeline(page, 0.1, 0.2, 4);
    await page.waitForSelector(chip, { state: 'visible' });
    const box = (await page.locator(canvas).boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height / 2);
    await page.waitForSelector(chip, { state: 'hidden' });
    assert.equal(lastRange(await posted(page)), null);

    // Keyboard: Home puts the cursor at the start, Shift+→ five times selects the first tenth.
    await page.focus(canvas);
    await page.keyboard.press('Home');
    // Without load-run tracks the cursor reads out each lane's share of that moment of the area.
    const init = host.sent.find((m) => m.type === 'init');
    assert.ok(init?.type === 'init' && init.timeline);
    const lanes = (b: number) => init.timeline!.lanes.map((lane, i) => ({ lane, value: init.timeline!.values[i]![b] }));
    assert.equal(await page.textContent('.fl-timeline-live'), cursorAnnouncement({ at: '0.00 s', lanes: lanes(0), tracks: [] }));
    await page.keyboard.press('End');
    assert.equal(await page.textContent('.fl-timeline-live'), cursorAnnouncement({ at: `${((init.timeline.end - init.timeline.start) / 1e6).toFixed(2)} s`, lanes: lanes(init.timeline.buckets - 1), tracks: [] }));
    assert.match((await page.textContent('.fl-timeline-live'))!, /^6\.\d\d s: (Your code|node_modules|Node internals|GC|Idle \/ program) [\d.<]+%/);
    await page.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction(() => (window as { __posted: { type: string; range?: unknown }[] }).__posted.filter((m) => m.type === 'setRange').at(-1)?.range != null);
    const range = lastRange(await posted(page))!;
    const start = profile.sampleTimes![0]!;
    const span = profile.endTime - start;
    assert.ok(Math.abs(range.from - start) < 1e-6 * span, 'from the start');
    assert.ok(Math.abs((range.to - start) / span - 0.1) < 1e-6, `a tenth: ${(range.to - start) / span}`);
    await waitForTable(page, expectedRows(range));
    await page.keyboard.press('Escape');
    await page.waitForSelector(chip, { state: 'hidden' });
    await waitForTable(page, expectedRows(null));
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a heap profile\'s chip names the first and last allocation sample the range holds (as the slice the host shows)', async () => {
    const heap = loadProfile('heap-webpack-16k.heapprofile');
    const host = new StandInHost(heap, 'heap');
    const { page, errors } = await openWebview(browser, server, host);
    await page.waitForSelector(canvas, { state: 'visible' });
    const chipShows = async (range: TimeRange) => {
      const slice = sliceProfile(heap, range.from, range.to);
      const first = Math.round(slice.sampleTimes![0]! - heap.sampleTimes![0]!) + 1;
      const want = `samples ${first} – ${first + slice.sampleCount - 1} ×`;
      await page.waitForFunction((text) => document.querySelector('.fl-range-chip').textContent === text, want, { timeout: 5000 }).catch(async () => {
        assert.fail(`chip "${await page.textContent(chip)}", want "${want}" for [${range.from}, ${range.to})`);
      });
    };
    // Keyboard steps are a fiftieth of the 985 samples: 19.7, so Shift+→ ×3 from the start selects [0, 59.1), samples 1 – 60.
    await page.focus(canvas);
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction(() => (window as { __posted: { type: string; range?: unknown }[] }).__posted.filter((m) => m.type === 'setRange').at(-1)?.range != null);
    await chipShows(lastRange(await posted(page))!);
    // And a range starting past a sample: Shift+← ×2 from the 4th step selects [39.4, 78.8), samples 41 – 79.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 2; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.waitForFunction(() => ((window as { __posted: { type: string; range?: { from: number } }[] }).__posted.filter((m) => m.type === 'setRange').at(-1)?.range?.from ?? 0) > 1);
    await chipShows(lastRange(await posted(page))!);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a selected range keeps its colours and the outside is greyed by one alpha (0.45), in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const { page, errors, violations } = await openWebview(browser, server, new StandInHost(profile, 'small-webpack'), theme);
      await page.waitForSelector(canvas, { state: 'visible' });
      await waitForArea(page);
      // Columns well inside the range [0, 30 %) and well outside it (clear of its outline and the
      // cursor): several outside, so that enough pixels are far enough from the grey to measure it
      // whatever the profile's lanes look like there.
      const outsideAt = [0.55, 0.65, 0.75, 0.85, 0.95];
      const columns = async () => ({ inside: await canvasColumn(page, canvas, 0.15), outside: (await Promise.all(outsideAt.map((x) => canvasColumn(page, canvas, x)))).flat() });
      const before = await columns();
      await page.focus(canvas);
      await page.keyboard.press('Home');
      for (let i = 0; i < 15; i++) await page.keyboard.press('Shift+ArrowRight');
      await page.waitForSelector(chip, { state: 'visible' });
      // Without focus the keyboard cursor is not drawn: only the range shows.
      await page.evaluate(() => document.activeElement?.blur());
      const after = await columns();
      await page.locator('.fl-timeline').screenshot({ path: path.join(outputDir, `timeline-range-${theme}.png`) });

      // Inside: every pixel as without a range (but the outline's top and bottom rows).
      const rows = before.inside.length / 4;
      assert.deepEqual(after.inside.slice(12, -12), before.inside.slice(12, -12), `${theme}: the range is drawn as without one`);
      // Outside: the grey laid over each pixel at alpha 0.45.
      const alphas = dimAlphas(before.outside, after.outside);
      assert.ok(alphas.length > (rows * outsideAt.length) / 2, `${theme}: ${alphas.length} measurements in ${rows * outsideAt.length} pixels`);
      assert.ok(Math.abs(median(alphas) - 0.45) < 0.02, `${theme}: outside dimmed by ${median(alphas).toFixed(3)}, not 0.45`);
      assert.ok(alphas.every((x) => Math.abs(x - 0.45) < 0.05), `${theme}: dim alphas ${Math.min(...alphas)} – ${Math.max(...alphas)}`);
      assert.deepEqual(errors, []);
      assert.deepEqual(violations, []);
      await page.context().close();
    }
  });

  it('speaks the host’s language: lane key, strip label, live region, range chip and flame chart (German test bundle)', async () => {
    server.l10n = germanBundle();
    try {
      const host = new StandInHost(profile, 'small-webpack');
      const { page, errors, violations } = await openWebview(browser, server, host);
      await page.waitForSelector(canvas, { state: 'visible' });
      const init = host.sent.find((m) => m.type === 'init');
      assert.ok(init?.type === 'init' && init.timeline);
      const german = { user: de('Your code'), node_modules: 'node_modules', node: de('Node internals'), gc: de('GC'), idle: de('Idle / program') };
      assert.deepEqual(await page.$$eval('.fl-timeline-key .fl-legend-item', (items) => items.map((i) => i.textContent)), init.timeline.lanes.map((lane) => german[lane]));
      const label = (await page.getAttribute(canvas, 'aria-label'))!;
      assert.match(label, /^Zeitleiste über 6\.1 s: Eigener Code [\d.<]+%, node_modules [\d.]+%, Node-Interna [\d.]+%, Speicherbereinigung [\d.]+%, Leerlauf \/ Programm [\d.]+%\. Die Pfeiltasten bewegen einen Cursor, der vorliest, was zu der Zeit lief\. Ziehen/);

      await page.focus(canvas);
      await page.keyboard.press('Home');
      const live = (await page.textContent('.fl-timeline-live'))!;
      assert.match(live, /^0\.00 Sek\.: (Eigener Code|node_modules|Node-Interna|Speicherbereinigung|Leerlauf \/ Programm) [\d.<]+%/);
      for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
      await page.waitForSelector(chip, { state: 'visible' });
      const shown = (await page.textContent(chip))!;
      assert.match(shown, /^0\.00 Sek\. – 0\.\d\d Sek\. ×$/);
      const range = shown.slice(0, -2);
      assert.equal(await page.getAttribute(chip, 'aria-label'), de('Time range {0}; clear it', range));
      assert.equal(await page.textContent('.fl-timeline-status'), de('Showing {0} only', range));

      assert.equal(await page.textContent('.fl-chart-toggle'), de('Flame chart'));
      await page.click('.fl-chart-toggle');
      await page.waitForFunction(() => document.querySelector('.fl-flame-chart-status')?.textContent?.includes('Aufrufe in'));
      assert.match((await page.textContent('.fl-flame-chart-status'))!, /^\d[\d,]* Aufrufe in [\d.]+ m?s( \(die kürzesten ausgelassen\))?\. Zeigen für Details; ein Klick öffnet die Quelle\.$/);
      assert.equal(await page.getAttribute('.fl-flame-chart', 'aria-label'), de('Flame chart'));
      assert.equal(await page.getAttribute('.fl-flame-chart-canvas', 'aria-label'), de('Flame chart: calls as they happened, time from left to right. Ctrl+wheel or + and − zoom, drag, Shift+wheel or the arrow keys pan, 0 shows the whole range.'));
      // Nothing of the strip is left in English.
      assert.doesNotMatch(await page.locator('.fl-timeline').innerText(), /Your code|Node internals|Idle|samples| s\b/);
      await page.screenshot({ path: path.join(outputDir, 'timeline-de.png') });
      assert.deepEqual(errors, []);
      assert.deepEqual(violations, []);
      await page.context().close();
    } finally {
      delete server.l10n;
    }
  });
});

/** Waits until the strip's canvas is drawn (it is drawn after the first paint). */
async function waitForArea(page: Page): Promise<void> {
  await page.waitForFunction((selector) => {
    const c = document.querySelector(selector);
    if (!c || c.width === 0) return false;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
    return false;
  }, canvas);
}

// A load run's per-second series as tracks under the timeline, in real Chromium, for a real
// `flamelens load` run (its server profile and load-run.json side by side): in the VS Code view
// (fed as the extension host feeds it: init, then the tracks from src/load/profile-run.ts) the
// tracks are drawn on the strip's time axis, a drag on a track selects that range (the chip shows
// it), hovering reads each track's value for that second; and the standalone report of the same
// profile (`flamelens report --html`, file://) shows the tracks and re-scopes its function table to
// a dragged range from its embedded per-bucket data, the chip clearing it again. From the keyboard:
// Tab reaches the strip (focus outline), the arrows move a cursor whose time and track values the
// live region reads out, Shift+arrows select a range the table re-scopes to, Escape clears it. The
// run's whole recording (NAME.full.cpuprofile), opened as Open Full Recording opens it (init with the
// measured window as its range), shows that window selected and the table scoped to it at once.
import { canvasColumn, dimAlphas, median } from '../support/canvas-dim';
import { de, germanBundle, withGerman } from '../support/l10n-de';
import { laneLabel } from '../../webview/category-label';
import { cursorAnnouncement } from '../../webview/timeline-announce';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fullRecordingOf, measuredWindowRange } from '../../src/load/full-recording';
import { loadTracksForProfile } from '../../src/load/profile-run';
import { formatValue } from '../../src/model/format';
import { defaultViewOptions } from '../../src/protocol';
import { sliceProfile } from '../../src/model/time-slice';
import { treeAndTable } from '../../src/webview-page/payload';
import { parseProfile } from '../../src/model/import';
import type { Profile } from '../../src/model/types';
import type { HostMessage, LoadTracksPayload, TimeRange, TimelinePayload, WebviewMessage } from '../../src/protocol';
import { initMessage } from '../../src/webview-page/payload';
import type { InitMessage } from '../../src/webview-page/html';
import type { ReportRangeData } from '../../src/webview-page/report-range';
import { formatTrackValue, trackLabel } from '../../webview/track-format';
import { ReportRange } from '../../webview/report-range';
import { recordLoadRun, type LoadRunFolder } from '../support/load-run-folder';
import { openOfflinePage, useChromium } from '../support/chromium-suite';
import { ensureBuilt, openWebview, outputDir, posted, settle, startWebviewServer, StandInHost, type WebviewServer } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any, getComputedStyle: any;
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

const chip = '.fl-range-chip';
const trackCanvas = (kind: string) => `.fl-track[data-track="${kind}"] .fl-track-canvas`;

/** The extension host's start for a load run's profile: init, then the tracks (profile-controller.ts). */
class LoadRunHost extends StandInHost {
  constructor(
    profile: Profile,
    private readonly tracks: LoadTracksPayload,
  ) {
    super(profile, 'server under load (CPU)');
  }

  override handle(message: WebviewMessage): HostMessage[] {
    const replies = super.handle(message);
    if (message.type !== 'ready') return replies;
    const tracks: HostMessage = { type: 'tracks', tracks: this.tracks };
    this.sent.push(tracks);
    return [...replies, tracks];
  }
}

/**
 * The extension host showing a run's whole recording from Open Full Recording (profile-controller.ts
 * with an entry's initialRange): no preview, the init carrying the measured window, then the tracks.
 */
class FullRecordingHost extends LoadRunHost {
  constructor(
    private readonly whole: Profile,
    tracks: LoadTracksPayload,
    private readonly measured: TimeRange,
  ) {
    super(whole, tracks);
  }

  override handle(message: WebviewMessage): HostMessage[] {
    if (message.type !== 'ready') return super.handle(message);
    this.received.push(message);
    const replies: HostMessage[] = [{ ...(initMessage(this.whole, this.whole, 'server under load (CPU, full recording)', defaultViewOptions) as InitMessage), range: this.measured }, ...super.handle({ type: 'ready' }).filter((m) => m.type === 'tracks')];
    this.sent.push(replies[0]!);
    return replies;
  }
}

function painted(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c: CanvasLike) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

async function drag(page: Page, selector: string, a: number, b: number): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * a, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((a + b) / 2), y, { steps: 4 });
  await page.mouse.move(box.x + box.width * b, y, { steps: 4 });
  await page.mouse.up();
}

async function tableRows(page: Page, count = 8): Promise<string[]> {
  return page.$$eval('.fl-table tbody tr', (rows, n) => rows.slice(0, n).map((r) => `${r.querySelector('td.name')?.textContent} ${r.querySelector('td.num')?.firstChild?.textContent}`), count);
}

async function waitForTable(page: Page, rows: string[]): Promise<void> {
  await page
    .waitForFunction((want) => {
      const got = [...document.querySelectorAll('.fl-table tbody tr')].slice(0, want.length).map((r: { querySelector(s: string): { textContent: string; firstChild?: { textContent: string } } | null }) => `${r.querySelector('td.name')?.textContent} ${r.querySelector('td.num')?.firstChild?.textContent}`);
      return JSON.stringify(got) === JSON.stringify(want);
    }, rows, { timeout: 10_000 })
    .catch(async (e) => {
      throw new Error(`${e}\nwanted ${JSON.stringify(rows)}\ngot ${JSON.stringify(await tableRows(page, rows.length))}`);
    });
}

describe('load-run tracks and the report range (webview, real Chromium)', { timeout: 240_000 }, () => {
  let browser: Browser;
  let server: WebviewServer;
  let run: LoadRunFolder;
  let profile: Profile;
  let tracks: LoadTracksPayload;

  before(async () => {
    ensureBuilt();
    run = await recordLoadRun('webview-tracks');
    profile = parseProfile(readFileSync(run.profile));
    tracks = loadTracksForProfile(profile, run.profile)!;
    assert.ok(tracks, 'the real run gives tracks');
  });
  useChromium((suite) => ({ browser, server } = suite), startWebviewServer);

  it('VS Code view: tracks drawn on the strip axis; a drag on a track sets the range chip; hover reads finite values', async () => {
    const host = new LoadRunHost(profile, tracks);
    const { page, errors, violations } = await openWebview(browser, server, host);
    await page.waitForSelector(trackCanvas('rps'), { state: 'visible' });
    await settle(page);
    const kinds = await page.$$eval('.fl-track', (rows) => rows.map((r) => r.getAttribute('data-track')));
    assert.deepEqual(kinds, tracks.tracks.map((t) => t.kind));
    assert.match((await page.textContent('.fl-track[data-track="rps"] .fl-track-label'))!, /^Requests\/s\d[\d,]* req\/s – \d[\d,]* req\/s$/);
    for (const kind of ['rps', 'p99']) assert.ok((await painted(page, trackCanvas(kind))) > 200, `${kind} drawn`);
    // The same axis: every track spans exactly the strip's width.
    const strip = (await page.locator('.fl-timeline-canvas').boundingBox())!;
    const rpsBox = (await page.locator(trackCanvas('rps')).boundingBox())!;
    assert.equal(rpsBox.x, strip.x);
    assert.equal(rpsBox.width, strip.width);

    // Hover over the middle of the run's second second: each readout is that second's figure.
    const init = host.sent.find((m) => m.type === 'init') as InitMessage;
    const axis = init.timeline as TimelinePayload;
    const xAt = (t: number) => rpsBox.x + ((t - axis.start) / (axis.end - axis.start)) * rpsBox.width;
    const k = 1;
    await page.mouse.move(xAt((tracks.from[k]! + tracks.to[k]!) / 2), rpsBox.y + rpsBox.height / 2);
    for (const t of tracks.tracks) {
      const text = (await page.textContent(`.fl-track[data-track="${t.kind}"] .fl-track-value`))!;
      assert.equal(text, formatTrackValue(t.kind, t.values[k]), `${t.kind} at second ${k + 1}`);
      assert.doesNotMatch(text, /NaN|Infinity|undefined/);
    }
    assert.match((await page.textContent('.fl-track[data-track="rps"] .fl-track-value'))!, /^\d[\d,]* req\/s$/);

    // A drag on the p99 track selects that time range, as one on the strip does.
    await drag(page, trackCanvas('p99'), 0.25, 0.7);
    await page.waitForSelector(chip, { state: 'visible' });
    const sent = (await posted(page)).filter((m) => m.type === 'setRange').at(-1);
    assert.ok(sent?.type === 'setRange' && sent.range);
    const span = axis.end - axis.start;
    const pixel = span / rpsBox.width;
    assert.ok(Math.abs(sent.range.from - (axis.start + 0.25 * span)) <= 2 * pixel, `from ${(sent.range.from - axis.start) / span}`);
    assert.ok(Math.abs(sent.range.to - (axis.start + 0.7 * span)) <= 2 * pixel, `to ${(sent.range.to - axis.start) / span}`);
    assert.equal(await page.textContent(chip), `${((sent.range.from - axis.start) / 1e6).toFixed(2)} s – ${((sent.range.to - axis.start) / 1e6).toFixed(2)} s ×`);
    await page.screenshot({ path: path.join(outputDir, 'load-tracks.png') });
    await page.click(chip);
    await page.waitForSelector(chip, { state: 'hidden' });
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('keyboard: Tab reaches the strip; arrows read out time and track values; Shift+arrows re-scope the table; Escape clears', async () => {
    const host = new LoadRunHost(profile, tracks);
    const { page, errors, violations } = await openWebview(browser, server, host);
    await page.waitForSelector(trackCanvas('rps'), { state: 'visible' });
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    const init = host.sent.find((m) => m.type === 'init') as InitMessage;
    const axis = init.timeline as TimelinePayload;
    const span = axis.end - axis.start;
    const step = span / 50;

    // Tab from the top of the page until the strip has focus: it is in the tab order, with an outline.
    await page.evaluate(() => (document.activeElement as { blur(): void } | null)?.blur());
    let tabs = 0;
    while (!(await page.evaluate(() => document.activeElement?.classList.contains('fl-timeline-canvas'))) && tabs < 40) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    assert.ok(tabs < 40, 'Tab reaches the timeline');
    const outline = await page.$eval('.fl-timeline-canvas', (c: { matches(s: string): boolean }) => [c.matches(':focus-visible'), getComputedStyle(c).outlineStyle, getComputedStyle(c).outlineWidth]);
    assert.deepEqual(outline, [true, 'solid', '1px']);
    assert.match((await page.getAttribute('.fl-timeline-canvas', 'aria-label'))!, /arrow keys move a cursor that reads out the load run's values/);
    assert.equal(await page.getAttribute('.fl-timeline-live', 'aria-live'), 'polite');

    // The run's second at a time, and what the live region must say there (time, then each finite track value).
    const secondAt = (t: number) => tracks.from.findIndex((f, i) => t >= f && t < tracks.to[i]!);
    const said = (t: number) => {
      const k = secondAt(t);
      const values = tracks.tracks.filter((tr) => k >= 0 && Number.isFinite(tr.values[k])).map((tr) => `${trackLabel(tr.kind)} ${formatTrackValue(tr.kind, tr.values[k])}`);
      return `${((t - axis.start) / 1e6).toFixed(2)} s: ${values.length > 0 ? values.join(', ') : 'outside the load run'}`;
    };
    const live = () => page.textContent('.fl-timeline-live');
    await page.keyboard.press('Home');
    assert.equal(await live(), said(axis.start));
    // Into the run's second second: each press is a fiftieth of the profile.
    const k = 1;
    const presses = Math.ceil((tracks.from[k]! - axis.start) / step + 1e-9);
    const cursor = axis.start + presses * step;
    assert.equal(secondAt(cursor), k, 'the cursor lands in second 2 (else the test proves nothing)');
    for (let i = 0; i < presses; i++) await page.keyboard.press('ArrowRight');
    const text = (await live())!;
    assert.equal(text, said(cursor));
    assert.match(text, /^\d+\.\d\d s: Requests\/s \d[\d,]* req\/s, p99 latency \d/);
    assert.doesNotMatch(text, /NaN|Infinity|undefined|—/);
    // The tracks' readouts follow the keyboard cursor as they follow the pointer.
    for (const t of tracks.tracks) assert.equal(await page.textContent(`.fl-track[data-track="${t.kind}"] .fl-track-value`), formatTrackValue(t.kind, t.values[k]), t.kind);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await live(), said(cursor - step));
    await page.keyboard.press('ArrowRight');

    // Shift+→ four times: the range from the cursor, sent once the keys rest; the table re-scopes to it.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForSelector(chip, { state: 'visible' });
    await page.waitForFunction(() => (window as { __posted: { type: string; range?: unknown }[] }).__posted.filter((m) => m.type === 'setRange').at(-1)?.range != null);
    const sent = (await posted(page)).filter((m) => m.type === 'setRange').at(-1);
    assert.ok(sent?.type === 'setRange' && sent.range);
    assert.ok(Math.abs(sent.range.from - cursor) < 1e-6 * span && Math.abs(sent.range.to - (cursor + 4 * step)) < 1e-6 * span, `range ${JSON.stringify(sent.range)}`);
    const rowsOf = (r: { from: number; to: number } | null) => {
      const { table } = treeAndTable(r ? sliceProfile(profile, r.from, r.to) : profile);
      return [...table.rows]
        .sort((a, b) => b.self - a.self)
        .slice(0, 8)
        .map((row) => `${table.frames[row.frame]!.name} ${formatValue(row.self, 'us')}`);
    };
    assert.notDeepEqual(rowsOf(sent.range), rowsOf(null), 'the range has a different table (else the test proves nothing)');
    await waitForTable(page, rowsOf(sent.range));
    assert.equal(await page.textContent(chip), `${((sent.range.from - axis.start) / 1e6).toFixed(2)} s – ${((sent.range.to - axis.start) / 1e6).toFixed(2)} s ×`);

    await page.keyboard.press('Escape');
    await page.waitForSelector(chip, { state: 'hidden' });
    const last = (await posted(page)).filter((m) => m.type === 'setRange').at(-1);
    assert.ok(last?.type === 'setRange' && last.range === null, 'Escape sends the whole profile');
    await waitForTable(page, rowsOf(null));
    await page.screenshot({ path: path.join(outputDir, 'load-tracks-keyboard.png') });
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('the whole recording opens with the measured window selected: chip, dimmed warm-up, table scoped; clearing shows it all', async () => {
    const fullPath = fullRecordingOf(run.profile)!;
    assert.ok(fullPath, 'the run kept the whole recording');
    const whole = parseProfile(readFileSync(fullPath));
    const measured = measuredWindowRange(whole, profile)!;
    const wholeTracks = loadTracksForProfile(whole, fullPath)!;
    assert.ok(measured && wholeTracks);
    const host = new FullRecordingHost(whole, wholeTracks, measured);
    const { page, errors, violations } = await openWebview(browser, server, host);
    await page.waitForSelector(chip, { state: 'visible' });
    const init = host.sent.find((m) => m.type === 'init') as InitMessage;
    const axis = init.timeline as TimelinePayload;
    // The page scopes the views to the host's range as to a saved one: the host is asked for it.
    await page.waitForFunction(() => (window as { __posted: { type: string; range?: unknown }[] }).__posted.some((m) => m.type === 'setRange'));
    const sent = (await posted(page)).filter((m) => m.type === 'setRange');
    assert.equal(sent.length, 1);
    assert.ok(sent[0]!.type === 'setRange');
    assert.deepEqual(sent[0]!.range, measured);
    assert.equal(await page.textContent(chip), `${((measured.from - axis.start) / 1e6).toFixed(2)} s – ${((measured.to - axis.start) / 1e6).toFixed(2)} s ×`);
    assert.ok(measured.from - axis.start > 400_000, 'the warm-up lies before the window');
    const rowsOf = (p: Profile) => {
      const { table } = treeAndTable(p);
      return [...table.rows]
        .sort((a, b) => b.self - a.self)
        .slice(0, 8)
        .map((row) => `${table.frames[row.frame]!.name} ${formatValue(row.self, 'us')}`);
    };
    await waitForTable(page, rowsOf(sliceProfile(whole, measured.from, measured.to)));
    // The strip is dimmed outside the window (the warm-up at its left) and as drawn inside it: a
    // column of pixels in each, compared with the same column once the range is cleared.
    const strip = (await page.locator('.fl-timeline-canvas').boundingBox())!;
    const column = (x: number) =>
      page.$eval('.fl-timeline-canvas', (c: CanvasLike & { clientWidth: number }, at: number) => {
        const k = c.width / c.clientWidth;
        return [...c.getContext('2d').getImageData(Math.round(at * k), 2, 1, c.height - 4).data].join(',');
      }, x);
    const xOf = (t: number) => ((t - axis.start) / (axis.end - axis.start)) * strip.width;
    const warmupX = xOf(measured.from) / 2;
    const insideX = (xOf(measured.from) + xOf(measured.to)) / 2;
    const [warmupRanged, insideRanged] = [await column(warmupX), await column(insideX)];
    // Tracks sit on the window: the run's first second starts where it does (two clocks: within 100 ms).
    assert.ok(Math.abs(wholeTracks.to[0]! - 1e6 - measured.from) < 100_000);
    await page.waitForSelector(trackCanvas('rps'), { state: 'visible' });
    await page.screenshot({ path: path.join(outputDir, 'full-recording-window.png') });
    await page.click(chip);
    await page.waitForSelector(chip, { state: 'hidden' });
    await waitForTable(page, rowsOf(whole));
    await page.mouse.move(0, 0);
    assert.notEqual(await column(warmupX), warmupRanged, 'the warm-up was dimmed');
    assert.equal(await column(insideX), insideRanged, 'the window was not');
    assert.deepEqual(errors, []);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('standalone report of the run profile: tracks shown; a drag re-scopes the table; the chip clears it', async () => {
    const file = path.join(run.dir, 'report.html');
    const r = spawnSync(process.execPath, [run.cli, 'report', run.profile, '--html', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(file, 'utf8');
    const embedded = (id: string) => JSON.parse(new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html)![1]!);
    const init = embedded('flamelens-data') as InitMessage;
    const data = embedded('flamelens-range') as ReportRangeData;

    const { context, network, page, errors } = await openOfflinePage(browser, pathToFileURL(file).href, { viewport: { width: 1100, height: 900 } });
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await page.waitForSelector(trackCanvas('rps'), { state: 'visible' });
    assert.equal(await page.isHidden('.fl-chart-toggle'), true, 'no flame chart without a host');

    const rowsOf = (table: InitMessage['table']) =>
      [...table.rows]
        .sort((a, b) => b.self - a.self)
        .slice(0, 8)
        .map((row) => `${table.frames[row.frame]!.name} ${formatValue(row.self, 'us')}`);
    const whole = rowsOf(init.table);
    await waitForTable(page, whole);
    // Drag over the strip from 20 % to 50 %: buckets [20, 50) of 100.
    await drag(page, '.fl-timeline-canvas', 0.2, 0.5);
    await page.waitForSelector(chip, { state: 'visible' });
    const range = ReportRange.from(init, data)!;
    const w = (data.end - data.start) / data.buckets;
    // The chip shows the range the report really shows: rounded to whole buckets.
    assert.equal(await page.textContent(chip), `${((20 * w) / 1e6).toFixed(2)} s – ${((50 * w) / 1e6).toFixed(2)} s ×`);
    const scoped = range.scoped({ from: data.start + 20 * w, to: data.start + 50 * w });
    const want = rowsOf(scoped.table);
    assert.notDeepEqual(want, whole, 'the range has a different table (else the test proves nothing)');
    await waitForTable(page, want);
    await page.screenshot({ path: path.join(outputDir, 'report-range.png') });
    await page.click(chip);
    await page.waitForSelector(chip, { state: 'hidden' });
    await waitForTable(page, whole);
    assert.deepEqual(errors, []);
    assert.deepEqual(network, []);
    await context.close();
  });

  it('speaks the host’s language: track labels, readouts, live region and the strip’s key (German test bundle); strip and tracks dim alike', async () => {
    server.l10n = germanBundle();
    try {
      const host = new LoadRunHost(profile, tracks);
      const { page, errors, violations } = await openWebview(browser, server, host);
      await page.waitForSelector(trackCanvas('rps'), { state: 'visible' });
      await page.waitForFunction(() => document.querySelector('.fl-timeline-canvas')?.getContext('2d').getImageData(0, 0, 1, 40).data.some((v: number) => v > 0));
      await settle(page);
      const init = host.sent.find((m) => m.type === 'init') as InitMessage;
      const axis = init.timeline as TimelinePayload;

      // Each track's label, its min – max readout and its canvas's label, as the page's formatters say them in German.
      for (const t of tracks.tracks) {
        const row = `.fl-track[data-track="${t.kind}"]`;
        const [label, summary] = await page.$eval(`${row} .fl-track-label`, (l: { firstChild: { textContent: string } | null; querySelector(s: string): { textContent: string } | null }) => [l.firstChild?.textContent, l.querySelector('.fl-track-value')?.textContent]);
        assert.equal(label, withGerman(() => trackLabel(t.kind)));
        assert.equal(await page.getAttribute(`${row} .fl-track-canvas`, 'aria-label'), de('{0} per second of the load run: {1}', label!, summary!));
      }
      assert.match((await page.textContent('.fl-track[data-track="rps"] .fl-track-label'))!, /^Anfragen\/s\d[\d,]* Anf\.\/s – \d[\d,]* Anf\.\/s$/);
      // The strip: its lane key and its label, which says the arrow keys read out the run's values.
      assert.deepEqual(await page.$$eval('.fl-timeline-key .fl-legend-item', (items) => items.map((i) => i.textContent)), withGerman(() => axis.lanes.map(laneLabel)));
      assert.match((await page.getAttribute('.fl-timeline-canvas', 'aria-label'))!, /^Zeitleiste über .*Eigener Code [\d.<]+%.*\. Die Pfeiltasten bewegen einen Cursor, der die Werte des Lastlaufs zu der Zeit vorliest\. Ziehen/);

      // Before any range: a column late in the run on the strip and on each track.
      const late = 0.8;
      const surfaces = ['.fl-timeline-canvas', ...tracks.tracks.map((t) => trackCanvas(t.kind))];
      const before = await Promise.all(surfaces.map((s) => canvasColumn(page, s, late)));

      // The keyboard cursor in the run's second second: the live region reads time and values in German.
      const step = (axis.end - axis.start) / 50;
      const k = 1;
      const presses = Math.ceil((tracks.from[k]! - axis.start) / step + 1e-9);
      const cursor = axis.start + presses * step;
      await page.focus('.fl-timeline-canvas');
      await page.keyboard.press('Home');
      for (let i = 0; i < presses; i++) await page.keyboard.press('ArrowRight');
      const live = (await page.textContent('.fl-timeline-live'))!;
      const at = de('{0} s', ((cursor - axis.start) / 1e6).toFixed(2));
      assert.equal(live, withGerman(() => cursorAnnouncement({ at, lanes: [], tracks: tracks.tracks.map((t) => ({ kind: t.kind, value: t.values[k] })) })));
      assert.match(live, /^\d+\.\d\d Sek\.: Anfragen\/s \d[\d,]* Anf\.\/s, p99-Latenz \d/);

      // A range from there: the chip in German; outside it the strip and every track are greyed alike.
      for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowRight');
      await page.waitForSelector(chip, { state: 'visible' });
      assert.match((await page.textContent(chip))!, /^\d+\.\d\d Sek\. – \d+\.\d\d Sek\. ×$/);
      await page.evaluate(() => document.activeElement?.blur());
      const after = await Promise.all(surfaces.map((s) => canvasColumn(page, s, late)));
      const dims = surfaces.map((s, i) => {
        const alphas = dimAlphas(before[i]!, after[i]!);
        assert.ok(alphas.length > 10, `${s}: ${alphas.length} measurable pixels`);
        return median(alphas);
      });
      for (const [i, dim] of dims.entries()) assert.ok(Math.abs(dim - 0.45) < 0.02, `${surfaces[i]} dimmed by ${dim.toFixed(3)}, not 0.45`);
      await page.screenshot({ path: path.join(outputDir, 'load-tracks-de.png') });
      assert.deepEqual(errors, []);
      assert.deepEqual(violations, []);
      await page.context().close();
    } finally {
      delete server.l10n;
    }
  });
});

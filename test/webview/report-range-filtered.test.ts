// A filtered standalone report (`flamelens report --hide-node-modules --html`, opened from disk in
// Chromium) selects a time range like an unfiltered one: its embedded per-bucket data follows the
// filter's node map, so a drag (or Shift+arrows) re-scopes the filtered table — still without a
// node_modules frame, each row within rounding of what the extension host shows for the same
// range (slice, then filter) — and the chip or Escape gives back the whole filtered view.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatValue } from '../../src/model/format';
import { sliceProfile } from '../../src/model/time-slice';
import { applyViewOptions } from '../../src/model/view';
import { defaultViewOptions, type TablePayload, type TimeRange } from '../../src/protocol';
import type { InitMessage } from '../../src/webview-page/html';
import { treeAndTable } from '../../src/webview-page/payload';
import type { ReportRangeData } from '../../src/webview-page/report-range';
import { ReportRange } from '../../webview/report-range';
import { openOfflinePage, useChromium } from '../support/chromium-suite';
import { distDir, ensureBuilt, fixture, loadProfile, outputDir } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const chip = '.fl-range-chip';
const strip = '.fl-timeline-canvas';
const options = { ...defaultViewOptions, hideNodeModules: true };

/** The table's first rows as the page writes them: name and self (the root is not a function: the page leaves it out). */
const rowsOf = (table: TablePayload, n = 8) =>
  table.rows
    .filter((row) => table.frames[row.frame]!.name !== '(root)')
    .sort((a, b) => b.self - a.self)
    .slice(0, n)
    .map((row) => `${table.frames[row.frame]!.name} ${formatValue(row.self, 'us')}`);

async function waitForTable(page: Page, rows: string[]): Promise<void> {
  await page
    .waitForFunction((want) => {
      const got = [...document.querySelectorAll('.fl-table tbody tr')].slice(0, want.length).map((r: { querySelector(s: string): { textContent: string; firstChild?: { textContent: string } } | null }) => `${r.querySelector('td.name')?.textContent} ${r.querySelector('td.num')?.firstChild?.textContent}`);
      return JSON.stringify(got) === JSON.stringify(want);
    }, rows, { timeout: 10_000 })
    .catch(async (e: unknown) => {
      const got = await page.$$eval('.fl-table tbody tr', (trs, n) => trs.slice(0, n).map((r) => `${r.querySelector('td.name')?.textContent} ${r.querySelector('td.num')?.firstChild?.textContent}`), rows.length);
      throw new Error(`${String(e)}\nwanted ${JSON.stringify(rows)}\ngot ${JSON.stringify(got)}`);
    });
}

describe('filtered standalone report: range selection (file://, Chromium)', { timeout: 120_000 }, () => {
  let browser: Browser;
  let dir: string;
  let file: string;
  const profile = loadProfile('small-webpack-1000us.cpuprofile');

  before(async () => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-report-range-'));
    file = path.join(dir, 'filtered.html');
    const r = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), 'report', fixture('small-webpack-1000us.cpuprofile'), '--hide-node-modules', '--html', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  useChromium((suite) => (browser = suite.browser));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a drag and Shift+arrows re-scope the filtered table; the chip and Escape give the whole filtered view back', async () => {
    const html = readFileSync(file, 'utf8');
    const embedded = (id: string) => JSON.parse(new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html)![1]!);
    const init = embedded('flamelens-data') as InitMessage;
    assert.equal(init.options.hideNodeModules, true);
    const data = embedded('flamelens-range') as ReportRangeData;
    const range = ReportRange.from(init, data);
    assert.ok(range, 'the filtered report embeds range data the page accepts');

    const { context, network, page, errors } = await openOfflinePage(browser, pathToFileURL(file).href, { viewport: { width: 1100, height: 900 } });
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    assert.equal(await page.isChecked('#fl-opt-hideNodeModules'), true, 'the report shows its filter on');
    assert.match((await page.getAttribute(strip, 'aria-label'))!, /Drag, or press Shift with the arrow keys, to select a range/);

    const whole = rowsOf(init.table);
    await waitForTable(page, whole);

    // Drag over the strip from 20 % to 50 %: buckets [20, 50) of 100.
    const box = (await page.locator(strip).boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.35, y, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.5, y, { steps: 4 });
    await page.mouse.up();
    await page.waitForSelector(chip, { state: 'visible' });
    const w = (data.end - data.start) / data.buckets;
    const chosen: TimeRange = { from: data.start + 20 * w, to: data.start + 50 * w };
    assert.equal(await page.textContent(chip), `${((20 * w) / 1e6).toFixed(2)} s – ${((50 * w) / 1e6).toFixed(2)} s ×`);
    const scoped = range.scoped(chosen).table;
    const want = rowsOf(scoped);
    assert.notDeepEqual(want, whole, 'the range has a different table (else the test proves nothing)');
    await waitForTable(page, want);

    // What the page shows is what the host shows for that range: slice, then filter (up to whole-µs rounding per bucket).
    const host = treeAndTable(applyViewOptions(sliceProfile(profile, chosen.from, chosen.to), options)).table;
    const key = (f: TablePayload['frames'][number]) => JSON.stringify([f.name, f.url, f.line, f.column]);
    const hostSelf = new Map(host.rows.map((r) => [key(host.frames[r.frame]!), r.self]));
    for (const r of scoped.rows.filter((row) => scoped.frames[row.frame]!.name !== '(root)').sort((a, b) => b.self - a.self).slice(0, 8)) {
      const f = scoped.frames[r.frame]!;
      assert.notEqual(f.category, 'node_modules', `${f.name} is a node_modules frame in a view that hides them`);
      const h = hostSelf.get(key(f));
      assert.ok(h !== undefined && Math.abs(h - r.self) <= 15, `${f.name}: page ${r.self} µs, host ${h} µs`);
    }
    await page.screenshot({ path: path.join(outputDir, 'report-range-filtered.png') });
    await page.click(chip);
    await page.waitForSelector(chip, { state: 'hidden' });
    await waitForTable(page, whole);

    // From the keyboard: Home, then Shift+→ five times (a tenth of the profile: buckets [0, 10)).
    await page.focus(strip);
    await page.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForSelector(chip, { state: 'visible' });
    await waitForTable(page, rowsOf(range.scoped({ from: data.start, to: data.start + 10 * w }).table));
    await page.keyboard.press('Escape');
    await page.waitForSelector(chip, { state: 'hidden' });
    await waitForTable(page, whole);
    assert.deepEqual(errors, []);
    assert.deepEqual(network, []);
    await context.close();
  });
});

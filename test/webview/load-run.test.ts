// The Load Run webview (webview/load → dist/load.js) in real Chromium under the same strict CSP as
// in VS Code, showing a run measured here by the real load driver against a real loopback server:
// percentiles in order, a red banner for a broken threshold, charts drawn, top functions as inert
// text that post openSource, finite numbers only, Open Full Recording when the whole recording was
// kept; and the compare page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LoadDriver } from '../../src/load/driver';
import { buildLoadRun, type LoadRun } from '../../src/load/run';
import { parseThreshold } from '../../src/load/thresholds';
import { loadCompareView, loadRunView } from '../../src/load/view-model';
import type { LoadHostMessage } from '../../src/load/view-protocol';
import { openRecordingPage, serveLoopback, servePage, useChromium, type PageServer } from '../support/chromium-suite';
import { distDir, outputDir, repoRoot } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any;

const hostile = '<img src=x onerror="window.__pwned=1">';

/** A loopback server whose every answer takes about `ms` of CPU. */
function target(ms: number): Promise<{ url: string; close(): Promise<void> }> {
  return serveLoopback((_url, res) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
    res.end('ok');
  });
}

async function measuredRun(ms: number, thresholds: string[]): Promise<LoadRun> {
  const t = await target(ms);
  try {
    const stages = [{ durationMs: 1200, connections: 2 }, { durationMs: 1200, connections: 4 }];
    const spec = { urls: [t.url], method: 'GET', headers: {}, pipelining: 1 };
    const measurement = await new LoadDriver().measure(spec, stages);
    return buildLoadRun({
      startedAt: new Date(),
      config: { urls: [t.url], method: 'GET', headerNames: [], bodyBytes: 0, connections: 2, pipelining: 1, warmupMs: 0, warmupUrls: [], stages, command: ['node', 'server.js'] },
      measurement,
      thresholds: thresholds.map(parseThreshold),
      profiles: ['/tmp/s/CPU.1.cpuprofile'],
      topFunctions: [
        { name: hostile, url: 'file:///work/app/server.js', line: 7, selfMs: 900.5, selfPct: 41.2 },
        { name: '(garbage collector)', url: '', line: 0, selfMs: 12, selfPct: 0.5 },
      ],
    });
  } finally {
    await t.close();
  }
}

/** The Load Run page, at the size its screenshot is taken. */
const open = (browser: Browser, url: string) => openRecordingPage(browser, url, { width: 1100, height: 900 });

async function send(page: Page, message: LoadHostMessage): Promise<{ type: string; mode: string; percentiles: number; charts: number; banner: boolean }> {
  const before = await page.evaluate(() => window.__posted.length);
  await page.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), message);
  await page.waitForFunction((n) => window.__posted.slice(n).some((m: { type: string }) => m.type === 'rendered'), before, { timeout: 10_000 });
  return page.evaluate(() => window.__posted.filter((m: { type: string }) => m.type === 'rendered').at(-1));
}

/** Numbers in the page's text: every one must be finite (no NaN, Infinity). */
async function bodyText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText as string);
}

/** How many pixels of a canvas were drawn on. */
function inkOf(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c: { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
}

describe('Load Run webview', () => {
  let browser: Browser;
  let server: PageServer;
  let fast: LoadRun;
  let slow: LoadRun;

  before(async () => {
    if (!existsSync(path.join(distDir, 'load.js'))) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    fast = await measuredRun(1, ['p99<10s', 'p50<0.001ms']);
    slow = await measuredRun(4, []);
  });
  useChromium((suite) => ({ browser, server } = suite), () => servePage('load', 'load run'));

  it('shows the percentiles, the broken threshold in a red banner, stages, charts and inert function names', async () => {
    const { page, violations, errors } = await open(browser, server.url);
    const view = loadRunView(fast, 'server.js', '/work/app');
    assert.ok(view.requests.total! > 20, `${view.requests.total} requests measured`);
    const rendered = await send(page, { type: 'run', view });
    assert.deepEqual(rendered, { type: 'rendered', mode: 'run', percentiles: 7, charts: 3, banner: true });

    assert.deepEqual(await page.$$eval('table.percentiles th', (ths: { textContent: string }[]) => ths.map((t) => t.textContent)), ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']);
    const shownMs = (await page.$$eval('table.percentiles td', (tds: { textContent: string }[]) => tds.map((t) => t.textContent))).map((t) => {
      const m = /^([\d.,]+) (ms|s)$/.exec(t);
      assert.ok(m, `cell "${t}"`);
      return Number(m[1]!.replace(/,/g, '')) * (m[2] === 's' ? 1000 : 1);
    });
    assert.ok(shownMs[0]! > 0 && shownMs[0]! <= shownMs[2]! && shownMs[2]! <= shownMs[3]! && shownMs[3]! <= shownMs[5]!, `in order: ${shownMs.join(', ')}`);
    assert.ok(Math.abs(shownMs[3]! - view.percentiles[3]!.ms!) <= Math.max(0.01, view.percentiles[3]!.ms! * 0.01), 'p99 as measured');

    assert.equal(await page.textContent('.banner.broken'), 'Threshold broken: p50<0.001ms');
    assert.deepEqual(await page.$$eval('table.thresholds td:first-child', (tds: { textContent: string }[]) => tds.map((t) => t.textContent)), ['✓ held', '✗ broken']);
    assert.equal(await page.$$eval('table.stages tbody tr', (trs: unknown[]) => trs.length), 2);
    for (const id of ['rps', 'latency', 'errors']) assert.ok((await inkOf(page, `.chart[data-chart="${id}"] canvas`)) > 200, `${id} chart drawn`);

    // Names are text: no element made of the hostile one, and it is shown as written.
    assert.equal(await page.$$eval('img', (imgs: unknown[]) => imgs.length), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.textContent('table.functions a.fn'), hostile);
    // A native frame has no link (nothing to open).
    assert.equal(await page.$$eval('table.functions a.fn', (as: unknown[]) => as.length), 1);
    await page.click('table.functions a.fn');
    const opened = await page.evaluate(() => window.__posted.filter((m: { type: string }) => m.type === 'openSource'));
    assert.deepEqual(opened, [{ type: 'openSource', url: 'file:///work/app/server.js', line: 7, name: hostile }]);
    await page.click('button.open-flame');
    assert.ok(await page.evaluate(() => window.__posted.some((m: { type: string }) => m.type === 'openFlameGraph')));
    // Open Full Recording only where the host found the whole recording beside the profile.
    assert.equal(await page.$$eval('button.open-full', (bs: unknown[]) => bs.length), 0);
    await send(page, { type: 'run', view: { ...view, hasFullRecording: true } });
    assert.match((await page.getAttribute('button.open-full', 'title'))!, /warm-up included, with the measured window selected/);
    await page.click('button.open-full');
    assert.ok(await page.evaluate(() => window.__posted.some((m: { type: string }) => m.type === 'openFullRecording')));

    const text = await bodyText(page);
    assert.doesNotMatch(text, /NaN|Infinity|undefined/);
    await page.screenshot({ path: path.join(outputDir, 'load-run.png'), fullPage: true });
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows the host’s translations (vscode.l10n.bundle embedded as data) and keeps a hostile one as text', async () => {
    server.l10n = {
      'Open Flame Graph': 'Flammendiagramm öffnen',
      'Threshold broken: {0}': 'Schwellenwert verletzt: {0}',
      Latency: `Latenz ${hostile}`,
    };
    try {
      const { page, violations, errors } = await open(browser, server.url);
      await send(page, { type: 'run', view: loadRunView(fast, 'server.js', '/work/app') });
      assert.equal(await page.textContent('button.open-flame'), 'Flammendiagramm öffnen', 'the button is translated');
      assert.equal(await page.textContent('.banner.broken'), 'Schwellenwert verletzt: p50<0.001ms', 'a translated message keeps its {0} argument');
      const headings = await page.$$eval('h2', (hs: { textContent: string }[]) => hs.map((h) => h.textContent));
      assert.ok(headings.includes(`Latenz ${hostile}`), `the hostile translation is shown as written: ${JSON.stringify(headings)}`);
      assert.equal(await page.getAttribute('.chart[data-chart="latency"] canvas', 'aria-label'), `Latenz ${hostile}`);
      assert.ok(headings.includes('Requests'), 'a message the bundle lacks stays English');
      assert.equal(await page.$$eval('img', (imgs: unknown[]) => imgs.length), 0, 'a translation is text, never markup');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(violations, []);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      delete server.l10n;
    }
  });

  it('draws the event-loop chart when the run has it; no banner when every threshold held', async () => {
    const { page, violations, errors } = await open(browser, server.url);
    const withEld: LoadRun = { ...slow, thresholds: [], timeline: slow.timeline.map((p, i) => ({ ...p, eventLoopDelayP99: 5 + i })) };
    const rendered = await send(page, { type: 'run', view: loadRunView(withEld, 'slow') });
    assert.equal(rendered.charts, 4);
    assert.equal(rendered.banner, false);
    assert.ok((await inkOf(page, '.chart[data-chart="eventLoop"] canvas')) > 100);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a run an external tool drove: latency and counts not measured ("—", never NaN), the server\'s event-loop delay chart and figures shown', async () => {
    const { page, violations, errors } = await open(browser, server.url);
    // The shape `flamelens load --load-cmd` writes when the tool's output could not be read.
    const external: LoadRun = {
      ...slow,
      driver: 'external',
      external: { command: 'k6 run <script>.js', exitCode: 0, signal: null, stdout: '', stdoutTruncated: false, notes: [] },
      latency: null,
      requests: null,
      throughput: null,
      errorPercent: null,
      stages: [],
      thresholds: [],
      timeline: slow.timeline.map((p, i) => ({ ...p, rps: null, p50: null, p99: null, errors: null, non2xx: null, eventLoopDelayP99: 2 + i, cpuPct: 50, heapUsedMB: 12 })),
      server: { processes: 1, eventLoopDelay: { p50: 1.5, p99: 4.25, max: 9, mean: 2 }, worstSecondP99: 5, eventLoopUtilization: 0.4, cpuPct: 55, heapUsedMBMax: 14.2, resolutionMs: 10 },
    };
    const rendered = await send(page, { type: 'run', view: loadRunView(external, 'external') });
    assert.equal(rendered.charts, 4, 'the three load charts (empty) and the event-loop chart');
    assert.ok((await inkOf(page, '.chart[data-chart="eventLoop"] canvas')) > 100, 'event-loop delay drawn');
    assert.deepEqual(await page.$$eval('table.percentiles td', (tds: { textContent: string }[]) => tds.map((t) => t.textContent)), Array(7).fill('—'));
    assert.deepEqual(await page.$$eval('table.requests td', (tds: { textContent: string }[]) => tds.map((t) => t.textContent)), Array(8).fill('—'));
    assert.deepEqual(await page.$$eval('table.server td', (tds: { textContent: string }[]) => tds.map((t) => t.textContent)), ['1.50 ms', '4.25 ms', '9.00 ms', '40.0 %', '55.0 %', '14.2 MB']);
    const text = await bodyText(page);
    assert.match(text, /load by external: k6 run <script>\.js/);
    assert.match(text, /not measured: an external tool drove the load/i);
    assert.doesNotMatch(text, /NaN|Infinity|undefined|null/);

    // An attached server has no agent: its figures say why they are missing; compared with a measured run, "not measured".
    const attached: LoadRun = { ...external, serverMode: 'attached', server: undefined, serverNote: 'an attached server runs without the FlameLens agent' };
    delete attached.server;
    await send(page, { type: 'run', view: loadRunView(attached, 'attached') });
    assert.match((await page.textContent('.server-not-measured')) ?? '', /not measured — an attached server runs without the FlameLens agent/);
    const cmp = await send(page, { type: 'compare', view: loadCompareView(fast, external, { before: 'before', after: 'after' }) });
    assert.equal(cmp.mode, 'compare');
    assert.equal(await page.textContent('table.deltas tbody tr:first-child td:nth-child(3)'), '—');
    assert.equal(await page.textContent('table.deltas tbody tr:first-child td:nth-child(4)'), 'not measured');
    assert.doesNotMatch(await bodyText(page), /NaN|Infinity|undefined|null/);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('compare page: per-percentile deltas, slower marked worse, grown functions', async () => {
    const { page, violations, errors } = await open(browser, server.url);
    const view = loadCompareView(fast, slow, { before: 'before', after: 'after' });
    const rendered = await send(page, { type: 'compare', view });
    assert.deepEqual(rendered, { type: 'rendered', mode: 'compare', percentiles: 10, charts: 0, banner: false });
    const labels = await page.$$eval('table.deltas td:first-child', (tds: { textContent: string }[]) => tds.map((t) => t.textContent));
    assert.deepEqual(labels.slice(0, 7), ['latency p50', 'latency p90', 'latency p95', 'latency p99', 'latency p99.9', 'latency max', 'latency mean']);
    // 4 ms of work per request against 1 ms: p50 grew, shown as worse.
    assert.equal(await page.getAttribute('table.deltas tbody tr:first-child td:nth-child(4) span', 'class'), 'worse');
    assert.match((await page.textContent('table.deltas tbody tr:first-child td:nth-child(4)')) ?? '', /^\+/);
    assert.doesNotMatch(await bodyText(page), /NaN|Infinity|undefined/);
    // The grown functions are per request (compareRuns scales the earlier run to this one's requests).
    assert.match(await bodyText(page), /Functions whose self time per request grew/);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

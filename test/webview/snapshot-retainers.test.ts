// "Why is this alive?" in the heap-snapshot webview (dist/snapshot.js) in real Chromium under the strict
// CSP, its host stood in by the test: the page's questions go to a real snapshot worker that keeps the
// snapshot of a real leak (LeakyThing objects in a module-level `cache` Map) and its answers come back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openSnapshotFile, type SnapshotSession } from '../../src/heap/session';
import type { SnapshotSummary } from '../../src/heap/types';
import type { SnapshotHostMessage, SnapshotQuestion } from '../../src/snapshot-protocol';
import { openRecordingPage, servePage, useChromium, type PageServer } from '../support/chromium-suite';
import { hostileClass, hostileKey, writeHostileSnapshot } from '../support/hostile-snapshot';
import { leakyCount, writeLeakySnapshot } from '../support/leaky-snapshot';
import { distDir, repoRoot } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const hostile = '<img src=x onerror="window.__pwned=1">';

async function send(page: Page, message: SnapshotHostMessage): Promise<void> {
  await page.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), message);
}

/** The page's `n`th question (1-based), once it has asked it. */
async function question(page: Page, n: number): Promise<SnapshotQuestion> {
  await page.waitForFunction((k) => window.__posted.filter((m: { type: string }) => m.type === 'instances' || m.type === 'retainers').length >= k, n, { timeout: 10_000 });
  return page.evaluate((k) => window.__posted.filter((m: { type: string }) => m.type === 'instances' || m.type === 'retainers')[k - 1], n);
}

/** What the extension's editor does with a question: asks the kept snapshot and posts the answer. */
async function relay(page: Page, session: SnapshotSession, n: number): Promise<void> {
  const q = await question(page, n);
  await send(page, { type: 'answer', question: q, result: await session.query(q.type === 'instances' ? { ...q, count: 20 } : q) });
}

const instanceLabels = (page: Page): Promise<string[]> => page.$$eval('tr.instance td.name', (tds: { textContent: string }[]) => tds.map((td) => td.textContent));

describe('heap snapshot webview: instances and retainers', () => {
  let dir = '';
  let browser: Browser;
  let server: PageServer;
  let summary: SnapshotSummary;
  let session: SnapshotSession | undefined;

  before(async () => {
    if (!existsSync(path.join(distDir, 'snapshot.js'))) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-retainers-'));
    ({ summary, session } = await openSnapshotFile(writeLeakySnapshot(dir)));
    assert.ok(session, 'the worker kept the snapshot');
  });
  useChromium((suite) => ({ browser, server } = suite), () => servePage('snapshot', 'snapshot'));
  after(() => {
    session?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('expands LeakyThing from the keyboard to its largest objects, and shows what keeps one alive: the Map in `cache`', async () => {
    const { page, violations, errors } = await openRecordingPage(browser, server.url);
    await send(page, { type: 'summary', title: 'leaky-cache.heapsnapshot', summary, inspect: true });
    await page.fill('.filter', 'LeakyThing');
    const toggle = 'tbody tr:first-child td:first-child button';
    assert.equal(await page.textContent(toggle), 'LeakyThing');
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'false');
    await page.focus(toggle);
    await page.keyboard.press('Enter');
    assert.deepEqual(await question(page, 1), { type: 'instances', name: 'LeakyThing' });
    assert.equal(await page.textContent('tr.instance'), 'Loading…');
    await relay(page, session!, 1);
    assert.equal(await page.getAttribute(toggle, 'aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => window.document.activeElement?.textContent), 'LeakyThing', 'focus stays on the toggle');
    const labels = await instanceLabels(page);
    assert.equal(labels.length, 20);
    assert.ok(labels.every((l) => /^LeakyThing @\d+$/.test(l)), labels.join(', '));
    const largest = (await session!.query({ type: 'instances', name: 'LeakyThing', count: 1 })).instances[0]!;
    assert.equal(labels[0], `LeakyThing @${largest.id}`);
    const firstRow = await page.$eval('tr.instance', (tr: { cells: { textContent: string }[] }) => [...tr.cells].map((td) => td.textContent));
    // Formatted as the constructor's own size columns are: finite, with units.
    assert.equal(firstRow[2], `${largest.selfSize} B`);
    const [value, unit] = firstRow[3]!.split(' ');
    assert.ok(unit === 'KB' && Math.abs(Number(value) * 1024 - largest.retainedSize) <= 52, `${firstRow[3]} for ${largest.retainedSize} bytes`);
    assert.deepEqual([firstRow[1], firstRow[4]], ['', ''], 'no count or share for one object');

    await page.click('tr.instance button');
    assert.deepEqual(await question(page, 2), { type: 'retainers', index: largest.index });
    await relay(page, session!, 2);
    assert.equal(await page.getAttribute('tr.instance button', 'aria-expanded'), 'true');
    const shortest = (await page.textContent('tr.retainers ol.paths li:first-child')) ?? '';
    assert.match(shortest, / ← table \(internal\) in Map @\d+ ← cache \(context\) in system \/ Context @\d+ ← /, shortest);
    assert.match((await page.textContent('tr.retainers .note')) ?? '', /^References to it: \d+\. Shortest paths to the GC roots first:\S/);

    assert.equal(await page.textContent('tr.instance:last-child'), `The largest 20 of ${leakyCount}`);

    await page.click(toggle);
    assert.deepEqual(await instanceLabels(page), [], 'collapsed');
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows names and errors from the snapshot as text, and offers no toggles when the snapshot was not kept', async () => {
    const { page, violations, errors } = await openRecordingPage(browser, server.url);
    await send(page, { type: 'summary', title: 'leaky-cache.heapsnapshot', summary, inspect: true });
    await page.fill('.filter', 'LeakyThing');
    await page.click('tbody tr:first-child button');
    const step = { edge: hostile, edgeType: 'property', name: hostile, id: 3 };
    await send(page, { type: 'answer', question: { type: 'instances', name: 'LeakyThing' }, result: { name: 'LeakyThing', total: 1, instances: [{ index: 7, id: 9, name: hostile, selfSize: 16, retainedSize: 32 }] } });
    await page.click('tr.instance button');
    await send(page, { type: 'answer', question: { type: 'retainers', index: 7 }, result: { index: 7, retainers: 3, paths: [{ steps: [step], end: 'depth' }] } });
    assert.equal(await page.textContent('tr.instance td.name'), `${hostile} @9`);
    assert.equal(await page.textContent('ol.paths li'), `${hostile} (property) in ${hostile} @3 ← …`);
    assert.equal(await page.textContent('tr.retainers .note'), `References to it: 3. Shortest paths to the GC roots first:${hostile} (property) in ${hostile} @3 ← …`);
    await send(page, { type: 'answer', question: { type: 'retainers', index: 7 }, error: `no object ${hostile}` });
    assert.equal(await page.textContent('tr.retainers td.error'), `no object ${hostile}`);
    assert.equal(await page.$$eval('img', (imgs: unknown[]) => imgs.length), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    await send(page, { type: 'summary', title: 'leaky-cache.heapsnapshot', summary });
    assert.equal(await page.$$eval('tbody button', (b: unknown[]) => b.length), 0, 'without a kept snapshot, rows are plain');
    assert.equal(await page.textContent('tbody tr:first-child td:first-child'), 'LeakyThing');
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('heap snapshot webview: control and bidi characters in names', () => {
  let dir = '';
  let browser: Browser;
  let server: PageServer;
  let summary: SnapshotSummary;
  let session: SnapshotSession | undefined;

  before(async () => {
    if (!existsSync(path.join(distDir, 'snapshot.js'))) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-hostile-names-'));
    ({ summary, session } = await openSnapshotFile(writeHostileSnapshot(dir)));
    assert.ok(session, 'the worker kept the snapshot');
  });
  useChromium((suite) => ({ browser, server } = suite), () => servePage('snapshot', 'snapshot'));
  after(() => {
    session?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows them escaped in the constructor toggle, its objects and their retainer paths, and asks by the real name', async () => {
    const shownClass = 'Evil\\u202eeman\\nForged';
    const shownKey = 'key\\u202e\\nx';
    const { page, violations, errors } = await openRecordingPage(browser, server.url);
    await send(page, { type: 'summary', title: 'hostile-names.heapsnapshot', summary, inspect: true });
    await page.fill('.filter', 'eman');
    const toggle = 'tbody tr:first-child td:first-child button';
    assert.equal(await page.textContent(toggle), shownClass);
    await page.click(toggle);
    assert.deepEqual(await question(page, 1), { type: 'instances', name: hostileClass }, 'the host is asked about the name as it is');
    await relay(page, session!, 1);
    const labels = await instanceLabels(page);
    assert.ok(labels.length > 0 && labels.every((l) => l.startsWith(`${shownClass} @`)), labels.join(', '));

    // The object held under the hostile property name: its shortest path goes through that edge.
    const page1 = await session!.query({ type: 'instances', name: hostileClass, count: 20 });
    let held: number | undefined;
    for (const i of page1.instances) {
      const report = await session!.query({ type: 'retainers', index: i.index });
      if (report.paths[0]?.steps.some((s) => s.edge === hostileKey)) held = i.index;
    }
    assert.ok(held !== undefined, 'an object is retained through the hostile property name');
    await page.click(`button[data-key="i${held}"]`);
    await relay(page, session!, 2);
    const shortest = (await page.textContent('tr.retainers ol.paths li:first-child')) ?? '';
    assert.ok(shortest.includes(`${shownKey} (property) in Object @`), shortest);
    for (const part of ['table', '.header']) assert.doesNotMatch((await page.textContent(part)) ?? '', /[\u202e\n]/, `no raw bidi override or newline in ${part}`);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

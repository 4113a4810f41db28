// The heap-snapshot table webview (webview/snapshot → dist/snapshot.js) in real Chromium under the
// same strict CSP as in VS Code, fed the summary of a real heap snapshot (written by a Node process
// holding 30000 LeakyThing objects): sorting, filtering, diff mode, names as text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { diffSnapshots } from '../../src/heap/diff';
import { summarizeSnapshotFile } from '../../src/heap/summarize';
import { summarizeInProcess } from '../../src/heap/summarize-in-process';
import { formatValue } from '../../src/model/format';
import type { SnapshotSummary } from '../../src/heap/types';
import type { SnapshotHostMessage } from '../../src/snapshot-protocol';
import { openRecordingPage, servePage, useChromium, type PageServer } from '../support/chromium-suite';
import { hostileClass, hostileCount, writeHostileSnapshot } from '../support/hostile-snapshot';
import { distDir, repoRoot } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const hostile = '<img src=x onerror="window.__pwned=1">';

function takeSnapshot(dir: string, count: number): string {
  const program = `
    class LeakyThing { constructor(i) { this.i = i; this.twice = i * 2; } }
    const kept = []; for (let i = 0; i < ${count}; i++) kept.push(new LeakyThing(i));
    require('node:v8').writeHeapSnapshot(require('node:path').join(${JSON.stringify(dir)}, 'leak-${count}.heapsnapshot'));
    globalThis.kept = kept;`;
  execFileSync(process.execPath, ['-e', program], { stdio: 'ignore', timeout: 60_000 });
  return path.join(dir, `leak-${count}.heapsnapshot`);
}

async function send(page: Page, message: SnapshotHostMessage): Promise<void> {
  await page.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), message);
}

const cells = (page: Page, column: number): Promise<string[]> =>
  page.$$eval(`tbody tr td:nth-child(${column})`, (tds: { textContent: string }[]) => tds.map((td) => td.textContent));

describe('heap snapshot table webview', () => {
  let dir = '';
  let browser: Browser;
  let server: PageServer;
  let before30: SnapshotSummary;
  let after50: SnapshotSummary;
  let tagged: SnapshotSummary;

  before(async () => {
    if (!existsSync(path.join(distDir, 'snapshot.js'))) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-snaptable-'));
    before30 = await summarizeSnapshotFile(takeSnapshot(dir, 30_000), { inProcess: summarizeInProcess });
    after50 = await summarizeSnapshotFile(takeSnapshot(dir, 50_000), { inProcess: summarizeInProcess });
    assert.equal(readdirSync(dir).length, 2);
    tagged = await summarizeSnapshotFile(writeHostileSnapshot(dir), { inProcess: summarizeInProcess });
  });
  useChromium((suite) => ({ browser, server } = suite), () => servePage('snapshot', 'snapshot'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every constructor, sorted by retained size, then by any column, and filters', async () => {
    const { page, violations, errors } = await openRecordingPage(browser, server.url);
    // A hostile constructor name appended to the real summary: it must show as text.
    const summary: SnapshotSummary = { ...before30, constructors: [...before30.constructors, { name: hostile, count: 1, selfSize: 16, retainedSize: 16 }] };
    await send(page, { type: 'progress', message: 'parsing…' });
    assert.equal(await page.textContent('.status'), 'parsing…');
    await send(page, { type: 'summary', title: 'leak.heapsnapshot', summary });
    const names = await cells(page, 1);
    assert.equal(names.length, summary.constructors.length);
    assert.equal(names[0], summary.constructors[0]!.name, 'default order: retained size, as summarised');
    // Sizes read as the CLI (`flamelens attach --snapshot`) prints the same summary: "820 KB", not "820.0 KB".
    const [selfCells, retainedCells] = [await cells(page, 3), await cells(page, 4)];
    const shown = new Map(names.map((name, i) => [name, [selfCells[i], retainedCells[i]]]));
    assert.deepEqual(shown, new Map(summary.constructors.map((c) => [c.name, [formatValue(c.selfSize, 'bytes'), formatValue(c.retainedSize!, 'bytes')]])));

    await page.click('th:nth-child(2) button'); // Count, descending
    assert.equal((await cells(page, 1))[0], 'LeakyThing');
    assert.equal((await cells(page, 2))[0], summary.constructors.find((c) => c.name === 'LeakyThing')!.count.toLocaleString());
    assert.equal(await page.getAttribute('th:nth-child(2)', 'aria-sort'), 'descending');
    await page.click('th:nth-child(2) button'); // ascending
    const ascending = (await cells(page, 2)).map((t) => Number(t.replace(/\D/g, '')));
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));

    await page.fill('.filter', 'leaky');
    assert.deepEqual(await cells(page, 1), ['LeakyThing']);
    await page.fill('.filter', 'onerror');
    assert.deepEqual(await cells(page, 1), [hostile]);
    assert.equal(await page.$$eval('img', (imgs: unknown[]) => imgs.length), 0, 'the name was not parsed as HTML');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    const rendered = await page.evaluate(() => window.__posted.filter((m: { type: string }) => m.type === 'rendered').at(-1));
    assert.deepEqual(rendered, { type: 'rendered', rows: 1, first: hostile, mode: 'summary' });
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows the host’s translations (vscode.l10n.bundle embedded as data), a hostile one as text', async () => {
    server.l10n = { Constructor: 'Konstruktor', 'Filter constructors': `Konstruktoren filtern ${hostile}`, '{0} of {1} rows': '{0} von {1} Zeilen' };
    try {
      const { page, violations, errors } = await openRecordingPage(browser, server.url);
      await send(page, { type: 'summary', title: 'leak.heapsnapshot', summary: before30 });
      assert.equal(await page.textContent('th:nth-child(1) button'), 'Konstruktor', 'the column title is translated (sorted by retained size, so no arrow)');
      assert.equal(await page.getAttribute('.filter', 'placeholder'), `Konstruktoren filtern ${hostile}`);
      const n = before30.constructors.length.toLocaleString();
      assert.equal(await page.textContent('.footer'), `${n} von ${n} Zeilen`, 'the counts fill the translated message');
      assert.equal(await page.textContent('th:nth-child(2) button'), 'Count', 'a message the bundle lacks stays English');
      assert.equal(await page.$$eval('img', (imgs: unknown[]) => imgs.length), 0, 'a translation is text, never markup');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(violations, []);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      delete server.l10n;
    }
  });

  it('shows a constructor name’s bidi override and newline as escapes, as the flame graph does, in summary and diff mode', async () => {
    const shown = 'Evil\\u202eeman\\nForged';
    const c = tagged.constructors.find((k) => k.name === hostileClass);
    assert.ok(c && c.count > hostileCount - 1, 'the real snapshot names the objects by their Symbol.toStringTag');
    const { page, violations, errors } = await openRecordingPage(browser, server.url);
    await send(page, { type: 'summary', title: `${hostileClass}.heapsnapshot`, summary: tagged });
    assert.equal(await page.textContent('.title'), `${shown}.heapsnapshot`);
    await page.fill('.filter', 'eman');
    assert.deepEqual(await cells(page, 1), [shown]);
    assert.equal(await page.getAttribute('tbody td.name', 'title'), shown, 'the tooltip too');
    assert.equal((await cells(page, 2))[0], c.count.toLocaleString());
    await page.fill('.filter', 'eman\\nforged');
    assert.deepEqual(await cells(page, 1), [shown], 'found by the text shown');

    await send(page, { type: 'diff', title: 'a → b', before: 'a', after: `${hostileClass}.heapsnapshot`, diff: diffSnapshots(before30, tagged), beforeTotal: before30.totalSize, afterTotal: tagged.totalSize });
    assert.deepEqual(await cells(page, 1), [shown]);
    assert.match((await page.textContent('.info')) ?? '', /^a → Evil\\u202eeman\\nForged\.heapsnapshot: heap /);
    for (const part of ['.header', 'table']) assert.doesNotMatch((await page.textContent(part)) ?? '', /[\u202e\n]/, `no raw bidi override or newline in ${part}`);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('diff mode: growth per constructor, LeakyThing first, growth marked', async () => {
    const { page, violations, errors } = await openRecordingPage(browser, server.url);
    const diff = diffSnapshots(before30, after50);
    await send(page, { type: 'diff', title: 'a → b', before: 'a', after: 'b', diff, beforeTotal: before30.totalSize, afterTotal: after50.totalSize });
    const names = await cells(page, 1);
    assert.equal(names[0], 'LeakyThing');
    assert.equal(names.length, diff.growth.length);
    assert.equal((await cells(page, 4))[0], '+20,000');
    assert.equal(await page.getAttribute('tbody tr:first-child td:nth-child(4)', 'class'), 'num grew');
    assert.equal((await cells(page, 5))[0], `+${formatValue(diff.growth[0]!.selfSizeDelta, 'bytes')}`);
    const shrank = diff.growth.find((g) => g.selfSizeDelta < 0);
    if (shrank) assert.equal((await cells(page, 5))[diff.growth.indexOf(shrank)], `−${formatValue(-shrank.selfSizeDelta, 'bytes')}`);
    assert.match((await page.textContent('.info')) ?? '', /^a → b: heap \+/);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

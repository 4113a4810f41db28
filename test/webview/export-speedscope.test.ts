// Our speedscope export read by speedscope itself: the `speedscope` npm package's browser build,
// served on 127.0.0.1 and driven in Chromium. The file goes in the way a user opens one (the
// "Browse" file input) and by `#profileURL=` pointing at the same loopback server.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { speedscopeJson, toSpeedscope } from '../../src/export/speedscope';
import { parseProfile } from '../../src/model/import';
import { openOfflinePage, serveLoopback, useChromium, type LoopbackServer } from '../support/chromium-suite';
import { fixture, repoRoot } from './harness';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const speedscopeDir = path.join(repoRoot, 'node_modules/speedscope/dist/release');
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.woff2': 'font/woff2' };

function exportOf(names: string[]): { name: string; json: string } {
  const profiles = names.map((n) => ({ name: n, profile: parseProfile(readFileSync(fixture(n))) }));
  return { name: names[0]!, json: speedscopeJson(toSpeedscope(profiles, names[0]!)) };
}

describe('speedscope reads the speedscope export (Chromium)', () => {
  let browser: Browser;
  let origin = '';
  const served = new Map<string, string>();

  /** speedscope's release build, and the exports in `served` by path. */
  async function serveSpeedscope(): Promise<LoopbackServer> {
    const server = await serveLoopback((url, res) => {
      const exported = served.get(url.pathname);
      if (exported !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(exported);
        return;
      }
      const file = path.join(speedscopeDir, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname).replace(/^[/\\]+/, ''));
      if (!file.startsWith(speedscopeDir) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    origin = server.origin;
    return server;
  }

  useChromium((suite) => (browser = suite.browser), serveSpeedscope);

  /** Opens speedscope and records what would tell of a failed import: alerts, page errors, off-origin requests. */
  async function openSpeedscope(hash = ''): Promise<{ page: Page; problems: string[] }> {
    const problems: string[] = [];
    const { context, page } = await openOfflinePage(browser, `${origin}/${hash}`, {
      viewport: { width: 1200, height: 800 },
      allow: [origin],
      errors: problems,
      beforeLoad: (fresh) => {
        fresh.on('dialog', (d) => {
          problems.push(`dialog: ${d.message()}`);
          void d.dismiss();
        });
      },
    });
    // The tests close the page; its context goes with it, as with browser.newPage.
    page.once('close', () => void context.close().catch(() => undefined));
    return { page, problems };
  }

  /** Waits until speedscope has imported a profile (it then titles the page after it) or reports an error. */
  async function waitForImport(page: Page, problems: string[], name: string): Promise<void> {
    await page.waitForFunction(
      (expected: string) => document.title === `${expected} - speedscope` || document.body.innerText.includes('Something went wrong'),
      name,
      { timeout: 60_000 },
    );
    const text: string = await page.evaluate(() => document.body.innerText);
    assert.ok(!text.includes('Something went wrong'), `speedscope failed to import: ${text.slice(0, 300)}`);
    assert.deepEqual(problems, []);
    // The flame chart is drawn on a canvas once a profile is active.
    assert.ok(await page.evaluate(() => document.querySelectorAll('canvas').length > 0), 'a canvas is shown');
  }

  it('a CPU profile opened through the Browse… file input shows without an import error', async () => {
    const { name, json } = exportOf(['small-webpack-1000us.cpuprofile']);
    const { page, problems } = await openSpeedscope();
    try {
      await page.locator('input[type=file]').setInputFiles({ name: `${name}.speedscope.json`, mimeType: 'application/json', buffer: Buffer.from(json) });
      await waitForImport(page, problems, name);
      const text: string = await page.evaluate(() => document.body.innerText);
      assert.match(text, /small-webpack-1000us\.cpuprofile/, 'the profile name is shown in the toolbar');
    } finally {
      await page.close();
    }
  });

  it('a heap profile and a two-thread file load from #profileURL on loopback; both profiles are listed', async () => {
    const heap = exportOf(['heap-webpack-16k.heapprofile']);
    served.set('/heap.speedscope.json', heap.json);
    const first = await openSpeedscope(`#profileURL=${encodeURIComponent(`${origin}/heap.speedscope.json`)}`);
    try {
      await waitForImport(first.page, first.problems, heap.name);
    } finally {
      await first.page.close();
    }

    const threads = exportOf(['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile']);
    served.set('/threads.speedscope.json', threads.json);
    const second = await openSpeedscope(`#profileURL=${encodeURIComponent(`${origin}/threads.speedscope.json`)}`);
    try {
      await waitForImport(second.page, second.problems, threads.name);
      // speedscope shows "name (1/2)" when a file holds several profiles.
      const text: string = await second.page.evaluate(() => document.body.innerText);
      assert.match(text, /1\s*\/\s*2/, `two profiles offered: ${text.slice(0, 300)}`);
    } finally {
      await second.page.close();
    }
  });

  it('control: a speedscope file with a sample pointing past the frame table is caught by the same checks', async () => {
    const { name, json } = exportOf(['small-marked-1000us.cpuprofile']);
    const broken = JSON.parse(json) as { shared: { frames: unknown[] }; profiles: { samples: number[][] }[] };
    broken.profiles[0]!.samples[0]!.push(broken.shared.frames.length + 5);
    const { page, problems } = await openSpeedscope();
    try {
      await page.locator('input[type=file]').setInputFiles({ name: 'broken.speedscope.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
      await assert.rejects(waitForImport(page, problems, name), assert.AssertionError);
    } finally {
      await page.close();
    }
  });
});

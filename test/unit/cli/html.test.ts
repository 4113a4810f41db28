// The HTML flame graph `flamelens record` writes, opened from disk in a real browser (Debian's
// Chromium through playwright-core): it must draw the recorded program's hot function with no
// network and no script errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { chromiumBuilds, launchChromium } from '../../support/chromium-suite';
import { buildBundles, busyFunction, scratchDir, writeFiles } from '../../support/capture-helpers';

const { path: chromiumPath } = chromiumBuilds.shell;
// Skipped only off CI, where the browser may be missing; CI installs it (scripts/debian-packages.sh).
const noBrowser = !fs.existsSync(chromiumPath) && process.env.CI !== 'true' && `no Chromium at ${chromiumPath}`;
let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

test('the recorded HTML report draws the flame graph offline', { skip: noBrowser }, async () => {
  const dir = scratchDir('cli-html');
  writeFiles(dir, { 'app.js': `${busyFunction('renderInvoices', 300)}${busyFunction('idleChatter', 30)}renderInvoices();\nidleChatter();\n` });
  const r = spawnSync(process.execPath, [cli, 'record', '--out', 'out', '--', 'node', 'app.js'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const html = fs.readdirSync(path.join(dir, 'out')).find((f) => f.endsWith('.cpu.html'));
  assert.ok(html, 'an HTML report');

  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('request', (req) => {
      if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) requests.push(req.url());
    });
    await page.goto(pathToFileURL(path.join(dir, 'out', html)).href);
    // The hot function appears as a frame painted on the flame graph's canvas (the chart's test API
    // lists the drawn frames' rectangles and names).
    await page.waitForFunction(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const g = globalThis as any;
      const el = g.document.querySelector('.fl-graph[data-drawn]');
      const frames: { name: string; width: number }[] = el && g.__flamelens ? g.__flamelens.frames(el) : [];
      return frames.some((f) => f.name === 'renderInvoices' && f.width > 1);
    }, undefined, { timeout: 15_000 });
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, []);
  } finally {
    await browser.close();
  }
});

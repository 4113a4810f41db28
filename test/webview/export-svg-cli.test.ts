// `flamelens export FILE --format svg`: the real CLI (dist/cli.js) draws the flame graph with
// d3-flame-graph on a Node DOM and writes one SVG file. Chromium opens it from disk as a user would:
// an SVG document whose frames carry <title> tooltips naming the profile's functions, the hottest
// one included, with nothing fetched, no script and no HTML island. A function name with markup and
// entities in it stays text, escaped in the file.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseProfile } from '../../src/model/import';
import { functionTable } from '../../src/model/tables';
import { openOfflinePage, useChromium } from '../support/chromium-suite';
import { distDir, fixture, repoRoot } from './harness';

// Browser globals for the callbacks Playwright runs in the page.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const cli = path.join(distDir, 'cli.js');
const markup = '<b>&amp;"x"</b>';

/** Builds dist/ when the CLI or the SVG bundle is missing or older than its sources. */
function ensureSvgBuilt(): void {
  const built = path.join(distDir, 'svg-export.js');
  const sources = ['webview/svg-offline.ts', 'webview/svg-export.ts', 'src/cli/export.ts', 'src/cli/svg-renderer.ts'].map((f) => statSync(path.join(repoRoot, f)).mtimeMs);
  if (!existsSync(built) || !existsSync(cli) || Math.min(statSync(built).mtimeMs, statSync(cli).mtimeMs) < Math.max(...sources)) {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  }
}

describe('flamelens export --format svg (real CLI, Chromium)', () => {
  let browser: Browser;
  let dir = '';
  let hotName = '';
  let svgFile = '';
  let svgText = '';

  before(() => {
    ensureSvgBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'flamelens-svg-cli-'));
    // The fixture's hottest function by self time gets markup and entities in its name.
    const bytes = readFileSync(fixture('small-marked-1000us.cpuprofile'));
    const p = parseProfile(bytes);
    const hottest = functionTable(p).map((r) => p.frames[r.frame]!).find((f) => !f.functionName.startsWith('('))!;
    hotName = `${hottest.functionName}${markup}`;
    const json = JSON.parse(bytes.toString('utf8')) as { nodes: { callFrame: { functionName: string } }[] };
    for (const node of json.nodes) if (node.callFrame.functionName === hottest.functionName) node.callFrame.functionName = hotName;
    const input = path.join(dir, 'marked.cpuprofile');
    writeFileSync(input, JSON.stringify(json));
    svgFile = path.join(dir, 'marked.svg');
    const run = spawnSync(process.execPath, [cli, 'export', input, '--format', 'svg', '-o', svgFile], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /wrote .*marked\.svg/);
    svgText = readFileSync(svgFile, 'utf8');
  });
  useChromium((suite) => (browser = suite.browser));
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a self-contained SVG: no script, no HTML island, no external reference; names escaped', () => {
    assert.match(svgText, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg[\s>]/);
    assert.match(svgText, /<\/svg>\n$/);
    assert.doesNotMatch(svgText, /<script/i);
    assert.doesNotMatch(svgText, /<foreignObject/i);
    assert.doesNotMatch(svgText, /\b(?:xlink:)?href\s*=/i);
    assert.doesNotMatch(svgText, /url\(/i);
    assert.deepEqual([...new Set(svgText.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]*/gi) ?? [])], ['http://www.w3.org/2000/svg'], 'the only URL is the SVG namespace');
    assert.ok(!svgText.includes(markup), 'the markup in the name is not written raw');
    assert.ok(svgText.includes('&lt;b&gt;&amp;amp;&quot;x&quot;&lt;/b&gt;'), 'the name is escaped in titles and attributes');
  });

  it('Chromium opens it as an SVG document whose frames have titles, the hottest function among them', async () => {
    const { context, network, page } = await openOfflinePage(browser, pathToFileURL(svgFile).href, { viewport: { width: 1300, height: 900 } });
    try {
      const doc = await page.evaluate(() => {
        const root = document.documentElement;
        const frames = [...root.querySelectorAll('g.frame')] as { querySelector(s: string): { textContent: string; getAttribute(n: string): string | null } | null }[];
        return {
          tag: root.tagName,
          ns: root.namespaceURI,
          title: root.querySelector(':scope > title')?.textContent as string | undefined,
          titles: frames.map((g) => g.querySelector('title')?.textContent ?? ''),
          labels: frames.map((g) => g.querySelector('text')?.textContent ?? ''),
          widths: frames.map((g) => Number(g.querySelector('rect')?.getAttribute('width'))),
          htmlElements: root.querySelectorAll('b, div, script').length as number,
          width: root.getBoundingClientRect().width as number,
        };
      });
      assert.equal(doc.tag, 'svg');
      assert.equal(doc.ns, 'http://www.w3.org/2000/svg');
      assert.equal(doc.title, 'marked.cpuprofile — FlameLens flame graph');
      assert.ok(doc.titles.length > 20, `${doc.titles.length} frames drawn`);
      assert.ok(doc.titles.every((t) => t.length > 0), 'every frame has a title');
      assert.ok(doc.widths.every((w) => w >= 2 && w <= 1200), 'frames have their final widths (d3 transitions finished)');
      assert.ok(doc.width > 1000, `drawn ${doc.width}px wide`);
      const hot = doc.titles.filter((t) => t.split('\n')[0] === hotName);
      assert.ok(hot.length > 0, `a frame's title names the hottest function ${hotName}`);
      assert.match(hot[0]!, /\nSelf: .+ \(\d+(\.\d+)?%\)\nTotal: /);
      assert.ok(doc.labels.some((l) => l.startsWith(hotName.slice(0, 8))), 'its frame is labelled');
      assert.equal(doc.htmlElements, 0, 'the markup in the name stayed text');
      assert.deepEqual(network, [], 'nothing fetched');
    } finally {
      await context.close();
    }
  });

  it('characters XML cannot hold (control characters, lone surrogates) in a name are shown as escapes', () => {
    const json = JSON.parse(readFileSync(fixture('small-marked-1000us.cpuprofile'), 'utf8')) as { nodes: { callFrame: { functionName: string } }[] };
    // marked's entry function: 80 % of the profile, always drawn.
    const named = json.nodes.find((n) => n.callFrame.functionName === 'start')!;
    named.callFrame.functionName = 'odd\u0001\u001f\ud800name';
    const input = path.join(dir, 'odd.cpuprofile');
    writeFileSync(input, JSON.stringify(json));
    const run = spawnSync(process.execPath, [cli, 'export', input, '--format', 'svg', '-o', '-'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(run.stdout, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])/);
    assert.ok(run.stdout.includes('odd\\x01\\x1f\\ud800name'), 'the name is kept, its unusable characters shown escaped (label, title, attribute)');
  });

  it('bidi overrides and C1 controls in a name are shown escaped in the drawn labels of a file, not written raw', () => {
    const json = JSON.parse(readFileSync(fixture('small-marked-1000us.cpuprofile'), 'utf8')) as { nodes: { callFrame: { functionName: string } }[] };
    const named = json.nodes.find((n) => n.callFrame.functionName === 'start')!;
    named.callFrame.functionName = 'st\u202eart\u2066x\u009b';
    const input = path.join(dir, 'bidi.cpuprofile');
    writeFileSync(input, JSON.stringify(json));
    const out = path.join(dir, 'bidi.svg');
    const run = spawnSync(process.execPath, [cli, 'export', input, '--format', 'svg', '-o', out], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const svg = readFileSync(out, 'utf8');
    assert.doesNotMatch(svg, /[\u202a-\u202e\u2066-\u2069\u0080-\u009f]/, 'no raw bidi or C1 character anywhere');
    assert.match(svg, /<text[^>]*>st\\u202eart/, 'the label shows the escape');
  });

  it('-o - writes the SVG to stdout', () => {
    const run = spawnSync(process.execPath, [cli, 'export', fixture('small-marked-1000us.cpuprofile'), '--format', 'svg', '-o', '-'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^<\?xml[^\n]*\n<svg[\s>][\s\S]*<\/svg>\n$/);
  });
});

// The canvas flame graph in Chromium, at the level of pixels and pointer coordinates: a click or
// hover at a frame's computed rectangle lands on that frame (binary-search hit-testing per row),
// in flame and icicle orientation, zoomed and at a device pixel ratio of 2; the keyboard moves a
// visible focus outline that the live region names; names only ever reach the canvas as text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadProfile, newWebviewPage, openWebview, posted, StandInHost, useWebviewSuite } from './harness';
import type { WebviewPage, WebviewServer } from './harness';
import { chartState, chartStill, chartWidth, clickFrame, drawnFrames, hoverFrame, waitZoomed } from './canvas-frames';
import type { FrameRect } from './canvas-frames';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any;

const profile = loadProfile('small-webpack-1000us.cpuprofile');

/** Frames in view, wide enough to aim at, spread over several depths. */
function targets(frames: FrameRect[], count: number): FrameRect[] {
  const fit = frames.filter((f) => f.visible && f.width >= 6 && f.depth > 0);
  const out: FrameRect[] = [];
  for (const depth of [1, 2, 3, 5, 8, 12, 20]) {
    const row = fit.filter((f) => f.depth === depth);
    // The narrowest and the widest of the row: edges of the binary search.
    row.sort((a, b) => a.width - b.width);
    if (row[0]) out.push(row[0]);
    if (row.length > 1) out.push(row.at(-1)!);
  }
  return out.slice(0, count);
}

/** Counts overlay pixels painted in the focus colour's hue (blue-ish: the theme's focus border is #0078d4). */
async function focusOutlinePixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const overlay = document.querySelector('.fl-graph .fl-canvas-overlay');
    const data = overlay.getContext('2d').getImageData(0, 0, overlay.width, overlay.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i + 2] > 150 && data[i] < 60) n++;
    return n;
  });
}

describe('canvas flame graph: hit-testing, keyboard, pixels (Chromium)', () => {
  let browser: Browser;
  let server: WebviewServer;
  const opened: WebviewPage[] = [];

  async function open(viewport = { width: 1200, height: 900 }, deviceScaleFactor = 1) {
    const w = await openWebview(browser, server, new StandInHost(profile, 'small-webpack'), 'dark', viewport, undefined, { deviceScaleFactor });
    opened.push(w);
    await chartStill(w.page);
    return w;
  }

  useWebviewSuite((suite) => ({ browser, server } = suite), opened);

  it('a pointer at a frame\'s computed rectangle hits that frame: tooltip names it, click zooms it', async () => {
    const { page } = await open();
    const aims = targets(await drawnFrames(page), 10);
    assert.ok(aims.length >= 6, `frames to aim at: ${aims.length}`);
    for (const aim of aims) {
      await hoverFrame(page, aim);
      assert.equal((await chartState(page)).hoveredId, aim.id, `hover hits ${aim.name} at depth ${aim.depth}`);
      assert.equal(await page.locator('.fl-tooltip-name').innerText(), aim.name);
    }
    // Just outside a frame's right edge is its neighbour or nothing, never the frame itself.
    const edge = aims.find((a) => a.depth === 1)!;
    await page.mouse.move(edge.x + edge.width + 1.5, edge.y + edge.height / 2);
    assert.notEqual((await chartState(page)).hoveredId, edge.id);

    const deep = aims.filter((a) => a.depth >= 3).sort((a, b) => b.width - a.width)[0]!;
    await clickFrame(page, deep, ['Alt']);
    await waitZoomed(page, deep.id);
    const zoomed = (await drawnFrames(page)).find((f) => f.id === deep.id)!;
    assert.ok(Math.abs(zoomed.width - (await chartWidth(page))) < 1, 'the clicked frame fills the width');
    // Inside the zoom, hit-testing uses the zoomed scale: a child's new rectangle hits that child.
    const child = (await drawnFrames(page)).filter((f) => f.depth === deep.depth + 1 && f.visible && f.width >= 6).sort((a, b) => a.width - b.width)[0];
    if (child) {
      await hoverFrame(page, child);
      assert.equal((await chartState(page)).hoveredId, child.id, 'a child of the zoomed frame');
    }
    // Ancestors are drawn faded at full width; clicking one zooms out to it.
    const parent = (await drawnFrames(page)).find((f) => f.depth === deep.depth - 1)!;
    assert.ok(parent.faded, 'ancestors of the zoomed frame are faded');
    await clickFrame(page, parent, ['Alt']);
    await waitZoomed(page, parent.id);
    assert.ok(!(await posted(page)).some((m) => m.type === 'openLocation'), 'Alt+click never opened a source');
  });

  it('hit-testing holds in icicle orientation and at device pixel ratio 2', async () => {
    const { page } = await open({ width: 900, height: 700 }, 2);
    const size = await page.evaluate(() => {
      const c = document.querySelector('.fl-graph canvas');
      return { backing: c.width, css: c.getBoundingClientRect().width };
    });
    assert.equal(size.backing, Math.round(size.css * 2), 'the backing store is DPR × the CSS size (crisp text)');
    await page.check('#fl-icicle');
    await chartStill(page);
    const root = (await drawnFrames(page)).find((f) => f.depth === 0)!;
    const top = await page.evaluate(() => document.querySelector('.fl-graph canvas').getBoundingClientRect().top);
    assert.equal(root.y, top, 'icicle: the root is the top row');
    for (const aim of targets(await drawnFrames(page), 6)) {
      await hoverFrame(page, aim);
      assert.equal((await chartState(page)).hoveredId, aim.id, `icicle hover hits ${aim.name}`);
    }
  });

  it('the overlay is not touched in the frame that first paints the graph, and still outlines a hover and clears after it', async () => {
    // A canvas's first operation allocates its pixels: the overlay (hover and focus outlines) has
    // nothing to show at first, so the first paint leaves it for a later frame. Animation frames
    // are counted from before the page's script runs; each canvas's first getContext is noted.
    const w = await newWebviewPage(browser, new StandInHost(profile, 'small-webpack'), 'dark', { width: 1200, height: 900 });
    opened.push(w);
    const { page } = w;
    // A string: the transpiler would wrap named functions in a helper the page does not have.
    await page.addInitScript(`
      window.__frame = 0;
      window.__firstContext = {};
      requestAnimationFrame(function tick() {
        window.__frame++;
        requestAnimationFrame(tick);
      });
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (...args) {
        if (this.closest('.fl-graph')) window.__firstContext[this.className] ??= window.__frame;
        return getContext.apply(this, args);
      };
    `);
    await page.goto(server.url);
    await page.waitForSelector('.fl-graph[data-drawn]', { state: 'attached' });
    await chartStill(page);
    await page.waitForFunction(() => 'fl-canvas-overlay' in window.__firstContext);
    const first = await page.evaluate(() => window.__firstContext as Record<string, number>);
    assert.ok(first['fl-canvas']! >= 1, 'the frames canvas is drawn from an animation frame');
    assert.ok(first['fl-canvas-overlay']! > first['fl-canvas']!, `the overlay is first touched after the frame that painted the graph (${JSON.stringify(first)})`);
    const outlinePixels = () =>
      page.evaluate(() => {
        const overlay = document.querySelector('.fl-graph .fl-canvas-overlay');
        const data = overlay.getContext('2d').getImageData(0, 0, overlay.width, overlay.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      });
    const aim = targets(await drawnFrames(page), 1)[0]!;
    await hoverFrame(page, aim);
    await page.waitForFunction(() => document.querySelector('.fl-tooltip:not([hidden])') !== null);
    assert.ok((await outlinePixels()) > 20, 'the hover outline is painted');
    await page.mouse.move(1, 1);
    await page.waitForFunction(() => document.querySelector('.fl-tooltip:not([hidden])') === null);
    await chartStill(page);
    assert.equal(await outlinePixels(), 0, 'the outline is cleared once the pointer leaves');
    // Resized: both canvases are sized anew (which clears them); a hover still outlines.
    await page.setViewportSize({ width: 900, height: 800 });
    await page.waitForFunction(() => document.querySelector('.fl-graph .fl-canvas-overlay').width === document.querySelector('.fl-graph .fl-canvas').width && document.querySelector('.fl-graph .fl-canvas').width < 900);
    await chartStill(page);
    await hoverFrame(page, targets(await drawnFrames(page), 1)[0]!);
    await page.waitForFunction(() => document.querySelector('.fl-tooltip:not([hidden])') !== null);
    assert.ok((await outlinePixels()) > 20, 'after a resize the hover outline is painted');
  });

  it('keyboard: arrows walk parent, heaviest child and siblings with a visible outline the live region names', async () => {
    const { page } = await open();
    await page.mouse.move(1, 1);
    assert.equal(await focusOutlinePixels(page), 0, 'no outline before focus');
    await page.focus('.fl-graph');
    const start = await chartState(page);
    const frames = await drawnFrames(page);
    const byId = new Map(frames.map((f) => [f.id, f]));
    assert.equal(byId.get(start.focusedId!)?.depth, 0, 'focus starts at the root');
    await page.keyboard.press('ArrowUp');
    const up = byId.get((await chartState(page)).focusedId!)!;
    const heaviest = frames.filter((f) => f.depth === 1).sort((a, b) => b.value - a.value)[0]!;
    assert.equal(up.id, heaviest.id, 'ArrowUp (flame graph) goes to the heaviest child');
    assert.ok((await focusOutlinePixels(page)) > 20, 'the focus outline is painted');
    assert.match((await chartState(page)).label, new RegExp(`^${up.name.replace(/[$()*+.?[\]^{|}\\]/g, '\\$&')}, [\\d.]+% of the total`));
    assert.equal(await page.locator('.fl-graph [aria-live]').textContent(), (await chartState(page)).label, 'the live region holds the label');
    await page.keyboard.press('ArrowRight');
    const right = byId.get((await chartState(page)).focusedId!)!;
    assert.equal(right.depth, 1);
    assert.ok(right.x > up.x, 'ArrowRight goes to the next sibling to the right');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await chartState(page)).focusedId, up.id, 'ArrowLeft comes back');
    await page.keyboard.press('ArrowDown');
    assert.equal(byId.get((await chartState(page)).focusedId!)?.depth, 0, 'ArrowDown goes to the parent');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await waitZoomed(page, up.id);
    await page.keyboard.press('Escape');
    await waitZoomed(page, undefined);
  });

  it('keyboard: the arrows move only between frames that are drawn (never onto one narrower than a pixel)', async () => {
    const { page } = await open();
    await page.focus('.fl-graph');
    await page.keyboard.press('ArrowUp');
    const drawn = new Map((await drawnFrames(page)).map((f) => [f.id, f]));
    const row = [...drawn.values()].filter((f) => f.depth === 1 && f.value > 0);
    // Walk the root's children from the leftmost to the rightmost by ArrowLeft, then ArrowRight.
    const walk = async (key: string) => {
      const seen: number[] = [(await chartState(page)).focusedId!];
      for (;;) {
        await page.keyboard.press(key);
        const id = (await chartState(page)).focusedId!;
        if (id === seen.at(-1)) return seen;
        seen.push(id);
      }
    };
    await walk('ArrowLeft');
    const visited = await walk('ArrowRight');
    for (const id of visited) assert.ok(drawn.get(id)?.depth === 1, `focus went to frame ${id}, which is not drawn in the row`);
    assert.deepEqual(visited, row.sort((a, b) => a.x - b.x).map((f) => f.id), 'every drawn child of the root, left to right, and nothing else');
    assert.ok((await focusOutlinePixels(page)) > 20, 'the outline shows on the last one');
  });

  it('high-contrast themes outline every frame in the theme\'s contrast border colour', async () => {
    const { page } = await open();
    const pixelAtRootEdge = () =>
      page.evaluate(() => {
        const canvas = document.querySelector('.fl-graph canvas');
        const box = canvas.getBoundingClientRect();
        const root = document.defaultView.__flamelens.frames('.fl-graph').find((f: { depth: number }) => f.depth === 0);
        return [...canvas.getContext('2d').getImageData(0, Math.round(root.y - box.top + 6), 1, 1).data].slice(0, 3);
      });
    assert.notDeepEqual(await pixelAtRootEdge(), [111, 195, 223]);
    // What VS Code does when switching to a high-contrast theme: a body class and the variables.
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-contrastBorder', '#6fc3df');
      document.body.classList.replace('vscode-dark', 'vscode-high-contrast');
    });
    await page.waitForFunction(() => {
      const canvas = document.querySelector('.fl-graph canvas');
      const box = canvas.getBoundingClientRect();
      const root = document.defaultView.__flamelens.frames('.fl-graph').find((f: { depth: number }) => f.depth === 0);
      const [r, g, b] = canvas.getContext('2d').getImageData(0, Math.round(root.y - box.top + 6), 1, 1).data;
      return r === 111 && g === 195 && b === 223;
    });
  });

  it('names are drawn with fillText only: a markup name adds no element and no attribute', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    let best = 1;
    for (let n = 1; n < profile.nodeCount; n++) {
      const name = profile.frames[profile.nodeFrame[n]!]!.functionName;
      if (!name.startsWith('(') && profile.totalValue[n]! > profile.totalValue[best]!) best = n;
    }
    const hot = profile.frames[profile.nodeFrame[best]!]!.functionName;
    const tainted = loadProfile('small-webpack-1000us.cpuprofile', (json) => {
      for (const node of json.nodes) if (node.callFrame.functionName === hot) node.callFrame.functionName = evil;
    });
    const w = await openWebview(browser, server, new StandInHost(tainted, 'tainted'));
    opened.push(w);
    await chartStill(w.page);
    assert.ok((await drawnFrames(w.page)).some((f) => f.name === evil), 'the name is drawn as a frame');
    const graph = await w.page.evaluate(() => document.querySelector('.fl-graph').innerHTML);
    assert.ok(!graph.includes('onerror'), 'the chart\'s DOM never holds the name');
    assert.equal(await w.page.locator('img').count(), 0);
  });
});

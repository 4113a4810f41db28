// Helpers for the canvas flame graph in browser tests: read the drawn frames' rectangles and the
// chart's state through its test API (window.__flamelens, webview/flamegraph.ts), and click or
// hover at computed coordinates, so the canvas hit-testing is what decides which frame is hit.
import type { Frame, Page } from 'playwright-core';

// Browser globals for the callbacks Playwright runs in the page (see harness.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any;

export type { FrameRect } from '../../webview/frame-rect';
import type { FrameRect } from '../../webview/frame-rect';

export interface ChartState {
  zoomedId?: number;
  focusedId?: number;
  hoveredId?: number;
  animating: boolean;
  inverted: boolean;
  label: string;
}

type Target = Page | Frame;

export async function drawnFrames(page: Target, chart = '.fl-graph'): Promise<FrameRect[]> {
  return page.evaluate((s: string) => window.__flamelens.frames(s), chart);
}

export async function chartState(page: Target, chart = '.fl-graph'): Promise<ChartState> {
  return page.evaluate((s: string) => window.__flamelens.state(s), chart);
}

/** Waits until the chart has painted and no zoom transition is running. */
export async function chartStill(page: Target, chart = '.fl-graph'): Promise<void> {
  await page.waitForFunction((s: string) => {
    const st = window.__flamelens?.state(s);
    return st && !st.animating && document.querySelector(s)?.dataset.drawn !== undefined;
  }, chart);
  await page.evaluate(() => new Promise<void>((r) => window.requestAnimationFrame(() => window.requestAnimationFrame(() => r()))));
}

/** The widest drawn frame matching `pick`. */
export async function widest(page: Target, pick: (f: FrameRect) => boolean, chart = '.fl-graph'): Promise<FrameRect | undefined> {
  return (await drawnFrames(page, chart)).filter(pick).sort((a, b) => b.width - a.width)[0];
}

/** Scrolls the chart so the frame's row is in view and returns its fresh rectangle. */
export async function inView(page: Target, id: number, chart = '.fl-graph'): Promise<FrameRect> {
  let frame = (await drawnFrames(page, chart)).find((f) => f.id === id);
  if (!frame) throw new Error(`frame ${id} is not drawn`);
  if (!frame.visible) {
    await page.evaluate(({ s, y }: { s: string; y: number }) => {
      const box = document.querySelector(s);
      box.scrollTop += y - box.getBoundingClientRect().top - box.clientHeight / 2;
    }, { s: chart, y: frame.y });
    await chartStill(page, chart);
    frame = (await drawnFrames(page, chart)).find((f) => f.id === id)!;
  }
  return frame;
}

/** A real mouse click (Playwright's input pipeline) at the frame's centre. */
export async function clickFrame(page: Page, frame: FrameRect, modifiers: ('Alt' | 'Shift')[] = [], chart = '.fl-graph'): Promise<void> {
  const f = await inView(page, frame.id, chart);
  await page.mouse.move(f.x + f.width / 2, f.y + f.height / 2);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.click(f.x + f.width / 2, f.y + f.height / 2);
  for (const m of modifiers) await page.keyboard.up(m);
}

export async function hoverFrame(page: Page, frame: FrameRect, chart = '.fl-graph'): Promise<void> {
  const f = await inView(page, frame.id, chart);
  await page.mouse.move(f.x + f.width / 2, f.y + f.height / 2);
}

/** Waits until frame `id` is zoomed (fills the chart's width) and the transition has ended. */
export async function waitZoomed(page: Target, id: number | undefined, chart = '.fl-graph'): Promise<void> {
  await page.waitForFunction(({ s, id }: { s: string; id: number | null }) => {
    const st = window.__flamelens.state(s);
    return !st.animating && (st.zoomedId ?? null) === id;
  }, { s: chart, id: id ?? null });
  await chartStill(page, chart);
}

/** The drawn width of the chart (the root's width when unzoomed). */
export async function chartWidth(page: Target, chart = '.fl-graph'): Promise<number> {
  return page.evaluate((s: string) => document.querySelector(s).querySelector('canvas').getBoundingClientRect().width, chart);
}

// The flame graph is a canvas: specs read the drawn frames' rectangles through the chart's
// test API (window.__flamelens, webview/flamegraph.ts) and click at computed coordinates.
import type { FrameLocator } from 'playwright-core';

export interface FlameFrame {
  id: number;
  name: string;
  depth: number;
  x: number;
  y: number;
  width: number;
  height: number;
  visible: boolean;
}

interface FlameApi {
  frames(target: unknown): FlameFrame[];
  state(target: unknown): { focusedId?: number; zoomedId?: number; animating: boolean } | undefined;
}



/** The frames the chart draws now (empty until it has painted). */
export async function flameFrames(graph: FrameLocator, chart = '.fl-graph'): Promise<FlameFrame[]> {
  return graph.locator(chart).first().evaluate((el) => {
    const flame = (globalThis as unknown as { __flamelens?: FlameApi }).__flamelens;
    return flame ? flame.frames(el) : [];
  });
}

/** Waits until a frame named `name` is drawn (and no zoom transition runs); returns the widest such frame. */
export async function waitForFlameFrame(graph: FrameLocator, name: string, timeoutMs = 30_000): Promise<FlameFrame> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (;;) {
    const frames = await flameFrames(graph).catch(() => [] as FlameFrame[]);
    const still = await graph.locator('.fl-graph').first().evaluate((el) => !((globalThis as unknown as { __flamelens?: FlameApi }).__flamelens?.state(el)?.animating ?? true)).catch(() => false);
    const hit = frames.filter((f) => f.name === name).sort((a, b) => b.width - a.width)[0];
    if (hit && still) return hit;
    seen = frames.slice(0, 30).map((f) => f.name);
    if (Date.now() > deadline) throw new Error(`the flame graph did not draw ${name} within ${timeoutMs} ms; drawn: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Clicks the widest frame named `name` at its centre (a real pointer click on the canvas). */
export async function clickFlameFrame(graph: FrameLocator, name: string): Promise<void> {
  const frame = await waitForFlameFrame(graph, name);
  const canvas = graph.locator('.fl-graph canvas').first();
  const box = await canvas.evaluate((c) => {
    const r = (c as unknown as { getBoundingClientRect(): { left: number; top: number } }).getBoundingClientRect();
    return { left: r.left, top: r.top };
  });
  await canvas.click({ position: { x: frame.x + frame.width / 2 - box.left, y: frame.y + frame.height / 2 - box.top } });
}

/** The name of the frame with keyboard focus (the focus outline), if any. */
export async function focusedFlameFrame(graph: FrameLocator): Promise<string | undefined> {
  const focused = await graph.locator('.fl-graph').first().evaluate((el) => (globalThis as unknown as { __flamelens?: FlameApi }).__flamelens?.state(el)?.focusedId);
  return (await flameFrames(graph)).find((f) => f.id === focused)?.name;
}



// Reading back how the timeline greys out what is outside a selected range (webview/timeline.ts
// dimOutside): a column of canvas pixels before and after the range is chosen, and the grey's alpha
// each pixel shows. Used by the browser tests of the strip and of the load-run tracks.
import type { Page } from 'playwright-core';

// Browser globals for the callbacks Playwright runs in the page (the Node-side tsconfig has no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

/** Column `fraction` of the width of the canvas at `selector`, as RGBA values top to bottom. */
export function canvasColumn(page: Page, selector: string, fraction: number): Promise<number[]> {
  return page.evaluate(
    ([selector, fraction]) => {
      const c = document.querySelector(selector);
      return Array.from(c.getContext('2d').getImageData(Math.round(c.width * fraction), 0, 1, c.height).data) as number[];
    },
    [selector, fraction] as const,
  );
}

/** The grey the timeline lays over the outside of a range. */
const grey = 128;

/**
 * The alpha of a grey laid over each pixel that went from `before` to `after` (RGBA columns), where it
 * can be measured: from the alpha channel of a pixel that was not opaque, from a colour channel far
 * from the grey of one that was.
 */
export function dimAlphas(before: number[], after: number[]): number[] {
  const alphas: number[] = [];
  for (let i = 0; i + 3 < before.length; i += 4) {
    const was = before[i + 3]! / 255;
    if (was < 0.9) {
      alphas.push((after[i + 3]! / 255 - was) / (1 - was));
      continue;
    }
    if (was < 1) continue;
    for (let k = 0; k < 3; k++) {
      const c = before[i + k]!;
      if (Math.abs(c - grey) > 40) alphas.push((c - after[i + k]!) / (c - grey));
    }
  }
  return alphas;
}

/** The middle value (the measurement that rounding at the canvas's edges least disturbs). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? NaN;
}

// The canvas set-up shared by the flame graph and the flame chart: a box scrolls over a sizer as
// tall as all rows, and a stage sticking to the box's top holds two canvases (frames, and an
// overlay for hover and focus outlines) that cover only what the box shows, at the device pixel ratio.
import { h } from './dom';

export interface CanvasStage {
  sizer: HTMLDivElement;
  stage: HTMLDivElement;
  canvas: HTMLCanvasElement;
  overlay: HTMLCanvasElement;
  /**
   * The overlay since it was last sized: `unallocated` (never touched: no pixels yet), `clear` or
   * `drawn` (see overlayContext).
   */
  overlayState: 'unallocated' | 'clear' | 'drawn';
  /** An allocation of the overlay's pixels after the coming paint is scheduled. */
  overlayWarming: boolean;
}

export function canvasStage(): CanvasStage {
  const canvas = h('canvas', { className: 'fl-canvas', attrs: { 'aria-hidden': 'true' } });
  const overlay = h('canvas', { className: 'fl-canvas-overlay', attrs: { 'aria-hidden': 'true' } });
  const stage = h('div', { className: 'fl-stage' }, canvas, overlay);
  return { sizer: h('div', { className: 'fl-sizer' }, stage), stage, canvas, overlay, overlayState: 'unallocated', overlayWarming: false };
}

/** Sizes both canvases (and the stage) to `width` × `height` CSS px; only what changed is written. */
export function fitStage(stages: CanvasStage, width: number, height: number): void {
  const { stage, canvas, overlay } = stages;
  const dpr = window.devicePixelRatio || 1;
  for (const c of [canvas, overlay]) {
    const w = Math.round(width * dpr);
    const hgt = Math.round(height * dpr);
    // Setting a canvas's size clears it.
    if (c.width !== w || c.height !== hgt) {
      c.width = w;
      c.height = hgt;
      if (c === overlay) stages.overlayState = 'unallocated';
    }
    if (c.style.width !== `${width}px`) c.style.width = `${width}px`;
    if (c.style.height !== `${height}px`) c.style.height = `${height}px`;
  }
  if (stage.style.height !== `${height}px`) stage.style.height = `${height}px`;
}

/** The canvas's context, scaled to CSS px and cleared over `width` × `height`; undefined without one. */
export function clearedContext(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | undefined {
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/**
 * The overlay's context, cleared, when something is to be drawn on it (`draws`); otherwise the
 * overlay is cleared if it needs to be, and undefined returned. A canvas's first operation after
 * it is sized allocates its pixels (15–20 ms a megapixel in Chromium's software canvas): a blank
 * overlay is not touched while a frame is drawn (the first paint has nothing hovered or focused),
 * but after that frame is painted, so the first hover or zoom does not pay for it either.
 */
export function overlayContext(stages: CanvasStage, width: number, height: number, draws: boolean): CanvasRenderingContext2D | undefined {
  if (draws || stages.overlayState === 'drawn') {
    const ctx = clearedContext(stages.overlay, width, height);
    stages.overlayState = draws ? 'drawn' : 'clear';
    return draws ? ctx : undefined;
  }
  if (stages.overlayState === 'unallocated' && !stages.overlayWarming) {
    stages.overlayWarming = true;
    // A task queued from a rAF callback runs after that frame's paint.
    requestAnimationFrame(() =>
      setTimeout(() => {
        stages.overlayWarming = false;
        if (stages.overlayState !== 'unallocated') return;
        const dpr = window.devicePixelRatio || 1;
        clearedContext(stages.overlay, stages.overlay.width / dpr, stages.overlay.height / dpr);
        stages.overlayState = 'clear';
      }, 0),
    );
  }
  return undefined;
}

// The canvas set-up shared by the flame graph and the flame chart: a box scrolls over a sizer as
// tall as all rows, and a stage sticking to the box's top holds two canvases (frames, and an
// overlay for hover and focus outlines) that cover only what the box shows, at the device pixel ratio.
import { h } from './dom';

export interface CanvasStage {
  sizer: HTMLDivElement;
  stage: HTMLDivElement;
  canvas: HTMLCanvasElement;
  overlay: HTMLCanvasElement;
}

export function canvasStage(): CanvasStage {
  const canvas = h('canvas', { className: 'fl-canvas', attrs: { 'aria-hidden': 'true' } });
  const overlay = h('canvas', { className: 'fl-canvas-overlay', attrs: { 'aria-hidden': 'true' } });
  const stage = h('div', { className: 'fl-stage' }, canvas, overlay);
  return { sizer: h('div', { className: 'fl-sizer' }, stage), stage, canvas, overlay };
}

/** Sizes both canvases (and the stage) to `width` × `height` CSS px; only what changed is written. */
export function fitStage({ stage, canvas, overlay }: CanvasStage, width: number, height: number): void {
  const dpr = window.devicePixelRatio || 1;
  for (const c of [canvas, overlay]) {
    const w = Math.round(width * dpr);
    const hgt = Math.round(height * dpr);
    if (c.width !== w) c.width = w;
    if (c.height !== hgt) c.height = hgt;
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

// The flame chart: calls as they happened in the selected range, time on the x-axis, callers
// above callees, drawn on a canvas from the host's rectangles (FlameChartPayload).
// The canvas covers only what the box shows (a 100,000-deep recursion is 1.8M px tall, past any
// canvas limit): the box scrolls over a sizer (canvas-stage.ts), and each frame draws the rows in view, each row's
// rectangles found by binary search on time. Within the range the chart zooms (Ctrl/⌘ + wheel,
// + / −, double-click) and pans (drag, Shift + wheel, ← / →) on the client at once; when the view
// settles, a finer chart of the window is asked for, since the host leaves out calls under a
// pixel of the whole range. Labels are fillText (inert text); the tooltip is textContent.
import * as l10n from '@vscode/l10n';
import type { FlameChartPayload, TimeRange, ViewFrame } from '../src/protocol';
import type { Palette } from './colors';
import { canvasStage, clearedContext, fitStage, overlayContext } from './canvas-stage';
import type { CanvasStage } from './canvas-stage';
import { h } from './dom';
import { fitLabel } from './flamegraph';
import { formatLocation, formatValue } from './format';
import { categoryLabel } from './category-label';
import type { ChartRect } from './frame-rect';
import { escapeControlText } from '../src/model/escape-text';
import { shortName, type Tooltip } from './tooltip';

const rowPx = 18;
/** Rectangles narrower than this (CSS px) are not drawn. */
const minRectPx = 0.5;
/** Labels start at this width (CSS px). */
const minLabelPx = 24;
/** The finer chart is asked for once the view has been still this long. */
const refineDelayMs = 150;
/** A finer chart covers the window and this much of its span again on each side (small pans need no new one). */
const refineMargin = 0.5;
/** How far a key press pans (share of the window) and zooms (factor). */
const keyPan = 0.1;
const keyZoom = 1.25;
/** Movement (px) after which a press is a drag, not a click. */
const dragSlop = 3;
const animationMs = 160;
/** A click opens the source only when no second click follows within this (a double-click zooms instead). */
const doubleClickMs = 300;

export interface FlameChartViewOptions {
  palette: Palette;
  tooltip: Tooltip;
  /** A rectangle was clicked (its function's source can be opened). */
  onActivate(frame: ViewFrame): void;
  /** Asks the host for the chart of `range` laid out for `width` px; the answer comes to setDetail. */
  requestDetail(range: TimeRange, width: number): void;
  /** The window zoomed to within the range changed (undefined: the whole range), to save with the view state. */
  onWindow(window: TimeRange | undefined): void;
  /** The time the timeline counts from (its chip's origin), so the window reads as the chip does. */
  origin(): number | undefined;
  /** The view got much wider or narrower than the chart was laid out for: ask for the whole range's chart again. */
  onRelayout?(): void;
  /** Scope every view to the window shown (the button beside it); absent where ranges cannot be set. */
  onUseWindow?(window: TimeRange): void;
}

/** A chart and its rectangle indexes per depth, by start time (a row's calls never overlap, so ends are sorted too). */
interface Indexed {
  chart: FlameChartPayload;
  rows: Int32Array[];
  /** Each frame's fill (by `frames` index), worked out once per palette rather than per rectangle and frame. */
  fills?: string[];
}

export class FlameChartView {
  readonly element: HTMLElement;
  private readonly box: HTMLElement;
  private readonly stages: CanvasStage;
  private readonly sizer: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private readonly live: HTMLElement;
  /** When zoomed in: the window shown, and a button back to the whole range. */
  private readonly windowBar: HTMLElement;
  private readonly windowText: HTMLElement;
  /** The chart of the whole selected range. */
  private base: Indexed | undefined;
  /** A finer chart of part of it (asked for after zooming in). */
  private detail: Indexed | undefined;
  /** The detail asked for and not yet come. */
  private asked: TimeRange | undefined;
  /** A chart of another range was asked for: the one shown is on its way out (no detail, no saved window). */
  private replacing = false;
  /** A drag ended: the click that follows it opens nothing. */
  private dragEnded = false;
  /** The time window drawn across the canvas, within the base chart's span. */
  private from = 0;
  private to = 1;
  private width = 0;
  private viewHeight = 0;
  /** The width the whole range's chart was laid out for (CSS px). */
  private layoutWidth = 0;
  private relayoutTimer: ReturnType<typeof setTimeout> | undefined;
  private frameRequested = false;
  private animation: { start: number; from: TimeRange; to: TimeRange } | undefined;
  private refineTimer: ReturnType<typeof setTimeout> | undefined;
  private hovered: { source: Indexed; k: number } | undefined;
  /** A click's source opening, held back for a possible double-click. */
  private pendingOpen: ReturnType<typeof setTimeout> | undefined;
  private press: { x: number; y: number; from: number; to: number; scrollTop: number; dragged: boolean; id: number } | undefined;
  /** The last draw: rectangles (chart index) in view, for the test API. */
  private drawn: { source: Indexed; ks: number[] } | undefined;
  private theme = { fg: '#000', label: '#1b1b1b', border: '', font: '11.5px sans-serif' };

  constructor(private readonly options: FlameChartViewOptions) {
    this.stages = canvasStage();
    ({ canvas: this.canvas, sizer: this.sizer } = this.stages);
    this.live = h('div', { className: 'fl-sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
    this.box = h(
      'div',
      {
        className: 'fl-flame-chart-canvas',
        attrs: {
          tabindex: '0',
          role: 'application',
          'aria-label': l10n.t('Flame chart: calls as they happened, time from left to right. Ctrl+wheel or + and − zoom, drag, Shift+wheel or the arrow keys pan, 0 shows the whole range.'),
        },
      },
      this.sizer,
    );
    this.status = h('div', { className: 'fl-flame-chart-status', attrs: { 'aria-live': 'polite' } });
    this.windowText = h('span', { className: 'fl-flame-chart-window-text' });
    const whole = h('button', { className: 'fl-flame-chart-whole', text: l10n.t('Whole range'), title: l10n.t('Show the whole range again (0)'), attrs: { type: 'button' } });
    whole.addEventListener('click', () => this.reset());
    const use = options.onUseWindow && h('button', { className: 'fl-flame-chart-use', text: l10n.t('Select this range'), title: l10n.t('Scope the flame graph, the table and the hot lines to the time shown'), attrs: { type: 'button' } });
    use?.addEventListener('click', () => {
      const window = this.window;
      if (window) options.onUseWindow!(window);
    });
    this.windowBar = h('div', { className: 'fl-flame-chart-window' }, this.windowText, use, whole);
    this.windowBar.hidden = true;
    const head = h('div', { className: 'fl-flame-chart-head' }, this.status, this.windowBar);
    this.element = h('section', { className: 'fl-flame-chart', attrs: { 'aria-label': l10n.t('Flame chart') } }, head, this.box, this.live);
    this.element.hidden = true;

    this.box.addEventListener('scroll', () => this.requestDraw(), { passive: true });
    this.box.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.box.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.onPointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.onPointerUp(e));
    this.canvas.addEventListener('click', (e) => this.onClick(e));
    this.canvas.addEventListener('pointercancel', () => this.endPress());
    this.canvas.addEventListener('lostpointercapture', () => this.endPress());
    this.canvas.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    this.canvas.addEventListener('mouseleave', () => this.setHovered(undefined));
    new ResizeObserver(() => this.requestDraw()).observe(this.element);
    installTestApi(this);
  }

  /** Canvas width the host should lay the chart out for (one rectangle ≥ one pixel). */
  get widthPx(): number {
    // The box's inner width (without its scrollbar) once it is laid out: what the canvas covers.
    return Math.max(100, Math.round(this.box.clientWidth || this.element.clientWidth || this.element.parentElement?.clientWidth || 1000));
  }

  /** The window shown, when zoomed in (undefined: the whole range). */
  get window(): TimeRange | undefined {
    const base = this.base?.chart;
    return base && (this.from > base.start || this.to < base.end) ? { from: this.from, to: this.to } : undefined;
  }

  /**
   * A new chart of the whole range (a new range, or the first one). `window` (a saved zoom) is kept
   * when it lies within the chart's span.
   */
  setChart(chart: FlameChartPayload, window?: TimeRange): void {
    this.base = index(chart);
    this.layoutWidth = this.widthPx;
    this.detail = undefined;
    this.asked = undefined;
    this.replacing = false;
    this.animation = undefined;
    this.hovered = undefined;
    const keep = window && window.from >= chart.start && window.to <= chart.end && window.from < window.to;
    this.from = keep ? window.from : chart.start;
    this.to = keep ? window.to : chart.end;
    const calls = chart.depth.length.toLocaleString('en-US');
    const span = formatValue(chart.end - chart.start, 'us');
    this.status.textContent = chart.truncated
      ? l10n.t('{0} calls over {1} (the shortest left out). Hover for details; click opens the source.', calls, span)
      : l10n.t('{0} calls over {1}. Hover for details; click opens the source.', calls, span);
    this.windowChanged(false);
  }

  /** The finer chart of a window asked for by requestDetail (ignored when it is no longer the one asked for). */
  setDetail(chart: FlameChartPayload): void {
    const asked = this.asked;
    if (!asked || chart.start !== asked.from || chart.end !== asked.to) return;
    this.asked = undefined;
    this.detail = index(chart);
    this.requestDraw();
  }

  /** A new chart of another range was asked for: no finer chart of the old one may be asked for meanwhile. */
  invalidate(): void {
    clearTimeout(this.refineTimer);
    this.asked = undefined;
    this.replacing = true;
  }

  recolour(): void {
    this.readTheme();
    for (const c of [this.base, this.detail]) if (c) c.fills = undefined;
    this.requestDraw();
  }

  show(on: boolean): void {
    this.element.hidden = !on;
    if (on) this.readTheme();
    else clearTimeout(this.refineTimer);
    this.requestDraw();
  }

  /** Zooms by `factor` (< 1 in) about time `at`. */
  zoom(factor: number, at = (this.from + this.to) / 2): void {
    const base = this.base?.chart;
    if (!base) return;
    const whole = base.end - base.start;
    const span = Math.min(whole, Math.max(minSpan(whole), (this.to - this.from) * factor));
    const share = this.to > this.from ? (at - this.from) / (this.to - this.from) : 0.5;
    this.setWindow(at - share * span, at - share * span + span, false);
  }

  /** Pans by `dt` microseconds (positive: later). */
  pan(dt: number): void {
    this.setWindow(this.from + dt, this.to + dt, false);
  }

  /** Shows [from, to) at once (tests and benches). */
  setWindowForTest(from: number, to: number): void {
    this.setWindow(from, to, false);
  }

  /** Back to the whole range. */
  reset(animate = true): void {
    const base = this.base?.chart;
    if (base) this.setWindow(base.start, base.end, animate);
  }

  /** Shows [from, to) (clamped to the range, span kept when it must move), animated or at once. */
  private setWindow(from: number, to: number, animate: boolean): void {
    const base = this.base?.chart;
    if (!base || !(to > from) || !Number.isFinite(from) || !Number.isFinite(to)) return;
    let span = Math.min(to - from, base.end - base.start);
    span = Math.max(span, minSpan(base.end - base.start));
    let start = Math.max(base.start, Math.min(from, base.end - span));
    let end = start + span;
    if (end > base.end) {
      end = base.end;
      start = Math.max(base.start, end - span);
    }
    if (start === this.from && end === this.to) return;
    if (animate && !matchMedia('(prefers-reduced-motion: reduce)').matches) {
      this.animation = { start: performance.now(), from: { from: this.from, to: this.to }, to: { from: start, to: end } };
    } else {
      this.animation = undefined;
      this.from = start;
      this.to = end;
    }
    this.windowChanged(true);
  }

  private windowChanged(userMoved: boolean): void {
    this.requestDraw();
    clearTimeout(this.refineTimer);
    this.refineTimer = setTimeout(() => this.settled(userMoved), refineDelayMs);
  }

  /** The view has been still: save the window, announce it, and ask for detail if the chart drawn is too coarse. */
  private settled(userMoved: boolean): void {
    const base = this.base?.chart;
    if (!base || this.animation || this.replacing || this.element.hidden) return;
    const window = this.window;
    const shown = this.windowLabel();
    this.windowText.textContent = shown;
    this.windowBar.hidden = !window;
    this.options.onWindow(window);
    if (userMoved) {
      this.live.textContent = window ? shown : l10n.t('Showing the whole range, {0}', formatValue(base.end - base.start, 'us'));
    }
    if (!window) {
      this.detail = undefined;
      this.asked = undefined;
      return;
    }
    const span = this.to - this.from;
    // Fine enough: it holds the window and is at most the window plus both margins wide (relative slack: µs times are ~1e10).
    const covers = (r: TimeRange | undefined) => r !== undefined && r.from <= this.from && r.to >= this.to && r.to - r.from <= span * (1 + 2 * refineMargin) * (1 + 1e-9);
    const detail = this.detail?.chart;
    if (covers(detail && { from: detail.start, to: detail.end }) || covers(this.asked)) return;
    const from = Math.max(base.start, this.from - span * refineMargin);
    const to = Math.min(base.end, this.to + span * refineMargin);
    this.asked = { from, to };
    this.options.requestDetail(this.asked, Math.round((this.widthPx * (to - from)) / span));
  }

  /** "Showing 1.523 s – 1.604 s (81 ms)": times from the timeline's origin, with digits enough for the window. */
  private windowLabel(): string {
    const origin = this.options.origin() ?? this.base!.chart.start;
    const span = this.to - this.from;
    const digits = Math.min(6, Math.max(2, Math.ceil(-Math.log10(span / 1e6)) + 1));
    const at = (t: number) => l10n.t('{0} s', (Math.max(0, t - origin) / 1e6).toFixed(digits));
    return l10n.t('Showing {0} – {1} ({2})', at(this.from), at(this.to), formatValue(span, 'us'));
  }

  /** The chart to draw the window from: the finer one when it covers the window. */
  private source(): Indexed | undefined {
    const d = this.detail;
    return d && d.chart.start <= this.from && d.chart.end >= this.to ? d : this.base;
  }

  private requestDraw(): void {
    if (this.frameRequested || this.element.hidden) return;
    this.frameRequested = true;
    requestAnimationFrame((now) => {
      this.frameRequested = false;
      this.tick(now);
    });
  }

  private tick(now: number): void {
    const a = this.animation;
    if (a) {
      const t = Math.min(1, Math.max(0, (now - a.start) / animationMs));
      const e = t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
      this.from = a.from.from + (a.to.from - a.from.from) * e;
      this.to = a.from.to + (a.to.to - a.from.to) * e;
      if (t >= 1) {
        this.animation = undefined;
        this.from = a.to.from;
        this.to = a.to.to;
        this.windowChanged(true);
      } else {
        this.requestDraw();
      }
    }
    this.resize();
    this.draw();
  }

  /** Canvases cover the box's visible part (width × min(content, box height)) at the device pixel ratio. */
  private resize(): void {
    const width = Math.max(1, Math.floor(this.box.clientWidth));
    // As tall as the chart drawn: a finer one reaches deeper (shorter calls) than the whole range's.
    const content = ((this.source()?.chart.maxDepth ?? 0) + 1) * rowPx;
    if (this.sizer.style.height !== `${content}px`) this.sizer.style.height = `${content}px`;
    const height = Math.max(rowPx, Math.min(content, this.box.clientHeight || content));
    this.width = width;
    this.viewHeight = height;
    fitStage(this.stages, width, height);
    // A quarter wider or narrower than laid out for: the whole range's chart again, once the resizing stops.
    if (this.base && !this.replacing && this.options.onRelayout && Math.abs(width - this.layoutWidth) > this.layoutWidth / 4) {
      clearTimeout(this.relayoutTimer);
      this.relayoutTimer = setTimeout(() => {
        if (!this.replacing && !this.element.hidden && Math.abs(this.box.clientWidth - this.layoutWidth) > this.layoutWidth / 4) this.options.onRelayout!();
      }, 300);
    }
  }

  private draw(): void {
    const ctx = clearedContext(this.canvas, this.width, this.viewHeight);
    const source = this.source();
    if (!ctx || !source) return;
    const chart = source.chart;
    const scrollTop = this.box.scrollTop;
    const scale = this.width / (this.to - this.from);
    const firstRow = Math.max(0, Math.floor(scrollTop / rowPx));
    const lastRow = Math.min(source.rows.length - 1, Math.floor((scrollTop + this.viewHeight) / rowPx));
    ctx.font = this.theme.font;
    ctx.textBaseline = 'middle';
    const border = this.theme.border;
    if (border) {
      ctx.strokeStyle = border;
      ctx.lineWidth = 1;
    }
    const ks: number[] = [];
    const labels: number[] = [];
    const fills = (source.fills ??= chart.frames.map((f) => this.options.palette.colour(f.category, f.name)));
    for (let d = firstRow; d <= lastRow; d++) {
      const row = source.rows[d]!;
      const y = d * rowPx - scrollTop;
      // Past the pixel of the last drawn rectangle, rectangles that would share it are skipped.
      let paintedTo = -Infinity;
      for (let i = firstEndingAfter(chart, row, this.from); i < row.length; i++) {
        const k = row[i]!;
        const start = chart.from[k]!;
        if (start >= this.to) break;
        const x0 = (start - this.from) * scale;
        const x1 = (chart.to[k]! - this.from) * scale;
        const w = x1 - x0;
        if (w < minRectPx && x1 < paintedTo + 1) continue;
        ctx.fillStyle = fills[chart.frame[k]!]!;
        const x = Math.max(x0, -1);
        const right = Math.min(x1, this.width + 1);
        ctx.fillRect(x, y, Math.max(1, right - x - (w > 3 ? 0.5 : 0)), rowPx - 1);
        if (border && w >= 3) ctx.strokeRect(x + 0.5, y + 0.5, right - x - 1.5, rowPx - 2);
        paintedTo = x1;
        ks.push(k);
        if (right - Math.max(x0, 0) >= minLabelPx) labels.push(k);
      }
    }
    ctx.fillStyle = this.theme.label;
    for (const k of labels) {
      const left = Math.max((chart.from[k]! - this.from) * scale, 0);
      const room = Math.min((chart.to[k]! - this.from) * scale, this.width) - left - 6;
      if (room < 8) continue;
      const name = chart.frames[chart.frame[k]!]!.name;
      ctx.fillText(fitLabel(ctx, name, room), left + 3, chart.depth[k]! * rowPx - scrollTop + (rowPx - 1) / 2, room);
    }
    this.drawn = { source, ks };
    if (this.box.dataset.drawn !== String(ks.length)) this.box.dataset.drawn = String(ks.length);
    this.drawOverlay();
  }

  private drawOverlay(): void {
    const hover = this.hovered;
    const ctx = overlayContext(this.stages, this.width, this.viewHeight, hover !== undefined && hover.source === this.source());
    if (!ctx || !hover) return;
    const chart = hover.source.chart;
    const scale = this.width / (this.to - this.from);
    const x = (chart.from[hover.k]! - this.from) * scale;
    const w = Math.max(1, (chart.to[hover.k]! - chart.from[hover.k]!) * scale);
    ctx.strokeStyle = this.theme.fg;
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, chart.depth[hover.k]! * rowPx - this.box.scrollTop + 0.5, Math.max(1, w - 1), rowPx - 2);
  }

  /** The rectangle under a pointer: the row from y, then a binary search by time. */
  private hit(e: MouseEvent): { source: Indexed; k: number } | undefined {
    const source = this.source();
    if (!source) return undefined;
    const box = this.canvas.getBoundingClientRect();
    const px = e.clientX - box.left;
    const row = source.rows[Math.floor((e.clientY - box.top + this.box.scrollTop) / rowPx)];
    if (!row || px < 0 || px >= this.width) return undefined;
    const chart = source.chart;
    const t = this.timeAt(px);
    // Hairline calls are hard to hit: anything within half a pixel of the pointer counts.
    const slack = (0.5 * (this.to - this.from)) / this.width;
    const i = firstEndingAfter(chart, row, t - slack);
    const k = row[i];
    return k !== undefined && chart.from[k]! <= t + slack ? { source, k } : undefined;
  }

  private timeAt(px: number): number {
    return this.from + (px / this.width) * (this.to - this.from);
  }

  private setHovered(hit: { source: Indexed; k: number } | undefined, e?: MouseEvent): void {
    const same = hit && this.hovered && hit.source === this.hovered.source && hit.k === this.hovered.k;
    this.hovered = hit;
    if (!hit || !e) this.options.tooltip.hide();
    else {
      const chart = hit.source.chart;
      const f = chart.frames[chart.frame[hit.k]!]!;
      const start = chart.from[hit.k]!;
      const end = chart.to[hit.k]!;
      // "from" counts from the timeline's origin, as the window bar and the range chip do.
      const origin = this.options.origin() ?? this.base!.chart.start;
      this.options.tooltip.showLines(e, [
        // Shown escaped, as the flame graph's tooltip shows it (describeNode): a bidi override or newline stays visible.
        escapeControlText(shortName(f.name)),
        l10n.t('{0} from {1}', formatValue(end - start, 'us'), formatValue(start - origin, 'us')),
        formatLocation(f.url, f.line, f.file),
        f.packageName ? `${categoryLabel(f.category)} · ${f.packageName}` : categoryLabel(f.category),
      ]);
    }
    if (!same) this.drawOverlay();
  }

  private onWheel(e: WheelEvent): void {
    if (!this.base) return;
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.viewHeight : 1;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      const box = this.canvas.getBoundingClientRect();
      this.zoom(Math.exp(Math.max(-1, Math.min(1, e.deltaY * unit * 0.002))), this.timeAt(e.clientX - box.left));
      return;
    }
    const dx = e.shiftKey && e.deltaX === 0 ? e.deltaY : e.deltaX;
    if (dx === 0 || (!e.shiftKey && Math.abs(e.deltaX) < Math.abs(e.deltaY))) return; // vertical: the box scrolls
    e.preventDefault();
    this.pan((dx * unit * (this.to - this.from)) / this.width);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const span = this.to - this.from;
    switch (e.key) {
      case '+':
      case '=':
      case 'w':
        this.zoom(1 / keyZoom);
        break;
      case '-':
      case 's':
        this.zoom(keyZoom);
        break;
      case 'ArrowLeft':
      case 'a':
        this.pan(-span * keyPan);
        break;
      case 'ArrowRight':
      case 'd':
        this.pan(span * keyPan);
        break;
      case '0':
      case 'Escape':
        if (!this.window) return;
        this.reset();
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.dragEnded = false;
    this.press = { x: e.clientX, y: e.clientY, from: this.from, to: this.to, scrollTop: this.box.scrollTop, dragged: false, id: e.pointerId };
  }

  private onPointerMove(e: PointerEvent): void {
    let press = this.press;
    // The button came up outside the canvas (no capture before a drag): that press is over.
    if (press && (e.buttons & 1) === 0) press = this.endPress();
    if (!press || press.id !== e.pointerId) {
      this.setHovered(this.hit(e), e);
      return;
    }
    const dx = e.clientX - press.x;
    const dy = e.clientY - press.y;
    if (!press.dragged && Math.abs(dx) + Math.abs(dy) < dragSlop) return;
    if (!press.dragged) {
      press.dragged = true;
      this.canvas.setPointerCapture?.(e.pointerId);
      this.canvas.classList.add('fl-dragging');
      this.setHovered(undefined);
    }
    const dt = (-dx * (press.to - press.from)) / this.width;
    this.box.scrollTop = press.scrollTop - dy;
    this.setWindow(press.from + dt, press.to + dt, false);
  }

  private onPointerUp(e: PointerEvent): void {
    const press = this.press;
    if (!press || press.id !== e.pointerId) return;
    this.dragEnded = press.dragged;
    this.endPress();
  }

  private endPress(): undefined {
    this.press = undefined;
    this.canvas.classList.remove('fl-dragging');
    return undefined;
  }

  /** A click opens the call's source once no second click has followed; the second (detail 2) cancels it. */
  private onClick(e: MouseEvent): void {
    if (this.dragEnded) {
      this.dragEnded = false;
      return;
    }
    clearTimeout(this.pendingOpen);
    this.pendingOpen = undefined;
    if (e.detail > 1) return;
    const hit = this.hit(e);
    if (!hit) return;
    const frame = hit.source.chart.frames[hit.source.chart.frame[hit.k]!]!;
    this.pendingOpen = setTimeout(() => {
      this.pendingOpen = undefined;
      this.options.onActivate(frame);
    }, doubleClickMs);
  }

  /** Zooms to the call under the pointer (a little room around it); the first click's opening is cancelled. */
  private onDoubleClick(e: MouseEvent): void {
    clearTimeout(this.pendingOpen);
    this.pendingOpen = undefined;
    const hit = this.hit(e);
    if (!hit) return;
    const from = hit.source.chart.from[hit.k]!;
    const to = hit.source.chart.to[hit.k]!;
    const pad = (to - from) * 0.05;
    this.setWindow(from - pad, to + pad, true);
  }

  private readTheme(): void {
    const style = getComputedStyle(this.box);
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    this.theme = { fg: read('--fl-fg', '#000'), label: '#1b1b1b', border: read('--vscode-contrastBorder', ''), font: `11.5px ${style.fontFamily || 'sans-serif'}` };
  }

  /** For tests and benches: the rectangles drawn, the window and the detail state. */
  testState(): { from: number; to: number; start: number; end: number; detail: TimeRange | undefined; asked: TimeRange | undefined; animating: boolean; rects: ChartRect[] } {
    const base = this.base?.chart;
    const drawn = this.drawn;
    const rects: ChartRect[] = [];
    if (drawn && base) {
      const chart = drawn.source.chart;
      const scale = this.width / (this.to - this.from);
      for (const k of drawn.ks) {
        const x0 = Math.max(0, (chart.from[k]! - this.from) * scale);
        const x1 = Math.min(this.width, (chart.to[k]! - this.from) * scale);
        const y = chart.depth[k]! * rowPx - this.box.scrollTop;
        if (y + rowPx <= 0 || y >= this.viewHeight) continue;
        rects.push({ x: x0, y, width: x1 - x0, height: rowPx - 1, depth: chart.depth[k]!, name: chart.frames[chart.frame[k]!]!.name, from: chart.from[k]!, to: chart.to[k]! });
      }
    }
    return {
      from: this.from,
      to: this.to,
      start: base?.start ?? NaN,
      end: base?.end ?? NaN,
      detail: this.detail ? { from: this.detail.chart.start, to: this.detail.chart.end } : undefined,
      asked: this.asked,
      animating: this.animation !== undefined,
      rects,
    };
  }
}

/** The smallest window: a millionth of the range, and never under 1 µs. */
function minSpan(whole: number): number {
  return Math.max(1, whole * 1e-6);
}

function index(chart: FlameChartPayload): Indexed {
  const counts = new Int32Array(chart.maxDepth + 1);
  for (let k = 0; k < chart.depth.length; k++) counts[chart.depth[k]!]!++;
  const rows = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(chart.maxDepth + 1);
  for (let k = 0; k < chart.depth.length; k++) {
    const d = chart.depth[k]!;
    rows[d]![fill[d]!++] = k;
  }
  return { chart, rows };
}

/** The first position in `row` whose call ends after `t` (row.length when none). */
function firstEndingAfter(chart: FlameChartPayload, row: Int32Array, t: number): number {
  let lo = 0;
  let hi = row.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (chart.to[row[mid]!]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function installTestApi(view: FlameChartView): void {
  (window as unknown as { __flamelensChart?: FlameChartView }).__flamelensChart = view;
}

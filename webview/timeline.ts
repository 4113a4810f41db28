// The timeline strip above the flame graph: the profile's samples over time as a stacked area
// (your code, node_modules, Node internals, GC, idle) on a canvas, with a selectable range.
// Drag to select, click to clear; from the keyboard Shift+←/→ grows the selection from the
// cursor, ←/→ (Home/End) move the cursor, Escape clears. A chip shows the range and clears it too.
// A profile recorded in a load run also gets the run's per-second series as tracks under the
// area (requests/s, p99 latency, event-loop delay, errors) on the same time axis: a drag on a
// track selects like one on the area, and hovering shows each track's value at that moment.
// The strip is the one focus stop for the area and its tracks: the keyboard cursor is drawn on
// every track, their readouts follow it, and a live region reads out the time at the cursor with
// what the area and each track hold there (as the flame graph names its focused frame).
import * as l10n from '@vscode/l10n';
import type { LoadTrackKind, LoadTracksPayload, TimeRange, TimelineLane, TimelinePayload } from '../src/protocol';
import type { FrameCategory } from '../src/model/types';
import type { Palette } from './colors';
import { h } from './dom';
import { legendItem } from './legend';
import { formatPercent, formatValue } from './format';
import { formatTrackValue, trackKinds, trackLabel } from './track-format';
import { cursorAnnouncement } from './timeline-announce';
import { laneLabel } from './category-label';

/** The frame colour each lane borrows (GC gets the native/V8 colour, which no lane uses). */
const laneCategory: Record<TimelineLane, FrameCategory> = { user: 'user', node_modules: 'node_modules', node: 'node', gc: 'native', idle: 'meta' };

const heightPx = 56;
/**
 * The grey laid over what is outside a selected range, on the area and every track alike. 0.45: the
 * range keeps its full colours and the outside stays legible behind the grey, in light and dark
 * themes (test/webview/timeline.test.ts saves both as screenshots).
 */
const dimAlpha = 0.45;
const trackHeightPx = 26;

/** Each track's colour: a VS Code chart colour (fallbacks for the standalone report in style.css). */
const trackVariables: Record<LoadTrackKind, string> = { rps: '--fl-track-rps', p99: '--fl-track-p99', loopDelay: '--fl-track-loop', errors: '--fl-track-errors' };

interface TrackRow {
  kind: LoadTrackKind;
  values: (number | null)[];
  canvas: HTMLCanvasElement;
  readout: HTMLElement;
  /** "min – max" of the finite values, shown when not hovering. */
  summary: string;
}
/** A drag shorter than this is a click (clears the range). */
const clickSlopPx = 3;
/** Keyboard steps: a fiftieth of the profile per arrow press. */
const keySteps = 50;
/** Keyboard selections are sent once the keys rest, not per press. */
const keyDelayMs = 300;

export interface TimelineOptions {
  palette: Palette;
  /** The user chose a range, or cleared it (null). */
  onRange(range: TimeRange | null): void;
  /** Rounds a chosen range to what the host can show (the standalone report: whole buckets). */
  snap?(range: TimeRange): TimeRange;
  /** The Flame chart toggle: calls as they happened instead of the flame graph. */
  onChartMode(on: boolean): void;
}

export class Timeline {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly chip: HTMLButtonElement;
  private readonly status: HTMLElement;
  /** What the keyboard cursor is on, for screen readers (the flame graph's live region does the same for frames). */
  private readonly live = h('div', { className: 'fl-sr-only fl-timeline-live', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
  private readonly key = h('span', { className: 'fl-timeline-key fl-legend' });
  private readonly chartToggle = h('button', { className: 'fl-chart-toggle', text: l10n.t('Flame chart'), title: l10n.t('Show calls as they happened (time from left to right) instead of the flame graph'), attrs: { type: 'button', 'aria-pressed': 'false' } });
  private data: TimelinePayload | undefined;
  private range: TimeRange | null = null;
  /** The flame chart's zoomed-in window, outlined on the strip (undefined: not zoomed, or no chart shown). */
  private viewWindow: TimeRange | undefined;
  /** A drag in progress: where it started (axis units) and where it is now. */
  private drag: { anchor: number; at: number; startX: number } | undefined;
  private cursor = 0;
  private keyAnchor: number | undefined;
  /** The cursor is the keyboard's: set by focus from the keyboard or an arrow key, cleared by the pointer and blur. */
  private keyboardCursor = false;
  private keyTimer: ReturnType<typeof setTimeout> | undefined;
  private selectable = true;
  private readonly tracksBox = h('div', { className: 'fl-tracks' });
  private tracks: LoadTracksPayload | undefined;
  private trackRows: TrackRow[] = [];
  /** One observer for the current tracks' canvases (redrawn when the view's width changes). */
  private readonly trackResize = new ResizeObserver(() => this.drawTracks());
  /** Where the pointer hovers over the strip or a track (axis units), for the tracks' readouts. */
  private hoverAt: number | undefined;
  /** Drawing waits for the next paint to pass (see drawAfterPaint); the layout keeps the strip's space meanwhile. */
  private drawDeferred = false;

  constructor(private readonly options: TimelineOptions) {
    this.canvas = h('canvas', { className: 'fl-timeline-canvas', attrs: { tabindex: '0', role: 'group' } });
    this.chip = h('button', { className: 'fl-range-chip', attrs: { type: 'button' } });
    this.status = h('span', { className: 'fl-timeline-status', attrs: { 'aria-live': 'polite' } });
    this.chip.hidden = true;
    this.chip.addEventListener('click', () => this.choose(null));
    this.chartToggle.addEventListener('click', () => {
      const on = this.chartToggle.getAttribute('aria-pressed') !== 'true';
      this.setChartMode(on);
      this.options.onChartMode(on);
    });
    this.element = h('section', { className: 'fl-timeline', attrs: { 'aria-label': l10n.t('Timeline') } }, this.canvas, this.tracksBox, h('div', { className: 'fl-timeline-bar' }, this.chartToggle, this.chip, this.status, this.key), this.live);
    this.element.hidden = true;
    this.tracksBox.hidden = true;
    this.listen(this.canvas);
    this.canvas.addEventListener('keydown', (e) => this.keyDown(e));
    // The cursor (on the strip and every track) and the readouts at it show while the strip has focus.
    this.canvas.addEventListener('focus', () => {
      this.keyboardCursor = this.canvas.matches(':focus-visible');
      this.cursorMoved(false);
    });
    this.canvas.addEventListener('blur', () => {
      this.keyboardCursor = false;
      this.showReadouts();
      this.draw();
    });
    new ResizeObserver(() => this.draw()).observe(this.canvas);
  }

  /** Range selection by pointer, and hover, on the strip or a track (they share the time axis). */
  private listen(surface: HTMLCanvasElement): void {
    surface.addEventListener('pointerdown', (e) => this.pointerDown(e, surface));
    surface.addEventListener('pointermove', (e) => this.pointerMove(e, surface));
    surface.addEventListener('pointerup', (e) => this.pointerUp(e, surface));
    surface.addEventListener('pointercancel', () => {
      this.drag = undefined;
      this.draw();
    });
    surface.addEventListener('pointerleave', () => {
      if (this.drag) return;
      this.hoverAt = undefined;
      this.showReadouts();
      this.drawTracks();
    });
  }

  /** The series to draw (undefined: the profile kept no samples, and the strip hides). `chart`: the host lays out flame charts. */
  setData(data: TimelinePayload | undefined, selectable: boolean, chart = selectable): void {
    this.data = data && data.buckets > 0 && data.end > data.start ? data : undefined;
    this.selectable = selectable;
    this.chartToggle.hidden = !chart || this.data?.axis !== 'time';
    this.canvas.classList.toggle('fl-selectable', selectable);
    this.element.hidden = this.data === undefined;
    this.cursor = this.data?.start ?? 0;
    this.live.textContent = '';
    this.describe();
    this.renderKey();
    this.renderTracks();
    this.draw();
  }

  /**
   * Draws nothing until the coming frame is painted, then everything as it is by then. The preview's
   * first paint waits for no timeline pixels (its canvas and first layout were 15–39 ms before that
   * paint in bench/webview.ts); the canvas keeps its CSS size, so the flame graph below does not move.
   */
  drawAfterPaint(): void {
    if (this.drawDeferred) return;
    this.drawDeferred = true;
    const run = () => {
      if (!this.drawDeferred) return;
      this.drawDeferred = false;
      this.draw();
    };
    // A task queued from a rAF callback runs after that frame's paint; one more hop lets the tasks other
    // rAF callbacks queued run first (the preview's `ready`, so the host builds the init meanwhile).
    // The timeout covers a hidden page (no rAF).
    requestAnimationFrame(() => setTimeout(() => setTimeout(run, 0), 0));
    setTimeout(run, 500);
  }

  /** A load run's per-second series, drawn as tracks under the area (on a CPU timeline only). */
  setTracks(tracks: LoadTracksPayload | undefined): void {
    const ok = tracks && Array.isArray(tracks.from) && Array.isArray(tracks.to) && tracks.from.length === tracks.to.length && Array.isArray(tracks.tracks);
    this.tracks = ok ? tracks : undefined;
    this.renderTracks();
    this.describe();
    this.draw();
  }

  /** One row per track: its label, a readout (min – max, or the value under the pointer) and a canvas. */
  private renderTracks(): void {
    const t = this.tracks;
    const shown = t && this.data?.axis === 'time' ? t.tracks.filter((k) => trackKinds.includes(k.kind) && Array.isArray(k.values) && k.values.length === t.from.length) : [];
    this.trackRows = shown.map((track) => {
      const values = track.values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
      const finite = values.filter((v): v is number => v !== null);
      const [low, high] = [formatTrackValue(track.kind, Math.min(...finite)), formatTrackValue(track.kind, Math.max(...finite))];
      const summary = finite.length === 0 ? '—' : low === high ? low : `${low} – ${high}`;
      const canvas = h('canvas', { className: 'fl-track-canvas', attrs: { role: 'img', 'data-track': track.kind } });
      canvas.classList.toggle('fl-selectable', this.selectable);
      canvas.setAttribute('aria-label', l10n.t('{0} per second of the load run: {1}', trackLabel(track.kind), summary));
      const readout = h('span', { className: 'fl-track-value', text: summary });
      this.listen(canvas);
      return { kind: track.kind, values, canvas, readout, summary };
    });
    this.tracksBox.replaceChildren(
      ...this.trackRows.map((row) => h('div', { className: 'fl-track', attrs: { 'data-track': row.kind } }, h('span', { className: 'fl-track-label', text: trackLabel(row.kind) }, row.readout), row.canvas)),
    );
    this.tracksBox.hidden = this.trackRows.length === 0;
    this.trackResize.disconnect();
    for (const row of this.trackRows) this.trackResize.observe(row.canvas);
  }

  /** The index of the run's second at `t`, or -1. */
  private secondAt(t: number): number {
    const tr = this.tracks;
    if (!tr) return -1;
    for (let k = 0; k < tr.from.length; k++) if (t >= tr.from[k]! && t < tr.to[k]!) return k;
    return -1;
  }

  /** Where the tracks' readouts and marks are: the pointer over the strip or a track, else the keyboard cursor while the strip has focus. */
  private pointAt(): number | undefined {
    return this.hoverAt ?? (this.data && this.keyboardCursor && document.activeElement === this.canvas ? this.cursor : undefined);
  }

  private showReadouts(): void {
    const at = this.pointAt();
    const k = at === undefined ? -1 : this.secondAt(at);
    for (const row of this.trackRows) row.readout.textContent = at === undefined ? row.summary : formatTrackValue(row.kind, k >= 0 ? row.values[k] : null);
  }

  /** The cursor moved (or the strip got focus): readouts, marks and, when `announce`, the live region follow. */
  private cursorMoved(announce: boolean): void {
    const d = this.data;
    if (!d) return;
    this.showReadouts();
    this.draw();
    if (!announce) return;
    const k = this.secondAt(this.cursor);
    const b = Math.min(d.buckets - 1, Math.max(0, Math.floor(((this.cursor - d.start) / (d.end - d.start)) * d.buckets)));
    this.live.textContent = cursorAnnouncement({
      at: d.axis === 'order' ? l10n.t('sample {0}', Math.round(this.cursor - d.start) + 1) : seconds(this.cursor - d.start),
      lanes: d.lanes.map((lane, i) => ({ lane, value: d.values[i]?.[b] })),
      tracks: this.trackRows.map((row) => ({ kind: row.kind, value: k >= 0 ? row.values[k] : null })),
    });
  }

  /** Shows the Flame chart toggle pressed or not (a restored view state). */
  setChartMode(on: boolean): void {
    this.chartToggle.setAttribute('aria-pressed', String(on));
    this.chartToggle.classList.toggle('fl-on', on);
  }

  /** Whether the flame chart can be shown (a CPU timeline, a host that computes it). */
  get chartAvailable(): boolean {
    return !this.chartToggle.hidden;
  }

  /**
   * Shows a range chosen elsewhere (a restored view state) without announcing it; returns it as
   * shown, cut to the profile (null when nothing of it is in the profile).
   */
  setRange(range: TimeRange | null): TimeRange | null {
    this.range = range && this.data ? this.clamp(range) : null;
    this.showChip();
    this.draw();
    return this.range;
  }

  /** Where the axis starts (the profile's first sample time), the origin of every time the strip shows. */
  get origin(): number | undefined {
    return this.data?.start;
  }

  /** Outlines the window the flame chart is zoomed to (undefined: none). */
  setViewWindow(window: TimeRange | undefined): void {
    if (window?.from === this.viewWindow?.from && window?.to === this.viewWindow?.to) return;
    this.viewWindow = window;
    this.draw();
  }

  recolour(): void {
    this.renderKey();
    this.draw();
  }

  /** The lanes' colours (GC borrows a frame colour, so the flame graph's legend does not say it). */
  private renderKey(): void {
    const lanes = this.data?.lanes ?? [];
    this.key.replaceChildren(...lanes.map((lane) => legendItem(this.options.palette.swatch(laneCategory[lane]), laneLabel(lane))));
  }

  /** "1.20 s – 3.45 s" from the profile's start (heap: sample numbers in allocation order). */
  label(range: TimeRange): string {
    const d = this.data;
    if (!d) return '';
    // Sample i (0-based, at start + i) is in [from, to) when from ≤ i < to: the first is ⌈from⌉, the last ⌈to⌉ − 1.
    if (d.axis === 'order') return l10n.t('samples {0} – {1}', Math.ceil(range.from - d.start) + 1, Math.ceil(range.to - d.start));
    // Digits enough for the range (as the flame chart's window label): a 5 ms range is not "0.01 s – 0.01 s".
    const digits = Math.min(6, Math.max(2, Math.ceil(-Math.log10((range.to - range.from) / 1e6)) + 1));
    return `${seconds(range.from - d.start, digits)} – ${seconds(range.to - d.start, digits)}`;
  }

  private choose(range: TimeRange | null): void {
    this.range = range && this.options.snap ? this.clamp(this.options.snap(range)) : range;
    range = this.range;
    this.showChip();
    this.draw();
    this.options.onRange(range);
  }

  private showChip(): void {
    this.chip.hidden = this.range === null;
    this.chip.textContent = this.range ? `${this.label(this.range)} ×` : '';
    this.chip.title = l10n.t('Clear the time range: show the whole profile');
    this.chip.setAttribute('aria-label', this.range ? l10n.t('Time range {0}; clear it', this.label(this.range)) : l10n.t('Clear the time range'));
    this.status.textContent = this.range ? l10n.t('Showing {0} only', this.label(this.range)) : '';
  }

  /** The canvas's label: what it shows, each lane's share, and how to select. */
  private describe(): void {
    const d = this.data;
    if (!d) return;
    const totals = d.values.map((v) => v.reduce((a, b) => a + b, 0));
    const all = totals.reduce((a, b) => a + b, 0);
    const shares = d.lanes.map((lane, i) => l10n.t('{0} {1}', laneLabel(lane), formatPercent(totals[i]!, all))).join(', ');
    const span = d.axis === 'order' ? l10n.t('{0} allocation samples', Math.round(d.end - d.start)) : formatValue(d.end - d.start, 'us');
    const how = this.selectable ? l10n.t(' Drag, or press Shift with the arrow keys, to select a range; Escape clears it.') : '';
    const read = this.trackRows.length > 0 ? l10n.t(' The arrow keys move a cursor that reads out the load run\'s values at that time.') : l10n.t(' The arrow keys move a cursor that reads out what ran at that time.');
    this.canvas.setAttribute('aria-label', l10n.t('Timeline of {0}: {1}.{2}{3}', span, shares, read, how));
  }

  // --- geometry -------------------------------------------------------------------------------

  private xOf(t: number, width: number): number {
    const d = this.data!;
    return ((t - d.start) / (d.end - d.start)) * width;
  }

  private tOf(clientX: number, surface: HTMLCanvasElement = this.canvas): number {
    const d = this.data!;
    const box = surface.getBoundingClientRect();
    const width = surface.clientWidth;
    const f = width > 0 ? (clientX - box.left - surface.clientLeft) / width : 0;
    return d.start + Math.min(1, Math.max(0, f)) * (d.end - d.start);
  }

  private clamp(r: TimeRange): TimeRange | null {
    const d = this.data!;
    const from = Math.max(d.start, Math.min(r.from, r.to));
    const to = Math.min(d.end, Math.max(r.from, r.to));
    return to > from ? { from, to } : null;
  }

  // --- input ----------------------------------------------------------------------------------

  private pointerDown(e: PointerEvent, surface: HTMLCanvasElement): void {
    if (!this.data || !this.selectable || e.button !== 0) return;
    const t = this.tOf(e.clientX, surface);
    this.drag = { anchor: t, at: t, startX: e.clientX };
    surface.setPointerCapture(e.pointerId);
    this.canvas.focus();
    this.keyboardCursor = false;
  }

  private pointerMove(e: PointerEvent, surface: HTMLCanvasElement): void {
    if (this.data) {
      this.hoverAt = this.tOf(e.clientX, surface);
      this.showReadouts();
    }
    if (!this.drag) {
      this.drawTracks();
      return;
    }
    this.drag.at = this.tOf(e.clientX, surface);
    this.draw();
  }

  private pointerUp(e: PointerEvent, surface: HTMLCanvasElement): void {
    const drag = this.drag;
    if (!drag) return;
    this.drag = undefined;
    if (Math.abs(e.clientX - drag.startX) < clickSlopPx) {
      if (this.range) this.choose(null);
      else this.draw();
      return;
    }
    const range = this.clamp({ from: drag.anchor, to: this.tOf(e.clientX, surface) });
    this.cursor = this.tOf(e.clientX, surface);
    if (range) this.choose(range);
    else this.draw();
  }

  private keyDown(e: KeyboardEvent): void {
    const d = this.data;
    if (!d) return;
    if (e.key === 'Escape' && this.range && this.selectable) {
      e.preventDefault();
      e.stopPropagation();
      clearTimeout(this.keyTimer);
      this.keyAnchor = undefined;
      this.choose(null);
      return;
    }
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    this.keyboardCursor = true;
    const step = (d.end - d.start) / keySteps;
    const next = e.key === 'Home' ? d.start : e.key === 'End' ? d.end : this.cursor + (e.key === 'ArrowRight' ? step : -step);
    const from = this.cursor;
    this.cursor = Math.min(d.end, Math.max(d.start, next));
    this.cursorMoved(true);
    // Without range selection (no host to re-scope) the cursor still reads values out.
    if (!e.shiftKey || !this.selectable) {
      this.keyAnchor = undefined;
      return;
    }
    this.keyAnchor ??= from;
    const range = this.clamp({ from: this.keyAnchor, to: this.cursor });
    this.range = range;
    this.showChip();
    this.draw();
    clearTimeout(this.keyTimer);
    this.keyTimer = setTimeout(() => (this.range && this.options.snap ? this.choose(this.range) : this.options.onRange(this.range)), keyDelayMs);
  }

  // --- drawing --------------------------------------------------------------------------------

  private draw(): void {
    this.drawArea();
    this.drawTracks();
  }

  private drawArea(): void {
    const d = this.data;
    // Deferred: also the resize observer's first call, which comes before the first paint.
    if (!d || this.drawDeferred) return;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = this.canvas.clientWidth;
    if (cssWidth <= 0) return;
    const width = Math.round(cssWidth * dpr);
    const height = Math.round((this.canvas.clientHeight || heightPx) * dpr);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);

    // Stack the lanes bottom-up; the scale is the fullest bucket.
    const n = d.buckets;
    const stacked = new Float64Array(n);
    let max = 0;
    for (const lane of d.values) for (let b = 0; b < n; b++) stacked[b]! += lane[b] ?? 0;
    for (let b = 0; b < n; b++) max = Math.max(max, stacked[b]!);
    if (!(max > 0)) return;
    const below = new Float64Array(n);
    const xAt = (b: number) => (b / n) * width;
    const yAt = (v: number) => height - (v / max) * height;
    d.lanes.forEach((lane, li) => {
      const values = d.values[li]!;
      ctx.beginPath();
      ctx.moveTo(0, yAt(below[0]!));
      // Upper edge left to right (steps, one per bucket), lower edge back.
      for (let b = 0; b < n; b++) {
        const top = below[b]! + (values[b] ?? 0);
        ctx.lineTo(xAt(b), yAt(top));
        ctx.lineTo(xAt(b + 1), yAt(top));
      }
      for (let b = n - 1; b >= 0; b--) {
        ctx.lineTo(xAt(b + 1), yAt(below[b]!));
        ctx.lineTo(xAt(b), yAt(below[b]!));
      }
      ctx.closePath();
      ctx.fillStyle = this.options.palette.swatch(laneCategory[lane]);
      ctx.fill();
      for (let b = 0; b < n; b++) below[b]! += values[b] ?? 0;
    });

    const shown = this.shownRange();
    const style = getComputedStyle(this.canvas);
    const focus = style.getPropertyValue('--fl-focus').trim() || '#0078d4';
    if (shown) {
      const x0 = this.xOf(shown.from, width);
      const x1 = this.xOf(shown.to, width);
      dimOutside(ctx, x0, x1, width, height);
      ctx.strokeStyle = focus;
      ctx.lineWidth = Math.max(1, dpr);
      ctx.strokeRect(x0, ctx.lineWidth / 2, Math.max(1, x1 - x0), height - ctx.lineWidth);
    }
    const view = this.viewWindow;
    if (view) {
      // The flame chart's window: a dashed frame in the text colour, inside the range's solid one.
      const x0 = this.xOf(view.from, width);
      const x1 = this.xOf(view.to, width);
      const line = Math.max(1, dpr);
      ctx.save();
      ctx.setLineDash([3 * dpr, 2 * dpr]);
      ctx.strokeStyle = style.getPropertyValue('--fl-fg').trim() || '#000';
      ctx.lineWidth = line;
      ctx.strokeRect(x0 + line / 2, line * 1.5, Math.max(1, x1 - x0 - line), height - line * 3);
      ctx.restore();
    }
    if (this.keyboardCursor && document.activeElement === this.canvas) {
      const x = this.xOf(this.cursor, width);
      ctx.fillStyle = focus;
      ctx.fillRect(Math.min(width - dpr, Math.max(0, x - dpr / 2)), 0, Math.max(1, dpr), height);
    }
  }

  /** The range being dragged, else the selected one. */
  private shownRange(): TimeRange | null {
    return this.drag ? this.clamp({ from: this.drag.anchor, to: this.drag.at }) : this.range;
  }

  private drawTracks(): void {
    if (this.drawDeferred) return;
    for (const row of this.trackRows) this.drawTrack(row);
  }

  /** One track: a step per second of the run, scaled to its largest value; the range and the pointer marked as on the area. */
  private drawTrack(row: TrackRow): void {
    const d = this.data;
    const tr = this.tracks;
    if (!d || !tr) return;
    const canvas = row.canvas;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth;
    if (cssWidth <= 0) return;
    const width = Math.round(cssWidth * dpr);
    const height = Math.round((canvas.clientHeight || trackHeightPx) * dpr);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const colour = style.getPropertyValue(trackVariables[row.kind]).trim() || '#3794ff';
    let max = 0;
    for (const v of row.values) if (v !== null && v > max) max = v;
    const top = Math.max(1, dpr);
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    ctx.lineWidth = Math.max(1, dpr);
    for (let k = 0; k < row.values.length; k++) {
      const v = row.values[k];
      if (v === null || v === undefined) continue;
      const x0 = this.xOf(tr.from[k]!, width);
      const x1 = this.xOf(tr.to[k]!, width);
      const h = max > 0 ? (v / max) * (height - top) : 0;
      ctx.globalAlpha = 0.35;
      ctx.fillRect(x0, height - h, Math.max(1, x1 - x0), h);
      ctx.globalAlpha = 1;
      ctx.fillRect(x0, height - h - top / 2, Math.max(1, x1 - x0), top);
    }
    const shown = this.shownRange();
    if (shown) {
      dimOutside(ctx, this.xOf(shown.from, width), this.xOf(shown.to, width), width, height);
    }
    const at = this.pointAt();
    if (at !== undefined) {
      const x = this.xOf(at, width);
      ctx.fillStyle = style.getPropertyValue('--fl-focus').trim() || '#0078d4';
      ctx.fillRect(Math.min(width - dpr, Math.max(0, x - dpr / 2)), 0, Math.max(1, dpr), height);
    }
  }
}

/** Greys out what is left of `x0` and right of `x1` on a canvas `width` × `height` pixels (the range outlines itself). */
function dimOutside(ctx: CanvasRenderingContext2D, x0: number, x1: number, width: number, height: number): void {
  ctx.fillStyle = `rgba(128, 128, 128, ${dimAlpha})`;
  ctx.fillRect(0, 0, x0, height);
  ctx.fillRect(x1, 0, width - x1, height);
}

function seconds(us: number, digits = 2): string {
  return l10n.t('{0} s', (Math.max(0, us) / 1e6).toFixed(digits));
}

// The flame chart: calls as they happened in the selected range, time on the x-axis, callers
// above callees, drawn on a canvas from the host's rectangles (FlameChartPayload). Hit-testing
// is a binary search per row; labels are fillText clipped to their rectangle (inert text).
import * as l10n from '@vscode/l10n';
import type { FlameChartPayload, ViewFrame } from '../src/protocol';
import type { Palette } from './colors';
import { h } from './dom';
import { formatLocation, formatValue } from './format';

const rowPx = 18;

export interface FlameChartViewOptions {
  palette: Palette;
  /** A rectangle was clicked (its function's source can be opened). */
  onActivate(frame: ViewFrame): void;
}

export class FlameChartView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private chart: FlameChartPayload | undefined;
  /** Rectangle indexes per depth, by start time (the payload is ordered by start). */
  private rows: number[][] = [];

  constructor(private readonly options: FlameChartViewOptions) {
    this.canvas = h('canvas', { className: 'fl-flame-chart-canvas', attrs: { 'aria-label': l10n.t('Flame chart: calls as they happened, time from left to right') } });
    this.status = h('div', { className: 'fl-flame-chart-status', attrs: { 'aria-live': 'polite' } });
    this.element = h('section', { className: 'fl-flame-chart', attrs: { 'aria-label': l10n.t('Flame chart') } }, this.status, this.canvas);
    this.element.hidden = true;
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('click', (e) => {
      const k = this.hit(e);
      if (k !== undefined) this.options.onActivate(this.chart!.frames[this.chart!.frame[k]!]!);
    });
    new ResizeObserver(() => this.draw()).observe(this.canvas);
  }

  /** Canvas width the host should lay the chart out for (one rectangle ≥ one pixel). */
  get widthPx(): number {
    return Math.max(100, Math.round(this.element.clientWidth || this.element.parentElement?.clientWidth || 1000));
  }

  setChart(chart: FlameChartPayload): void {
    this.chart = chart;
    this.rows = Array.from({ length: chart.maxDepth + 1 }, () => []);
    for (let k = 0; k < chart.depth.length; k++) this.rows[chart.depth[k]!]?.push(k);
    this.canvas.style.height = `${(chart.maxDepth + 1) * rowPx}px`;
    const calls = chart.depth.length.toLocaleString('en-US');
    const span = formatValue(chart.end - chart.start, 'us');
    this.status.textContent = chart.truncated
      ? l10n.t('{0} calls over {1} (the shortest left out). Hover for details; click opens the source.', calls, span)
      : l10n.t('{0} calls over {1}. Hover for details; click opens the source.', calls, span);
    this.draw();
  }

  recolour(): void {
    this.draw();
  }

  /** The rectangle under the pointer: the row from y, then a binary search by start time. */
  private hit(e: MouseEvent): number | undefined {
    const chart = this.chart;
    if (!chart) return undefined;
    const box = this.canvas.getBoundingClientRect();
    const row = this.rows[Math.floor((e.clientY - box.top) / rowPx)];
    if (!row || box.width <= 0) return undefined;
    const t = chart.start + ((e.clientX - box.left) / box.width) * (chart.end - chart.start);
    let lo = 0;
    let hi = row.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (chart.from[row[mid]!]! <= t) lo = mid + 1;
      else hi = mid;
    }
    const k = row[lo - 1];
    return k !== undefined && chart.to[k]! > t ? k : undefined;
  }

  private hover(e: MouseEvent): void {
    const k = this.hit(e);
    const chart = this.chart;
    if (k === undefined || !chart) {
      this.canvas.title = '';
      return;
    }
    const f = chart.frames[chart.frame[k]!]!;
    const when = l10n.t('{0} from {1}', formatValue(chart.to[k]! - chart.from[k]!, 'us'), formatValue(chart.from[k]! - chart.start, 'us'));
    this.canvas.title = `${f.name}\n${when}\n${formatLocation(f.url, f.line)}`;
  }

  private draw(): void {
    const chart = this.chart;
    if (!chart || this.element.hidden) return;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = this.canvas.clientWidth;
    if (cssWidth <= 0) return;
    const width = Math.round(cssWidth * dpr);
    const height = Math.round((chart.maxDepth + 1) * rowPx * dpr);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const scale = width / (chart.end - chart.start);
    const rowH = rowPx * dpr;
    ctx.font = `${Math.round(11 * dpr)}px ${getComputedStyle(this.canvas).fontFamily || 'sans-serif'}`;
    ctx.textBaseline = 'middle';
    const pad = 3 * dpr;
    for (let k = 0; k < chart.depth.length; k++) {
      const x = (chart.from[k]! - chart.start) * scale;
      const w = (chart.to[k]! - chart.from[k]!) * scale;
      if (w < 0.5) continue;
      const y = chart.depth[k]! * rowH;
      const f = chart.frames[chart.frame[k]!]!;
      ctx.fillStyle = this.options.palette.colour(f.category, f.name);
      ctx.fillRect(x, y, Math.max(1, w - 0.5 * dpr), rowH - dpr);
      if (w > 24 * dpr) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, w - pad, rowH);
        ctx.clip();
        ctx.fillStyle = '#000';
        ctx.fillText(f.name, x + pad, y + rowH / 2);
        ctx.restore();
      }
    }
  }

  show(on: boolean): void {
    this.element.hidden = !on;
    this.draw();
  }
}

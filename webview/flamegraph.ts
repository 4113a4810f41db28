// The interactive flame graph, drawn on a <canvas> over the layout in flame-layout.ts: zooms by
// node id (a short rAF-driven transition), searches, flips to an icicle, sorts left-heavy, grafts
// detail into pruned nodes, hit-tests by binary search per row, and adds keyboard navigation
// (arrows move between frames, Enter activates, Escape resets the zoom) with a focus outline and
// a live region naming the focused frame for screen readers. Names reach the page only through
// fillText and textContent: they are profile data.
//
// Why our own renderer rather than flame-chart-js (npm, 3.3.0, measured 2026-12): flame-chart-js
// bundles to 93 KB minified (this renderer and its layout: 15 KB), takes time-positioned nodes
// (start/duration) and zooms/pans a time axis, draws its tooltip into the canvas, binds WASD keys on
// `document`, and has no flame (root-at-bottom) orientation, no focusable frames or ARIA, and no
// search share — each of which FlameLens would have to rebuild around it. d3-flame-graph stays for
// SVG output (svg-export.ts). Speed on 127k/305k-node tsc profiles: see README "Flame graph speed".
import { cellHeight } from './frame-metrics';
import { escapeControlText } from '../src/model/escape-text';
import * as l10n from '@vscode/l10n';
import type { FrameRect } from './frame-rect';
import type { Palette } from './colors';
import { canvasStage, clearedContext, fitStage, overlayContext } from './canvas-stage';
import type { CanvasStage } from './canvas-stage';
import { h } from './dom';
import { byName, byValueDescending, hitRow, isWithin, layoutTree, rowSlice } from './flame-layout';
import type { FlameLayout } from './flame-layout';
import { formatPercent } from './format';
import { graft } from './nodes';
import type { GraphNode } from './nodes';
import type { Tooltip } from './tooltip';

export interface SearchResult {
  term: string;
  matchedValue: number;
  total: number;
  count: number;
  /** The tree drawn has folded frames: matches inside them are not counted (the host can count them). */
  partial: boolean;
  /** matchedValue is only a lower bound: this many folded frames could hold more (the standalone report). */
  folded?: number;
}

export interface FlameChartOptions {
  palette: Palette;
  tooltip: Tooltip;
  ariaLabel: string;
  /** The user clicked a frame or pressed Enter on it (after it was zoomed). */
  onActivate?(node: GraphNode, how: 'pointer' | 'keyboard'): void;
  /** After every zoom change, with undefined when back at the root. */
  onZoom?(node: GraphNode | undefined): void;
  onFocus?(node: GraphNode): void;
  onSearch?(result: SearchResult | undefined): void;
}

export type { FrameRect };

export interface ExportView {
  root: GraphNode;
  width: number;
  inverted: boolean;
  leftHeavy: boolean;
  zoomedId: number | undefined;
  term: string;
  diff: boolean;
  palette: Palette;
  minFrameWidth: number;
}

export { cellHeight };
/** Frames narrower than this many CSS pixels are not drawn (nor hit). */
const minFrameWidth = 1;
/** Frames at least this wide carry a label. */
const minLabelWidth = 28;
const zoomDuration = 150;
const fadeAlpha = 0.55;

/** Every chart by its container, for svg-export.ts and the test/bench API. */
const charts = new WeakMap<Element, FlameChart>();
const allCharts = new Set<FlameChart>();

export function chartOf(container: Element): FlameChart | undefined {
  return charts.get(container);
}

interface View {
  /** Left and right edge of the window onto the layout (fractions of the root). */
  x0: number;
  x1: number;
}

export class FlameChart {
  private root?: GraphNode;
  private layout?: FlameLayout;
  private inverted = false;
  private leftHeavy = true;
  private term = '';
  /** Per pre-order node: 1 when its name matches the search. */
  private matches?: Uint8Array;
  private colours: string[] = [];
  /**
   * Layouts (and their colours) of the current tree by order, so toggling left-heavy swaps a
   * cached layout instead of laying out again (72–125 ms on 40k–138k-node profiles); the other
   * order is laid out when the page is idle after a new tree is drawn.
   */
  private layouts = new Map<boolean, { layout: FlameLayout; colours?: string[] }>();
  private idleLayout = 0;
  /** The pre-order node the view is zoomed to (0 = root). */
  private zoomIndex = 0;
  private view: View = { x0: 0, x1: 1 };
  private animation?: { from: View; to: View; start: number };
  private frameRequested = false;
  /** Set by setTree; the next paint records a `flamelens:painted` mark (read by the bench). */
  private markPaint = false;
  /** The tree drawn is a preview (see setTree). */
  private preview = false;
  private hovered = -1;
  private width = 0;
  private viewHeight = 0;
  private contentHeight = 0;
  /** The box's CSS max-height in px (Infinity for none): the canvases cover min(content, this) without reading layout. */
  private maxBox = Infinity;
  /** A scroll position to apply in the next frame (batched with the draw so a zoom forces no extra layout). */
  private pendingScroll: number | 'root' | undefined;
  private theme = { fg: '#000', bg: '#fff', focus: '#0078d4', font: '11.5px sans-serif', label: '#1b1b1b', border: '' };
  private readonly stages: CanvasStage;
  private readonly sizer: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly live: HTMLDivElement;
  zoomedId: number | undefined;
  /** Colour by change (red grew, blue shrank) instead of by category. */
  diff = false;
  focusedId: number | undefined;

  constructor(
    readonly container: HTMLElement,
    private readonly options: FlameChartOptions,
  ) {
    container.classList.add('fl-chart');
    container.tabIndex = 0;
    container.setAttribute('role', 'application');
    container.setAttribute('aria-label', options.ariaLabel);
    this.stages = canvasStage();
    ({ canvas: this.canvas, sizer: this.sizer } = this.stages);
    this.live = h('div', { className: 'fl-sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
    container.append(this.sizer, this.live);
    charts.set(container, this);
    allCharts.add(this);
    installTestApi();

    container.addEventListener('keydown', (event) => this.onKey(event));
    container.addEventListener('focus', () => {
      if (this.focusedId === undefined && this.root) this.focus(this.zoomedId ?? this.root.id);
    });
    container.addEventListener('scroll', () => this.requestDraw(), { passive: true });
    this.canvas.addEventListener('click', (event) => this.onClick(event));
    this.canvas.addEventListener('mousemove', (event) => this.onHover(event));
    this.canvas.addEventListener('mouseleave', () => {
      this.setHovered(-1);
      options.tooltip.hide();
    });
    let pending = false;
    new ResizeObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        this.resize();
      });
    }).observe(container);
    this.readTheme();
    this.maxBox = this.readMaxBox();
  }

  get tree(): GraphNode | undefined {
    return this.root;
  }

  /** The width frames are laid out across and the rows the box shows: what a host prunes a preview to. */
  get previewSize(): { width: number; rows: number } {
    const height = Math.min(this.maxBox, window.innerHeight || 800);
    return { width: this.width || this.measureWidth(), rows: Math.ceil(height / cellHeight) };
  }

  /**
   * Draws a new tree. Keeps orientation, sort and search; the zoom is re-applied by id if the node still exists.
   * A `preview` (the top of the tree, drawn while the rest is on its way) marks its paints as
   * `data-preview` rather than `data-drawn`, which tests and the VS Code suite take for the full view.
   */
  setTree(root: GraphNode, preview = false): void {
    this.root = root;
    this.preview = preview;
    if (!preview) delete this.container.dataset.preview;
    this.container.querySelector('.fl-empty')?.remove();
    this.hovered = -1;
    this.animation = undefined;
    if (!(root.value > 0)) {
      this.clearFocus();
      this.layout = undefined;
      this.layouts.clear();
      this.sizer.hidden = true;
      delete this.container.dataset.drawn;
      this.container.append(h('p', { className: 'fl-empty', text: l10n.t('Nothing to draw: this view has no samples (are all frames hidden by a filter?).') }));
      this.options.onSearch?.(undefined);
      return;
    }
    this.sizer.hidden = false;
    this.markPaint = true;
    const focused = this.focusedId !== undefined ? this.node(this.focusedId) : undefined;
    this.forgetLayouts();
    this.relayout();
    // Node ids belong to one view (filters and ranges number them afresh): keep the keyboard focus only
    // on the same frame, else the arrow keys would start from a frame that is gone (and do nothing).
    if (focused && this.node(focused.id)?.name !== focused.name) this.clearFocus();
    const zoom = this.zoomedId !== undefined ? this.layout!.index.get(this.zoomedId) : undefined;
    this.setZoomIndex(zoom ?? 0, false);
    this.zoomedId = zoom !== undefined && zoom > 0 ? this.zoomedId : undefined;
    if (zoom !== undefined && zoom > 0) this.options.onZoom?.(this.layout!.nodes[zoom]);
    this.applySearch();
    if (this.zoomIndex === 0) this.scrollToRoot();
    else this.scrollToZoomed();
  }

  /** Adds the detail the host sent for a pruned node, keeping the zoom. */
  graft(nodeId: number, subtree: GraphNode): boolean {
    if (!this.root || !this.layout || !graft(this.root, nodeId, subtree)) return false;
    this.forgetLayouts();
    this.relayout();
    const zoom = this.zoomedId !== undefined ? this.layout.index.get(this.zoomedId) : undefined;
    this.zoomIndex = zoom ?? 0;
    this.view = this.windowOf(this.zoomIndex);
    this.animation = undefined;
    this.measureHeight();
    this.applySearch();
    return true;
  }

  has(id: number): boolean {
    return this.layout?.index.has(id) ?? false;
  }

  node(id: number): GraphNode | undefined {
    const i = this.layout?.index.get(id);
    return i === undefined ? undefined : this.layout!.nodes[i];
  }

  zoomTo(id: number): boolean {
    const i = this.layout?.index.get(id);
    if (i === undefined) return false;
    this.zoomToIndex(i);
    return true;
  }

  resetZoom(): void {
    if (this.layout) this.zoomToIndex(0);
  }

  search(term: string): void {
    this.term = term.trim();
    this.applySearch();
  }

  setInverted(inverted: boolean): void {
    if (this.inverted === inverted) return;
    this.inverted = inverted;
    if (!this.layout) return;
    this.measureHeight();
    if (this.zoomIndex === 0) this.scrollToRoot();
    else this.scrollToZoomed();
    this.requestDraw();
  }

  setLeftHeavy(leftHeavy: boolean): void {
    if (this.leftHeavy === leftHeavy) return;
    this.leftHeavy = leftHeavy;
    if (!this.layout) return;
    this.relayout();
    const zoom = this.zoomedId !== undefined ? this.layout.index.get(this.zoomedId) : undefined;
    this.zoomIndex = zoom ?? 0;
    this.view = this.windowOf(this.zoomIndex);
    this.animation = undefined;
    this.applySearch();
  }

  /** Re-reads theme colours. */
  recolour(): void {
    this.readTheme();
    this.colourNodes();
    this.requestDraw();
  }

  focus(id: number): void {
    const i = this.layout?.index.get(id);
    if (i === undefined) return;
    this.setFocused(i);
    this.options.onFocus?.(this.layout!.nodes[i]!);
  }

  /** Moves the focus outline and names the frame in the live region (screen readers read it out). */
  private setFocused(i: number): void {
    const node = this.layout!.nodes[i]!;
    this.focusedId = node.id;
    const total = this.root?.value ?? 0;
    const share = formatPercent(node.value, total);
    // Escaped as in the tooltip: a bidi override in the name would reorder the share read after it.
    const name = escapeControlText(node.name);
    this.live.textContent = node.folded ? l10n.t('{0}, {1} of the total, {2} smaller frames folded', name, share, node.folded) : l10n.t('{0}, {1} of the total', name, share);
    this.drawOverlay();
  }

  private clearFocus(): void {
    this.focusedId = undefined;
    this.live.textContent = '';
  }

  /** The frames drawn now, for tests and benches (see installTestApi). */
  frames(): FrameRect[] {
    const out: FrameRect[] = [];
    const layout = this.layout;
    if (!layout || this.sizer.hidden) return out;
    const box = this.canvas.getBoundingClientRect();
    const top = this.container.scrollTop;
    this.forEachDrawn((i, x, w, y, faded) => {
      const node = layout.nodes[i]!;
      out.push({
        id: node.id,
        name: node.name,
        depth: layout.depth[i]!,
        value: node.value,
        folded: node.folded ?? 0,
        x: box.left + x,
        y: box.top + y - top,
        width: w,
        height: cellHeight,
        visible: y - top >= 0 && y - top + cellHeight <= this.viewHeight,
        faded,
        matched: this.matches?.[i] === 1,
        fill: this.fillOf(i),
      });
    });
    return out;
  }

  /** What an SVG export must reproduce: the tree and how it is shown now (see svg-export.ts). */
  exportView(): ExportView | undefined {
    if (!this.root || !this.layout || this.sizer.hidden) return undefined;
    return {
      root: this.root,
      width: this.width,
      inverted: this.inverted,
      leftHeavy: this.leftHeavy,
      zoomedId: this.zoomedId,
      term: this.term,
      diff: this.diff,
      palette: this.options.palette,
      minFrameWidth,
    };
  }

  /** Zoom/focus/animation state, for tests and benches. */
  state(): { zoomedId?: number; focusedId?: number; hoveredId?: number; animating: boolean; inverted: boolean; label: string } {
    return {
      zoomedId: this.zoomedId,
      focusedId: this.focusedId,
      hoveredId: this.hovered >= 0 ? this.layout?.nodes[this.hovered]?.id : undefined,
      animating: this.animation !== undefined,
      inverted: this.inverted,
      label: this.live.textContent ?? '',
    };
  }

  /** The layout for the current tree and order: cached, or computed now. */
  private relayout(): void {
    const cached = this.laidOut(this.leftHeavy);
    this.layout = cached.layout;
    this.hovered = -1;
    cached.colours ??= this.coloursOf(cached.layout);
    this.colours = cached.colours;
  }

  private laidOut(leftHeavy: boolean): { layout: FlameLayout; colours?: string[] } {
    let cached = this.layouts.get(leftHeavy);
    if (!cached) {
      cached = { layout: layoutTree(this.root!, leftHeavy ? byValueDescending : byName) };
      this.layouts.set(leftHeavy, cached);
    }
    return cached;
  }

  /** A new tree (or new detail grafted in): drop cached layouts, lay out the other order when idle. */
  private forgetLayouts(): void {
    this.layouts.clear();
    const generation = ++this.idleLayout;
    const idle = (run: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: 2000 }) : setTimeout(run, 200));
    // After the frame this tree is drawn in is painted.
    requestAnimationFrame(() =>
      setTimeout(() =>
        idle(() => {
          if (generation !== this.idleLayout || !this.root || !(this.root.value > 0)) return;
          const other = this.laidOut(!this.leftHeavy);
          other.colours ??= this.coloursOf(other.layout);
        }),
      ),
    );
  }

  private colourNodes(): void {
    const layout = this.layout;
    if (!layout) return;
    for (const cached of this.layouts.values()) cached.colours = undefined;
    this.colours = this.coloursOf(layout);
    const current = this.layouts.get(this.leftHeavy);
    if (current?.layout === layout) current.colours = this.colours;
  }

  private coloursOf(layout: FlameLayout): string[] {
    const palette = this.options.palette;
    return layout.nodes.map((node) => (this.diff ? differentialColour(node) : palette.colour(node.vf.category, node.name)));
  }

  private fillOf(i: number): string {
    return this.matches?.[i] === 1 ? this.options.palette.match : (this.colours[i] ?? '#999');
  }

  private readTheme(): void {
    const style = getComputedStyle(this.container);
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    this.theme = {
      fg: read('--fl-fg', '#000'),
      bg: read('--fl-bg', '#fff'),
      focus: read('--fl-focus', '#0078d4'),
      label: '#1b1b1b',
      font: `11.5px ${style.fontFamily || 'sans-serif'}`,
      // High-contrast themes define a contrast border: every frame gets one, as VS Code's own widgets do.
      border: read('--vscode-contrastBorder', ''),
    };
  }

  /** The window that shows pre-order node `i` at full width. */
  private windowOf(i: number): View {
    const layout = this.layout!;
    return { x0: layout.x0[i]!, x1: Math.max(layout.x1[i]!, layout.x0[i]! + 1e-12) };
  }

  private setZoomIndex(i: number, animate: boolean): void {
    const to = this.windowOf(i);
    this.zoomIndex = i;
    this.zoomedId = i > 0 ? this.layout!.nodes[i]!.id : undefined;
    const reduce = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.animation = animate && !reduce ? { from: { ...this.view }, to, start: performance.now() } : undefined;
    if (!this.animation) this.view = to;
    this.measureHeight();
    this.requestDraw();
  }

  private zoomToIndex(i: number): void {
    this.options.tooltip.hide();
    this.setZoomIndex(i, true);
    if (i > 0) this.scrollToZoomed();
    else this.scrollToRoot();
    this.options.onZoom?.(i > 0 ? this.layout!.nodes[i] : undefined);
  }

  private applySearch(): void {
    const layout = this.layout;
    if (!layout) return;
    if (!this.term) {
      this.matches = undefined;
      this.options.onSearch?.(undefined);
      this.requestDraw();
      return;
    }
    const term = this.term.toLowerCase();
    const n = layout.nodes.length;
    const matches = new Uint8Array(n);
    // Pre-order: a node's matched ancestor (if any) is seen first; only the topmost match counts
    // towards the share so nested matches (recursion) are not counted twice.
    const under = new Uint8Array(n);
    let sum = 0;
    let count = 0;
    let partial = false;
    for (let i = 0; i < n; i++) {
      if (layout.nodes[i]!.folded) partial = true;
      const p = layout.parent[i]!;
      const above = p >= 0 && (under[p] === 1 || matches[p] === 1);
      if (above) under[i] = 1;
      if (layout.lowerNames[i]!.includes(term)) {
        matches[i] = 1;
        count++;
        if (!above) sum += layout.nodes[i]!.value;
      }
    }
    this.matches = matches;
    this.options.onSearch?.({ term: this.term, matchedValue: sum, total: this.root!.value, count, partial });
    this.requestDraw();
  }

  private resize(): void {
    const width = this.measureWidth();
    const maxBox = this.readMaxBox();
    if (!this.layout || (Math.abs(width - this.width) < 1 && maxBox === this.maxBox)) return;
    this.width = width;
    this.maxBox = maxBox;
    this.measureHeight();
    this.requestDraw();
  }

  private readMaxBox(): number {
    const max = parseFloat(getComputedStyle(this.container).maxHeight);
    return Number.isFinite(max) && max > 0 ? max : Infinity;
  }

  private measureWidth(): number {
    return Math.max(200, Math.floor(this.container.clientWidth || 800));
  }

  /** Sizes the scrollable content to the rows the zoomed view draws, and the canvases to what is seen of it. */
  private measureHeight(): void {
    const layout = this.layout;
    if (!layout) return;
    if (!this.width) this.width = this.measureWidth();
    const scale = this.width / (layout.x1[this.zoomIndex]! - layout.x0[this.zoomIndex]! || 1);
    let depth = layout.depth[this.zoomIndex]!;
    // The deepest row with a frame wide enough to draw (deep but hair-thin stacks don't pad the view).
    for (let d = depth + 1; d < layout.rows.length; d++) {
      const row = layout.rows[d]!;
      const [from, to] = rowSlice(layout, d, this.zoomIndex);
      let any = false;
      for (let k = from; k < to && !any; k++) any = (layout.x1[row[k]!]! - layout.x0[row[k]!]!) * scale >= minFrameWidth;
      if (!any) break;
      depth = d;
    }
    const contentHeight = (depth + 2) * cellHeight;
    if (contentHeight !== this.contentHeight || !this.sizer.style.height) {
      this.contentHeight = contentHeight;
      this.sizer.style.height = `${contentHeight}px`;
    }
    // The box is as tall as its content up to its CSS max-height; the canvases cover what shows.
    this.viewHeight = Math.max(cellHeight, Math.min(this.contentHeight, this.maxBox));
    fitStage(this.stages, this.width, this.viewHeight);
  }

  /** Top of row `depth` in content pixels. */
  private rowTop(depth: number): number {
    return this.inverted ? depth * cellHeight : this.contentHeight - (depth + 1) * cellHeight;
  }

  private requestDraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame((now) => {
      this.frameRequested = false;
      this.tick(now);
    });
  }

  private tick(now: number): void {
    if (this.pendingScroll !== undefined) {
      const box = this.container;
      box.scrollTop = this.pendingScroll === 'root' ? (this.inverted ? 0 : this.contentHeight) : this.pendingScroll;
      this.pendingScroll = undefined;
    }
    const a = this.animation;
    if (a) {
      const t = Math.min(1, Math.max(0, (now - a.start) / zoomDuration));
      const e = t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2; // cubic in-out
      this.view = { x0: a.from.x0 + (a.to.x0 - a.from.x0) * e, x1: a.from.x1 + (a.to.x1 - a.from.x1) * e };
      if (t >= 1) {
        this.view = a.to;
        this.animation = undefined;
      } else {
        this.requestDraw();
      }
    }
    this.draw();
  }

  /**
   * Calls `visit` for each frame drawn now: the zoomed node's ancestors (faded, full width) and
   * its subtree, at least minFrameWidth wide, in the rows that show. x and y are in canvas/content pixels.
   */
  private forEachDrawn(visit: (i: number, x: number, w: number, y: number, faded: boolean) => void, rowsFrom = 0, rowsTo = Infinity): void {
    const layout = this.layout!;
    const { x0: v0, x1: v1 } = this.view;
    const scale = this.width / (v1 - v0);
    const top = this.zoomIndex;
    const topDepth = layout.depth[top]!;
    const deepest = Math.floor(this.contentHeight / cellHeight) - 2;
    for (let d = 0; d <= deepest && d < layout.rows.length; d++) {
      const y = this.rowTop(d);
      if (y + cellHeight < rowsFrom || y > rowsTo) continue;
      if (d < topDepth) {
        let a = top;
        while (layout.depth[a]! > d) a = layout.parent[a]!;
        visit(a, 0, this.width, y, true);
        continue;
      }
      const row = layout.rows[d]!;
      const [from, to] = rowSlice(layout, d, top);
      for (let k = from; k < to; k++) {
        const i = row[k]!;
        const x = (layout.x0[i]! - v0) * scale;
        const w = (layout.x1[i]! - layout.x0[i]!) * scale;
        if (w < minFrameWidth || x + w <= 0 || x >= this.width) continue;
        visit(i, x, w, y, false);
      }
    }
  }

  private draw(): void {
    const layout = this.layout;
    const ctx = clearedContext(this.canvas, this.width, this.viewHeight);
    if (!ctx || !layout || this.sizer.hidden) return;
    const scrollTop = this.container.scrollTop;
    ctx.font = this.theme.font;
    ctx.textBaseline = 'middle';
    const labels: [number, number, number, number, boolean][] = [];
    const border = this.theme.border;
    if (border) {
      ctx.strokeStyle = border;
      ctx.lineWidth = 1;
    }
    let drawn = 0;
    this.forEachDrawn(
      (i, x, w, y, faded) => {
        drawn++;
        ctx.globalAlpha = faded ? fadeAlpha : 1;
        ctx.fillStyle = this.fillOf(i);
        // A hairline gap between neighbours and rows, as d3-flame-graph's strokes gave.
        ctx.fillRect(x, y - scrollTop, w > 3 ? w - 0.5 : w, cellHeight - 1);
        if (w >= minLabelWidth) labels.push([i, x, w, y - scrollTop, faded]);
        if (border && w >= 3) ctx.strokeRect(x + 0.5, y - scrollTop + 0.5, w - 1.5, cellHeight - 2);
      },
      scrollTop,
      scrollTop + this.viewHeight,
    );
    ctx.fillStyle = this.theme.label;
    for (const [i, x, w, y, faded] of labels) {
      ctx.globalAlpha = faded ? fadeAlpha : 1;
      if (this.diff) ctx.fillStyle = this.matches?.[i] === 1 ? this.theme.label : differentialLabel(layout.nodes[i]!, this.theme.label);
      const left = Math.max(x, 0);
      const room = Math.min(x + w, this.width) - left - 6;
      if (room < 8) continue;
      // fillText's maxWidth squeezes rather than overflows: the label never leaves its frame.
      ctx.fillText(fitLabel(ctx, layout.nodes[i]!.name, room), left + 3, y + (cellHeight - 1) / 2, room);
    }
    ctx.globalAlpha = 1;
    // Frames painted in view: tests and the VS Code suite wait on `.fl-graph[data-drawn]` (a preview's: data-preview).
    const attribute = this.preview ? 'preview' : 'drawn';
    if (this.container.dataset[attribute] !== String(drawn)) this.container.dataset[attribute] = String(drawn);
    if (this.markPaint) {
      this.markPaint = false;
      performance.mark('flamelens:painted');
    }
    this.drawOverlay();
  }

  /** Hover and focus outlines on the overlay canvas: cheap to redraw on every pointer move. */
  private drawOverlay(): void {
    const layout = this.layout;
    const focused = layout && this.focusedId !== undefined ? layout.index.get(this.focusedId) : undefined;
    const ctx = overlayContext(this.stages, this.width, this.viewHeight, layout !== undefined && !this.sizer.hidden && (this.hovered >= 0 || focused !== undefined));
    if (!ctx || !layout) return;
    const outline = (i: number, colour: string, lineWidth: number) => {
      const box = this.boxOf(i);
      if (!box) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = lineWidth;
      const inset = lineWidth / 2;
      ctx.strokeRect(box.x + inset, box.y - this.container.scrollTop + inset, Math.max(1, box.w - lineWidth), cellHeight - 1 - lineWidth);
    };
    if (this.hovered >= 0) outline(this.hovered, this.theme.fg, 1);
    if (focused !== undefined) outline(focused, this.theme.focus, 2);
  }

  /** Where pre-order node `i` is drawn now (content pixels), or undefined when it is not drawn. */
  private boxOf(i: number): { x: number; y: number; w: number } | undefined {
    const layout = this.layout!;
    const top = this.zoomIndex;
    const y = this.rowTop(layout.depth[i]!);
    if (i < top) {
      return isWithin(layout, top, i) ? { x: 0, y, w: this.width } : undefined;
    }
    if (!isWithin(layout, i, top)) return undefined;
    const scale = this.width / (this.view.x1 - this.view.x0);
    const x = (layout.x0[i]! - this.view.x0) * scale;
    const w = (layout.x1[i]! - layout.x0[i]!) * scale;
    return w >= minFrameWidth ? { x, y, w } : undefined;
  }

  /** The pre-order node under a pointer event, or -1. */
  private hit(event: MouseEvent): number {
    const layout = this.layout;
    if (!layout || this.sizer.hidden) return -1;
    const box = this.canvas.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top + this.container.scrollTop;
    const row = this.inverted ? Math.floor(py / cellHeight) : Math.floor((this.contentHeight - py) / cellHeight);
    if (row < 0 || row >= layout.rows.length || px < 0 || px >= this.width) return -1;
    const top = this.zoomIndex;
    const topDepth = layout.depth[top]!;
    if (row < topDepth) {
      let a = top;
      while (layout.depth[a]! > row) a = layout.parent[a]!;
      return a;
    }
    const x = this.view.x0 + (px / this.width) * (this.view.x1 - this.view.x0);
    const i = hitRow(layout, row, top, x);
    if (i < 0) return -1;
    const w = ((layout.x1[i]! - layout.x0[i]!) * this.width) / (this.view.x1 - this.view.x0);
    return w >= minFrameWidth ? i : -1;
  }

  private onClick(event: MouseEvent): void {
    const i = this.hit(event);
    if (i < 0) return;
    const node = this.layout!.nodes[i]!;
    this.zoomToIndex(i);
    this.setFocused(i);
    this.options.onActivate?.(node, 'pointer');
  }

  private onHover(event: MouseEvent): void {
    const i = this.hit(event);
    this.setHovered(i);
    if (i >= 0) this.options.tooltip.show(event, this.layout!.nodes[i]!);
    else this.options.tooltip.hide();
  }

  private setHovered(i: number): void {
    if (i === this.hovered) return;
    this.hovered = i;
    this.canvas.style.cursor = i >= 0 ? 'pointer' : '';
    this.drawOverlay();
  }

  /** Deep stacks overflow the box: keep the root (bottom of a flame graph, top of an icicle) in view. */
  private scrollToRoot(): void {
    this.pendingScroll = 'root';
    this.requestDraw();
  }

  /** Scrolls so the zoomed frame sits at the edge its children grow away from. */
  private scrollToZoomed(): void {
    const y = this.rowTop(this.layout!.depth[this.zoomIndex]!);
    this.pendingScroll = this.inverted ? Math.max(0, y - cellHeight) : Math.max(0, y + 2 * cellHeight - this.viewHeight);
    this.requestDraw();
  }

  private activate(i: number): void {
    const node = this.layout!.nodes[i]!;
    this.zoomToIndex(i);
    this.setFocused(i);
    this.options.onActivate?.(node, 'keyboard');
  }

  private onKey(event: KeyboardEvent): void {
    const layout = this.layout;
    if (!layout || !this.root) return;
    const current = layout.index.get(this.focusedId ?? this.zoomedId ?? this.root.id);
    if (current === undefined) return;
    const top = this.zoomIndex;
    // Frames a key can move to: the (faded) ancestors of the zoomed frame and the frames of its
    // subtree wide enough to draw at its scale — the frames a pointer can reach, so the focus
    // outline never lands on a frame that is not there.
    const scale = this.width / (layout.x1[top]! - layout.x0[top]! || 1);
    const reachable = (i: number) =>
      layout.nodes[i]!.value > 0 && (isWithin(layout, top, i) || (isWithin(layout, i, top) && (layout.x1[i]! - layout.x0[i]!) * scale >= minFrameWidth));
    const heaviestChild = (i: number) => {
      let best = -1;
      const d = layout.depth[i]! + 1;
      const row = layout.rows[d];
      if (!row) return -1;
      const [from, to] = rowSlice(layout, d, i);
      for (let k = from; k < to; k++) {
        const c = row[k]!;
        if (reachable(c) && (best < 0 || layout.nodes[c]!.value > layout.nodes[best]!.value)) best = c;
      }
      return best;
    };
    const sibling = (step: number) => {
      const p = layout.parent[current]!;
      if (p < 0) return -1;
      const d = layout.depth[current]!;
      const row = layout.rows[d]!;
      const [from, to] = rowSlice(layout, d, p);
      for (let k = row.indexOf(current) + step; k >= from && k < to; k += step) if (reachable(row[k]!)) return row[k]!;
      return -1;
    };
    let next = -1;
    switch (event.key) {
      case 'ArrowUp':
        next = this.inverted ? layout.parent[current]! : heaviestChild(current);
        break;
      case 'ArrowDown':
        next = this.inverted ? heaviestChild(current) : layout.parent[current]!;
        break;
      case 'ArrowLeft':
        next = sibling(-1);
        break;
      case 'ArrowRight':
        next = sibling(1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        this.activate(current);
        return;
      case 'Escape':
        event.preventDefault();
        this.resetZoom();
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next >= 0) {
      this.focus(layout.nodes[next]!.id);
      this.revealRow(layout.depth[next]!);
    }
  }

  /** Scrolls the box just enough to show row `depth` (keyboard focus can walk off screen). */
  private revealRow(depth: number): void {
    const box = this.container;
    const y = this.rowTop(depth);
    if (y < box.scrollTop) box.scrollTop = y;
    else if (y + cellHeight > box.scrollTop + box.clientHeight) box.scrollTop = y + cellHeight - box.clientHeight;
  }
}

/** Cuts a name to about `room` pixels with an ellipsis (fillText's maxWidth then guarantees the fit). */
export function fitLabel(ctx: CanvasRenderingContext2D, name: string, room: number): string {
  const full = measure(ctx, name);
  if (full <= room) return name;
  const keep = Math.max(1, Math.floor((name.length * room) / full) - 1);
  return `${name.slice(0, keep)}…`;
}

const widths = new Map<string, number>();
let widthFont = '';
function measure(ctx: CanvasRenderingContext2D, text: string): number {
  if (ctx.font !== widthFont) {
    widths.clear();
    widthFont = ctx.font;
  }
  let w = widths.get(text);
  if (w === undefined) {
    w = ctx.measureText(text).width;
    if (widths.size > 50_000) widths.clear();
    widths.set(text, w);
  }
  return w;
}

/** Red for growth, blue for shrinkage, stronger the larger the change relative to the frame; amber for new frames (as d3-flame-graph's differential colours). */
export function differentialColour(node: GraphNode): string {
  const [r, g, b] = differentialRgb(node);
  return `rgb(${r},${g},${b})`;
}

/** The label colour on a frame's differential colour: white where the dark default would not read (strong red or blue). */
export function differentialLabel(node: GraphNode, dark: string): string {
  const [r, g, b] = differentialRgb(node);
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  // WCAG contrast: white beats near-black text below a relative luminance of about 0.18.
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b) < 0.18 ? '#fff' : dark;
}

function differentialRgb(node: GraphNode): [number, number, number] {
  const delta = node.delta ?? 0;
  const magnitude = Math.abs(delta);
  const value = Math.max(node.value, magnitude);
  if (delta !== 0 && delta === value) return [255, 190, 90];
  const keep = value > 0 ? Math.round(235 * (1 - magnitude / value)) : 220;
  if (delta > 0) return [220, keep, keep];
  if (delta < 0) return [keep, keep, 220];
  return [220, 220, 220];
}

/**
 * `window.__flamelens`: the drawn frames' rectangles and each chart's state, so tests and benches
 * click at computed coordinates instead of querying elements that a canvas does not have.
 */
function installTestApi(): void {
  const w = window as unknown as { __flamelens?: unknown };
  if (w.__flamelens) return;
  const find = (target: Element | string) => chartOf(typeof target === 'string' ? document.querySelector(target)! : target);
  w.__flamelens = {
    frames: (target: Element | string) => find(target)?.frames() ?? [],
    state: (target: Element | string) => find(target)?.state(),
    count: () => allCharts.size,
  };
}

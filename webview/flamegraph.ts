// A flame graph over d3-flame-graph: draws a GraphNode tree, zooms by node id, searches,
// flips to an icicle, sorts left-heavy, grafts detail into pruned nodes and adds keyboard
// navigation (arrows move between frames, Enter activates, Escape resets the zoom).
import flamegraph, { colorMapper } from 'd3-flame-graph';
import type { FlameGraph, FlameHierarchyNode, FlameTooltip } from 'd3-flame-graph';
import { select } from 'd3-selection';
import type { Palette } from './colors';
import { h } from './dom';
import { countNodes, graft } from './nodes';
import type { GraphNode } from './nodes';
import type { Tooltip } from './tooltip';

type HNode = FlameHierarchyNode<GraphNode>;

export interface SearchResult {
  term: string;
  matchedValue: number;
  total: number;
  count: number;
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

const cellHeight = 18;
/** Frames narrower than this (px) are not drawn: they carry no label and cost layout time. */
const minFrameSize = 2;
/** Above this many nodes, animations cost more than they help. */
const animateLimit = 1500;

export class FlameChart {
  private chart?: FlameGraph<GraphNode>;
  private root?: GraphNode;
  private readonly byId = new Map<number, HNode>();
  private inverted = false;
  private leftHeavy = true;
  private term = '';
  private highlighted = false;
  private programmatic = 0;
  private width = 0;
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
    container.addEventListener('keydown', (event) => this.onKey(event));
    container.addEventListener('focus', () => {
      if (this.focusedId === undefined && this.root) this.focus(this.zoomedId ?? this.root.id);
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
  }

  get tree(): GraphNode | undefined {
    return this.root;
  }

  /** Draws a new tree. Keeps orientation, sort and search; the zoom is re-applied by id if the node still exists. */
  setTree(root: GraphNode): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.root = root;
    this.container.querySelector('.fl-empty')?.remove();
    if (!(root.value > 0)) {
      // d3's partition divides by the root's value: an empty view gets a message instead.
      this.byId.clear();
      this.container.append(h('p', { className: 'fl-empty', text: 'Nothing to draw: this view has no samples (are all frames hidden by a filter?).' }));
      this.options.onSearch?.(undefined);
      return;
    }
    this.width = this.measureWidth();
    const tooltip = this.options.tooltip;
    const tip = Object.assign(() => undefined, {
      show: (event: MouseEvent, d: HNode) => tooltip.show(event, d.data),
      hide: () => tooltip.hide(),
    }) as FlameTooltip<GraphNode>;
    const chart = flamegraph<GraphNode>()
      .width(this.width)
      .cellHeight(cellHeight)
      .minFrameSize(minFrameSize)
      // Height follows the frames actually drawn: deep but hair-thin stacks don't pad the view,
      // and zooming into a deep branch (or grafting one in) grows it.
      .resetHeightOnZoom(true)
      .transitionDuration(countNodes(root) > animateLimit ? 0 : 150)
      .inverted(this.inverted)
      .sort(this.sorter())
      .tooltip(tip)
      .setColorMapper((d) => this.colour(d))
      .setSearchMatch((d, term) => d.data.name.toLowerCase().includes(term.toLowerCase()))
      .setSearchHandler((results, sum, total) =>
        this.options.onSearch?.({ term: this.term, matchedValue: sum, total, count: results.length }),
      )
      .onClick((d) => this.clicked(d));
    this.chart = chart;
    this.highlighted = false;
    select(this.container).datum(root).call(chart);
    this.reindex();
    const zoom = this.zoomedId;
    this.zoomedId = undefined;
    if (zoom !== undefined && this.byId.has(zoom)) this.zoomTo(zoom);
    this.applySearch();
    this.markFocus();
    if (this.zoomedId === undefined) this.scrollToRoot();
  }

  /** Adds the detail the host sent for a pruned node, keeping the zoom. */
  graft(nodeId: number, subtree: GraphNode): boolean {
    if (!this.root || !this.chart || !graft(this.root, nodeId, subtree)) return false;
    this.chart.update(this.root);
    this.reindex();
    if (this.zoomedId !== undefined) this.zoomTo(this.zoomedId);
    this.applySearch();
    return true;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  node(id: number): GraphNode | undefined {
    return this.byId.get(id)?.data;
  }

  zoomTo(id: number): boolean {
    const target = this.byId.get(id);
    if (!target || !this.chart) return false;
    this.programmatic++;
    try {
      this.chart.zoomTo(target);
    } finally {
      this.programmatic--;
    }
    return true;
  }

  resetZoom(): void {
    if (!this.chart) return;
    this.programmatic++;
    try {
      this.chart.resetZoom();
    } finally {
      this.programmatic--;
    }
  }

  search(term: string): void {
    this.term = term.trim();
    this.applySearch();
  }

  setInverted(inverted: boolean): void {
    this.inverted = inverted;
    this.chart?.inverted(inverted).update();
    this.markFocus();
    const zoomed = this.zoomedId === undefined ? undefined : this.byId.get(this.zoomedId);
    if (zoomed) this.scrollTo(zoomed);
    else this.scrollToRoot();
  }

  setLeftHeavy(leftHeavy: boolean): void {
    this.leftHeavy = leftHeavy;
    this.chart?.sort(this.sorter()).update();
    this.markFocus();
  }

  /** Re-reads theme colours. */
  recolour(): void {
    this.chart?.update();
    this.markFocus();
  }

  focus(id: number): void {
    const node = this.byId.get(id);
    if (!node) return;
    this.focusedId = id;
    this.markFocus();
    this.options.onFocus?.(node.data);
  }

  private resize(): void {
    const width = this.measureWidth();
    if (!this.chart || Math.abs(width - this.width) < 1) return;
    this.width = width;
    this.chart.width(width).update();
    this.markFocus();
  }

  private measureWidth(): number {
    return Math.max(200, Math.floor(this.container.clientWidth || 800));
  }

  private reindex(): void {
    this.byId.clear();
    const root = select(this.container).datum() as HNode;
    root.each((node) => this.byId.set(node.data.id, node));
  }

  private sorter(): (a: HNode, b: HNode) => number {
    if (this.leftHeavy) return (a, b) => b.data.value - a.data.value;
    return (a, b) => (a.data.name < b.data.name ? -1 : a.data.name > b.data.name ? 1 : 0);
  }

  private applySearch(): void {
    if (!this.chart) return;
    if (this.term) {
      this.chart.search(this.term);
      this.highlighted = true;
    } else {
      // clear() redraws every frame: skip it when nothing is highlighted.
      if (this.highlighted) this.chart.clear();
      this.highlighted = false;
      this.options.onSearch?.(undefined);
    }
    this.markFocus();
  }

  private colour(d: HNode): string {
    const palette = this.options.palette;
    if (d.highlight) return palette.match;
    if (this.diff) return colorMapper.differentialColorMapper(d as FlameHierarchyNode<unknown>, palette.match);
    return palette.colour(d.data.vf.category, d.data.name);
  }

  /** Deep stacks overflow the box: keep the root (bottom of a flame graph, top of an icicle) in view. */
  private scrollToRoot(): void {
    // After the frame is laid out anyway, rather than forcing a layout mid-update.
    requestAnimationFrame(() => (this.container.scrollTop = this.inverted ? 0 : this.container.scrollHeight));
  }

  /** Scrolls so a zoomed frame sits at the edge its children grow away from. */
  private scrollTo(d: HNode): void {
    requestAnimationFrame(() => this.scrollNow(d));
  }

  private scrollNow(d: HNode): void {
    const box = this.container;
    const height = Number(box.querySelector('svg')?.getAttribute('height') ?? 0);
    const y = this.inverted ? d.depth * cellHeight : height - (d.depth + 1) * cellHeight;
    box.scrollTop = this.inverted ? Math.max(0, y - cellHeight) : Math.max(0, y + 2 * cellHeight - box.clientHeight);
  }

  private clicked(d: HNode): void {
    this.zoomedId = d.parent ? d.data.id : undefined;
    if (d.parent) this.scrollTo(d);
    else this.scrollToRoot();
    this.markFocus();
    if (this.programmatic === 0) {
      this.focusedId = d.data.id;
      this.markFocus();
      this.options.onActivate?.(d.data, 'pointer');
    }
    this.options.onZoom?.(this.zoomedId === undefined ? undefined : d.data);
  }

  private activate(id: number): void {
    const node = this.byId.get(id);
    if (!node || !this.chart) return;
    this.zoomTo(id);
    this.focusedId = id;
    this.markFocus();
    this.options.onActivate?.(node.data, 'keyboard');
  }

  /** Shows keyboard focus as a class on the frame's <g>; d3 rewrites `class` on every update. */
  private markFocus(): void {
    this.container.querySelectorAll('g.fl-focused').forEach((g) => g.classList.remove('fl-focused'));
    if (this.focusedId === undefined) return;
    for (const g of this.container.querySelectorAll<SVGGElement>('g.frame')) {
      const d = (g as unknown as { __data__?: HNode }).__data__;
      if (d?.data.id === this.focusedId) {
        g.classList.add('fl-focused');
        break;
      }
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.root) return;
    const current = this.byId.get(this.focusedId ?? this.zoomedId ?? this.root.id);
    if (!current) return;
    const visible = (n: HNode) => n.value > 0 && (n.x1 - n.x0) > 0;
    const heaviestChild = (n: HNode) =>
      n.children?.filter(visible).reduce<HNode | undefined>((best, c) => (!best || c.value > best.value ? c : best), undefined);
    const sibling = (step: number) => {
      const siblings = current.parent?.children?.filter(visible).sort((a, b) => a.x0 - b.x0) ?? [];
      return siblings[siblings.indexOf(current) + step];
    };
    let next: HNode | undefined | null;
    switch (event.key) {
      case 'ArrowUp':
        next = this.inverted ? current.parent : heaviestChild(current);
        break;
      case 'ArrowDown':
        next = this.inverted ? heaviestChild(current) : current.parent;
        break;
      case 'ArrowLeft':
        next = sibling(-1);
        break;
      case 'ArrowRight':
        next = sibling(1);
        break;
      case 'Home':
        next = this.byId.get(this.root.id);
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        this.activate(current.data.id);
        return;
      case 'Escape':
        event.preventDefault();
        this.resetZoom();
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next) this.focus(next.data.id);
  }
}

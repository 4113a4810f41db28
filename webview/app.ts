// Wires the pieces together and speaks the protocol: posts `ready`, draws `init`, turns toggles
// into `setOptions`, zooms into pruned nodes with `expand`, asks for `sandwich` views, posts
// `openLocation` when a frame is clicked, answers `svgRequest` with the drawing, and persists the UI
// state across reloads.
import * as l10n from '@vscode/l10n';
import { escapeControlText } from '../src/model/escape-text';
import type { ValueUnit } from '../src/model/types';
import type { HostMessage, ProfileSummary, TablePayload, TimeRange, ViewFrame, ViewOptions, WebviewMessage } from '../src/protocol';
import { embeddedPreviewId } from '../src/webview-page/html';
import { defaultViewOptions } from '../src/protocol';
import { Palette } from './colors';
import { h } from './dom';
import { FlameChart } from './flamegraph';
import type { SearchResult } from './flamegraph';
import { formatPercent, formatValue } from './format';
import type { Host } from './host';
import { renderLegend } from './legend';
import { adoptTree, findNode, frameKey, heaviestNodeOf } from './nodes';
import type { GraphNode } from './nodes';
import { SandwichView } from './sandwich';
import { readUiState } from './state';
import type { UiState } from './state';
import { FunctionTable } from './table';
import { buildToolbar, disableOptions, readOptions, writeOptions } from './toolbar';
import { loadSvgExport } from './svg-loader';
import { svgText } from './svg-text';
import { describeNode, Tooltip } from './tooltip';
import { Timeline } from './timeline';
import { FlameChartView } from './flame-chart-view';

type InitMessage = Extract<HostMessage, { type: 'init' }>;
type PreviewMessage = Extract<HostMessage, { type: 'preview' }>;
interface RequestedView {
  options: ViewOptions;
  range: TimeRange | null;
}

function sameRange(a: TimeRange | null, b: TimeRange | null): boolean {
  return a === b || (a !== null && b !== null && a.from === b.from && a.to === b.to);
}

function sameView(a: RequestedView, b: RequestedView): boolean {
  return sameRange(a.range, b.range) && sameOptions(a.options, b.options);
}

export class App {
  private state: UiState;
  private summary?: ProfileSummary;
  private options: ViewOptions = { ...defaultViewOptions };
  /**
   * Request ids; a reloaded page starts elsewhere, so an answer the host sends to the page before the
   * reload (an expand, a flame chart) never matches one this page waits for.
   */
  private nextRequest = 1 + Math.floor(Math.random() * 0x3fffffff);
  private pendingOptions = 0;
  /**
   * The filters and range of the tree drawn, of the last one asked for, and of the host's view: it applies
   * setOptions/setRange in order and answers each (a tree, even one the page no longer waits for, or an
   * error, which changes nothing; a range cut short by a later one changes nothing and is not answered).
   */
  private shownView: RequestedView = { options: { ...defaultViewOptions }, range: null };
  private requestedView: RequestedView = { options: { ...defaultViewOptions }, range: null };
  private hostView: RequestedView = { options: { ...defaultViewOptions }, range: null };
  /** What each view request not yet answered changes. */
  private readonly viewRequests = new Map<number, Partial<RequestedView>>();
  /** The request that asks the host for the tree of its own view after a failure (not repeated if it fails). */
  private resyncRequest = 0;
  private pendingSandwich = 0;
  /** The function (frame key) of the sandwich shown. */
  private sandwichKey: string | undefined;
  /** A sandwich asked for on the old view while a new one is on its way: asked again, by function, once it is drawn. */
  private deferredSandwichKey: string | undefined;
  /** Nodes whose detail was requested (pruned subtrees are fetched once). */
  private readonly expanded = new Set<number>();
  /** Zoom to restore once the tree for the saved filters arrives. */
  private restoreZoom: number | undefined;
  /** The saved sandwich (a node of the saved view), asked for once that view's tree is drawn. */
  private restoreSandwichId: number | undefined;
  private saveQueued = false;
  /** After a filter change: the function (frame key) to zoom back to. */
  private rezoomKey: string | undefined;
  private selected?: GraphNode;
  private suppressOpen = false;
  /** A preview is drawn and the full `init` has not come yet: filters wait for it, pruned frames are not expanded. */
  private previewing = false;
  /** The full `init` was handled. */
  private loaded = false;

  private readonly palette: Palette;
  private readonly tooltip: Tooltip;
  private readonly toolbar = buildToolbar();
  private readonly heading = h('div', { className: 'fl-heading' });
  private readonly banner = h('div', { className: 'fl-banner', attrs: { role: 'alert' } });
  private readonly notes = h('details', { className: 'fl-notes' });
  private readonly details = h('div', { className: 'fl-details', attrs: { 'aria-live': 'polite' } });
  private readonly detailsText = h('span', { className: 'fl-details-text' });
  private readonly openButton = h('button', { text: l10n.t('Open source'), title: l10n.t('Open this function in an editor beside'), attrs: { type: 'button' } });
  private readonly sandwichButton = h('button', { text: l10n.t('Sandwich'), title: l10n.t('Show callers and callees of this function'), attrs: { type: 'button' } });
  private readonly legend = h('div', { className: 'fl-legend', attrs: { 'aria-label': l10n.t('Colour legend') } });
  private readonly graphBox = h('section', { className: 'fl-graph' });
  private readonly chart: FlameChart;
  private readonly table: FunctionTable;
  private readonly sandwich: SandwichView;
  private readonly timeline: Timeline;
  private readonly chartView: FlameChartView;
  /** Bumped for every tree drawn (a view of its own): a search share the host counted belongs to one. */
  private treeGeneration = 0;
  /** The search share asked of the host (the tree drawn is pruned), not yet answered. */
  private pendingSearch: { requestId: number; term: string; generation: number } | undefined;
  /** The host's answer for the tree drawn. */
  private hostSearch: { term: string; generation: number; result: SearchResult } | undefined;
  /** The share counted in the tree drawn (shown when the host cannot answer). */
  private localSearch: SearchResult | undefined;
  private pendingChart = 0;
  /** The flame chart's finer chart of a zoomed window, asked for and not yet come. */
  private pendingChartDetail = 0;

  constructor(
    private readonly host: Host,
    mount: HTMLElement,
  ) {
    this.state = readUiState(host.getState());
    this.palette = new Palette();
    this.tooltip = new Tooltip();
    this.banner.hidden = true;
    this.notes.hidden = true;
    this.details.append(this.detailsText, this.openButton, this.sandwichButton);
    this.openButton.hidden = !host.capabilities.openSource;
    this.sandwichButton.hidden = !host.capabilities.sandwich;
    this.table = new FunctionTable(this.state.tableSort, {
      onSort: (sort) => this.save({ tableSort: sort }),
      onSelect: (frame) => this.selectFunction(frame),
    });
    this.sandwich = new SandwichView({
      palette: this.palette,
      tooltip: this.tooltip,
      onActivate: (node) => this.openSource(node),
      onClose: () => {
        this.sandwich.hide();
        this.save({ sandwichId: undefined });
      },
    });
    mount.replaceChildren(
      this.toolbar.element,
      this.heading,
      this.banner,
      this.notes,
      this.legend,
      this.details,
      h('main', { className: 'fl-main' }, this.graphBox, h('div', { className: 'fl-lower' }, h('section', { className: 'fl-table-panel', attrs: { 'aria-label': l10n.t('Functions') } }, this.table.element), this.sandwich.element)),
    );
    this.timeline = new Timeline({
      palette: this.palette,
      onRange: (range) => this.requestRange(range),
      onChartMode: (on) => this.setChartMode(on),
      ...(host.snapRange ? { snap: (range: TimeRange) => host.snapRange!(range) } : {}),
    });
    this.chartView = new FlameChartView({
      palette: this.palette,
      tooltip: this.tooltip,
      onActivate: (f) => this.host.capabilities.openSource && this.host.post({ type: 'openLocation', url: f.url, line: f.line, column: f.column, name: f.name }),
      requestDetail: (range, width) => {
        this.pendingChartDetail = this.nextRequest++;
        this.host.post({ type: 'flameChart', requestId: this.pendingChartDetail, range, width, detail: true });
      },
      origin: () => this.timeline.origin,
      onRelayout: () => this.state.flameChart && this.requestChart(),
      onWindow: (window) => {
        this.save({ chartWindow: window });
        this.timeline.setViewWindow(window);
      },
      ...(host.capabilities.range
        ? {
            onUseWindow: (window: TimeRange) => {
              const shown = this.timeline.setRange(window);
              if (shown) this.requestRange(shown);
            },
          }
        : {}),
    });
    this.graphBox.before(this.timeline.element, this.chartView.element);
    this.chart = new FlameChart(this.graphBox, {
      palette: this.palette,
      tooltip: this.tooltip,
      ariaLabel: l10n.t('Flame graph. Arrow keys move between frames, Enter zooms and opens the source, Escape resets the zoom.'),
      onActivate: (node, how) => {
        this.select(node);
        if (how === 'keyboard' || !this.suppressOpen) this.openSource(node);
      },
      onZoom: (node) => this.zoomed(node),
      onFocus: (node) => this.select(node),
      onSearch: (result) => this.showMatch(result),
    });
    // Alt+click zooms without opening the source: note the modifier before d3's click handler runs.
    this.graphBox.addEventListener('click', (event) => (this.suppressOpen = event.altKey), { capture: true });
    this.wireControls();
    this.applyUiState();
    // VS Code applies a theme (or changed colour settings) by rewriting the body's classes, then the
    // variables on <html>. Other classes (the page's own fl-busy, fl-diff…) change no colour, and a class
    // list written as it was still notifies: recolour only when the theme did (7 ms on a first paint otherwise).
    let theme = themeOf(document);
    new MutationObserver(() => {
      const now = themeOf(document);
      if (now === theme) return;
      theme = now;
      this.recolour();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    // Errors in the webview are invisible in VS Code unless the host logs them.
    window.addEventListener('error', (event) => host.post({ type: 'log', level: 'error', message: String(event.message) }));
    host.onMessage((message) => this.receive(message));
    const embedded = this.wantsPreview() ? embeddedPreview() : undefined;
    if (embedded) {
      // The host put a preview in the page: paint it now, say `ready` (for the init) once it is painted.
      performance.mark('flamelens:preview'); // bench/webview.ts splits the first draw at these marks
      this.showPreview(embedded, { type: 'ready' });
      return;
    }
    performance.mark('flamelens:ready');
    host.post(this.wantsPreview() ? { type: 'ready', preview: this.chart.previewSize } : { type: 'ready' });
  }

  /**
   * A preview shows the host's default view; after a reload with saved filters, a range or the
   * flame chart, that would flash a different picture first, so those wait for the full `init`.
   */
  private wantsPreview(): boolean {
    const s = this.state;
    return (s.options === undefined || sameOptions(s.options, defaultViewOptions)) && s.range === undefined && !s.flameChart;
  }

  private wireControls(): void {
    const t = this.toolbar;
    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    t.search.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => this.search(t.search.value), 120);
    });
    t.search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        clearTimeout(searchTimer);
        this.search(t.search.value);
      } else if (event.key === 'Escape' && t.search.value) {
        event.stopPropagation();
        t.search.value = '';
        this.search('');
      }
    });
    t.reset.addEventListener('click', () => this.resetZoom());
    t.icicle.addEventListener('change', () => {
      this.chart.setInverted(t.icicle.checked);
      this.graphBox.classList.toggle('fl-icicle', t.icicle.checked);
      this.save({ icicle: t.icicle.checked });
    });
    t.leftHeavy.addEventListener('change', () => {
      this.chart.setLeftHeavy(t.leftHeavy.checked);
      this.save({ leftHeavy: t.leftHeavy.checked });
    });
    for (const input of [...Object.values(t.options), t.direction]) input.addEventListener('change', () => this.requestOptions(readOptions(t)));
    if (!this.host.capabilities.options) disableOptions(t);
    t.exportButton.hidden = !this.host.capabilities.export;
    t.exportButton.addEventListener('click', () => this.host.post({ type: 'export' }));
    t.svgButton.hidden = !this.host.capabilities.saveSvg;
    t.svgButton.addEventListener('click', () => void this.saveSvg());
    this.openButton.addEventListener('click', () => this.selected && this.openSource(this.selected));
    this.sandwichButton.addEventListener('click', () => this.selected && this.requestSandwich(this.selected.id));
    // Escape resets the zoom from anywhere but text fields (the graph handles its own keys).
    document.addEventListener('keydown', (event) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== 'Escape' || event.defaultPrevented || target?.closest('input, select, .fl-chart, .fl-flame-chart')) return;
      this.resetZoom();
    });
  }

  /** Reset zoom (and Escape) acts on the view shown: the flame chart's window in chart mode, else the graph's zoom. */
  private resetZoom(): void {
    if (this.graphBox.hidden) this.chartView.reset();
    else this.chart.resetZoom();
  }

  private applyUiState(): void {
    const t = this.toolbar;
    t.search.value = this.state.search;
    t.icicle.checked = this.state.icicle;
    t.leftHeavy.checked = this.state.leftHeavy;
    this.graphBox.classList.toggle('fl-icicle', this.state.icicle);
    this.chart.setInverted(this.state.icicle);
    this.chart.setLeftHeavy(this.state.leftHeavy);
    this.chart.search(this.state.search);
    this.chart.zoomedId = this.state.zoomId;
    this.table.setFilter(this.state.search);
  }

  private save(patch: Partial<UiState>): void {
    this.state = { ...this.state, ...patch };
    // Persisted after the frame is painted, not on the input path: the page's first sessionStorage
    // write took ~76 ms of a zoom in bench/webview.ts. The timeout covers hidden pages (no rAF).
    if (this.saveQueued) return;
    this.saveQueued = true;
    const flush = () => {
      if (!this.saveQueued) return;
      this.saveQueued = false;
      this.host.setState(this.state);
    };
    requestAnimationFrame(() => setTimeout(flush, 0));
    setTimeout(flush, 100);
  }

  private receive(message: HostMessage): void {
    switch (message.type) {
      case 'init':
        performance.mark('flamelens:init');
        this.init(message);
        break;
      case 'preview':
        if (this.loaded || this.previewing) return;
        performance.mark('flamelens:preview');
        this.showPreview(message);
        break;
      case 'tree': {
        this.viewAnswered(message.requestId, true);
        if (message.requestId !== this.pendingOptions) return; // superseded by a later toggle
        this.pendingOptions = 0;
        // A request before this one failed (its error is shown): the controls show what is drawn, and
        // a zoom or sandwich saved for the view asked for does not belong to it.
        const asked = sameView(this.hostView, this.requestedView);
        if (!asked) {
          this.showControls(this.hostView);
          this.restoreZoom = undefined;
        }
        const restoredSandwich = asked ? this.restoreSandwichId : undefined;
        this.restoreSandwichId = undefined;
        this.shownView = this.hostView;
        document.body.classList.remove('fl-busy');
        this.expanded.clear();
        // Node ids belong to one view of the profile; the sandwich shown was for the old one: it is
        // asked for again below, for the same function in the new view (a range or filter re-scopes it).
        // A sandwich asked for meanwhile waited for this view (deferredSandwichKey), as the saved one did.
        const sandwichKey = this.sandwich.element.hidden ? undefined : this.sandwichKey;
        this.sandwich.hide();
        if (this.state.sandwichId !== undefined && restoredSandwich === undefined) this.save({ sandwichId: undefined });
        if (this.restoreZoom !== undefined) {
          this.chart.zoomedId = this.restoreZoom;
          this.restoreZoom = undefined;
        }
        this.drawTree(adoptTree(message.tree), message.tree.total, message.table);
        if (this.rezoomKey !== undefined) {
          const key = this.rezoomKey;
          this.rezoomKey = undefined;
          const tree = this.chart.tree;
          const again = tree && heaviestNodeOf(tree, (f) => frameKey(f) === key);
          if (again) this.chart.zoomTo(again.id);
        }
        const askAgain = this.deferredSandwichKey ?? sandwichKey;
        this.deferredSandwichKey = undefined;
        if (askAgain !== undefined) {
          const tree = this.chart.tree;
          const again = tree && heaviestNodeOf(tree, (f) => frameKey(f) === askAgain);
          if (again) this.requestSandwich(again.id);
        } else if (restoredSandwich !== undefined) {
          this.requestSandwich(restoredSandwich);
        }
        break;
      }
      case 'subtree':
        this.measure('graft', () => this.chart.graft(message.nodeId, adoptTree(message.tree)));
        break;
      case 'tracks':
        this.timeline.setTracks(message.tracks);
        break;
      case 'flameChart':
        if (message.requestId === this.pendingChart) this.chartView.setChart(message.chart, this.state.chartWindow);
        else if (message.requestId === this.pendingChartDetail) this.chartView.setDetail(message.chart);
        break;
      case 'searchResult': {
        const asked = this.pendingSearch;
        if (!asked || message.requestId !== asked.requestId) return;
        this.pendingSearch = undefined;
        if (asked.generation !== this.treeGeneration) return;
        const { term, matchedValue, total, count, folded } = message;
        this.hostSearch = { term, generation: asked.generation, result: { term, matchedValue, total, count, partial: false, ...(folded !== undefined ? { folded } : {}) } };
        if (this.state.search.trim() === term) this.showMatchText(this.hostSearch.result);
        break;
      }
      case 'sandwich':
        if (message.requestId !== this.pendingSandwich) return;
        this.sandwichKey = frameKey(message.frame);
        this.sandwich.show(message);
        break;
      case 'reveal':
        this.reveal(message.name, message.url, message.line);
        break;
      case 'svgRequest':
        void this.answerSvg(message.requestId);
        break;
      case 'error':
        // A finer flame chart that failed: the coarser one stays drawn.
        if (message.requestId !== undefined && message.requestId === this.pendingChartDetail) return;
        // A search share the host could not count: the tree's own, with the error.
        if (message.requestId !== undefined && message.requestId === this.pendingSearch?.requestId) {
          this.pendingSearch = undefined;
          if (this.localSearch) this.showMatchText(this.localSearch);
        }
        if (message.requestId !== undefined) this.viewAnswered(message.requestId, false);
        if (message.requestId !== undefined && message.requestId === this.pendingOptions) this.viewFailed(message.requestId === this.resyncRequest);
        // An error before init means there is no profile to show (it failed to load): the banner
        // stands alone, without the empty controls around it and without Dismiss (nothing is behind it).
        if (!this.summary) document.body.classList.add('fl-failed');
        this.showBanner(message.message, this.summary !== undefined);
        break;
    }
  }

  /**
   * Draws the top of the tree the host sent first (or embedded in the page); asks for the rest once
   * it is painted, with `then`: `previewPainted`, or `ready` for an embedded preview.
   */
  private showPreview(message: PreviewMessage, then: WebviewMessage = { type: 'previewPainted' }): void {
    this.measure('first-summary', () => this.showSummary(message.summary, message.options));
    this.previewing = true;
    // Shown now so the graph does not move down when the init comes (a range chosen meanwhile waits for it);
    // its canvas is drawn after the preview's paint, which does not wait for it.
    this.timeline.drawAfterPaint();
    this.measure('first-timeline', () => this.timeline.setData(message.timeline, this.host.capabilities.options));
    const root = this.measure('first-adopt', () => adoptTree(message.tree));
    this.tooltip.context = { unit: this.unit(), total: message.tree.total, diff: message.summary.diff };
    this.measure('draw', () => this.chart.setTree(root, true));
    const zoomed = this.chart.zoomedId !== undefined ? this.chart.node(this.chart.zoomedId) : undefined;
    this.select(zoomed ?? root);
    // After the frame that paints it (a task queued from a rAF callback runs after that paint); the
    // timeout covers a page that is not painting (hidden), which would otherwise never ask.
    let asked = false;
    const ask = () => {
      if (asked) return;
      asked = true;
      if (then.type === 'ready') performance.mark('flamelens:ready');
      this.host.post(then);
    };
    requestAnimationFrame(() => setTimeout(ask, 0));
    setTimeout(ask, 500);
  }

  /** Title, notes, toolbar options and legend of a (preview or full) view. */
  private showSummary(summary: ProfileSummary, options: ViewOptions): void {
    this.summary = summary;
    document.body.classList.remove('fl-failed');
    document.body.classList.toggle('fl-diff', summary.diff);
    this.heading.replaceChildren(
      h('span', { className: 'fl-heading-title', text: summary.title }),
      h('span', { className: 'fl-heading-meta', text: describeSummary(summary) }),
    );
    if (summary.notes.length) {
      this.notes.hidden = false;
      this.notes.replaceChildren(h('summary', { text: summary.notes.length === 1 ? l10n.t('1 note') : l10n.t('{0} notes', summary.notes.length) }), ...summary.notes.map((n) => h('p', { text: n })));
    }
    this.options = { ...options };
    writeOptions(this.toolbar, this.options);
    this.setDiff(summary.diff);
    renderLegend(this.legend, this.palette, summary.diff);
  }

  private init(message: InitMessage): void {
    // The preview may have dropped a saved zoom its pruned tree did not reach: try it on the full tree.
    if (this.previewing) this.chart.zoomedId = this.state.zoomId;
    this.previewing = false;
    this.loaded = true;
    const { summary } = message;
    this.showSummary(summary, message.options);
    // The host (re)started from these filters on the whole profile; saved ones are asked for below.
    this.shownView = this.requestedView = this.hostView = { options: { ...this.options }, range: null };
    this.viewRequests.clear();
    // Re-apply the filters that were on before the reload (the host starts from its defaults);
    // node ids differ between filtered trees, so the saved zoom waits for that tree.
    const saved = this.state.options;
    const savedZoom = this.state.zoomId;
    const refilter = saved !== undefined && this.host.capabilities.options && !sameOptions(saved, this.options);
    // A saved timeline range is re-applied like saved filters (the host starts from the whole profile);
    // without one, the range the host preselects (a load run's measured window) is applied the same way.
    this.timeline.setData(message.timeline, this.host.capabilities.range, this.host.capabilities.options);
    const savedRange = this.timeline.setRange(this.host.capabilities.range ? (this.state.range ?? message.range ?? null) : null);
    if (refilter || savedRange) {
      this.restoreZoom = savedZoom;
      this.chart.zoomedId = undefined;
    }
    this.drawTree(adoptTree(message.tree), message.tree.total, message.table);
    if (refilter && saved) {
      writeOptions(this.toolbar, saved);
      this.requestOptions(saved);
      this.restoreZoom = savedZoom;
    }
    if (savedRange) {
      this.requestRange(savedRange, true);
      this.restoreZoom = savedZoom;
    }
    if (this.state.sandwichId !== undefined && this.host.capabilities.sandwich) {
      // A node of the saved view: asked for once its tree is drawn (the host answers from the view it has then).
      if (this.pendingOptions !== 0) this.restoreSandwichId = this.state.sandwichId;
      else this.requestSandwich(this.state.sandwichId);
    }
    if (this.state.flameChart && this.timeline.chartAvailable) {
      this.timeline.setChartMode(true);
      this.setChartMode(true);
    }
  }

  /** The flame chart (calls as they happened in the range) in place of the flame graph, or back. */
  private setChartMode(on: boolean): void {
    this.graphBox.hidden = on;
    this.chartView.show(on);
    this.timeline.setViewWindow(on ? this.chartView.window : undefined);
    this.save({ flameChart: on || undefined });
    if (on) this.requestChart();
  }

  private requestChart(): void {
    this.pendingChart = this.nextRequest++;
    this.pendingChartDetail = 0;
    this.chartView.invalidate();
    this.host.post({ type: 'flameChart', requestId: this.pendingChart, range: this.state.range ?? null, width: this.chartView.widthPx });
  }

  private setDiff(diff: boolean): void {
    this.chart.diff = diff;
    this.sandwich.setDiff(diff);
  }

  private drawTree(root: GraphNode, total: number, table: TablePayload): void {
    this.treeGeneration++;
    this.tooltip.context = { unit: this.unit(), total, diff: this.summary?.diff === true };
    this.measure('draw', () => this.chart.setTree(root));
    this.table.setData(table, this.unit(), total, this.summary?.diff === true);
    const zoomed = this.chart.zoomedId !== undefined ? this.chart.node(this.chart.zoomedId) : undefined;
    if (this.state.zoomId !== undefined && !zoomed && this.restoreZoom === undefined) this.save({ zoomId: undefined });
    this.select(zoomed ?? root);
    if (zoomed?.folded) this.requestExpand(zoomed.id);
  }

  private unit(): ValueUnit {
    return this.summary?.unit ?? 'us';
  }

  private search(term: string): void {
    this.measure('search', () => this.chart.search(term));
    this.table.setFilter(term);
    this.save({ search: term });
  }

  /**
   * The search share of the tree drawn. A pruned tree (folded frames) hides the matches inside its folded
   * frames: its own count can be a fraction of the function's total (or "no match" for a function the
   * table lists), so the host is asked for the share over the whole view, shown once it answers.
   */
  private showMatch(result: SearchResult | undefined): void {
    this.localSearch = result;
    if (!result) {
      this.pendingSearch = undefined;
      this.clearMatchText();
      return;
    }
    if (!result.partial || !this.host.capabilities.search || this.previewing) {
      this.showMatchText(result);
      return;
    }
    const known = this.hostSearch;
    if (known && known.term === result.term && known.generation === this.treeGeneration) {
      this.showMatchText(known.result);
      return;
    }
    // Nothing until the host answers (a partial figure would read as the answer).
    this.clearMatchText();
    const asked = this.pendingSearch;
    if (asked && asked.term === result.term && asked.generation === this.treeGeneration) return;
    // A view on its way: its tree is drawn next and asks again.
    if (this.pendingOptions !== 0) {
      this.pendingSearch = undefined;
      return;
    }
    const requestId = this.nextRequest++;
    this.pendingSearch = { requestId, term: result.term, generation: this.treeGeneration };
    this.host.post({ type: 'search', requestId, term: result.term });
  }

  private clearMatchText(): void {
    this.toolbar.matchInfo.textContent = '';
    this.toolbar.matchInfo.removeAttribute('title');
  }

  private showMatchText(result: SearchResult): void {
    const info = this.toolbar.matchInfo;
    info.removeAttribute('title');
    if (result.folded !== undefined) {
      // A lower bound (the standalone report, where the frames folded here are not embedded): said as one.
      const folded = result.folded.toLocaleString('en-US');
      info.textContent =
        result.count === 0
          ? l10n.t('no match in the frames drawn — {0} frames folded', folded)
          : l10n.t('at least {0} · {1} — {2} frames folded', formatValue(result.matchedValue, this.unit()), formatPercent(result.matchedValue, result.total), folded);
      info.title = l10n.t('Open the profile in VS Code for the exact share.');
      return;
    }
    info.textContent =
      result.count === 0 ? l10n.t('no match') : l10n.t('matched {0} · {1}', formatValue(result.matchedValue, this.unit()), formatPercent(result.matchedValue, result.total));
  }

  private zoomed(node: GraphNode | undefined): void {
    this.save({ zoomId: node?.id });
    if (node) this.select(node);
    else if (this.chart.tree) this.select(this.chart.tree);
    if (node?.folded) this.requestExpand(node.id);
  }

  private select(node: GraphNode): void {
    this.selected = node;
    const isRoot = node === this.chart.tree;
    this.detailsText.textContent = isRoot
      ? this.host.capabilities.openSource
        ? l10n.t('Click a frame (or press Enter on it) to zoom in and open its source; Alt+click only zooms. Escape resets.')
        : l10n.t('Click a frame (or press Enter on it) to zoom in. Escape resets.')
      : describeNode(node, this.tooltip.context, true).join('  ·  ');
    this.openButton.disabled = isRoot;
    this.sandwichButton.disabled = isRoot;
  }

  private async saveSvg(): Promise<void> {
    const title = this.summary?.title ?? 'profile';
    // The view as it is now (the export bundle may take a moment to load).
    const view = this.chart.exportView();
    const text = svgText(this.tooltip.context, title);
    try {
      const { downloadText, flameGraphSvg } = await loadSvgExport();
      const svg = flameGraphSvg(view, text);
      if (svg === undefined) return;
      const base = title.replace(/\.gz$/i, '').replace(/\.(cpuprofile|heapprofile|pb|pprof)$/i, '');
      downloadText(svg, `${base.replace(/[\\/:*?"<>|\s]+/g, '-') || 'flame-graph'}.svg`, 'image/svg+xml');
    } catch (err) {
      this.showBanner(l10n.t('the flame graph could not be saved as SVG: {0}', String((err as Error).message)));
    }
  }

  /** Export Profile… as SVG: the same file as Save SVG, handed to the host, which writes it. */
  private async answerSvg(requestId: number): Promise<void> {
    const view = this.chart.exportView();
    const text = svgText(this.tooltip.context, this.summary?.title ?? 'profile');
    try {
      const { flameGraphSvg } = await loadSvgExport();
      const svg = flameGraphSvg(view, text);
      this.host.post(svg !== undefined ? { type: 'svg', requestId, svg } : { type: 'svg', requestId, error: l10n.t('the flame graph has nothing drawn yet') });
    } catch (err) {
      this.host.post({ type: 'svg', requestId, error: l10n.t('the flame graph could not be saved as SVG: {0}', String((err as Error).message)) });
    }
  }

  private openSource(node: GraphNode): void {
    if (!this.host.capabilities.openSource || node === this.chart.tree) return;
    // Frames without a source (node internals, native) are posted too: the host explains why it can't open them.
    this.host.post({ type: 'openLocation', url: node.vf.url, line: node.vf.line, column: node.vf.column, name: node.vf.name });
  }

  /** A table row names a function; the graph shows its heaviest call site. */
  private selectFunction(frame: ViewFrame): void {
    const tree = this.chart.tree;
    if (!tree) return;
    const key = frameKey(frame);
    const node = heaviestNodeOf(tree, (f) => frameKey(f) === key);
    if (!node) {
      this.showBanner(l10n.t('{0} is not drawn in the current view (hidden by a filter or folded into a larger frame).', escapeControlText(frame.name)));
      return;
    }
    this.chart.zoomTo(node.id);
    this.chart.focus(node.id);
    if (this.host.capabilities.sandwich) this.requestSandwich(node.id);
  }

  private reveal(name: string, url: string, line: number): void {
    const tree = this.chart.tree;
    if (!tree) return;
    const node =
      heaviestNodeOf(tree, (f) => f.url === url && (line <= 0 || f.line === line)) ??
      heaviestNodeOf(tree, (f) => f.url === url && f.name === name) ??
      heaviestNodeOf(tree, (f) => f.name === name);
    if (!node) {
      this.showBanner(l10n.t('{0} is not drawn in the current view.', escapeControlText(name)));
      return;
    }
    this.chart.zoomTo(node.id);
    this.chart.focus(node.id);
    this.graphBox.focus();
  }

  /** A view request's answer: a tree means the host's view now has its change; an error, that nothing changed. */
  private viewAnswered(requestId: number, applied: boolean): void {
    const change = this.viewRequests.get(requestId);
    if (!change) return;
    if (applied) this.hostView = { ...this.hostView, ...change };
    // Older ones still unanswered were ranges cut short by a later one: they changed nothing.
    for (const id of this.viewRequests.keys()) if (id <= requestId) this.viewRequests.delete(id);
  }

  /**
   * The filters or range asked for last could not be applied. The host's view keeps the requests before it
   * that worked: the page asks for that view's tree when it is not the one drawn (once), and the controls,
   * the timeline's range and the saved state show it. When that request fails too, they show the view
   * drawn: the tree and table on screen are what the controls describe (each request carries whole
   * filters or a whole range, so the next one is asked for from there).
   */
  private viewFailed(resyncFailed: boolean): void {
    this.pendingOptions = 0;
    this.restoreZoom = undefined;
    if (this.restoreSandwichId !== undefined) {
      this.restoreSandwichId = undefined;
      this.save({ sandwichId: undefined });
    }
    const target = resyncFailed ? this.shownView : this.hostView;
    this.showControls(target);
    if (!sameView(target, this.shownView)) {
      // The tree of the host's view, asked for with its own filters (nothing to cut; a page without
      // filters, its range): the zoom follows by function.
      const options = this.host.capabilities.options;
      this.resyncRequest = this.postView(options ? { options: target.options } : { range: target.range }, options ? 'setOptions' : 'setRange');
      return;
    }
    if (this.rezoomKey !== undefined && this.chart.zoomedId === undefined) {
      const tree = this.chart.tree;
      const key = this.rezoomKey;
      const again = tree && heaviestNodeOf(tree, (f) => frameKey(f) === key);
      if (again) this.chart.zoomTo(again.id);
    }
    this.rezoomKey = undefined;
    if (this.chart.zoomedId === undefined) this.save({ zoomId: undefined });
    document.body.classList.remove('fl-busy');
    // A search typed meanwhile waited for the new view; the drawn one stays, so its share is asked for now.
    if (this.localSearch) this.showMatch(this.localSearch);
    // A sandwich asked for meanwhile waited for the new view; the drawn one stays, so it is asked for there.
    const sandwichKey = this.deferredSandwichKey;
    this.deferredSandwichKey = undefined;
    const tree = this.chart.tree;
    const node = sandwichKey !== undefined && tree ? heaviestNodeOf(tree, (f) => frameKey(f) === sandwichKey) : undefined;
    if (node) this.requestSandwich(node.id);
  }

  /**
   * The toolbar and the timeline show `view`, now the one asked for (the state saves it); the flame
   * chart follows a range that changed.
   */
  private showControls(view: RequestedView): void {
    const rangeChanged = !sameRange(this.requestedView.range, view.range);
    this.requestedView = view;
    this.options = { ...view.options };
    writeOptions(this.toolbar, this.options);
    this.timeline.setRange(view.range);
    this.save({ options: this.options, range: view.range ?? undefined });
    if (rangeChanged && this.state.flameChart) this.requestChart();
  }

  /** Posts a view request (its change is remembered until answered) and waits for its tree; returns its id. */
  private postView(change: Partial<RequestedView>, type: 'setOptions' | 'setRange'): number {
    const requestId = this.nextRequest++;
    this.pendingOptions = requestId;
    this.viewRequests.set(requestId, change);
    this.requestedView = { ...this.requestedView, ...change };
    document.body.classList.add('fl-busy');
    if (type === 'setOptions') this.host.post({ type, requestId, options: { ...this.requestedView.options } });
    else this.host.post({ type, requestId, range: this.requestedView.range });
    return requestId;
  }

  private requestOptions(options: ViewOptions): void {
    if (!this.host.capabilities.options) return;
    if (this.previewing) {
      // The host answers with its default view next; init re-applies these saved options to it.
      this.options = { ...options };
      this.save({ options: this.options });
      return;
    }
    this.options = { ...options };
    this.restoreZoom = undefined;
    // The new view numbers its nodes afresh: zoom back to the same function rather than the same id.
    const zoomed = this.chart.zoomedId !== undefined ? this.chart.node(this.chart.zoomedId) : undefined;
    this.rezoomKey = zoomed ? frameKey(zoomed.vf) : undefined;
    this.chart.zoomedId = undefined;
    this.save({ options: this.options });
    this.postView({ options: { ...options } }, 'setOptions');
  }

  /** Scopes every view to a timeline range (null: the whole profile); the host answers with a `tree`. */
  /** `restoring`: the saved range re-applied on init, which keeps the flame chart's saved window. */
  private requestRange(range: TimeRange | null, restoring = false): void {
    if (!this.host.capabilities.range) return;
    if (this.previewing) {
      // As a filter toggled on the preview: init re-applies the saved range to the host's whole-profile view.
      this.save({ range: range ?? undefined });
      return;
    }
    this.restoreZoom = undefined;
    const zoomed = this.chart.zoomedId !== undefined ? this.chart.node(this.chart.zoomedId) : undefined;
    this.rezoomKey = zoomed ? frameKey(zoomed.vf) : undefined;
    this.chart.zoomedId = undefined;
    // A range the user chose shows its whole span in the flame chart.
    this.save(restoring ? { range: range ?? undefined } : { range: range ?? undefined, chartWindow: undefined });
    this.postView({ range }, 'setRange');
    // On init the chart is asked for once, by setChartMode, after the range.
    if (this.state.flameChart && !restoring) this.requestChart();
  }

  private requestExpand(nodeId: number): void {
    // A preview's folded frames mostly come with the full tree (init asks for the zoomed one if still folded).
    if (!this.host.capabilities.expand || this.previewing || this.expanded.has(nodeId)) return;
    this.expanded.add(nodeId);
    this.host.post({ type: 'expand', requestId: this.nextRequest++, nodeId });
  }

  private requestSandwich(nodeId: number): void {
    if (!this.host.capabilities.sandwich) return;
    if (this.pendingOptions !== 0) {
      // Node ids are the drawn view's; the host answers from the view it is about to send.
      const node = this.chart.tree && findNode(this.chart.tree, nodeId);
      if (node) this.deferredSandwichKey = frameKey(node.vf);
      return;
    }
    this.pendingSandwich = this.nextRequest++;
    this.save({ sandwichId: nodeId });
    this.host.post({ type: 'sandwich', requestId: this.pendingSandwich, nodeId });
  }

  private showBanner(text: string, dismissable = true): void {
    this.banner.hidden = false;
    this.banner.replaceChildren(h('span', { text }));
    if (!dismissable) return;
    const dismiss = h('button', { text: l10n.t('Dismiss'), attrs: { type: 'button' } });
    dismiss.addEventListener('click', () => (this.banner.hidden = true));
    this.banner.append(dismiss);
  }

  private recolour(): void {
    performance.mark('flamelens:recolour'); // the browser tests count these
    this.palette.refresh();
    this.chart.recolour();
    this.sandwich.recolour();
    this.timeline.recolour();
    this.chartView.recolour();
    renderLegend(this.legend, this.palette, this.summary?.diff === true);
  }

  /** Records how long an operation took as a performance measure (read by the browser tests). */
  private measure<T>(name: string, run: () => T): T {
    const start = performance.now();
    try {
      return run();
    } finally {
      performance.measure(`flamelens:${name}`, { start, end: performance.now() });
    }
  }
}

const themeKinds = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];

/**
 * What a theme or colour change changes: the theme's kind (body class), VS Code's theme id and the
 * variables on <html>. Not the page's own classes, nor VS Code's other ones (a context menu shown…).
 */
function themeOf(doc: Document): string {
  const classes = themeKinds.filter((c) => doc.body.classList.contains(c)).join(' ');
  return `${classes}\n${doc.body.dataset.vscodeThemeId ?? ''}\n${doc.documentElement.getAttribute('style') ?? ''}`;
}

/** The preview the host embedded in the page (renderWebviewHtml), if any and well-formed enough to draw. */
function embeddedPreview(): PreviewMessage | undefined {
  const text = document.getElementById(embeddedPreviewId)?.textContent;
  if (!text) return undefined;
  try {
    const message = JSON.parse(text) as HostMessage;
    return message.type === 'preview' && typeof message.tree?.root === 'object' ? message : undefined;
  } catch {
    return undefined;
  }
}

function sameOptions(a: ViewOptions, b: ViewOptions): boolean {
  return (Object.keys(defaultViewOptions) as (keyof ViewOptions)[]).every((k) => a[k] === b[k]);
}

/**
 * 1234567 → "1,234,567", as toLocaleString('en-US') writes it: the heading is painted with the first
 * draw, and the page's first toLocaleString (ICU's number format) took 15–30 ms of it (bench:webview).
 */
function groupDigits(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function describeSummary(summary: ProfileSummary): string {
  const kind = summary.diff ? l10n.t('Comparison') : summary.kind === 'cpu' ? l10n.t('CPU profile') : l10n.t('Heap profile');
  const parts = [kind, formatValue(summary.total, summary.unit)];
  // A heap profile's samples outside its tree are in no view: said beside the count, not in it (the note says why).
  if (summary.uncountedSamples) parts.push(l10n.t('{0} samples (+{1} not in the tree, see notes)', groupDigits(summary.sampleCount), groupDigits(summary.uncountedSamples)));
  else if (summary.sampleCount) parts.push(l10n.t('{0} samples', groupDigits(summary.sampleCount)));
  return parts.join(' · ');
}

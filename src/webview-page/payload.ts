// Builds the messages the host sends to the flame-graph webview from a Profile: pruned trees,
// the function table and sandwich views, each with its own compact frame list. Pure (no vscode):
// the panel controller calls it and the tests check it against real profiles.
import { defaultMaxNodes, toFlameTree } from '../model/flame';
import { callersOf, calleesOf } from '../model/sandwich';
import { searchShare } from '../model/search';
import { functionTable } from '../model/tables';
import { timelineSeries } from '../model/timeline';
import { flameChart, flameChartInChunks, type FlameChartLayout } from '../model/flame-chart';
import { sampleSpan } from '../model/time-slice';
import type { FlameNode, Frame, Profile } from '../model/types';
import type { FlameChartPayload, HostMessage, ProfileSummary, TablePayload, TimeRange, TimelinePayload, TreePayload, ViewFrame, ViewOptions } from '../protocol';
import { displayLocation } from '../profile-location';

/** The tree the browser can draw comfortably (see toFlameTree's defaultMaxNodes). */
export const maxTreeNodes = defaultMaxNodes;
/** Rows of the function table sent (the heaviest by self). */
export const maxTableRows = 500;

/** Folders that display paths are relative to: the workspace folders, set by the extension host (none elsewhere). */
let displayRoots: readonly string[] = [];

export function setDisplayRoots(roots: readonly string[]): void {
  displayRoots = [...roots];
}

export function viewFrame(f: Frame): ViewFrame {
  const file = displayRoots.length > 0 ? displayLocation(f.url, displayRoots) : f.url;
  return {
    name: f.functionName,
    url: f.url,
    line: f.line,
    column: f.column,
    category: f.category,
    ...(f.packageName !== undefined ? { packageName: f.packageName } : {}),
    ...(file !== f.url ? { file } : {}),
  };
}

/**
 * Levels below the profile's root sent to the webview. d3-flame-graph recurses over the tree's
 * depth when it zooms, searches and clears (a few thousand levels overflow a browser's stack), so
 * deeper frames are drawn as one "… N deeper frames" block that keeps their time.
 */
export const maxTreeDepth = 1000;

/** The note shown with a view whose stacks were cut at maxTreeDepth. */
export const deepStackNote = `Stacks deeper than ${maxTreeDepth.toLocaleString('en-US')} frames are cut in the flame graph: the frames below are drawn as one "… N deeper frames" block that keeps their time (the function table counts them all).`;

/** Collects the profile frames a payload references into a dense list (FlameNode.frame / TableRow.frame index it). */
class FrameSlots {
  readonly frames: ViewFrame[] = [];
  private readonly index = new Map<number, number>();
  /** True once a tree built here was cut at maxTreeDepth. */
  cut = false;
  /** Levels below each profile node (computed on the first cut). */
  private heights?: Int32Array;
  constructor(private readonly profile: Profile) {}

  slot(profileFrame: number): number {
    let i = this.index.get(profileFrame);
    if (i === undefined) {
      i = this.frames.length;
      this.index.set(profileFrame, i);
      this.frames.push(viewFrame(this.profile.frames[profileFrame]!));
    }
    return i;
  }

  /**
   * The tree with frames renumbered into this list, copied without recursion; nodes more than
   * `levels` below the tree's root are replaced by one marker child of their ancestor at that depth.
   */
  remap(tree: FlameNode, levels: number): FlameNode {
    const copy = (node: FlameNode): FlameNode => {
      const out: FlameNode = { ...node, frame: this.slot(node.frame) };
      delete out.children;
      return out;
    };
    const root = copy(tree);
    const stack: [FlameNode, FlameNode, number][] = [[tree, root, 0]];
    while (stack.length > 0) {
      const [node, out, depth] = stack.pop()!;
      if (!node.children?.length) continue;
      if (depth >= levels) {
        out.children = [this.deeper(node.id)];
        delete out.folded;
        continue;
      }
      out.children = node.children.map(copy);
      for (let i = 0; i < node.children.length; i++) stack.push([node.children[i]!, out.children[i]!, depth + 1]);
    }
    return root;
  }

  /** The block standing for everything below profile node `id`: its children's time, under a name that says what it is. */
  private deeper(id: number): FlameNode {
    this.cut = true;
    const p = this.profile;
    this.heights ??= subtreeHeights(p);
    const levels = this.heights[id]!;
    const value = p.totalValue[id]! - p.selfValue[id]!;
    const name = `… ${levels.toLocaleString('en-US')} deeper frame${levels === 1 ? '' : 's'}`;
    const frame = this.frames.length;
    this.frames.push({ name, url: '', line: 0, column: 0, category: 'meta' });
    // Negative ids are no profile node: the webview never asks the host to expand one.
    const marker: FlameNode = { id: -1 - id, name, value, self: value, frame };
    if (p.baseTotalValue) {
      let delta = 0;
      for (let c = p.childStart[id]!; c < p.childStart[id + 1]!; c++) {
        const child = p.childNodes[c]!;
        delta += p.totalValue[child]! - p.baseTotalValue[child]!;
      }
      marker.delta = delta;
    }
    return marker;
  }
}

/** Levels below each node (0 for a leaf); one reverse pass, since parents precede children. */
function subtreeHeights(p: Profile): Int32Array {
  const heights = new Int32Array(p.nodeCount);
  for (let i = p.nodeCount - 1; i > 0; i--) {
    const parent = p.nodeParent[i]!;
    if (heights[i]! + 1 > heights[parent]!) heights[parent] = heights[i]! + 1;
  }
  return heights;
}

/** Levels from the profile's root down to `node`. */
function depthOf(p: Profile, node: number): number {
  let depth = 0;
  for (let i = node; i > 0; i = p.nodeParent[i]!) depth++;
  return depth;
}

function treeOf(p: Profile, slots: FrameSlots, root = 0, prune: { maxNodes: number; minFraction?: number; maxDepth?: number } = { maxNodes: maxTreeNodes }): TreePayload {
  const tree = toFlameTree(p, { root, ...prune });
  // The webview grafts subtrees where they belong, so the cut is by depth below the profile's root.
  const levels = Math.max(0, maxTreeDepth - depthOf(p, root));
  return { root: slots.remap(tree.root, levels), frames: slots.frames, total: p.totalValue[0] ?? 0 };
}

/**
 * The heaviest functions by self AND by total, so sorting the table by Total still finds callers
 * with little self time; in a comparison also the largest changes of self, so sorting by Δ Self
 * finds a function that is gone (no self or total left in the new profile) however many there are.
 */
function tableOf(p: Profile, slots: FrameSlots): TablePayload {
  const all = functionTable(p);
  const baseSelf = baseSelfByFrame(p);
  const half = maxTableRows / 2;
  const rows = all.slice(0, half);
  const rest = all.slice(half);
  if (baseSelf) {
    const change = (r: (typeof all)[number]) => Math.abs(r.self - baseSelf[r.frame]!);
    rows.push(...[...rest].sort((a, b) => change(b) - change(a)).slice(0, maxTableRows / 4).filter((r) => change(r) > 0));
  }
  const chosen = new Set(rows.map((r) => r.frame));
  const byTotal = rest.sort((a, b) => b.total - a.total);
  for (const r of byTotal) {
    if (rows.length >= maxTableRows) break;
    if (!chosen.has(r.frame)) rows.push(r);
  }
  return {
    rows: rows.map((r) => ({ frame: slots.slot(r.frame), self: r.self, total: r.total, ...(baseSelf ? { selfDelta: r.self - baseSelf[r.frame]! } : {}) })),
    frames: slots.frames,
  };
}

/** Diff views: the baseline's self per profile frame (the table's Δ Self is self − this), else undefined. */
function baseSelfByFrame(p: Profile): Float64Array | undefined {
  const base = p.baseSelfValue;
  if (!base) return undefined;
  const out = new Float64Array(p.frames.length);
  for (let i = 0; i < p.nodeCount; i++) out[p.nodeFrame[i]!]! += base[i]!;
  return out;
}

/** Tree and table of a (view) profile, sharing one frame list. */
export function treeAndTable(view: Profile): { tree: TreePayload; table: TablePayload } {
  const { tree, table } = buildTreeAndTable(view);
  return { tree, table };
}

/** Also says whether the tree was cut at maxTreeDepth. */
function buildTreeAndTable(view: Profile, maxNodes = maxTreeNodes): { tree: TreePayload; table: TablePayload; cut: boolean } {
  const slots = new FrameSlots(view);
  const tree = treeOf(view, slots, 0, { maxNodes });
  const table = tableOf(view, slots);
  return { tree, table, cut: slots.cut };
}

export function summaryOf(original: Profile, title: string): ProfileSummary {
  return {
    title,
    kind: original.kind,
    unit: original.unit,
    diff: original.baseTotalValue !== undefined,
    nodeCount: original.nodeCount,
    sampleCount: original.sampleCount,
    ...(original.uncountedSamples ? { uncountedSamples: original.uncountedSamples } : {}),
    total: original.totalValue[0] ?? 0,
    notes: [...original.notes],
  };
}

/** Series per profile, computed once: a reloaded webview (VS Code unloads hidden ones) gets the same. */
const timelines = new WeakMap<Profile, TimelinePayload | null>();

function timelineOf(p: Profile): TimelinePayload | undefined {
  let series = timelines.get(p);
  if (series === undefined) {
    series = timelineSeries(p) ?? null;
    timelines.set(p, series);
  }
  return series ?? undefined;
}

/** `maxNodes`: the tree's budget (tests prune a small profile as hard as a large one is). */
export function initMessage(original: Profile, view: Profile, title: string, options: ViewOptions, maxNodes = maxTreeNodes): HostMessage {
  const { tree, table, cut } = buildTreeAndTable(view, maxNodes);
  const summary = summaryOf(original, title);
  if (cut) summary.notes.push(deepStackNote);
  const timeline = timelineOf(original);
  return { type: 'init', summary, options: { ...options }, tree, table, ...(timeline ? { timeline } : {}) };
}

/**
 * Most nodes of a preview. Real tsc profiles have 4,000–8,000 frames of ≥ 1 px at 1,400 px (most of
 * them 1–2 px slivers, and most far below the rows a box shows); a preview is cut to the rows in view
 * (a few hundred nodes there), so this only bounds odd cases (very wide, very flat trees).
 */
export const previewMaxNodes = 4_000;

/**
 * The size a host builds a preview for before the page exists (embedded in its HTML, see
 * renderWebviewHtml): wider and taller than most editor areas, so the page drawing it at its own
 * size misses few frames; frames under 1 px at this width are left for the full view.
 */
export const embeddedPreviewSize = { width: 1920, rows: 40 };

/** What a page may ask a preview for (an absent or absurd size becomes a sane one). */
const previewWidths = { min: 100, max: 10_000, fallback: 1_600 };
const previewRows = { min: 4, max: 400, fallback: 60 };

function clampTo(value: unknown, range: { min: number; max: number; fallback: number }): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(range.max, Math.max(range.min, Math.round(value))) : range.fallback;
}

/**
 * The first message a page that asked for a preview gets: the summary and the top of the tree as
 * the page's box shows it — frames of ≥ 1 px at `width` CSS pixels (narrower ones are never drawn),
 * in the `rows` levels in view — at most previewMaxNodes — and the timeline (computed once per
 * profile, so the init reuses it). No table: that comes with the `init` after it.
 */
export function previewMessage(original: Profile, view: Profile, title: string, options: ViewOptions, size: { width: number; rows: number }): HostMessage {
  const width = clampTo(size.width, previewWidths);
  const rows = clampTo(size.rows, previewRows);
  const slots = new FrameSlots(view);
  // Rows 0..rows-1 are in view: the root and rows - 1 levels below it.
  const tree = treeOf(view, slots, 0, { maxNodes: previewMaxNodes, minFraction: 1 / width, maxDepth: rows - 1 });
  const timeline = timelineOf(original);
  return { type: 'preview', summary: summaryOf(original, title), options: { ...options }, tree, ...(timeline ? { timeline } : {}) };
}

/** Detail below a node of the view profile (node ids are view-profile node indexes). */
export function subtreeMessage(view: Profile, requestId: number, nodeId: number): HostMessage {
  return { type: 'subtree', requestId, nodeId, tree: treeOf(view, new FrameSlots(view), nodeId) };
}

/** The search share of `term` over the whole view (the page's tree is pruned: it asks when it drew folded frames). */
export function searchMessage(view: Profile, requestId: number, term: string): HostMessage {
  return { type: 'searchResult', requestId, term, ...searchShare(view, term) };
}

export function sandwichMessage(view: Profile, requestId: number, nodeId: number): HostMessage {
  const frame = view.nodeFrame[nodeId]!;
  const callers = callersOf(view, frame);
  const callees = calleesOf(view, frame);
  return {
    type: 'sandwich',
    requestId,
    frame: viewFrame(view.frames[frame]!),
    callers: treeOf(callers, new FrameSlots(callers)),
    callees: treeOf(callees, new FrameSlots(callees)),
  };
}

/** Most rectangles a flame chart message carries (the narrowest are left out beyond it). */
export const maxChartRects = 60_000;

/**
 * The flame chart of `range` (null: all) of a profile that kept its samples, for a canvas `width`
 * pixels wide: rectangles under one pixel are left out. Throws when the profile has no sample times.
 */
export function flameChartMessage(p: Profile, requestId: number, range: TimeRange | null, width: number): HostMessage {
  const w = chartWindow(p, range, width);
  return chartMessage(p, requestId, flameChart(p, w.from, w.to, w.minWidth));
}

/**
 * flameChartMessage laid out in chunks, awaiting `pause()` between them (the extension host passes
 * a yield to its event loop); undefined when `stale()` turns true (a newer chart was asked for).
 */
export async function flameChartMessageInChunks(p: Profile, requestId: number, range: TimeRange | null, width: number, pause: () => Promise<void>, stale: () => boolean): Promise<HostMessage | undefined> {
  const w = chartWindow(p, range, width);
  const chart = await flameChartInChunks(p, w.from, w.to, w.minWidth, pause, stale);
  if (stale()) return undefined;
  return chartMessage(p, requestId, chart);
}

/** The part of the profile a chart of `range` shows, and what one of `width` pixels stands for. */
function chartWindow(p: Profile, range: TimeRange | null, width: number): { from: number; to: number; minWidth: number } {
  const pixels = Math.min(10_000, Math.max(100, Number.isFinite(width) ? width : 1000));
  const span = sampleSpan(p);
  const from = Math.max(span?.start ?? 0, range?.from ?? -Infinity);
  const to = Math.min(span?.end ?? 0, range?.to ?? Infinity);
  return { from, to, minWidth: (to - from) / pixels };
}

function chartMessage(p: Profile, requestId: number, chart: FlameChartLayout | undefined): HostMessage {
  if (!chart) throw new Error('this profile has no per-sample times for a flame chart');
  const truncated = chart.count > maxChartRects;
  const keep = truncated ? widestRects(chart, maxChartRects) : Array.from({ length: chart.count }, (_, k) => k);
  const slots = new FrameSlots(p);
  const payload: FlameChartPayload = {
    start: chart.start,
    end: chart.end,
    depth: keep.map((k) => chart.depth[k]!),
    from: keep.map((k) => chart.from[k]!),
    to: keep.map((k) => chart.to[k]!),
    frame: keep.map((k) => slots.slot(p.nodeFrame[chart.node[k]!]!)),
    frames: slots.frames,
    maxDepth: chart.maxDepth,
    truncated,
  };
  return { type: 'flameChart', requestId, chart: payload };
}

/**
 * The `max` widest rectangles in their order (ties: the earlier first, as a stable sort by width
 * would pick them), through one numeric sort of the widths instead of a comparator sort of
 * indexes (500,000 rectangles of a deep recursion took long on the extension host).
 */
function widestRects(chart: FlameChartLayout, max: number): number[] {
  const widths = new Float64Array(chart.count);
  for (let k = 0; k < chart.count; k++) widths[k] = chart.to[k]! - chart.from[k]!;
  const threshold = widths.slice().sort()[chart.count - max]!;
  let wider = 0;
  for (let k = 0; k < chart.count; k++) if (widths[k]! > threshold) wider++;
  let ties = max - wider;
  const keep: number[] = [];
  for (let k = 0; k < chart.count; k++) if (widths[k]! > threshold || (widths[k] === threshold && ties-- > 0)) keep.push(k);
  return keep;
}

export function isValidNode(view: Profile, nodeId: unknown): nodeId is number {
  return typeof nodeId === 'number' && Number.isInteger(nodeId) && nodeId >= 0 && nodeId < view.nodeCount;
}

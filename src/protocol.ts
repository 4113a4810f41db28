// Messages between the extension host (or the standalone HTML report) and the flame-graph
// webview, defined once. The host never sends a raw profile: only pruned trees and tables.
import type { FlameNode, FrameCategory, ProfileKind, ValueUnit } from './model/types';

/** A frame as the webview needs it. Trees index into the `frames` list sent with them. */
export interface ViewFrame {
  name: string;
  url: string;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
  category: FrameCategory;
  packageName?: string;
  /** `url` for people, when it names a local file: relative to the workspace folder holding it, else the plain path. */
  file?: string;
}

// The view toggles belong to the model (src/model/view.ts applies them); re-exported for the messages.
export { defaultViewOptions, type ViewOptions } from './model/view';
import type { ViewOptions } from './model/view';

/** A tree plus the frames it references (FlameNode.frame indexes `frames`). */
export interface TreePayload {
  root: FlameNode;
  frames: ViewFrame[];
  /** Total of the whole (filtered) profile, for percentages. */
  total: number;
}

export interface TableRow {
  frame: number;
  self: number;
  total: number;
  /** Diff views: change of self. */
  selfDelta?: number;
}

export interface TablePayload {
  rows: TableRow[];
  frames: ViewFrame[];
}

export interface ProfileSummary {
  title: string;
  kind: ProfileKind;
  unit: ValueUnit;
  /** True for a before/after comparison: nodes carry `delta`. */
  diff: boolean;
  nodeCount: number;
  /** The samples the tree is made of (Profile.sampleCount). */
  sampleCount: number;
  /** Heap: samples of the file whose node is not in the tree, in no count (Profile.uncountedSamples); absent when none. */
  uncountedSamples?: number;
  /** µs of wall time for CPU profiles, total bytes for heap profiles. */
  total: number;
  notes: string[];
}

export type { LoadTrackKind, LoadTracksPayload, TimelineLane, TimelinePayload } from './model/timeline';
import type { LoadTracksPayload, TimelinePayload } from './model/timeline';

/** A selected range on the timeline's axis, [from, to). */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * The flame chart of a time range: calls as they happened, one rectangle per call and level
 * (parallel arrays, by start time; `frame` indexes `frames`). Only rectangles of ≥ 1 pixel are sent.
 */
export interface FlameChartPayload {
  start: number;
  end: number;
  depth: number[];
  from: number[];
  to: number[];
  frame: number[];
  frames: ViewFrame[];
  maxDepth: number;
  /** True when rectangles were left out beyond the size limit (the narrowest first). */
  truncated: boolean;
}

/** Host → webview. */
export type HostMessage =
  /**
   * `range`: a timeline range the host preselects (a load run's measured window in its whole
   * recording); the page scopes the views to it as to a saved range, unless it has one saved.
   */
  | { type: 'init'; summary: ProfileSummary; options: ViewOptions; tree: TreePayload; table: TablePayload; timeline?: TimelinePayload; range?: TimeRange }
  /** Right after init, only for a profile recorded in a load run: its per-second series as tracks under the timeline. */
  | { type: 'tracks'; tracks: LoadTracksPayload }
  /**
   * The answer to a `ready` that asked for a preview: only the top of the tree, enough to paint the
   * flame graph at the page's width (see previewMessage). The page paints it, then posts
   * `previewPainted`, answered with the full `init` (tree to the whole budget, table). The timeline
   * comes with the preview: it is small, and drawn above the graph it would push the graph down later.
   */
  | { type: 'preview'; summary: ProfileSummary; options: ViewOptions; tree: TreePayload; timeline?: TimelinePayload }
  | { type: 'tree'; requestId: number; tree: TreePayload; table: TablePayload }
  | { type: 'subtree'; requestId: number; nodeId: number; tree: TreePayload }
  | { type: 'sandwich'; requestId: number; frame: ViewFrame; callers: TreePayload; callees: TreePayload }
  /**
   * The answer to `search`: the share of the frames whose name holds `term` (trimmed) over the whole view.
   * `folded` (the standalone report only): matchedValue is a lower bound, as that many folded frames could hold more.
   */
  | { type: 'searchResult'; requestId: number; term: string; matchedValue: number; total: number; count: number; folded?: number }
  | { type: 'reveal'; name: string; url: string; line: number }
  | { type: 'flameChart'; requestId: number; chart: FlameChartPayload }
  /** Export Profile… as SVG: the webview answers with an `svg` message of the same requestId. */
  | { type: 'svgRequest'; requestId: number }
  | { type: 'error'; requestId?: number; message: string };

/** Webview → host. */
export type WebviewMessage =
  /**
   * The page is up. With `preview` (the flame graph's width in CSS pixels and the rows its box shows),
   * a host may answer with a small `preview` first and the `init` after `previewPainted`; hosts that
   * do not (the standalone report, the error page) answer with `init` or `error` as before.
   */
  | { type: 'ready'; preview?: { width: number; rows: number } }
  /** The preview is painted: send the full `init` now. */
  | { type: 'previewPainted' }
  | { type: 'setOptions'; requestId: number; options: ViewOptions }
  /** Re-scope every view (tree, table, sandwich, hot lines) to a timeline range, or back to the whole profile; answered with `tree`. */
  | { type: 'setRange'; requestId: number; range: TimeRange | null }
  /**
   * The flame chart of a range (null: the whole profile), laid out for `width` pixels. `detail`: a finer chart
   * of the window the chart is zoomed to; a newer request of either kind stops an older detail one, but only a
   * newer whole-range request stops a whole-range one.
   */
  | { type: 'flameChart'; requestId: number; range: TimeRange | null; width: number; detail?: boolean }
  /** Detail of a zoomed node, when the tree sent was pruned below it. */
  | { type: 'expand'; requestId: number; nodeId: number }
  | { type: 'sandwich'; requestId: number; nodeId: number }
  /**
   * The search share of `term` over the whole view, answered with `searchResult`: the tree the page drew
   * was pruned (folded frames), so its own count misses the matches inside them.
   */
  | { type: 'search'; requestId: number; term: string }
  | { type: 'openLocation'; url: string; line: number; column: number; name: string }
  /** The toolbar's Export…: the host runs Export Profile… with this view's filters. */
  | { type: 'export' }
  /** The answer to `svgRequest`: the drawn flame graph as SVG markup, or why there is none. Untrusted in the host. */
  | { type: 'svg'; requestId: number; svg?: string; error?: string }
  | { type: 'log'; level: 'info' | 'error'; message: string };

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

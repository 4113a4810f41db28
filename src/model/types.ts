// The profile model shared by the extension host, the webview and the CLI.
// Pure data: no vscode, DOM or fs. A profile is a flat, index-linked call tree held in typed
// arrays, so a profile with millions of samples costs a few arrays rather than millions of
// objects. Node 0 is always the root.

export type ProfileKind = 'cpu' | 'heap';

/** Microseconds for CPU profiles, bytes for heap profiles. */
export type ValueUnit = 'us' | 'bytes';

/** Where a frame's code comes from; drives filters, colours and "open source". */
export type FrameCategory =
  | 'user' // the program's own code
  | 'node_modules' // a dependency (see Frame.packageName)
  | 'node' // Node internals: node:… URLs and internal/… paths
  | 'native' // V8 builtins and native code without a URL
  | 'meta'; // (root), (program), (idle), (garbage collector)

/** One interned code location. Frames are deduplicated: same name + url + line + column = same index. */
export interface Frame {
  /** Display name; '(anonymous)' when V8 gave none. */
  readonly functionName: string;
  /** As found in the profile (file:// URL, absolute path, node:…, or ''), after source mapping the original source. */
  readonly url: string;
  /** 1-based line of the function's start, 0 when unknown. */
  readonly line: number;
  /** 1-based column of the function's start, 0 when unknown. */
  readonly column: number;
  readonly category: FrameCategory;
  /** npm package name for node_modules frames ('@scope/name' or 'name'). */
  readonly packageName?: string;
}

export type ProfileFormat = 'devtools-cpuprofile' | 'v8-profiler-next' | 'heapprofile' | 'pprof';

/**
 * A call tree. Arrays are indexed by node index; node 0 is the root and parents precede
 * their children (parent[i] < i), so one reverse pass accumulates totals.
 * Children of n: childNodes[childStart[n] .. childStart[n + 1]).
 */
export interface Profile {
  readonly kind: ProfileKind;
  readonly unit: ValueUnit;
  readonly format: ProfileFormat;
  readonly frames: readonly Frame[];
  readonly nodeCount: number;
  readonly nodeFrame: Int32Array;
  readonly nodeParent: Int32Array;
  readonly childStart: Int32Array;
  readonly childNodes: Int32Array;
  /** Self value per node: µs from samples × timeDeltas for CPU, bytes for heap. */
  readonly selfValue: Float64Array;
  /** Self value plus all descendants. totalValue[0] is the whole profile. */
  readonly totalValue: Float64Array;
  /** Samples attributed to the node itself (CPU: from `samples`, else hitCount; heap: sample count or 0). */
  readonly selfSamples: Float64Array;
  /**
   * Per-node self value by source line (1-based lines, in the frame's url), from positionTicks /
   * lineTicks, scaled so that each node's lines sum to exactly its selfValue. A node with self
   * value but no ticks gets one entry at its frame's line. Entries of n: lineStart[n] .. lineStart[n+1].
   */
  readonly lineStart: Int32Array;
  readonly lineNumber: Int32Array;
  readonly lineValue: Float64Array;
  /** Profile start and end, µs (0..total for heap profiles). */
  readonly startTime: number;
  readonly endTime: number;
  /**
   * The samples the tree is made of: an import's selfSamples add up to it (a heap profile's
   * samples whose node is not in the tree are counted in uncountedSamples instead).
   */
  readonly sampleCount: number;
  /**
   * Heap only, when nonzero: samples the file lists whose nodeId names no node of its tree, left
   * out of sampleCount, selfSamples and the per-sample arrays (DevTools leaves them out of its tree
   * too). V8 adds these while it writes the profile: the line tables it builds then to give each
   * node its line are allocations like any other, sampled under a node created after that part of
   * the tree was written (`node --heap-prof` writes them as the process exits).
   */
  readonly uncountedSamples?: number;
  /**
   * Per-sample data in recording order, when the input had it (CPU `samples`, heap `samples`) and
   * the profile is the import's (or a time slice of it); transforms drop it. The timeline draws it
   * and time slices cut it (time-slice.ts). sampleNodes[i] is the node of sample i.
   */
  readonly sampleNodes?: Int32Array;
  /**
   * CPU: when sample i was taken, µs on the profile's clock, never decreasing; the sample lasts
   * until sample i + 1 (the last until endTime). Heap: the sample's place in allocation order (0, 1, …).
   */
  readonly sampleTimes?: Float64Array;
  /** Heap only: bytes of sample i (CPU samples are worth their interval). */
  readonly sampleValues?: Float64Array;
  /**
   * Diff profiles only (see diff.ts): the baseline's self and total value per node of the union
   * tree; selfValue/totalValue hold the new profile's. toFlameTree emits delta = total − baseTotal.
   */
  readonly baseSelfValue?: Float64Array;
  readonly baseTotalValue?: Float64Array;
  /** Things worth telling the user (e.g. "3 frames kept their generated location: no source map for x.js"). */
  readonly notes: readonly string[];
  /**
   * Source maps the recording process held in memory, by script url (FlameLens's agent embeds
   * them under `flamelensSourceMaps`: TypeScript a loader such as tsx transpiled in memory).
   * Source mapping uses them before looking on disk, and its result no longer carries them.
   */
  readonly embeddedSourceMaps?: ReadonlyMap<string, object>;
}

/** Error codes for input that is not a usable profile. */
export type ProfileErrorCode =
  | 'empty'
  | 'truncated'
  | 'invalid-json'
  | 'unknown-format'
  | 'invalid-structure'
  /** A time, size or count that is not finite, negative, or beyond any real profile. */
  | 'invalid-value'
  | 'too-large';

export class ProfileError extends Error {
  readonly code: ProfileErrorCode;
  constructor(code: ProfileErrorCode, message: string) {
    super(message);
    this.name = 'ProfileError';
    this.code = code;
  }
}

/** A node of the tree handed to d3-flame-graph (a pruned view of a Profile). */
export interface FlameNode {
  /** Index of the Profile node this stands for: stable across prunes, used to fetch detail. */
  id: number;
  name: string;
  /** Total value (µs or bytes) — what d3-flame-graph sizes frames by. */
  value: number;
  self: number;
  /** Index into the frames sent alongside the tree. */
  frame: number;
  /** Diff views: new − base of the total (d3-flame-graph's differential colouring reads `delta`). */
  delta?: number;
  /** Number of descendants folded into this node by pruning (0 or absent when nothing was cut). */
  folded?: number;
  children?: FlameNode[];
}

/** A row of the per-function table (a function = a frame). */
export interface FunctionRow {
  frame: number;
  self: number;
  /** Time with this function on the stack, counting recursive activations once. */
  total: number;
  samples: number;
}

/** A row of the per-source-line table: self value of one 1-based line of one file. */
export interface LineRow {
  url: string;
  line: number;
  self: number;
  /** The frame (function) that owns most of this line's value. */
  frame: number;
}

// Messages between the extension host and the Load Run webview (webview/load/), and the view model
// they carry. Types only and no imports, so the webview bundle can import them as they are.

export type PercentileKey = 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' | 'mean';

/** One row of a table: a label and finite numbers already rounded for display (null: not measured, shown as "—"). */
export interface PercentileRow {
  key: PercentileKey;
  label: string;
  ms: number | null;
}

export interface ThresholdRow {
  expr: string;
  ok: boolean;
  /** The measured value as text ("212.4 ms", "0.5 %", "1,204 req/s"). */
  actual: string;
}

export interface StageRow {
  index: number;
  connections: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** errors + non-2xx */
  failed: number;
}

export interface ChartSeries {
  name: string;
  /** Seconds since the measured phase began → value. Finite numbers only. */
  points: [number, number][];
}

export interface Chart {
  id: 'rps' | 'latency' | 'errors' | 'eventLoop';
  title: string;
  unit: string;
  series: ChartSeries[];
}

export interface FunctionRow {
  name: string;
  /** Where the function is, as shown ("src/sort.ts:10"); empty for native code. */
  location: string;
  url: string;
  line: number;
  selfMs: number;
  selfPct: number;
}

export interface LoadRunView {
  title: string;
  startedAt: string;
  /** The URLs loaded, the server command: shown as text. */
  target: string;
  durationS: number;
  /** Broken thresholds' expressions (a red banner when any). */
  broken: string[];
  /** Why the run ended early, and other problems the run recorded. */
  notes: string[];
  percentiles: PercentileRow[];
  /** null where not measured (an external tool drove the load and its output could not be read). */
  requests: { total: number | null; ok: number | null; non2xx: number | null; errors: number | null; timeouts: number | null };
  throughput: { rps: number | null; bytesPerSec: number | null; errorPercent: number | null };
  /** Who drove the load, as text ("FlameLens", or the external command). */
  loadBy: string;
  /** The server's health during the load (through the agent), or why it was not measured. */
  server: ServerHealthRow | { notMeasured: string };
  thresholds: ThresholdRow[];
  stages: StageRow[];
  charts: Chart[];
  topFunctions: FunctionRow[];
  /** Whether a server profile exists to open as a flame graph. */
  hasProfile: boolean;
  /** Whether that profile's whole recording (warm-up included) is kept beside it, to open with the measured window selected. */
  hasFullRecording?: boolean;
}

/** The agent's figures for the server over the measured phase. */
export interface ServerHealthRow {
  eventLoopDelayP50: number;
  eventLoopDelayP99: number;
  eventLoopDelayMax: number;
  /** Mean event-loop utilisation, % */
  utilizationPct: number;
  cpuPct: number;
  heapUsedMBMax: number;
}

export interface DeltaRow {
  label: string;
  unit: string;
  /** null: not measured in that run (then delta and deltaPct are null too). */
  before: number | null;
  after: number | null;
  delta: number | null;
  deltaPct: number | null;
  /** Whether the change is for the worse (latency up, throughput down, errors up). */
  worse: boolean;
}

export interface LoadCompareView {
  title: string;
  before: string;
  after: string;
  rows: DeltaRow[];
  /** Functions whose self time grew most. */
  grown: { name: string; location: string; url: string; line: number; deltaMs: number }[];
  hasProfiles: boolean;
}

/**
 * What a Load Run view stands for, by file path: the webview keeps it with setState, and VS Code
 * hands it back to the serializer after a window reload, which reads the run file(s) again.
 */
export type LoadViewState =
  | { kind: 'run'; runFile: string; title: string; serverProfile?: string; root?: string }
  | { kind: 'compare'; before: string; after: string; root?: string };

/** A view that cannot show its run(s) any more (a file deleted or broken since): a title and why, as text. */
export interface LoadUnavailableView {
  title: string;
  /** One line per file that could not be read, each naming its path. */
  problems: string[];
}

export type LoadHostMessage =
  | { type: 'run'; view: LoadRunView; state?: LoadViewState }
  | { type: 'compare'; view: LoadCompareView; state?: LoadViewState }
  | { type: 'unavailable'; view: LoadUnavailableView; state?: LoadViewState };

export type LoadWebviewMessage =
  | { type: 'ready' }
  | { type: 'openSource'; url: string; line: number; name: string }
  | { type: 'openFlameGraph' }
  /** The server's whole recording, with the measured window selected on its timeline. */
  | { type: 'openFullRecording' }
  /** After each render, what was drawn (the tests read it back). */
  | { type: 'rendered'; mode: 'run' | 'compare'; percentiles: number; charts: number; banner: boolean };

export function isLoadWebviewMessage(m: unknown): m is LoadWebviewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  switch (x.type) {
    case 'ready':
    case 'openFlameGraph':
    case 'openFullRecording':
      return true;
    case 'openSource':
      return typeof x.url === 'string' && typeof x.name === 'string' && Number.isFinite(x.line);
    case 'rendered':
      return (x.mode === 'run' || x.mode === 'compare') && Number.isFinite(x.percentiles) && Number.isFinite(x.charts) && typeof x.banner === 'boolean';
    default:
      return false;
  }
}

const isText = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
const optionalText = (x: unknown) => x === undefined || isText(x);

/** Whether a webview state VS Code hands back (it may come from an older version) names what to show. */
export function isLoadViewState(s: unknown): s is LoadViewState {
  if (typeof s !== 'object' || s === null) return false;
  const x = s as Record<string, unknown>;
  if (x.kind === 'run') return isText(x.runFile) && isText(x.title) && optionalText(x.serverProfile) && optionalText(x.root);
  if (x.kind === 'compare') return isText(x.before) && isText(x.after) && optionalText(x.root);
  return false;
}

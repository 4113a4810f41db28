// Messages between the extension host and the Load Run webview (webview/load/), and the view model
// they carry. Types only and no imports, so the webview bundle can import them as they are.

export type PercentileKey = 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' | 'mean';

/** One row of a table: a label and finite numbers already rounded for display. */
export interface PercentileRow {
  key: PercentileKey;
  label: string;
  ms: number;
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
  requests: { total: number; ok: number; non2xx: number; errors: number; timeouts: number };
  throughput: { rps: number; bytesPerSec: number; errorPercent: number };
  thresholds: ThresholdRow[];
  stages: StageRow[];
  charts: Chart[];
  topFunctions: FunctionRow[];
  /** Whether a server profile exists to open as a flame graph. */
  hasProfile: boolean;
}

export interface DeltaRow {
  label: string;
  unit: string;
  before: number;
  after: number;
  delta: number;
  deltaPct: number;
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

export type LoadHostMessage = { type: 'run'; view: LoadRunView } | { type: 'compare'; view: LoadCompareView };

export type LoadWebviewMessage =
  | { type: 'ready' }
  | { type: 'openSource'; url: string; line: number; name: string }
  | { type: 'openFlameGraph' }
  /** After each render, what was drawn (the tests read it back). */
  | { type: 'rendered'; mode: 'run' | 'compare'; percentiles: number; charts: number; banner: boolean };

export function isLoadWebviewMessage(m: unknown): m is LoadWebviewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  switch (x.type) {
    case 'ready':
    case 'openFlameGraph':
      return true;
    case 'openSource':
      return typeof x.url === 'string' && typeof x.name === 'string' && Number.isFinite(x.line);
    case 'rendered':
      return (x.mode === 'run' || x.mode === 'compare') && Number.isFinite(x.percentiles) && Number.isFinite(x.charts) && typeof x.banner === 'boolean';
    default:
      return false;
  }
}

// Messages between the extension host and the heap-snapshot table webview (webview/snapshot/).
// Types only, so the webview bundle can import them.
import type { SnapshotDiff } from './heap/diff';
import type { SnapshotSummary } from './heap/types';

export type SnapshotHostMessage =
  | { type: 'progress'; message: string }
  | { type: 'summary'; title: string; summary: SnapshotSummary }
  | { type: 'diff'; title: string; before: string; after: string; diff: SnapshotDiff; beforeTotal: number; afterTotal: number }
  | { type: 'error'; message: string };

export type SnapshotWebviewMessage =
  | { type: 'ready' }
  /** After each render: how many rows are shown and the first row's name (the tests read this back). */
  | { type: 'rendered'; rows: number; first: string | undefined; mode: 'summary' | 'diff' };

export function isSnapshotWebviewMessage(m: unknown): m is SnapshotWebviewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'rendered';
}

// Messages between the extension host and the heap-snapshot table webview (webview/snapshot/).
// Types only, so the webview bundle can import them.
import type { SnapshotDiff } from './heap/diff';
import type { InstancePage, RetainerReport } from './heap/retainer-types';
import type { SnapshotSummary } from './heap/types';

export type SnapshotHostMessage =
  | { type: 'progress'; message: string }
  /** `inspect`: the snapshot is kept open, so a constructor's objects and their retainers can be asked for. */
  | { type: 'summary'; title: string; summary: SnapshotSummary; inspect?: boolean }
  | { type: 'diff'; title: string; before: string; after: string; diff: SnapshotDiff; beforeTotal: number; afterTotal: number }
  | { type: 'error'; message: string }
  /** The answer to a question of the page's: a page of objects, a retainer report, or why there is none. */
  | { type: 'answer'; question: SnapshotQuestion; result?: InstancePage | RetainerReport; error?: string };

/** A constructor's largest objects, or what keeps an object (a page's node index) alive. */
export type SnapshotQuestion = { type: 'instances'; name: string } | { type: 'retainers'; index: number };

export type SnapshotWebviewMessage =
  | SnapshotQuestion
  | { type: 'ready' }
  /** After each render: how many rows are shown and the first row's name (the tests read this back). */
  | { type: 'rendered'; rows: number; first: string | undefined; mode: 'summary' | 'diff' };

export function isSnapshotWebviewMessage(m: unknown): m is SnapshotWebviewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  const q = m as { name?: unknown; index?: unknown };
  if (t === 'instances') return typeof q.name === 'string';
  if (t === 'retainers') return Number.isSafeInteger(q.index) && (q.index as number) >= 0;
  return t === 'ready' || t === 'rendered';
}

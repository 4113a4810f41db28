// Compare Heap Snapshots…: two .heapsnapshot files → growth per constructor (count and size delta),
// most growth first, in the snapshot table webview's diff mode.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { diffSnapshots, type SnapshotDiff } from '../heap/diff';
import { escapeNotificationText } from '../model/escape-text';
import { SnapshotError, cancelledMessage } from '../heap/summarize';
import { summarizeWithProgress } from '../views/snapshot-editor';
import { SnapshotView, type RenderedInfo } from '../views/snapshot-view';
import type { SnapshotHostMessage } from '../snapshot-protocol';

export const compareSnapshotsCommandId = 'flamelens.compareHeapSnapshots';
const comparePanelViewType = 'flamelens.snapshotCompare';

export interface SnapshotCompareRun {
  diff: SnapshotDiff;
  /** Tests: what the webview drew. */
  rendered(): Promise<RenderedInfo>;
}

const filters = () => ({ [vscode.l10n.t('Heap snapshots')]: ['heapsnapshot', 'gz'], [vscode.l10n.t('All files')]: ['*'] });

export async function compareHeapSnapshots(extensionUri: vscode.Uri, before?: vscode.Uri, after?: vscode.Uri): Promise<SnapshotCompareRun | undefined> {
  const pick = async (title: string) => (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: filters(), openLabel: vscode.l10n.t('Select') }))?.[0];
  const a = before ?? (await pick(vscode.l10n.t('FlameLens: compare — the EARLIER heap snapshot (before)')));
  if (!a) return undefined;
  const b = after ?? (await pick(vscode.l10n.t('FlameLens: compare — the LATER heap snapshot (after)')));
  if (!b) return undefined;
  const nameA = path.basename(a.fsPath);
  const nameB = path.basename(b.fsPath);
  const title = `${nameA} → ${nameB}`;
  const panel = vscode.window.createWebviewPanel(comparePanelViewType, title, vscode.ViewColumn.Active);
  const view = new SnapshotView(panel.webview, extensionUri, title);
  // Closing the tab while the snapshots are read stops reading them.
  const closed = new AbortController();
  panel.onDidDispose(() => {
    closed.abort();
    view.dispose();
  });
  const post = (message: SnapshotHostMessage) => {
    if (!closed.signal.aborted) view.post(message);
  };
  post({ type: 'progress', message: vscode.l10n.t('reading {0} and {1}…', nameA, nameB) });
  try {
    // One after the other: each parse is memory-hungry.
    const sa = await summarizeWithProgress(extensionUri, a.fsPath, (m) => post({ type: 'progress', message: `${nameA}: ${m}` }), undefined, closed.signal);
    const sb = await summarizeWithProgress(extensionUri, b.fsPath, (m) => post({ type: 'progress', message: `${nameB}: ${m}` }), undefined, closed.signal);
    const diff = diffSnapshots(sa, sb, 'size');
    if (closed.signal.aborted) return undefined;
    view.post({ type: 'diff', title, before: nameA, after: nameB, diff, beforeTotal: sa.totalSize, afterTotal: sb.totalSize });
    return { diff, rendered: () => view.rendered() };
  } catch (err) {
    if (closed.signal.aborted) return undefined;
    post({ type: 'error', message: `${title}: ${(err as Error).message}` });
    // Cancelled (the notification's Cancel, or the tab closed): what the user asked for, not an error.
    if (!(err instanceof SnapshotError && err.message === cancelledMessage)) {
      // File names are anybody's (a cloned repository's snapshots): quoted inertly.
      void vscode.window.showErrorMessage(vscode.l10n.t('FlameLens: could not compare {0}: {1}', escapeNotificationText(title), escapeNotificationText((err as Error).message)));
    }
    return undefined;
  }
}

// The read-only custom editor for *.heapsnapshot: the document summarises the file once, in a worker
// thread (dist/heap-worker.js; the WASM parser never loads in the extension host), and every editor
// of it shows the per-constructor table.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { snapshotSession, type SnapshotSession } from '../heap/session';
import { summarizeSnapshotFile, type SummarizeOptions } from '../heap/summarize';
import type { InstancePage, RetainerReport } from '../heap/retainer-types';
import type { SnapshotSummary } from '../heap/types';
import { SnapshotView, type RenderedInfo } from './snapshot-view';

export const snapshotEditorViewType = 'flamelens.snapshotEditor';
/** A constructor's objects are listed this many at a time, largest first. */
const instancesPage = 20;

/** The worker that parses snapshots, inside the installed extension. */
export function heapWorkerPath(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'heap-worker.js').fsPath;
}

/**
 * Summarises a snapshot file with a cancellable progress notification. `onProgress` also gets the
 * worker's messages (shown in the webview while it waits).
 */
export function summarizeWithProgress(
  extensionUri: vscode.Uri,
  file: string,
  onProgress?: (message: string) => void,
  keep?: SummarizeOptions['keep'],
  signal?: AbortSignal,
): Promise<SnapshotSummary> {
  return new Promise<SnapshotSummary>((resolve, reject) => {
    void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('FlameLens: reading {0}', path.basename(file)), cancellable: true },
    (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      // The caller's own cancel (its view was closed) stops the parse as the notification's does.
      if (signal?.aborted) controller.abort();
      signal?.addEventListener('abort', () => controller.abort(), { once: true });
      return summarizeSnapshotFile(file, {
        workerPath: heapWorkerPath(extensionUri),
        signal: controller.signal,
        keep,
        onProgress: (message) => {
          progress.report({ message });
          onProgress?.(message);
        },
      }).then(resolve, reject);
    },
  );
  });
}

export class SnapshotDocument implements vscode.CustomDocument {
  private summaryPromise: Promise<SnapshotSummary> | undefined;
  private readonly progressListeners = new Set<(message: string) => void>();
  readonly views = new Set<SnapshotView>();
  /** The snapshot kept open in its worker while the document is (one per document, shared by its editors). */
  session: SnapshotSession | undefined;
  private disposed = false;

  constructor(
    readonly uri: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
  ) {}

  /** Parsed once, on first use. */
  summary(): Promise<SnapshotSummary> {
    if (!this.summaryPromise) {
      const pending = summarizeWithProgress(
        this.extensionUri,
        this.uri.fsPath,
        (m) => {
          for (const l of this.progressListeners) l(m);
        },
        (worker) => {
          this.session?.dispose();
          this.session = snapshotSession(worker);
          if (this.disposed) this.session.dispose();
        },
      );
      this.summaryPromise = pending;
      // A cancelled or failed parse is not cached: the next editor of this file tries again.
      pending.catch(() => {
        if (this.summaryPromise === pending) this.summaryPromise = undefined;
      });
    }
    return this.summaryPromise;
  }

  onProgress(listener: (message: string) => void): vscode.Disposable {
    this.progressListeners.add(listener);
    return new vscode.Disposable(() => this.progressListeners.delete(listener));
  }

  dispose(): void {
    this.progressListeners.clear();
    this.disposed = true;
    this.session?.dispose();
  }
}

export class SnapshotEditorProvider implements vscode.CustomReadonlyEditorProvider<SnapshotDocument> {
  private readonly documents = new Map<string, SnapshotDocument>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(extensionUri: vscode.Uri): { provider: SnapshotEditorProvider; disposable: vscode.Disposable } {
    const provider = new SnapshotEditorProvider(extensionUri);
    const disposable = vscode.window.registerCustomEditorProvider(snapshotEditorViewType, provider, { supportsMultipleEditorsPerDocument: true });
    return { provider, disposable };
  }

  openCustomDocument(uri: vscode.Uri): SnapshotDocument {
    if (uri.scheme !== 'file') throw new Error(vscode.l10n.t('FlameLens reads heap snapshots from local files only.'));
    const doc = new SnapshotDocument(uri, this.extensionUri);
    this.documents.set(uri.toString(), doc);
    return doc;
  }

  resolveCustomEditor(document: SnapshotDocument, panel: vscode.WebviewPanel): void {
    const title = path.basename(document.uri.fsPath);
    const view = new SnapshotView(panel.webview, this.extensionUri, title);
    document.views.add(view);
    const progress = document.onProgress((message) => view.post({ type: 'progress', message }));
    view.post({ type: 'progress', message: vscode.l10n.t('reading the snapshot…') });
    view.onQuestion = (question) => {
      const answer = (a: { result?: InstancePage | RetainerReport; error?: string }): void => view.answer({ type: 'answer', question, ...a });
      // No session, no question: the page offers objects only when the summary said the snapshot was kept.
      document.session?.query(question.type === 'instances' ? { ...question, count: instancesPage } : question).then(
        (result) => answer({ result }),
        (err: Error) => answer({ error: err.message }),
      );
    };
    document.summary().then(
      (summary) => view.post({ type: 'summary', title, summary, inspect: document.session !== undefined }),
      (err: Error) => view.post({ type: 'error', message: `${title}: ${err.message}` }),
    );
    panel.onDidDispose(() => {
      progress.dispose();
      view.dispose();
      document.views.delete(view);
      if (document.views.size === 0 && this.documents.get(document.uri.toString()) === document) this.documents.delete(document.uri.toString());
      // The last editor of the snapshot frees its graph (VS Code disposes the document too, later).
      if (document.views.size === 0) document.dispose();
    });
  }

  /** Tests: the summary and what the first editor of `uri` rendered. */
  async inspectForTest(uri: vscode.Uri): Promise<{ summary: SnapshotSummary; rendered: RenderedInfo; ask: SnapshotView['askForTest'] } | undefined> {
    const doc = this.documents.get(uri.toString());
    const view = doc && [...doc.views][0];
    if (!doc || !view) return undefined;
    return { summary: await doc.summary(), rendered: await view.rendered(), ask: (question) => view.askForTest(question) };
  }
}

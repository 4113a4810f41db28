// One heap-snapshot table webview (custom editor or compare panel): sets its HTML through the shared
// CSP builder, queues messages until the webview says `ready`, and remembers what it last rendered.
import * as vscode from 'vscode';
import { makeNonce, renderWebviewHtml } from '../webview-page/html';
import { isSnapshotWebviewMessage, type SnapshotHostMessage, type SnapshotQuestion, type SnapshotWebviewMessage } from '../snapshot-protocol';
import { webviewL10n } from './webview-l10n';

export type RenderedInfo = Extract<SnapshotWebviewMessage, { type: 'rendered' }>;

export class SnapshotView implements vscode.Disposable {
  private ready = false;
  private readonly queue: SnapshotHostMessage[] = [];
  /** The latest state, re-sent when the webview reloads (hidden and shown again). */
  private latest: SnapshotHostMessage | undefined;
  private lastRendered: RenderedInfo | undefined;
  private readonly renderedWaiters: ((info: RenderedInfo) => void)[] = [];
  private readonly answerWaiters: ((message: Extract<SnapshotHostMessage, { type: 'answer' }>) => void)[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** Answers the page's questions about the snapshot (the custom editor's, when it kept the snapshot). */
  onQuestion: ((question: SnapshotQuestion) => void) | undefined;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    title: string,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    webview.options = { enableScripts: true, localResourceRoots: [dist] };
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'snapshot.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'snapshot.css')).toString(),
      nonce: makeNonce(),
      title,
      ...webviewL10n(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (!isSnapshotWebviewMessage(m)) return;
        if (m.type === 'ready') {
          this.ready = true;
          const pending = this.queue.splice(0);
          if (pending.length === 0 && this.latest) pending.push(this.latest);
          for (const msg of pending) void this.webview.postMessage(msg);
        } else if (m.type !== 'rendered') {
          this.onQuestion?.(m);
        } else {
          this.lastRendered = m;
          for (const w of this.renderedWaiters.splice(0)) w(m);
        }
      }),
    );
  }

  post(message: SnapshotHostMessage): void {
    if (message.type !== 'progress') this.latest = message;
    if (this.ready) void this.webview.postMessage(message);
    else this.queue.push(message);
  }

  /** An answer to the page's question: not kept to re-send, dropped while the page is (re)loading. */
  answer(message: Extract<SnapshotHostMessage, { type: 'answer' }>): void {
    if (this.ready) void this.webview.postMessage(message);
    for (const w of this.answerWaiters.splice(0)) w(message);
  }

  /** The integration tests: asks as the page does (a click on a row) and resolves with the answer sent back to it. */
  askForTest(question: SnapshotQuestion): Promise<Extract<SnapshotHostMessage, { type: 'answer' }>> {
    const answered = new Promise<Extract<SnapshotHostMessage, { type: 'answer' }>>((resolve) => this.answerWaiters.push(resolve));
    this.onQuestion?.(question);
    return answered;
  }

  /** What the webview last drew (for the integration tests), waiting for the first render if needed. */
  rendered(): Promise<RenderedInfo> {
    if (this.lastRendered) return Promise.resolve(this.lastRendered);
    return new Promise((resolve) => this.renderedWaiters.push(resolve));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

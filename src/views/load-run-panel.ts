// The Load Run view: one webview panel per run file (or per pair of compared runs), fed the view
// model from src/load/view-model.ts. Clicking a function opens its source; Open Flame Graph shows
// the server's profile (or the two runs' differential flame graph) in the profile panel beside it,
// which makes it the current profile for hot lines, as after any capture. Open Full Recording shows
// the server's whole recording (warm-up included) there, scoped to the measured window on its
// timeline: clearing the range shows the warm-up too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fullRecordingOf, measuredWindowRange } from '../load/full-recording';
import type { LoadRun } from '../load/run';
import { loadCompareView, loadRunView, runCpuProfiles } from '../load/view-model';
import { isLoadWebviewMessage, type LoadHostMessage, type LoadUnavailableView, type LoadViewState, type LoadWebviewMessage } from '../load/view-protocol';
import { showErrorWithLog, timed, type Log } from '../log';
import { makeNonce, renderWebviewHtml } from '../webview-page/html';
import { parseProfileFile } from './load-profile';
import { loadPanelSource, type PanelSource, type ProfilePanels } from './profile-panel';
import { openFrameLocation } from './open-location';
import { webviewL10n } from './webview-l10n';

export const loadRunViewType = 'flamelens.loadRun';

export type LoadRendered = Extract<LoadWebviewMessage, { type: 'rendered' }>;

/**
 * The server profile to show for a run: `preferred` when given, else the largest CPU profile the
 * run lists (the server's busiest thread). A run file moved with its folder still finds its
 * profiles beside it.
 */
export function serverProfileOf(run: LoadRun, runFile: string, preferred?: string): string | undefined {
  if (preferred && fs.existsSync(preferred)) return preferred;
  const found = runCpuProfiles(run)
    .map((p) => foundBeside(p, runFile))
    .filter((p): p is string => p !== undefined);
  const size = (p: string) => fs.statSync(p).size;
  return found.sort((a, b) => size(b) - size(a))[0];
}

/** `listed` where the run wrote it, or beside the run file (its folder was moved); undefined when neither exists. */
function foundBeside(listed: string, runFile: string): string | undefined {
  if (fs.existsSync(listed)) return listed;
  const beside = path.join(path.dirname(runFile), path.basename(listed));
  return fs.existsSync(beside) ? beside : undefined;
}

/**
 * The flame graph of a run's top functions: the profiles they were merged from (a cluster's
 * workers, a worker pool), merged again, when the run lists them and they are all still there;
 * else the one server profile (serverProfileOf). `shown` names it in the panel and the log.
 */
export function serverFlameSource(run: LoadRun, runFile: string, preferred?: string): { source: PanelSource; shown: string } | undefined {
  const parts = (run.topFunctionsFrom ?? []).map((p) => ({ label: p.label, file: foundBeside(p.path, runFile) }));
  if (parts.length > 1 && parts.every((p) => p.file !== undefined)) {
    const files = parts.map((p) => p.file!);
    return { source: { kind: 'merged', parts: parts.map((p) => ({ label: p.label, uri: vscode.Uri.file(p.file!).toString() })) }, shown: files.join(', ') };
  }
  const one = serverProfileOf(run, runFile, preferred);
  return one ? { source: { kind: 'file', uri: vscode.Uri.file(one).toString() }, shown: one } : undefined;
}

/**
 * A run's function locations are as the CLI shows them: relative to the folder it ran in when
 * inside it. Those are taken relative to the workspace folder; URLs and absolute paths stay.
 */
export function sourcePath(url: string, root: string | undefined): string {
  if (!url || !root || /^[a-z][a-z0-9+.-]*:/i.test(url) || path.isAbsolute(url)) return url;
  return path.join(root, url);
}

interface Open {
  panel: vscode.WebviewPanel;
  rendered: Promise<LoadRendered>;
}

export class LoadRunPanels implements vscode.Disposable {
  private readonly open = new Map<string, Open>();
  private last: Open | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly panels: ProfilePanels,
    private readonly log: Log,
  ) {}

  /**
   * Shows a run (saved as `runFile`); `serverProfile` is the profile its top functions came from.
   * `panel`: a panel VS Code restored after a window reload, shown in rather than a new one.
   */
  showRun(run: LoadRun, runFile: string, options: { title: string; serverProfile?: string; root?: string; column?: vscode.ViewColumn; panel?: vscode.WebviewPanel }): vscode.WebviewPanel {
    const profile = serverProfileOf(run, runFile, options.serverProfile);
    const flame = serverFlameSource(run, runFile, options.serverProfile);
    const full = profile ? fullRecordingOf(profile) : undefined;
    const view = { ...loadRunView(run, options.title, options.root), hasFullRecording: full !== undefined };
    const state: LoadViewState = { kind: 'run', runFile, title: options.title, ...(options.serverProfile ? { serverProfile: options.serverProfile } : {}), ...(options.root ? { root: options.root } : {}) };
    return this.show(`run:${runFile}`, vscode.l10n.t('Load Run: {0}', options.title), { type: 'run', view, state }, options.column, options.root, options.panel, async () => {
      if (!flame) {
        void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: this run has no server CPU profile to show.'));
        return;
      }
      await this.openServerFlame(flame, options.title);
    }, full && profile ? () => this.openFullRecording(full, profile, options.title) : undefined);
  }

  /** The server's whole recording beside the Load Run view, scoped to the measured window (where the cut profile begins and ends). */
  async openFullRecording(full: string, cutProfile: string, title: string): Promise<void> {
    const source = { kind: 'file', uri: vscode.Uri.file(full).toString() } as const;
    const [profile, cut] = await Promise.all([
      timed(this.log, `loaded ${full}`, () => loadPanelSource(source)),
      // Only its start and end are needed: the plain parse (off this thread when big), no source maps.
      parseProfileFile(cutProfile),
    ]);
    const range = measuredWindowRange(profile, cut);
    this.panels.show({ profile, title: vscode.l10n.t('{0} under load (CPU, full recording)', title), source: full, ...(range ? { initialRange: range } : {}) }, source, vscode.ViewColumn.Beside);
  }

  /**
   * Two runs side by side; the flame graph button shows the differential flame graph of their server
   * profiles, opened at once unless `restored` (a panel VS Code brought back: the flame graph's own
   * panel comes back by itself).
   */
  showCompare(before: LoadRun, beforeFile: string, after: LoadRun, afterFile: string, root?: string, restored?: vscode.WebviewPanel): vscode.WebviewPanel {
    const names = { before: path.basename(path.dirname(beforeFile)) || beforeFile, after: path.basename(path.dirname(afterFile)) || afterFile };
    const view = loadCompareView(before, after, names, root);
    const base = serverProfileOf(before, beforeFile);
    const next = serverProfileOf(after, afterFile);
    const openDiff = async () => {
      if (!base || !next) {
        void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: both runs need a server CPU profile for a differential flame graph.'));
        return;
      }
      const source = { kind: 'diff', base: vscode.Uri.file(base).toString(), next: vscode.Uri.file(next).toString() } as const;
      await this.openProfile(source, vscode.l10n.t('{0} → {1} (CPU)', names.before, names.after), `${base} → ${next}`);
    };
    const state: LoadViewState = { kind: 'compare', before: beforeFile, after: afterFile, ...(root ? { root } : {}) };
    const panel = this.show(`compare:${beforeFile}\u0000${afterFile}`, vscode.l10n.t('Load Runs: {0}', view.title), { type: 'compare', view, state }, undefined, root, restored, openDiff);
    if (base && next && !restored) void openDiff().catch((err: unknown) => showErrorWithLog(this.log, vscode.l10n.t('FlameLens: {0}', (err as Error).message)));
    return panel;
  }

  /** A restored panel whose run file(s) cannot be read any more: it says which, and keeps `state` for a later reload. */
  showUnavailable(panel: vscode.WebviewPanel, view: LoadUnavailableView, state: LoadViewState): void {
    const key = state.kind === 'run' ? `run:${state.runFile}` : `compare:${state.before}\u0000${state.after}`;
    this.show(key, panel.title, { type: 'unavailable', view, state }, undefined, state.root, panel, async () => undefined);
  }

  /** A run's server flame graph (serverFlameSource) beside its Load Run view. */
  openServerFlame(flame: { source: PanelSource; shown: string }, title: string): Promise<void> {
    const merged = flame.source.kind === 'merged' ? flame.source.parts.length : 0;
    return this.openProfile(flame.source, merged > 0 ? vscode.l10n.t('{0} under load (CPU, {1} threads and processes)', title, merged) : vscode.l10n.t('{0} under load (CPU)', title), flame.shown);
  }

  /** The flame graph beside the Load Run view (as CaptureService opens a capture's profile). */
  async openProfile(source: PanelSource, title: string, shownSource: string): Promise<void> {
    const profile = await timed(this.log, `loaded ${shownSource}`, () => loadPanelSource(source));
    this.panels.show({ profile, title, source: shownSource }, source, vscode.ViewColumn.Beside);
  }

  /** What the most recent Load Run view drew (test API). */
  lastRendered(): Promise<LoadRendered> | undefined {
    return this.last?.rendered;
  }

  private show(
    key: string,
    title: string,
    message: LoadHostMessage,
    column: vscode.ViewColumn | undefined,
    root: string | undefined,
    restored: vscode.WebviewPanel | undefined,
    openFlameGraph: () => Promise<void>,
    openFullRecording?: () => Promise<void>,
  ): vscode.WebviewPanel {
    const existing = this.open.get(key)?.panel;
    if (existing !== restored) existing?.dispose();
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const options = { enableScripts: true, localResourceRoots: [dist] };
    const panel = restored ?? vscode.window.createWebviewPanel(loadRunViewType, title, column ?? vscode.ViewColumn.Active, { ...options, retainContextWhenHidden: true });
    const webview = panel.webview;
    if (restored) webview.options = options;
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'load.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'load.css')).toString(),
      nonce: makeNonce(),
      title,
      ...webviewL10n(),
    });
    let settleRendered!: (r: LoadRendered) => void;
    const entry: Open = { panel, rendered: new Promise((resolve) => (settleRendered = resolve)) };
    const subscription = webview.onDidReceiveMessage(async (m: unknown) => {
      if (!isLoadWebviewMessage(m)) return;
      try {
        if (m.type === 'ready') await webview.postMessage(message);
        else if (m.type === 'rendered') settleRendered(m);
        else if (m.type === 'openSource') await openFrameLocation(sourcePath(m.url, root), m.line, 1, m.name);
        else if (m.type === 'openFlameGraph') await openFlameGraph();
        else if (m.type === 'openFullRecording') await openFullRecording?.();
      } catch (err) {
        void showErrorWithLog(this.log, vscode.l10n.t('FlameLens: {0}', (err as Error).message));
      }
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      if (this.open.get(key) === entry) this.open.delete(key);
    });
    this.open.set(key, entry);
    this.last = entry;
    return panel;
  }

  dispose(): void {
    for (const { panel } of this.open.values()) panel.dispose();
    this.open.clear();
  }
}

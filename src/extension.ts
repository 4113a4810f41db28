// FlameLens's entry point: wires the services and commands, nothing else. Every Disposable goes to
// context.subscriptions; nothing is parsed or spawned until a command or editor asks for it.
import * as vscode from 'vscode';
import { registerAttachFeatures } from './commands/attach-features';
import { compareProfiles, openProfile, openWithCommandId, openWithFlameLens } from './commands/open-commands';
import { comparedPair } from './commands/explorer-selection';
import { exportProfileCommand } from './commands/export-commands';
import { compareLoadRuns, openLoadRun, profileUnderLoad, type ProfileUnderLoadArgs } from './commands/load-commands';
import { CaptureService, type CaptureOutcome } from './commands/capture-session';
import { profileCommand, profileCurrentFile, profileLaunchConfig, profileNpmScript } from './commands/profile-commands';
import { whenTrusted } from './commands/trust';
import { HotLines, revealCommandId } from './editor/hotlines';
import { createLog, logChannelName, reportErrors, showLogCommandId } from './log';
import { services, type Services } from './commands/services';
import type { SnapshotEditorProvider } from './views/snapshot-editor';
import type { RevealTarget } from './editor/hotlines-model';
import { lastParseRoute, useParseWorker, type ParseRoute } from './views/load-profile';
import { disposeParseWorker } from './parse/parse-in-worker';
import { ProfileEditorProvider } from './views/profile-editor';
import { ProfilePanels } from './views/profile-panel';
import { followEditsWith } from './views/open-location';
import { sampleSpan, sliceProfile } from './model/time-slice';
import { setDisplayRoots } from './webview-page/payload';
import { ProfileRegistry } from './views/profile-registry';
import { LoadRunPanels, loadRunViewType, type LoadRendered } from './views/load-run-panel';
import { LoadRunSerializer } from './views/load-run-restore';

/** What activate() returns. Only the integration tests use it; the names say so. */
export interface FlameLensTestApi {
  /** Hot-line annotations currently applied to an open document (current line → text, heat, gutter icon file). */
  getHotLinesForTest(uri: vscode.Uri): { line: number; text: string; heat: number; bucket: number; gutterIcon: string }[];
  /** The running or most recent capture (undefined before the first). */
  lastCaptureForTest(): Promise<CaptureOutcome> | undefined;
  /** The profile hot lines and Reveal use. */
  currentProfileForTest(): { title: string; source: string; nodeCount: number; total: number } | undefined;
  /** Whether hot lines are shown (Show/Clear Hot Lines). */
  hotLinesShownForTest(): boolean;
  /** Scopes the current profile to a share of its samples (from, to in 0..1), as a timeline range does; undefined clears it. */
  scopeCurrentForTest(range: [number, number] | undefined): void;
  /** The UI calls tests answer themselves (quick picks): replace a member, restore it afterwards. */
  services: Services;
  /** What a heap snapshot editor summarised and shows. */
  inspectSnapshotForTest(uri: vscode.Uri): ReturnType<SnapshotEditorProvider['inspectForTest']>;
  /** The file the FlameLens log channel writes to. */
  logFileForTest(): string;
  /** What the most recent Load Run view drew (undefined before the first). */
  lastLoadRunRenderedForTest(): Promise<LoadRendered> | undefined;
  /** How the last profile loaded was parsed: the worker given its path or its bytes, or inline. */
  lastParseRouteForTest(): ParseRoute | undefined;
}

/** Context key: a profile is current (what hot lines and Reveal in Flame Graph use). */
const hasProfileContextKey = 'flamelens.hasProfile';

export function activate(context: vscode.ExtensionContext): FlameLensTestApi {
  const log = createLog();
  context.subscriptions.push(log);
  useParseWorker(vscode.Uri.joinPath(context.extensionUri, 'dist', 'parse-worker.js').fsPath);
  const registry = new ProfileRegistry(log);
  const panels = new ProfilePanels(context.extensionUri, registry, context.workspaceState);
  const capture = new CaptureService(panels, context.extensionUri, log);
  const hotLines = new HotLines(registry, context.extensionUri);
  context.subscriptions.push(followEditsWith((uri, line) => hotLines.currentLineOf(uri, line)));
  context.subscriptions.push(registry, panels, capture, hotLines, ProfileEditorProvider.register(context.extensionUri, registry));
  // Reveal in Flame Graph and Show/Clear Hot Lines appear in the palette only while a profile is current.
  const setHasProfile = (has: boolean) => void vscode.commands.executeCommand('setContext', hasProfileContextKey, has);
  setHasProfile(false);
  context.subscriptions.push(registry.onDidChangeCurrent((entry) => setHasProfile(entry !== undefined)));
  const attachFeatures = registerAttachFeatures(context, { panels, registry, capture, log });
  // Paths in the flame graph's table and tooltips read relative to the workspace folder holding them.
  const updateDisplayRoots = () => setDisplayRoots((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  updateDisplayRoots();
  context.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(updateDisplayRoots));
  const loadRuns = new LoadRunPanels(context.extensionUri, panels, log);
  context.subscriptions.push(loadRuns, vscode.window.registerWebviewPanelSerializer(loadRunViewType, new LoadRunSerializer(loadRuns, log)));
  const loadDeps = { loadRuns, extensionUri: context.extensionUri, log, state: context.workspaceState };

  const command = <A extends unknown[]>(id: string, name: string, fn: (...args: A) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, reportErrors(log, name, fn)));

  command(showLogCommandId, vscode.l10n.t('Show Log'), () => log.show());
  command('flamelens.openProfile', vscode.l10n.t('Open Profile'), (uri?: vscode.Uri) => openProfile(uri instanceof vscode.Uri ? uri : undefined));
  command(openWithCommandId, vscode.l10n.t('Open With FlameLens'), (uri?: vscode.Uri) => openWithFlameLens(uri instanceof vscode.Uri ? uri : undefined));
  command('flamelens.compareProfiles', vscode.l10n.t('Compare Profiles'), (base?: unknown, next?: unknown) =>
    compareProfiles(panels, ...comparedPair(base, next, (u): u is vscode.Uri => u instanceof vscode.Uri)),
  );
  command('flamelens.exportProfile', vscode.l10n.t('Export Profile'), (arg?: unknown) => exportProfileCommand(registry, context.extensionUri, arg));
  // Commands that run programs: refused at run time too in an untrusted workspace (see commands/trust.ts).
  const runCommand = <A extends unknown[]>(id: string, name: string, fn: (...args: A) => unknown) => command(id, name, whenTrusted(name, fn));
  runCommand('flamelens.profileCurrentFile', vscode.l10n.t('Profile Current File'), (uri?: vscode.Uri) => profileCurrentFile(capture, uri instanceof vscode.Uri ? uri : undefined));
  runCommand('flamelens.profileNpmScript', vscode.l10n.t('Profile npm Script'), () => profileNpmScript(capture));
  runCommand('flamelens.profileCommand', vscode.l10n.t('Profile Command'), (line?: string) => profileCommand(capture, typeof line === 'string' ? line : undefined));
  runCommand('flamelens.profileLaunchConfig', vscode.l10n.t('Profile Launch Configuration'), () => profileLaunchConfig(capture, log));
  runCommand('flamelens.profileUnderLoad', vscode.l10n.t('Profile Under Load'), (args?: ProfileUnderLoadArgs) =>
    profileUnderLoad(loadDeps, args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : {}),
  );
  command('flamelens.openLoadRun', vscode.l10n.t('Open Load Run'), (uri?: vscode.Uri) => openLoadRun(loadDeps, uri instanceof vscode.Uri ? uri : undefined));
  command('flamelens.compareLoadRuns', vscode.l10n.t('Compare Load Runs'), (base?: vscode.Uri, next?: vscode.Uri) =>
    compareLoadRuns(loadDeps, base instanceof vscode.Uri ? base : undefined, next instanceof vscode.Uri ? next : undefined),
  );
  // One Stop for both kinds of recording: a launched capture first, else an attach session.
  command('flamelens.stopProfiling', vscode.l10n.t('Stop Profiling'), () =>
    capture.isRecording || !attachFeatures.attach.isRecording ? capture.stop() : attachFeatures.attach.stop(),
  );
  command('flamelens.showHotLines', vscode.l10n.t('Show Hot Lines'), () => hotLines.show());
  command('flamelens.clearHotLines', vscode.l10n.t('Clear Hot Lines'), () => hotLines.clear());
  command(revealCommandId, vscode.l10n.t('Reveal in Flame Graph'), (target?: RevealTarget) => {
    const editor = vscode.window.activeTextEditor;
    const where = target ?? (editor ? hotLines.functionAt(editor.document, editor.selection.active) : undefined);
    const view = registry.viewsOfCurrent()[0];
    if (!view) {
      void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: no flame graph is open. Record or open a profile first.'));
      return;
    }
    if (!where) {
      void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: the profile has no function at the cursor.'));
      return;
    }
    view.show();
    view.postWhenReady({ type: 'reveal', name: where.name, url: where.url, line: where.line });
  });

  return {
    getHotLinesForTest: (uri) => hotLines.annotationsFor(uri),
    lastCaptureForTest: () => capture.lastOutcome(),
    currentProfileForTest: () => {
      const e = registry.current;
      return e && { title: e.title, source: e.source, nodeCount: e.profile.nodeCount, total: e.profile.totalValue[0] ?? 0 };
    },
    hotLinesShownForTest: () => hotLines.isShown,
    scopeCurrentForTest: (range) => {
      const e = registry.current;
      const span = e && sampleSpan(e.profile);
      if (!e || !span) throw new Error('no current profile with samples over time');
      const at = (f: number) => span.start + (span.end - span.start) * f;
      registry.setScope(e, range ? sliceProfile(e.profile, at(range[0]), at(range[1])) : undefined);
    },
    services,
    inspectSnapshotForTest: (uri) => attachFeatures.snapshots.inspectForTest(uri),
    // Where VS Code writes an extension's LogOutputChannel: <logUri>/<channel name>.log.
    logFileForTest: () => vscode.Uri.joinPath(context.logUri, `${logChannelName}.log`).fsPath,
    lastLoadRunRenderedForTest: () => loadRuns.lastRendered(),
    lastParseRouteForTest: lastParseRoute,
  };
}

export function deactivate(): void {
  // Everything else is disposed through context.subscriptions.
  disposeParseWorker();
}

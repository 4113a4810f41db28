// Reading a saved load run, and bringing Load Run views back after a window reload: the webview
// keeps what it shows as file paths (setState); VS Code hands them to this serializer, which reads
// the run file(s) again. A file deleted or broken since leaves the view saying which, with its path.
import * as vscode from 'vscode';
import { asLoadRun, type LoadRun } from '../load/run';
import { isLoadViewState, type LoadViewState } from '../load/view-protocol';
import type { Log } from '../log';
import type { LoadRunPanels } from './load-run-panel';

/** A run file is small; anything far larger is not one. */
const maxRunFileBytes = 64 * 1024 * 1024;

/** A saved run (load-run.json or `flamelens load --json`); throws an Error naming the file when it is not one. */
export async function readLoadRun(uri: vscode.Uri): Promise<LoadRun> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > maxRunFileBytes) throw new Error(vscode.l10n.t('{0} is {1} MB: too large for a load run', uri.fsPath, Math.round(stat.size / 1024 / 1024)));
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
  } catch {
    throw new Error(vscode.l10n.t('{0} is not JSON', uri.fsPath));
  }
  const run = asLoadRun(data);
  if (!run) throw new Error(vscode.l10n.t('{0} is not a FlameLens load run (written by Profile Under Load or `flamelens load --json`)', uri.fsPath));
  return run;
}

/** The run saved in `file`, or why it cannot be shown (gone, or not a run), naming its path. */
async function readOrProblem(file: string): Promise<{ run: LoadRun } | { problem: string }> {
  const uri = vscode.Uri.file(file);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    return { problem: vscode.l10n.t('The load run file {0} no longer exists.', file) };
  }
  try {
    return { run: await readLoadRun(uri) };
  } catch (err) {
    return { problem: vscode.l10n.t('The load run file {0} cannot be shown: {1}', file, (err as Error).message) };
  }
}

export class LoadRunSerializer implements vscode.WebviewPanelSerializer {
  constructor(
    private readonly loadRuns: LoadRunPanels,
    private readonly log: Log,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // A panel from a version that kept no state: nothing to show in it.
    if (!isLoadViewState(state)) {
      this.log.warn(`closed a restored Load Run view "${panel.title}": it does not say which run it showed`);
      panel.dispose();
      return;
    }
    await restoreLoadView(this.loadRuns, panel, state);
    this.log.info(`restored ${panel.title}`);
  }
}

async function restoreLoadView(loadRuns: LoadRunPanels, panel: vscode.WebviewPanel, state: LoadViewState): Promise<void> {
  if (state.kind === 'run') {
    const read = await readOrProblem(state.runFile);
    if ('problem' in read) {
      loadRuns.showUnavailable(panel, { title: state.title, problems: [read.problem] }, state);
      return;
    }
    loadRuns.showRun(read.run, state.runFile, {
      title: state.title,
      panel,
      ...(state.serverProfile ? { serverProfile: state.serverProfile } : {}),
      ...(state.root ? { root: state.root } : {}),
    });
    return;
  }
  const [before, after] = await Promise.all([readOrProblem(state.before), readOrProblem(state.after)]);
  if ('run' in before && 'run' in after) {
    loadRuns.showCompare(before.run, state.before, after.run, state.after, state.root, panel);
    return;
  }
  // A run compared with itself is named once.
  const problems = [...new Set([before, after].flatMap((r) => ('problem' in r ? [r.problem] : [])))];
  loadRuns.showUnavailable(panel, { title: panel.title, problems }, state);
}

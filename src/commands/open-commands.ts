// Open Profile…, Open With FlameLens and Compare Profiles…: file pickers and menu entries in front
// of the custom editors and the diff panel.
import * as vscode from 'vscode';
import { profileEditorViewType } from '../views/profile-editor';
import { snapshotEditorViewType } from '../views/snapshot-editor';
import { loadPanelSource, type ProfilePanels } from '../views/profile-panel';

const profileFilters = () => ({
  [vscode.l10n.t('Profiles (.cpuprofile, .heapprofile, pprof, .heapsnapshot, .gz)')]: ['cpuprofile', 'heapprofile', 'pprof', 'pb', 'heapsnapshot', 'gz', 'json'],
  [vscode.l10n.t('All files')]: ['*'],
});

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.toString();
}

export async function openProfile(uri?: vscode.Uri): Promise<void> {
  const target =
    uri ??
    (await vscode.window.showOpenDialog({ title: vscode.l10n.t('FlameLens: open a profile'), canSelectMany: false, filters: profileFilters(), openLabel: vscode.l10n.t('Open Flame Graph') }))?.[0];
  if (!target) return;
  // A heap snapshot picked here (it is a profile to the user) opens in the snapshot table.
  await vscode.commands.executeCommand('vscode.openWith', target, flameLensEditorFor(target));
}

export const openWithCommandId = 'flamelens.openWith';

/** The FlameLens editor for a file: the heap snapshot table or the flame graph. */
export function flameLensEditorFor(uri: vscode.Uri): string {
  return /\.heapsnapshot(?:\.gz)?$/i.test(uri.path) ? snapshotEditorViewType : profileEditorViewType;
}

/** The file shown in the active editor tab (a text or custom editor). */
function activeTabResource(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
}

/** Open With FlameLens (explorer and editor title menus, palette): the file in its FlameLens editor. */
export async function openWithFlameLens(uri?: vscode.Uri): Promise<void> {
  const target = uri ?? activeTabResource();
  if (!target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: select a profile or heap snapshot file to open it in FlameLens.'));
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, flameLensEditorFor(target));
}

export async function compareProfiles(panels: ProfilePanels, base?: vscode.Uri, next?: vscode.Uri): Promise<void> {
  const pick = async (title: string) =>
    (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: profileFilters(), openLabel: vscode.l10n.t('Select') }))?.[0];
  const before = base ?? (await pick(vscode.l10n.t('FlameLens: compare — the BASELINE profile (before)')));
  if (!before) return;
  const after = next ?? (await pick(vscode.l10n.t('FlameLens: compare — the NEW profile (after)')));
  if (!after) return;
  const source = { kind: 'diff', base: before.toString(), next: after.toString() } as const;
  const profile = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('FlameLens: comparing profiles') },
    () => loadPanelSource(source),
  );
  panels.show({ profile, title: `${fileName(before)} → ${fileName(after)}`, source: `${before.fsPath} → ${after.fsPath}` }, source);
}

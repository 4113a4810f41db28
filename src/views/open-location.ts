// Opens the source of a clicked frame beside the flame graph.
import * as vscode from 'vscode';
import { locationToUri } from './load-profile';
import { escapeNotificationText } from '../model/escape-text';

export async function openFrameLocation(url: string, line: number, column: number, name: string): Promise<void> {
  const label = escapeNotificationText(name || vscode.l10n.t('(anonymous)'));
  if (url === '') {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: {0} has no source location (native or V8 code).', label));
    return;
  }
  if (url.startsWith('node:') || /^internal[/\\]/.test(url)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: {0} is in Node.js internals ({1}); there is no file to open.', label, escapeNotificationText(url)));
    return;
  }
  const uri = locationToUri(url);
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: cannot open {0} (not a local file).', escapeNotificationText(url)));
    return;
  }
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: {0} no longer exists.', escapeNotificationText(uri.fsPath)));
    return;
  }
  const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, {
    viewColumn: sourceColumn(uri),
    preserveFocus: false,
    selection: new vscode.Range(position, position),
  });
}

/**
 * Where a clicked frame's source goes: the group already showing that file, else another group
 * than the flame graph's (the active one), else a new group beside it.
 */
function sourceColumn(uri: vscode.Uri): vscode.ViewColumn {
  const showing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  if (showing?.viewColumn !== undefined) return showing.viewColumn;
  const other = vscode.window.tabGroups.all.find((g) => !g.isActive);
  return other?.viewColumn ?? vscode.ViewColumn.Beside;
}

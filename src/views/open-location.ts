// Opens the source of a clicked frame beside the flame graph.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { locationToUri } from './load-profile';
import { escapeNotificationText } from '../model/escape-text';

/** Where a profile's line of a file is now, after the user's edits (hot lines follow them); the line itself by default. */
let currentLine: (uri: vscode.Uri, line: number) => number = (_uri, line) => line;

/** Clicked frames open where their code is now: `lookup` is HotLines.currentLineOf. */
export function followEditsWith(lookup: (uri: vscode.Uri, line: number) => number): vscode.Disposable {
  currentLine = lookup;
  return new vscode.Disposable(() => {
    if (currentLine === lookup) currentLine = (_uri, line) => line;
  });
}

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
  const located = locationToUri(url);
  const uri = located && located.scheme === 'file' ? vscode.Uri.file(throughWorkspaceFolder(located.fsPath)) : located;
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
  const now = currentLine(uri, line);
  // The column is the profile's: only on the profile's own line.
  const position = new vscode.Position(Math.max(0, now - 1), now === line ? Math.max(0, column - 1) : 0);
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

/**
 * A real path (what Node records) under a workspace folder opened through a symlink, as that folder
 * names it: the editor then shows the workspace's file, with its hot lines, not a second copy.
 */
function throughWorkspaceFolder(file: string): string {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const own = folder.uri.fsPath;
    let real: string;
    try {
      real = fs.realpathSync.native(own);
    } catch {
      continue;
    }
    if (real === own) continue;
    const rel = path.relative(real, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return path.join(own, rel);
  }
  return file;
}

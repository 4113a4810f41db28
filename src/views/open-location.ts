// Opens the source of a clicked frame beside the flame graph.
import * as vscode from 'vscode';
import { locationToUri } from './load-profile';

export async function openFrameLocation(url: string, line: number, column: number, name: string): Promise<void> {
  const label = name || '(anonymous)';
  if (url === '') {
    void vscode.window.showInformationMessage(`FlameLens: ${label} has no source location (native or V8 code).`);
    return;
  }
  if (url.startsWith('node:') || /^internal[/\\]/.test(url)) {
    void vscode.window.showInformationMessage(`FlameLens: ${label} is in Node.js internals (${url}); there is no file to open.`);
    return;
  }
  const uri = locationToUri(url);
  if (!uri) {
    void vscode.window.showInformationMessage(`FlameLens: cannot open ${url} (not a local file).`);
    return;
  }
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showInformationMessage(`FlameLens: ${uri.fsPath} no longer exists.`);
    return;
  }
  const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.Beside,
    preserveFocus: false,
    selection: new vscode.Range(position, position),
  });
}

// Where the extension's recordings go (launched captures, attach sessions, heap snapshots): the
// `flamelens.outputDirectory` setting, relative paths inside the workspace folder of the program.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { timeStamp } from '../capture/time-stamp';
import { fileSlug } from './attach-items';
import { unusedPath } from '../fs-output';

/**
 * The output folder: the setting itself when absolute, else inside the workspace folder holding
 * `cwd` (or the first workspace folder, or `cwd`, or the home folder).
 */
export function outputBase(outputDirectory: string, cwd?: string): string {
  if (path.isAbsolute(outputDirectory)) return outputDirectory;
  const folder = (cwd && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(cwd))) || vscode.workspace.workspaceFolders?.[0];
  return path.join(folder?.uri.fsPath ?? cwd ?? os.homedir(), outputDirectory);
}

/**
 * A new session folder for one recording: `<output folder>/<time stamp>-<name>`, `-2` added when
 * that exists (a recording of the same name in the same second must not take the other's files).
 */
export function sessionFolder(outputDirectory: string, name: string, cwd?: string): string {
  return unusedPath(path.join(outputBase(outputDirectory, cwd), `${timeStamp()}-${fileSlug(name, 'capture')}`));
}

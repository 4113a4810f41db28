// Workspace trust for the commands that run programs or attach to them. The manifest already
// disables them in Restricted Mode; this check catches every other way in (keybindings,
// executeCommand from other extensions or tests) and says how to get out of Restricted Mode.
import * as vscode from 'vscode';
import { manageTrustLabel, untrustedText } from './trust-message';

/** True in a trusted workspace; otherwise shows the refusal (with a button to manage trust) and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = manageTrustLabel(vscode.l10n);
  void vscode.window.showErrorMessage(untrustedText(vscode.l10n, action), manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** Wraps a command that runs or attaches to programs: refused (resolving undefined) unless the workspace is trusted. */
export function whenTrusted<A extends unknown[], R>(action: string, fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => (requireTrust(action) ? fn(...args) : undefined);
}

// The UI calls the commands make that an integration test must answer without a person (quick
// picks). The commands call them through this one object; the tests replace its members through
// the extension's test API (FlameLensTestApi.services) and restore them afterwards — instead of
// test-only arguments on production commands.
import * as vscode from 'vscode';

export interface Services {
  /** vscode.window.showQuickPick for one item. */
  pickOne<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
}

export const services: Services = {
  pickOne: (items, options) => vscode.window.showQuickPick(items, { ...options, canPickMany: false }),
};

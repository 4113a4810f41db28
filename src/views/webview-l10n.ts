// The host's side of webview translations, one place for every page: what renderWebviewHtml embeds for the
// page's @vscode/l10n (webview/l10n.ts reads it). English needs no bundle, so nothing is embedded then.
import * as vscode from 'vscode';

/** vscode.l10n.bundle as the `l10n` option of renderWebviewHtml (spread it in). */
export function webviewL10n(): { l10n?: Record<string, string> } {
  const bundle = vscode.l10n.bundle;
  return bundle ? { l10n: bundle } : {};
}

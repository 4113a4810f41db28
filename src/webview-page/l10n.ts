// Where a webview page finds the host's translations: the host embeds vscode.l10n.bundle as JSON in a
// <script type="application/json"> with this id (renderWebviewHtml), and every page reads it back with
// webview/l10n.ts before making any text. No imports, so the webview bundles can take it as it is.

/** The id of the <script type="application/json"> element holding the host's translations. */
export const l10nBundleId = 'flamelens-l10n';

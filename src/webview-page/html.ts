// The one place the webview's HTML and Content-Security-Policy are built: for the VS Code panel
// (script and style loaded from the extension through asWebviewUri) and for the CLI's
// self-contained HTML report (script, style and profile data inlined). No vscode import: URIs
// arrive as strings so the CLI and the tests can call this too.
import type { HostMessage } from '../protocol';
import { l10nBundleId } from './l10n';

export type InitMessage = Extract<HostMessage, { type: 'init' }>;

export interface WebviewHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri(dist/webview.js) as a string */
  scriptUri: string;
  /** asWebviewUri(dist/webview.css) as a string */
  styleUri: string;
  /** A fresh random nonce per render (see makeNonce). */
  nonce: string;
  title: string;
  /** The host's translations (vscode.l10n.bundle), embedded as data for the page's @vscode/l10n. */
  l10n?: Record<string, string>;
  /**
   * A `preview` message (previewMessage) the page paints as soon as it boots, before it says `ready`:
   * no round trip before the first draw. Small (≤ previewMaxNodes nodes), never a whole tree.
   */
  preview?: HostMessage;
}

export interface WebviewAssets {
  /** Contents of dist/webview.js */
  script: string;
  /** Contents of dist/webview.css */
  style: string;
  /** Contents of dist/webview-svg.js (the SVG export, which the page otherwise loads on first use), when built. */
  svgScript?: string;
}

/** The id of the <script type="application/json"> element holding the standalone report's data. */
export const embeddedDataId = 'flamelens-data';
/** The id of the element holding the report's further messages (sent after init: load-run tracks), a JSON array. */
export const embeddedExtraId = 'flamelens-extra';
/** The id of the element holding what the report needs to re-scope to a time range (see report-range.ts). */
export const embeddedRangeId = 'flamelens-range';
/** The id of the element holding what the report needs for the search share of a pruned tree (see report-search.ts). */
export const embeddedSearchId = 'flamelens-search';

/** The id of the element holding the host's preview (see WebviewHtmlOptions.preview). */
export const embeddedPreviewId = 'flamelens-preview';

/** What a standalone report embeds beside its init message. */
export interface ReportExtras {
  /** Messages the page receives after init (e.g. `tracks`). */
  messages?: HostMessage[];
  /** Per-bucket data for range selection without a host (see report-range.ts). */
  range?: unknown;
  /** What the tree's folded frames hold, for the search share (see report-search.ts). */
  search?: unknown;
}

/** Escapes text for element content and double-quoted attributes (the only kind written here). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a <script> element: `<` (so `</script>` or `<!--` in a function name
 * can't end the element), `>`, `&` and the JS line separators are written as \u escapes, which
 * JSON.parse reads back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Inline CSS/JS text must not close its own element either. */
function inlineSafe(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

export function makeNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  const { cspSource, scriptUri, styleUri, nonce, title, l10n, preview } = options;
  // JSON in a non-executable <script> element: data only, never run, so it needs no nonce.
  const translations = l10n && Object.keys(l10n).length > 0 ? `<script type="application/json" id="${l10nBundleId}">${jsonForScript(l10n)}</script>\n` : '';
  const embedded = preview ? `<script type="application/json" id="${embeddedPreviewId}">${jsonForScript(preview)}</script>\n` : '';
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(styleUri)}">
</head>
<body>
<div id="app"></div>
${translations}${embedded}<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}

/**
 * One self-contained HTML file: opens from disk (file://) with no network, script and style
 * inlined under a nonce CSP, the init payload embedded as JSON the page answers `ready` with.
 */
export function renderStandaloneReport(init: InitMessage, assets: WebviewAssets, nonce: string = makeNonce(), extras: ReportExtras = {}): string {
  const messages = extras.messages?.length ? `<script type="application/json" id="${embeddedExtraId}">${jsonForScript(extras.messages)}</script>\n` : '';
  const range = extras.range !== undefined ? `<script type="application/json" id="${embeddedRangeId}">${jsonForScript(extras.range)}</script>\n` : '';
  const search = extras.search !== undefined ? `<script type="application/json" id="${embeddedSearchId}">${jsonForScript(extras.search)}</script>\n` : '';
  const csp = ["default-src 'none'", 'img-src data:', `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="FlameLens">
<title>${escapeHtml(init.summary.title)} — FlameLens</title>
<style nonce="${nonce}">${inlineSafe(assets.style, 'style')}</style>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="${embeddedDataId}">${jsonForScript(init)}</script>
${messages}${range}${search}<script nonce="${nonce}">${inlineSafe(assets.script, 'script')}</script>
${assets.svgScript !== undefined ? `<script nonce="${nonce}">${inlineSafe(assets.svgScript, 'script')}</script>\n` : ''}
</body>
</html>
`;
}

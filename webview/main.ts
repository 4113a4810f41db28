// Webview entry: the flame-graph UI, in a VS Code webview or the CLI's standalone HTML report.
import * as l10n from '@vscode/l10n';
import { App } from './app';
import { h } from './dom';
import { connectHost } from './host';
// After the modules: d3-flame-graph's own CSS must come first so ours overrides it. Same file as
// esbuild emits the imported CSS as dist/webview.css beside dist/webview.js.
import './style.css';

/** Id of the optional <script type="application/json"> holding the host's translations (vscode.l10n.bundle). */
const l10nBundleId = 'flamelens-l10n';

/** Loads the host's translations before any UI text is made; without them l10n.t gives the English text. */
function configureL10n(): void {
  const text = document.getElementById(l10nBundleId)?.textContent;
  if (!text) return;
  try {
    l10n.config({ contents: JSON.parse(text) as Record<string, string> });
  } catch {
    // A broken bundle leaves the English text.
  }
}

function start(): void {
  configureL10n();
  const mount = document.getElementById('app') ?? document.body.appendChild(h('div', { attrs: { id: 'app' } }));
  try {
    new App(connectHost(), mount);
  } catch (error) {
    mount.replaceChildren(h('p', { className: 'fl-banner', text: `FlameLens could not start: ${String(error)}` }));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

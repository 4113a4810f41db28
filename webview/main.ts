// Webview entry: the flame-graph UI, in a VS Code webview or the CLI's standalone HTML report.
import * as l10n from '@vscode/l10n';
import { App } from './app';
import { h } from './dom';
import { connectHost } from './host';
import { configureL10n } from './l10n';
// After the modules: d3-flame-graph's own CSS must come first so ours overrides it. Same file as
// esbuild emits the imported CSS as dist/webview.css beside dist/webview.js.
import './style.css';

// The bundle's modules are evaluated: bench/webview.ts splits the page's boot at this mark.
performance.mark('flamelens:boot');

function start(): void {
  configureL10n();
  const mount = document.getElementById('app') ?? document.body.appendChild(h('div', { attrs: { id: 'app' } }));
  try {
    const start = performance.now();
    new App(connectHost(), mount);
    performance.measure('flamelens:first-app', { start, end: performance.now() });
  } catch (error) {
    mount.replaceChildren(h('p', { className: 'fl-banner', text: l10n.t('FlameLens could not start: {0}', String(error)) }));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

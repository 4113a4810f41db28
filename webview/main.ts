// Webview entry: the flame-graph UI, in a VS Code webview or the CLI's standalone HTML report.
import { App } from './app';
import { h } from './dom';
import { connectHost } from './host';
// After the modules: d3-flame-graph's own CSS must come first so ours overrides it. Same file as
// esbuild emits the imported CSS as dist/webview.css beside dist/webview.js.
import './style.css';

function start(): void {
  const mount = document.getElementById('app') ?? document.body.appendChild(h('div', { attrs: { id: 'app' } }));
  try {
    new App(connectHost(), mount);
  } catch (error) {
    mount.replaceChildren(h('p', { className: 'fl-banner', text: `FlameLens could not start: ${String(error)}` }));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

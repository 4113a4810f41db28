// Reads the built webview bundle for the standalone HTML report.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WebviewAssets } from './html';

/** dist/webview.js and dist/webview.css from `distDir`, without their source-map comments. */
export function loadWebviewAssets(distDir: string): WebviewAssets {
  const read = (name: string) =>
    readFileSync(path.join(distDir, name), 'utf8').replace(/\n?\/[*/]# sourceMappingURL=[^\n]*\s*$/, '\n');
  return { script: read('webview.js'), style: read('webview.css') };
}

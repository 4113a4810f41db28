// Reads the built webview bundle for the standalone HTML report.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WebviewAssets } from './html';

/** dist/webview.js and dist/webview.css from `distDir`, without their source-map comments. */
export function loadWebviewAssets(distDir: string): WebviewAssets {
  const read = (name: string) =>
    readFileSync(path.join(distDir, name), 'utf8').replace(/\n?\/[*/]# sourceMappingURL=[^\n]*\s*$/, '\n');
  // The SVG export bundle: inlined in the standalone report so its Save SVG works from a file.
  const svgScript = existsSync(path.join(distDir, 'webview-svg.js')) ? read('webview-svg.js') : undefined;
  return { script: read('webview.js'), style: read('webview.css'), ...(svgScript !== undefined ? { svgScript } : {}) };
}

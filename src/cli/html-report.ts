// The standalone HTML flame graph the CLI writes: the webview bundle inlined with the profile's
// pruned tree and function table (see src/webview-page/html.ts), so it opens from disk with no server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyViewOptions } from '../model/view';
import type { Profile } from '../model/types';
import { defaultViewOptions, type ViewOptions } from '../protocol';
import { renderStandaloneReport, type InitMessage } from '../webview-page/html';
import { loadWebviewAssets } from '../webview-page/assets';
import { initMessage } from '../webview-page/payload';
import { InputError } from './analyze';
import { writeFileAtomic } from './io';

/** The same `init` message the extension's panel starts from, built by the shared payload code. */
export function buildInitMessage(profile: Profile, title: string, options: ViewOptions = defaultViewOptions): InitMessage {
  return initMessage(profile, applyViewOptions(profile, options), title, options) as InitMessage;
}

/** Folders that may hold the built webview (dist/webview.js + .css): beside this bundle, or the repo's dist/. */
export function webviewAssetDirs(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  return [here, path.resolve(here, '..', '..', 'dist'), path.resolve(here, '..', 'dist')];
}

export function findWebviewAssetDir(): string | undefined {
  return webviewAssetDirs().find((d) => fs.existsSync(path.join(d, 'webview.js')) && fs.existsSync(path.join(d, 'webview.css')));
}

/** Writes the report; throws an InputError when the webview is not built, an OutputError when `out` cannot be written. */
export function writeHtmlReport(out: string, profile: Profile, title: string, options?: ViewOptions): void {
  const dir = findWebviewAssetDir();
  if (!dir) throw new InputError('the flame-graph page is not built (dist/webview.js is missing; run `npm run build`)');
  const html = renderStandaloneReport(buildInitMessage(profile, title, options), loadWebviewAssets(dir));
  // Whole or not at all: a full disk must not leave a truncated page behind.
  writeFileAtomic(out, html);
}

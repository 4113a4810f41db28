// The standalone HTML flame graph the CLI writes: the webview bundle inlined with the profile's
// pruned tree and function table (see src/webview-page/html.ts), so it opens from disk with no server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyViewOptions, applyViewOptionsMapped } from '../model/view';
import type { Profile } from '../model/types';
import { defaultViewOptions, type ViewOptions } from '../protocol';
import { renderStandaloneReport, type InitMessage, type ReportExtras } from '../webview-page/html';
import { reportRangeData } from '../webview-page/report-range';
import { reportSearchData } from '../webview-page/report-search';
import { loadTracksForProfile } from '../load/profile-run';
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

/**
 * What the report embeds beside its init message: the data its timeline's range selection adds up
 * (a CPU profile with samples, in the view `options` make of it), what the frames its tree folded
 * hold (so a search share counts them), and the load run's tracks when `profilePath` lies in a load
 * run's session folder.
 */
export function reportExtras(profile: Profile, init: InitMessage, options: ViewOptions = defaultViewOptions, profilePath?: string): ReportExtras {
  const mapped = applyViewOptionsMapped(profile, options);
  const range = init.timeline ? reportRangeData(profile, init.tree, init.table, mapped) : undefined;
  const search = reportSearchData(mapped.view, init.tree);
  const tracks = loadTracksForProfile(profile, profilePath);
  return { ...(range ? { range } : {}), ...(search ? { search } : {}), ...(tracks ? { messages: [{ type: 'tracks', tracks }] } : {}) };
}

/** Writes the report; throws an InputError when the webview is not built, an OutputError when `out` cannot be written. */
export function writeHtmlReport(out: string, profile: Profile, title: string, options?: ViewOptions, profilePath?: string): void {
  const dir = findWebviewAssetDir();
  if (!dir) throw new InputError('the flame-graph page is not built (dist/webview.js is missing; run `npm run build`)');
  const init = buildInitMessage(profile, title, options);
  const html = renderStandaloneReport(init, loadWebviewAssets(dir), undefined, reportExtras(profile, init, options, profilePath));
  // Whole or not at all: a full disk must not leave a truncated page behind.
  writeFileAtomic(out, html);
}

// FlameLens: Export Profile…: writes a profile as pprof, speedscope, folded stacks or the standalone
// HTML flame graph, through the same converters as `flamelens export`. From a flame-graph view the
// export keeps that view's filters (the dialog says so); from a file in the explorer, the whole file.
// From a view, SVG is offered too: the webview's own drawing, asked for and checked before it is written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { captureTimeRange } from '../capture-time-range';
import { describeFsError, writeFileWhole } from '../fs-output';
import { defaultExportFileName, exportData, exportFormatInfo, exportFormats, svgExportFormat, type ExportFormat, type ViewExportFormat } from '../export/formats';
import { escapeNotificationText } from '../model/escape-text';
import type { Profile } from '../model/types';
import { applyViewOptions, applyViewOptionsMapped } from '../model/view';
import { defaultViewOptions, type ViewOptions } from '../protocol';
import { loadWebviewAssets } from '../webview-page/assets';
import { renderStandaloneReport, type InitMessage } from '../webview-page/html';
import { reportExtras } from '../cli/html-report';
import { loadProfile } from '../views/load-profile';
import { initMessage } from '../webview-page/payload';
import { ProfileViewController } from '../views/profile-controller';
import type { ProfileRegistry } from '../views/profile-registry';

/** What is exported: a profile, the view filters to apply (none for a file), and where it came from. */
interface ExportSource {
  profile: Profile;
  title: string;
  /** A profile file on disk, when there is one (default folder, pprof's start time). */
  file?: string;
  options: ViewOptions;
  /** The flame-graph view exported from, when there is one: it alone can draw the SVG. */
  view?: ProfileViewController;
  /** The view's timeline range is selected: `profile` is that slice. */
  ranged?: boolean;
}

const filterLabels: [keyof ViewOptions, () => string][] = [
  ['hideNodeModules', () => vscode.l10n.t('Hide node_modules')],
  ['hideInternals', () => vscode.l10n.t('Hide Node internals')],
  ['hideMeta', () => vscode.l10n.t('Hide idle/GC')],
  ['groupByPackage', () => vscode.l10n.t('Group by package')],
  ['mergeRecursion', () => vscode.l10n.t('Merge recursion')],
];

/** The names of the filters on in `options` (bottom-up is a direction, not a filter: exports stay top-down). */
export function activeFilterNames(options: ViewOptions): string[] {
  return filterLabels.filter(([k]) => options[k]).map(([, label]) => label());
}

/** What the export holds, for the dialogs: the view's filters and its timeline range, or the whole profile. */
export function exportScope(filters: readonly string[], ranged: boolean): string {
  const list = filters.join(', ');
  if (ranged && filters.length > 0) return vscode.l10n.t("the selected time range, with the view's filters: {0}", list);
  if (ranged) return vscode.l10n.t('the selected time range');
  if (filters.length > 0) return vscode.l10n.t("with the view's filters: {0}", list);
  return vscode.l10n.t('the whole profile');
}

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.toString();
}

async function exportSource(registry: ProfileRegistry, arg: unknown): Promise<ExportSource | undefined> {
  if (arg instanceof vscode.Uri) {
    const profile = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('FlameLens: reading {0}', fileName(arg)) }, () => loadProfile(arg));
    return { profile, title: fileName(arg), ...(arg.scheme === 'file' ? { file: arg.fsPath } : {}), options: defaultViewOptions };
  }
  const entry = registry.current;
  if (!entry) return undefined;
  // From the flame-graph view (its toolbar, or the palette while it is visible): its filters apply.
  const view = arg instanceof ProfileViewController ? arg : registry.viewsOfCurrent().find((v) => v.visible);
  const options = view instanceof ProfileViewController ? view.viewOptions : defaultViewOptions;
  const source = view?.entry ?? entry;
  const file = fs.existsSync(source.source) && fs.statSync(source.source).isFile() ? source.source : undefined;
  if (!(view instanceof ProfileViewController)) return { profile: source.profile, title: source.title, ...(file !== undefined ? { file } : {}), options };
  // The view's timeline range applies like its filters: what is exported is what the view shows.
  return { profile: view.scopedProfile, title: source.title, ...(file !== undefined ? { file } : {}), options, view, ranged: view.timeRange !== null };
}

export async function exportProfileCommand(registry: ProfileRegistry, extensionUri: vscode.Uri, arg?: unknown): Promise<void> {
  const source = await exportSource(registry, arg);
  if (!source) {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: no profile is open. Open or record one first, or right-click a profile file in the explorer.'));
    return;
  }
  const filters = activeFilterNames(source.options);
  const scope = exportScope(filters, source.ranged === true);
  const drawn = vscode.l10n.t('as drawn in the view');
  const items: (vscode.QuickPickItem & { format: ViewExportFormat })[] = exportFormats.map((f) => ({ label: f.label, description: scope, detail: f.detail(vscode.l10n), format: f.format }));
  if (source.view) items.push({ label: svgExportFormat.label, description: drawn, detail: svgExportFormat.detail(vscode.l10n), format: 'svg' });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('FlameLens: export {0} — {1}', source.title, scope),
    // From a file there is no drawing to save: say where SVG comes from.
    placeHolder: source.view ? vscode.l10n.t('Format to export to') : vscode.l10n.t('Format to export to (SVG: export from the flame graph view, which draws it)'),
  });
  if (!picked) return;
  const info = exportFormatInfo(picked.format);
  // The drawing as it is when the format is chosen (before the dialog), checked: it comes from the webview.
  const view = source.view;
  if (picked.format === 'svg') {
    const nothing = nothingToDraw(source.profile, source.ranged === true);
    if (nothing) throw new Error(nothing);
  }
  const svg =
    picked.format === 'svg' && view
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('FlameLens: getting the SVG from the flame graph view') }, () => view.requestSvg())
      : undefined;
  const folder = source.file !== undefined ? vscode.Uri.file(path.dirname(source.file)) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = defaultExportFileName(source.file !== undefined ? path.basename(source.file) : source.title, picked.format);
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('FlameLens: export as {0} ({1})', info.label, picked.format === 'svg' ? drawn : scope),
    saveLabel: vscode.l10n.t('Export'),
    filters: { [info.filterName]: info.filterExtensions, [vscode.l10n.t('All files')]: ['*'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
  });
  if (!target) return;

  const content = picked.format === 'svg' ? svg! : render(source, picked.format, extensionUri); // svg: asked for above
  if (target.scheme === 'file') {
    try {
      writeFileWhole(target.fsPath, content);
    } catch (e) {
      throw new Error(vscode.l10n.t('cannot write {0}: {1}', target.fsPath, describeFsError(e)));
    }
  } else {
    await vscode.workspace.fs.writeFile(target, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  }
  const shown = target.scheme === 'file' ? target.fsPath : target.toString();
  const reveal = vscode.l10n.t('Reveal');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: exported to {0}', escapeNotificationText(shown)), reveal);
  if (choice === reveal) {
    await vscode.commands.executeCommand('revealFileInOS', target).then(undefined, () => vscode.commands.executeCommand('revealInExplorer', target));
  }
}

/** The bytes of the export (filters applied; pprof, speedscope and folded stay top-down). */
function render(source: ExportSource, format: ExportFormat, extensionUri: vscode.Uri): string | Uint8Array {
  // With filters on, the view's node of each of the profile's nodes too: speedscope keeps the samples' time order through it.
  const mapped = activeFilterNames(source.options).length > 0 ? applyViewOptionsMapped(source.profile, { ...source.options, invert: false }) : undefined;
  const filtered = mapped?.view ?? source.profile;
  const data = exportData(filtered, format, { name: source.title, ...startedAt(source), ...(mapped ? { sequenceFrom: { source: source.profile, nodeMap: mapped.nodeMap } } : {}) });
  switch (data.kind) {
    case 'bytes':
      return data.gzip ? gzipSync(data.data) : data.data;
    case 'text':
      return data.data;
    case 'html': {
      // The page holds the view as shown, direction included, with its toggles set.
      const init = initMessage(source.profile, applyViewOptions(source.profile, source.options), source.title, source.options) as InitMessage;
      // The report's range selection, and a load run's tracks (not for a slice: its clock starts at the range).
      const extras = reportExtras(source.profile, init, source.options, source.ranged ? undefined : source.file);
      return renderStandaloneReport(init, loadWebviewAssets(vscode.Uri.joinPath(extensionUri, 'dist').fsPath), undefined, extras);
    }
  }
}

function startedAt(source: ExportSource): { startedAtMs?: number } {
  if (source.file === undefined) return {};
  try {
    return { startedAtMs: captureTimeRange(source.file, source.profile).startMs };
  } catch {
    return {}; // The file went away since it was opened: pprof then has no start time.
  }
}

/**
 * Why the flame graph of `profile` (the view's, range applied) has nothing to draw, or undefined when
 * it has: the webview could only say "nothing drawn yet". As the CLI's export --format svg words it.
 */
export function nothingToDraw(profile: Profile, ranged: boolean): string | undefined {
  if (profile.totalValue[0]! > 0) return undefined;
  if (ranged) return vscode.l10n.t('the selected time range holds no samples: there is no flame graph to draw (clear the range, or export another format)');
  if (profile.sampleCount > 0) return vscode.l10n.t('the profile has {0} samples, which add up to 0: there is no flame graph to draw (its other formats can still be exported)', profile.sampleCount);
  return vscode.l10n.t('the profile has no samples: there is no flame graph to draw (its other formats can still be exported)');
}

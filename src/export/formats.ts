// The export formats as the Export Profile… command offers them: labels, file names, and the bytes
// each one is (through the same converters as `flamelens export`). HTML needs the built webview and
// pprof needs gzip, both outside this pure module: `exportData` says what the caller must do.
import { encodePprof } from './pprof';
import { speedscopeJson, toSpeedscope, type NamedProfile } from './speedscope';
import { foldedUnits, toFolded } from './folded';
import type { Profile } from '../model/types';
import type { Translator } from '../translator';

export type ExportFormat = 'pprof' | 'speedscope' | 'folded' | 'html';
/** What an export from a flame-graph view can also be: SVG is the drawing its webview made (no CLI, no file export). */
export type ViewExportFormat = ExportFormat | 'svg';

export interface ExportFormatInfo<F extends ViewExportFormat = ExportFormat> {
  format: F;
  label: string;
  /** What reads it, in the caller's language (vscode.l10n in the extension). */
  detail: (l10n: Translator) => string;
  extension: string;
  /** For the save dialog's filter. */
  filterName: string;
  filterExtensions: string[];
}

export const exportFormats: readonly ExportFormatInfo[] = [
  { format: 'pprof', label: 'pprof', detail: (l10n) => l10n.t('gzip\'d profile.proto: go tool pprof, Grafana Pyroscope, Datadog'), extension: '.pb.gz', filterName: 'pprof', filterExtensions: ['gz', 'pprof'] },
  { format: 'speedscope', label: 'speedscope', detail: (l10n) => l10n.t('speedscope\'s JSON file format (speedscope.app, or offline)'), extension: '.speedscope.json', filterName: 'speedscope JSON', filterExtensions: ['json'] },
  { format: 'folded', label: 'Folded stacks', detail: (l10n) => l10n.t('"root;…;leaf count" lines for flamegraph.pl / inferno'), extension: '.folded', filterName: 'Folded stacks', filterExtensions: ['folded', 'txt'] },
  { format: 'html', label: 'HTML', detail: (l10n) => l10n.t('the FlameLens flame graph as one standalone, offline page'), extension: '.html', filterName: 'HTML', filterExtensions: ['html'] },
];

export const svgExportFormat: ExportFormatInfo<'svg'> = {
  format: 'svg',
  label: 'SVG',
  detail: (l10n) => l10n.t('the flame graph as drawn now (filters, direction, zoom), frame details as tooltips: browsers, Inkscape'),
  extension: '.svg',
  filterName: 'SVG',
  filterExtensions: ['svg'],
};

export function exportFormatInfo<F extends ViewExportFormat>(format: F): ExportFormatInfo<F> {
  if (format === 'svg') return svgExportFormat as ExportFormatInfo<F>;
  return exportFormats.find((f) => f.format === format)! as ExportFormatInfo<F>; // every ExportFormat is listed
}

/** "busy.cpuprofile.gz" → "busy.pb.gz": the source's name without its profile extension, plus the format's. */
export function defaultExportFileName(sourceName: string, format: ViewExportFormat): string {
  const base = sourceName
    .replace(/\.gz$/i, '')
    .replace(/\.(cpuprofile|heapprofile|pb|pprof|json|speedscope|folded|html|svg)$/i, '')
    .replace(/\.speedscope$/i, '');
  // A capture title ("busy.js — cpu") or an odd name still gives a usable file name.
  // eslint-disable-next-line no-control-regex
  const safe = base.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').replace(/\s+/g, ' ').trim() || 'profile';
  return safe + exportFormatInfo(format).extension;
}

export type ExportData =
  | { kind: 'bytes'; data: Uint8Array; gzip: boolean }
  | { kind: 'text'; data: string }
  /** The standalone page: rendered by the caller from the profile (it needs the built webview). */
  | { kind: 'html' };

/** The content of `format` for `p` (pprof still to be gzip'd by the caller, as `gzip` says). */
export function exportData(p: Profile, format: ExportFormat, options: { name: string; startedAtMs?: number; sequenceFrom?: NamedProfile['sequenceFrom'] }): ExportData {
  switch (format) {
    case 'pprof':
      return { kind: 'bytes', data: encodePprof(p, options.startedAtMs !== undefined ? { startedAtMs: options.startedAtMs } : {}), gzip: true };
    case 'speedscope':
      return { kind: 'text', data: speedscopeJson(toSpeedscope([{ name: options.name, profile: p, ...(options.sequenceFrom ? { sequenceFrom: options.sequenceFrom } : {}) }], options.name, 'flamelens')) };
    case 'folded':
      return { kind: 'text', data: toFolded(p, foldedUnits(p)[0]) };
    case 'html':
      return { kind: 'html' };
  }
}

/** Largest SVG taken from a webview (characters): far above a drawn flame graph, far below what would strain the host. */
export const maxWebviewSvgChars = 64 * 1024 * 1024;

/** An SVG reply from a webview that is not one (the message says what is wrong, for the user). */
export class WebviewSvgError extends Error {
  override name = 'WebviewSvgError';
}

/**
 * The SVG a flame-graph webview sent, checked before it is written: the webview is a page whose
 * content comes from profile data, so its reply is untrusted. The host only ever writes it to the
 * file the user chose; it never parses, runs or shows it.
 */
export function checkWebviewSvg(value: unknown, maxChars = maxWebviewSvgChars): string {
  if (typeof value !== 'string') throw new WebviewSvgError('the flame graph view sent no SVG text');
  if (value.length === 0) throw new WebviewSvgError('the flame graph view sent an empty SVG');
  if (value.length > maxChars) throw new WebviewSvgError(`the flame graph view sent ${value.length} characters of SVG, more than the ${maxChars} allowed`);
  // An XML declaration (as XMLSerializer output is saved) or the <svg> element itself, nothing else first.
  if (!/^(?:<\?xml [^<>]{0,200}\?>\s*)?<svg[\s>]/.test(value)) throw new WebviewSvgError('the flame graph view sent something that does not start as an SVG document (<?xml or <svg)');
  if (!/<\/svg>\s*$/.test(value)) throw new WebviewSvgError('the SVG from the flame graph view is cut off (no closing </svg>)');
  // The serializer writes names as text (escaped); a script element could only come from a tampered page.
  if (/<script[\s>/]/i.test(value)) throw new WebviewSvgError('the SVG from the flame graph view contains a script element');
  return value;
}

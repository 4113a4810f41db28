// The export formats as the Export Profile… command offers them: labels, file names, and the bytes
// each one is (through the same converters as `flamelens export`). HTML needs the built webview and
// pprof needs gzip, both outside this pure module: `exportData` says what the caller must do.
import { encodePprof } from './pprof';
import { speedscopeJson, toSpeedscope } from './speedscope';
import { foldedUnits, toFolded } from './folded';
import type { Profile } from '../model/types';

export type ExportFormat = 'pprof' | 'speedscope' | 'folded' | 'html';

export interface ExportFormatInfo {
  format: ExportFormat;
  label: string;
  /** What reads it. */
  detail: string;
  extension: string;
  /** For the save dialog's filter. */
  filterName: string;
  filterExtensions: string[];
}

export const exportFormats: readonly ExportFormatInfo[] = [
  { format: 'pprof', label: 'pprof', detail: 'gzip\'d profile.proto: go tool pprof, Grafana Pyroscope, Datadog', extension: '.pb.gz', filterName: 'pprof', filterExtensions: ['gz', 'pprof'] },
  { format: 'speedscope', label: 'speedscope', detail: 'speedscope\'s JSON file format (speedscope.app, or offline)', extension: '.speedscope.json', filterName: 'speedscope JSON', filterExtensions: ['json'] },
  { format: 'folded', label: 'Folded stacks', detail: '"root;…;leaf count" lines for flamegraph.pl / inferno', extension: '.folded', filterName: 'Folded stacks', filterExtensions: ['folded', 'txt'] },
  { format: 'html', label: 'HTML', detail: 'the FlameLens flame graph as one standalone, offline page', extension: '.html', filterName: 'HTML', filterExtensions: ['html'] },
];

export function exportFormatInfo(format: ExportFormat): ExportFormatInfo {
  return exportFormats.find((f) => f.format === format)!; // every ExportFormat is listed
}

/** "busy.cpuprofile.gz" → "busy.pb.gz": the source's name without its profile extension, plus the format's. */
export function defaultExportFileName(sourceName: string, format: ExportFormat): string {
  const base = sourceName
    .replace(/\.gz$/i, '')
    .replace(/\.(cpuprofile|heapprofile|pb|pprof|json|speedscope|folded|html)$/i, '')
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
export function exportData(p: Profile, format: ExportFormat, options: { name: string; startedAtMs?: number }): ExportData {
  switch (format) {
    case 'pprof':
      return { kind: 'bytes', data: encodePprof(p, options.startedAtMs !== undefined ? { startedAtMs: options.startedAtMs } : {}), gzip: true };
    case 'speedscope':
      return { kind: 'text', data: speedscopeJson(toSpeedscope([{ name: options.name, profile: p }], options.name, 'flamelens')) };
    case 'folded':
      return { kind: 'text', data: toFolded(p, foldedUnits(p)[0]) };
    case 'html':
      return { kind: 'html' };
  }
}

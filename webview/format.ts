// Display formatting for values the webview shows (µs → ms/s, bytes → KB/MB) and percentages.
import type { ValueUnit } from '../src/model/types';

export function formatValue(value: number, unit: ValueUnit): string {
  const sign = value < 0 ? '−' : '';
  const v = Math.abs(value);
  if (unit === 'bytes') {
    if (v < 1024) return `${sign}${Math.round(v)} B`;
    if (v < 1024 * 1024) return `${sign}${trim(v / 1024)} KB`;
    if (v < 1024 * 1024 * 1024) return `${sign}${trim(v / (1024 * 1024))} MB`;
    return `${sign}${trim(v / (1024 * 1024 * 1024))} GB`;
  }
  if (v < 1000) return `${sign}${Math.round(v)} µs`;
  if (v < 1_000_000) return `${sign}${trim(v / 1000)} ms`;
  return `${sign}${trim(v / 1_000_000)} s`;
}

/** Three significant digits at most, without trailing zeros: 12.3, 1.23, 123. */
function trim(x: number): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return String(Number(x.toFixed(digits)));
}

export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0)) return '–';
  const p = (100 * part) / whole;
  if (p !== 0 && Math.abs(p) < 0.1) return '<0.1%';
  return `${p.toFixed(p >= 10 ? 1 : 2).replace(/\.?0+$/, '')}%`;
}

/** Short "file:line" for a frame; node internals and native frames say so. */
export function formatLocation(url: string, line: number): string {
  if (!url) return '(no source)';
  let name = url;
  try {
    if (/^[a-z]+:\/\//i.test(url)) name = decodeURIComponent(new URL(url).pathname);
  } catch {
    // keep the raw url
  }
  const short = name.length > 60 ? '…' + name.slice(-59) : name;
  return line > 0 ? `${short}:${line}` : short;
}

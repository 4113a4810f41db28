// Human-readable values for tables, tooltips and annotations.
import type { ValueUnit } from './types';

/** "850 µs", "12.4 ms", "1.2 s" for microseconds; "512 B", "3.4 KB", "3.4 MB" for bytes (1024-based). */
export function formatValue(value: number, unit: ValueUnit): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  const v = Math.abs(value);
  // Each unit up to where its rounded figure would reach the next one ("1000 µs" is "1.0 ms").
  if (unit === 'us') {
    if (v < 999.5) return `${sign}${Math.round(v)} µs`;
    if (v < 999_500) return `${sign}${scaled(v / 1000)} ms`;
    return `${sign}${scaled(v / 1_000_000)} s`;
  }
  if (v < 1023.5) return `${sign}${Math.round(v)} B`;
  if (v < 1023.5 * 1024) return `${sign}${scaled(v / 1024)} KB`;
  if (v < 1023.5 * 1024 * 1024) return `${sign}${scaled(v / (1024 * 1024))} MB`;
  return `${sign}${scaled(v / (1024 * 1024 * 1024))} GB`;
}

/** One decimal below 100, none above: "12.4", "123". */
function scaled(v: number): string {
  return v < 99.95 ? v.toFixed(1) : Math.round(v).toString();
}

/** `part` as a percentage of `whole`: "12.3%", "<0.1%" for tiny non-zero shares, "0%" for none. */
export function formatPercent(part: number, whole: number): string {
  if (whole === 0 || part === 0) return '0%';
  const pct = (part / whole) * 100;
  if (Math.abs(pct) < 0.1) return pct < 0 ? '>-0.1%' : '<0.1%';
  return `${pct < 99.95 && pct > -99.95 ? pct.toFixed(1) : Math.round(pct).toString()}%`;
}

// Human-readable values for tables, tooltips and annotations.
import type { ValueUnit } from './types';

/** "850 µs", "12.4 ms", "1.2 s" for microseconds; "512 B", "3.4 KB", "3.4 MB" for bytes (1024-based). */
export function formatValue(value: number, unit: ValueUnit): string {
  if (!Number.isFinite(value)) return String(value);
  const v = Math.abs(value);
  // Below half a unit it reads "0 µs" / "0 B", never "-0 µs".
  const sign = value < 0 && v >= 0.5 ? '-' : '';
  // A unit holds what still reads below the next one once rounded: 1,048,575 B is "1.0 MB", not "1024 KB".
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

/** A change: "+1.2 ms", "-300 B", and "0 µs" (no sign) for what reads as zero. */
export function formatChange(value: number, unit: ValueUnit): string {
  return value >= 0.5 ? `+${formatValue(value, unit)}` : formatValue(value, unit);
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

// Plain-text tables for the terminal. No colours: output is often piped into CI logs. Every cell
// and every quoted piece of profile text goes through escapeControlText here, so no caller can
// print a raw function name or url (see src/model/escape-text.ts).
import { escapeControlText } from '../model/escape-text';
import { formatChange, formatPercent, formatValue } from '../model/format';
import { describeLocation } from '../model/frames';
import type { FunctionDelta, LineDelta } from '../model/diff';
import type { ValueUnit } from '../model/types';
import { displayLocation, type Hotspots } from './analyze';

/** Longest cell shown: a longer name or url (generated code, data: URLs) would pad its whole column to its width. */
const maxCell = 160;

/** `text` cut in the middle with `…` when longer than maxCell: both ends of a name or path say the most. */
function clip(text: string): string {
  if (text.length <= maxCell) return text;
  let head = 100;
  let tail = text.length - (maxCell - head - 1);
  // Never split a surrogate pair (it would print as U+FFFD).
  if (/[\ud800-\udbff]/.test(text[head - 1]!)) head--;
  if (/[\udc00-\udfff]/.test(text[tail]!)) tail++;
  return `${text.slice(0, head)}…${text.slice(tail)}`;
}

/** Left-aligned columns except those listed in `right`. Cells are escaped (they may hold profile text) and clipped. */
export function table(rawHeader: string[], rawRows: string[][], right: ReadonlySet<number>): string {
  const header = rawHeader.map(escapeControlText);
  const rows = rawRows.map((r) => header.map((_h, i) => clip(escapeControlText(r[i] ?? ''))));
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (i === cells.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export const location = describeLocation;

export function renderHotspots(h: Hotspots, title?: string): string {
  const v = (x: number) => formatValue(x, h.unit);
  const what = h.kind === 'cpu' ? 'self time' : 'self bytes allocated';
  const out: string[] = [];
  if (title) out.push(escapeControlText(title));
  if (h.kind === 'cpu') {
    out.push(`${v(h.total)} recorded, ${h.sampleCount} sample${h.sampleCount === 1 ? '' : 's'}${h.idle > 0 ? `, ${formatPercent(h.idle, h.total)} idle` : ''}`);
  } else {
    // Whether collected objects count depends on the recorder (FlameLens's agent includes them;
    // `node --heap-prof` keeps only what was still live), which the file does not say.
    // Samples whose node is not in the tree are in no count below: said beside the count (the note says why).
    const count = `${h.sampleCount} sample${h.sampleCount === 1 ? '' : 's'}`;
    const more = h.uncountedSamples ? ` (+${h.uncountedSamples} not in the tree: see note)` : '';
    out.push(`${v(h.total)} allocated (sampled)${h.sampleCount > 0 || more ? `, ${count}${more}` : ''}`);
  }
  out.push('', `Top functions by ${what}:`);
  if (h.functions.length === 0) out.push('  (none)');
  else {
    out.push(
      table(
        ['self', '%', 'total', '%', 'function', 'location'],
        // (garbage collector), (program), the hidden-frames placeholders: no code, so no location.
        h.functions.map((f) => [v(f.self), pctText(f.selfPercent), v(f.total), pctText(f.totalPercent), f.name, f.category === 'meta' ? '' : location(f.file, f.line)]),
        new Set([0, 1, 2, 3]),
      ),
    );
  }
  out.push('', `Top lines by ${what}:`);
  if (h.lines.length === 0) out.push(h.format === 'heapprofile' ? '  (none: a V8 heap profile records the allocating functions, not their lines)' : '  (no line information)');
  else {
    out.push(
      table(
        ['self', '%', 'line', 'function'],
        h.lines.map((l) => [v(l.self), pctText(l.selfPercent), location(l.file, l.line), l.function]),
        new Set([0, 1]),
      ),
    );
  }
  // Notes can run to hundreds (one per script without a map); the JSON output has them all.
  const shownNotes = 3;
  for (const n of h.notes.slice(0, shownNotes)) out.push(`note: ${escapeControlText(n)}`);
  if (h.notes.length > shownNotes) out.push(`note: … and ${h.notes.length - shownNotes} more (flamelens report --json lists them all)`);
  return out.join('\n');
}

function pctText(p: number): string {
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  return `${p.toFixed(1)}%`;
}

export function renderFunctionDeltas(title: string, rows: readonly FunctionDelta[], unit: ValueUnit, baseTotal: number, cwd: string): string {
  if (rows.length === 0) return `${escapeControlText(title)}\n  (none)`;
  return `${escapeControlText(title)}\n${table(
    ['change', '% of base', 'before', 'after', 'function', 'location'],
    rows.map((d) => [
      signed(d.selfDelta, unit),
      signedPct(d.selfDelta, baseTotal),
      formatValue(d.selfBefore, unit),
      formatValue(d.selfAfter, unit),
      d.frame.functionName,
      location(displayLocation(d.frame.url, cwd), d.frame.line),
    ]),
    new Set([0, 1, 2, 3]),
  )}`;
}

export function renderLineDeltas(title: string, rows: readonly LineDelta[], unit: ValueUnit, baseTotal: number, cwd: string): string {
  if (rows.length === 0) return `${escapeControlText(title)}\n  (none)`;
  return `${escapeControlText(title)}\n${table(
    ['change', '% of base', 'before', 'after', 'line'],
    rows.map((d) => [
      signed(d.delta, unit),
      signedPct(d.delta, baseTotal),
      formatValue(d.before, unit),
      formatValue(d.after, unit),
      location(displayLocation(d.url, cwd), d.line),
    ]),
    new Set([0, 1, 2, 3]),
  )}`;
}

const signed = formatChange;

function signedPct(v: number, whole: number): string {
  if (whole <= 0) return '';
  const p = (v / whole) * 100;
  // A change too small for one decimal is still a change: "+<0.1%", not "+0.0%".
  if (v !== 0 && Math.abs(p) < 0.05) return v > 0 ? '+<0.1%' : '-<0.1%';
  return `${p > 0 ? '+' : ''}${p.toFixed(1)}%`;
}

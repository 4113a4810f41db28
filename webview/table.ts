// The per-function table: name, self, total (with % of the profile) and location; click a
// column header to sort, click (or Enter on) a row to select that function.
import * as l10n from '@vscode/l10n';
import type { ValueUnit } from '../src/model/types';
import type { TablePayload, TableRow, ViewFrame } from '../src/protocol';
import { h } from './dom';
import { formatChange, formatLocation, formatPercent, formatValue } from './format';
import type { SortKey, TableSort } from './state';

/** Rows drawn at most; sorting and filtering still see every row. */
const rowLimit = 300;
/**
 * Rows built before the frame is painted (more than the 45vh box shows); the rest follow in
 * chunks after it, so clearing a search or re-sorting answers within a frame (building and laying
 * out all 300 rows took 70–190 ms on a loaded box, measured in bench/webview.ts).
 */
const firstRows = 60;
const laterChunk = 80;

export interface FunctionTableOptions {
  onSort(sort: TableSort): void;
  onSelect(frame: ViewFrame): void;
}

interface Column {
  key: SortKey | 'location' | 'delta';
  label: string;
  numeric: boolean;
}

export class FunctionTable {
  readonly element: HTMLElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  private readonly caption: HTMLElement;
  private payload: TablePayload = { rows: [], frames: [] };
  private unit: ValueUnit = 'us';
  private total = 0;
  private diff = false;
  private filter = '';
  /** Built rows by table row, reused while the data, unit, total and diff stay the same. */
  private built = new Map<TableRow, HTMLTableRowElement>();
  private headerKey = '';
  /** Bumped per render: a pending chunk of a superseded render drops itself. */
  private generation = 0;
  sort: TableSort;

  constructor(sort: TableSort, private readonly options: FunctionTableOptions) {
    this.sort = sort;
    this.head = h('thead');
    this.body = h('tbody');
    this.caption = h('div', { className: 'fl-table-caption', attrs: { 'aria-live': 'polite' } });
    this.element = h('div', { className: 'fl-table-wrap' }, h('table', { className: 'fl-table', attrs: { 'aria-label': l10n.t('Functions') } }, this.head, this.body), this.caption);
    // One listener for all rows (rows are reused across renders).
    const selectFrom = (target: EventTarget | null) => {
      const tr = (target as Element | null)?.closest?.('tr[data-frame]');
      const frame = tr ? this.payload.frames[Number(tr.getAttribute('data-frame'))] : undefined;
      if (frame) this.options.onSelect(frame);
    };
    this.body.addEventListener('click', (event) => selectFrom(event.target));
    this.body.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') selectFrom(event.target);
    });
  }

  setData(payload: TablePayload, unit: ValueUnit, total: number, diff: boolean): void {
    this.payload = payload;
    this.unit = unit;
    this.total = total;
    this.diff = diff;
    this.built.clear();
    this.render();
  }

  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    this.render();
  }

  setSort(sort: TableSort): void {
    this.sort = sort;
    this.render();
  }

  private columns(): Column[] {
    const columns: Column[] = [
      { key: 'name', label: l10n.t('Function'), numeric: false },
      { key: 'self', label: l10n.t('Self'), numeric: true },
      { key: 'total', label: l10n.t('Total'), numeric: true },
    ];
    if (this.diff) columns.push({ key: 'delta', label: l10n.t('Δ Self'), numeric: true });
    columns.push({ key: 'location', label: l10n.t('Location'), numeric: false });
    return columns;
  }

  private sortedRows(): TableRow[] {
    const frames = this.payload.frames;
    const name = (row: TableRow) => frames[row.frame]?.name ?? '';
    // The root is not a function; hosts may or may not leave it out.
    let rows = this.payload.rows.filter((row) => frames[row.frame]?.name !== '(root)');
    if (this.filter) rows = rows.filter((row) => name(row).toLowerCase().includes(this.filter));
    const { key, descending } = this.sort;
    const sign = descending ? -1 : 1;
    const compare =
      key === 'name'
        ? (a: TableRow, b: TableRow) => sign * name(a).localeCompare(name(b))
        : (a: TableRow, b: TableRow) => sign * (a[key] - b[key]) || b.total - a.total;
    return [...rows].sort(compare);
  }

  private render(): void {
    this.renderHead();
    const rows = this.sortedRows();
    const shown = rows.slice(0, rowLimit);
    const generation = ++this.generation;
    this.body.replaceChildren(this.buildRows(shown, 0, firstRows));
    this.caption.textContent =
      rows.length > rowLimit ? l10n.t('Showing {0} of {1} functions', rowLimit, rows.length) : rows.length === 1 ? l10n.t('1 function') : l10n.t('{0} functions', rows.length);
    // The rest after the frame is painted (a task queued from a rAF callback runs after its paint).
    const more = (from: number) => {
      if (from >= shown.length) return;
      requestAnimationFrame(() =>
        setTimeout(() => {
          if (generation !== this.generation) return;
          this.body.append(this.buildRows(shown, from, from + laterChunk));
          more(from + laterChunk);
        }, 0),
      );
    };
    more(firstRows);
  }

  private renderHead(): void {
    const key = `${this.sort.key} ${this.sort.descending} ${this.diff}`;
    if (key === this.headerKey) return;
    this.headerKey = key;
    const headerRow = h('tr');
    for (const column of this.columns()) {
      const th = h('th', { className: column.numeric ? 'num' : '', attrs: { scope: 'col' } });
      if (column.key === 'name' || column.key === 'self' || column.key === 'total') {
        const key = column.key;
        const active = this.sort.key === key;
        th.setAttribute('aria-sort', active ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
        const arrow = active ? (this.sort.descending ? ' ▼' : ' ▲') : '';
        const button = h('button', { className: 'fl-sort', text: column.label + arrow, attrs: { type: 'button', 'data-sort': key } });
        button.addEventListener('click', () => {
          const descending = active ? !this.sort.descending : key !== 'name';
          this.sort = { key, descending };
          this.render();
          this.options.onSort(this.sort);
        });
        th.append(button);
      } else th.textContent = column.label;
      headerRow.append(th);
    }
    this.head.replaceChildren(headerRow);
  }

  private buildRows(rows: TableRow[], from: number, to: number): DocumentFragment {
    const frames = this.payload.frames;
    const fragment = document.createDocumentFragment();
    for (const row of rows.slice(from, to)) {
      let tr = this.built.get(row);
      if (!tr) {
        const frame = frames[row.frame];
        if (!frame) continue;
        tr = h(
          'tr',
          { attrs: { tabindex: '0', 'data-frame': String(row.frame) } },
          h('td', { className: `name cat-${frame.category}`, text: frame.name, title: frame.name }),
          this.valueCell(row.self),
          this.valueCell(row.total),
          this.diff && h('td', { className: 'num', text: row.selfDelta === undefined ? '' : formatChange(row.selfDelta, this.unit) }),
          h('td', { className: 'loc', text: formatLocation(frame.url, frame.line, frame.file), title: frame.url }),
        );
        this.built.set(row, tr);
      }
      fragment.append(tr);
    }
    return fragment;
  }

  private valueCell(value: number): HTMLTableCellElement {
    return h('td', { className: 'num' }, formatValue(value, this.unit), h('span', { className: 'pct', text: ` ${formatPercent(value, this.total)}` }));
  }
}

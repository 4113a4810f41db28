// The heap-snapshot table: constructors with count, shallow and retained size and share of the heap
// (summary mode), or growth per constructor between two snapshots (diff mode). Sortable columns, a
// filter box; names are untrusted text and only ever set through textContent.
import * as l10n from '@vscode/l10n';
import type { SnapshotHostMessage, SnapshotWebviewMessage } from '../../src/snapshot-protocol';
import { formatValue } from '../../src/model/format';
import { configureL10n } from '../l10n';

interface VsCodeApi {
  postMessage(message: SnapshotWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Cell = string | number | undefined;
interface Column {
  key: string;
  title: string;
  numeric: boolean;
  /** How a value is shown; raw values sort. */
  format: (v: Cell) => string;
  /** Diff columns colour growth and shrinkage. */
  signed?: boolean;
}
type Row = Record<string, Cell> & { name: string };

interface ViewState {
  sortKey?: string;
  descending?: boolean;
  filter?: string;
}

configureL10n();
const maxRows = 2000;
const vscode = acquireVsCodeApi();
const saved = (vscode.getState() ?? {}) as ViewState;
const state: ViewState = { filter: saved.filter ?? '', sortKey: saved.sortKey, descending: saved.descending ?? true };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** As the CLI and the flame graph write bytes (the model's formatter), with a true minus sign. */
function bytes(v: Cell): string {
  if (typeof v !== 'number') return '—';
  const s = formatValue(Math.abs(v), 'bytes');
  return v < 0 ? `−${s}` : s;
}
const count = (v: Cell): string => (typeof v === 'number' ? (v < 0 ? `−${(-v).toLocaleString()}` : v.toLocaleString()) : '—');
const signedBytes = (v: Cell): string => (typeof v === 'number' && v > 0 ? `+${bytes(v)}` : bytes(v));
const signedCount = (v: Cell): string => (typeof v === 'number' && v > 0 ? `+${count(v)}` : count(v));
const percent = (v: Cell): string => (typeof v === 'number' ? `${v.toFixed(v >= 10 ? 1 : 2)} %` : '—');
const text = (v: Cell): string => String(v ?? '');

const app = document.getElementById('app') ?? document.body;
const header = el('div', 'header');
const titleEl = el('h1', 'title');
const info = el('div', 'info');
const filter = el('input', 'filter');
filter.type = 'search';
filter.placeholder = l10n.t('Filter constructors');
filter.setAttribute('aria-label', l10n.t('Filter constructors'));
filter.value = state.filter ?? '';
header.append(titleEl, info, filter);
const status = el('div', 'status', l10n.t('Loading…'));
const table = el('table', 'table');
const footer = el('div', 'footer');
app.append(header, status, table, footer);

let columns: Column[] = [];
let rows: Row[] = [];
let mode: 'summary' | 'diff' = 'summary';

filter.addEventListener('input', () => {
  state.filter = filter.value;
  vscode.setState(state);
  render();
});

function setSort(key: string): void {
  if (state.sortKey === key) state.descending = !state.descending;
  else {
    state.sortKey = key;
    state.descending = columns.find((c) => c.key === key)?.numeric ?? false;
  }
  vscode.setState(state);
  render();
}

function render(): void {
  table.replaceChildren();
  const head = el('tr');
  for (const c of columns) {
    const th = el('th', c.numeric ? 'num' : undefined);
    const button = el('button', 'sort', c.title + (state.sortKey === c.key ? (state.descending ? ' ▼' : ' ▲') : ''));
    button.type = 'button';
    button.addEventListener('click', () => setSort(c.key));
    th.setAttribute('aria-sort', state.sortKey === c.key ? (state.descending ? 'descending' : 'ascending') : 'none');
    th.append(button);
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const needle = (state.filter ?? '').trim().toLowerCase();
  const visible = needle ? rows.filter((r) => r.name.toLowerCase().includes(needle)) : rows.slice();
  const key = state.sortKey;
  if (key) {
    const sign = state.descending ? -1 : 1;
    visible.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
      return sign * d || a.name.localeCompare(b.name);
    });
  }
  const tbody = el('tbody');
  for (const r of visible.slice(0, maxRows)) {
    const tr = el('tr');
    for (const c of columns) {
      const v = r[c.key];
      const td = el('td', c.numeric ? 'num' : 'name', c.format(v));
      if (c.signed && typeof v === 'number' && v !== 0) td.classList.add(v > 0 ? 'grew' : 'shrank');
      if (!c.numeric) td.title = String(v ?? '');
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(thead, tbody);
  footer.textContent =
    visible.length > maxRows
      ? l10n.t('Showing {0} of {1} rows; filter to narrow.', maxRows.toLocaleString(), visible.length.toLocaleString())
      : l10n.t('{0} of {1} rows', visible.length.toLocaleString(), rows.length.toLocaleString());
  vscode.postMessage({ type: 'rendered', rows: Math.min(visible.length, maxRows), first: visible[0]?.name, mode });
}

function show(message: SnapshotHostMessage): void {
  switch (message.type) {
    case 'progress':
      status.textContent = message.message;
      status.hidden = false;
      return;
    case 'error':
      status.textContent = message.message;
      status.className = 'status error';
      status.hidden = false;
      return;
    case 'summary': {
      const s = message.summary;
      mode = 'summary';
      titleEl.textContent = message.title;
      info.textContent = s.hasRetainedSizes
        ? l10n.t('{0} objects · {1}', s.objectCount.toLocaleString(), bytes(s.totalSize))
        : l10n.t('{0} objects · {1} · retained sizes not computed', s.objectCount.toLocaleString(), bytes(s.totalSize));
      const total = s.totalSize || 1;
      columns = [
        { key: 'name', title: l10n.t('Constructor'), numeric: false, format: text },
        { key: 'count', title: l10n.t('Count'), numeric: true, format: count },
        { key: 'selfSize', title: l10n.t('Shallow size'), numeric: true, format: bytes },
        { key: 'retainedSize', title: l10n.t('Retained size'), numeric: true, format: bytes },
        { key: 'share', title: l10n.t('% of total'), numeric: true, format: percent },
      ];
      // Share of the heap: retained when known (what freeing these objects would release), else shallow.
      rows = s.constructors.map((c) => ({ name: c.name, count: c.count, selfSize: c.selfSize, retainedSize: c.retainedSize, share: (100 * (c.retainedSize ?? c.selfSize)) / total }));
      state.sortKey ??= s.hasRetainedSizes ? 'retainedSize' : 'selfSize';
      break;
    }
    case 'diff': {
      const d = message.diff;
      mode = 'diff';
      titleEl.textContent = message.title;
      info.textContent = l10n.t('{0} → {1}: heap {2} ({3} → {4}), objects {5}', message.before, message.after, signedBytes(d.totalSizeDelta), bytes(message.beforeTotal), bytes(message.afterTotal), signedCount(d.objectCountDelta));
      const withRetained = d.growth.some((g) => g.retainedSizeDelta !== undefined);
      columns = [
        { key: 'name', title: l10n.t('Constructor'), numeric: false, format: text },
        { key: 'countBefore', title: l10n.t('Count before'), numeric: true, format: count },
        { key: 'countAfter', title: l10n.t('Count after'), numeric: true, format: count },
        { key: 'countDelta', title: l10n.t('Δ count'), numeric: true, format: signedCount, signed: true },
        { key: 'selfSizeDelta', title: l10n.t('Δ shallow size'), numeric: true, format: signedBytes, signed: true },
        ...(withRetained ? [{ key: 'retainedSizeDelta', title: l10n.t('Δ retained size'), numeric: true, format: signedBytes, signed: true }] : []),
      ];
      rows = d.growth.map((g) => ({ ...g }));
      state.sortKey ??= 'selfSizeDelta';
      break;
    }
  }
  if (!columns.some((c) => c.key === state.sortKey)) state.sortKey = columns[1]?.key;
  status.hidden = true;
  status.className = 'status';
  render();
}

window.addEventListener('message', (event: MessageEvent<SnapshotHostMessage>) => show(event.data));
vscode.postMessage({ type: 'ready' });

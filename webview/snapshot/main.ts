// The heap-snapshot table: constructors with count, shallow and retained size and share of the heap
// (summary mode), or growth per constructor between two snapshots (diff mode). Sortable columns, a
// filter box; names are untrusted text and only ever set through textContent.
import type { SnapshotHostMessage, SnapshotWebviewMessage } from '../../src/snapshot-protocol';

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

function bytes(v: Cell): string {
  if (typeof v !== 'number') return '—';
  const a = Math.abs(v);
  const s = a >= 1 << 30 ? `${(a / (1 << 30)).toFixed(2)} GB` : a >= 1 << 20 ? `${(a / (1 << 20)).toFixed(1)} MB` : a >= 1024 ? `${(a / 1024).toFixed(1)} KB` : `${a} B`;
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
filter.placeholder = 'Filter constructors';
filter.setAttribute('aria-label', 'Filter constructors');
filter.value = state.filter ?? '';
header.append(titleEl, info, filter);
const status = el('div', 'status', 'Loading…');
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
    visible.length > maxRows ? `Showing ${maxRows.toLocaleString()} of ${visible.length.toLocaleString()} rows; filter to narrow.` : `${visible.length.toLocaleString()} of ${rows.length.toLocaleString()} rows`;
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
      info.textContent = `${s.objectCount.toLocaleString()} objects · ${bytes(s.totalSize)}${s.hasRetainedSizes ? '' : ' · retained sizes not computed'}`;
      const total = s.totalSize || 1;
      columns = [
        { key: 'name', title: 'Constructor', numeric: false, format: text },
        { key: 'count', title: 'Count', numeric: true, format: count },
        { key: 'selfSize', title: 'Shallow size', numeric: true, format: bytes },
        { key: 'retainedSize', title: 'Retained size', numeric: true, format: bytes },
        { key: 'share', title: '% of total', numeric: true, format: percent },
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
      info.textContent = `${message.before} → ${message.after}: heap ${signedBytes(d.totalSizeDelta)} (${bytes(message.beforeTotal)} → ${bytes(message.afterTotal)}), objects ${signedCount(d.objectCountDelta)}`;
      const withRetained = d.growth.some((g) => g.retainedSizeDelta !== undefined);
      columns = [
        { key: 'name', title: 'Constructor', numeric: false, format: text },
        { key: 'countBefore', title: 'Count before', numeric: true, format: count },
        { key: 'countAfter', title: 'Count after', numeric: true, format: count },
        { key: 'countDelta', title: 'Δ count', numeric: true, format: signedCount, signed: true },
        { key: 'selfSizeDelta', title: 'Δ shallow size', numeric: true, format: signedBytes, signed: true },
        ...(withRetained ? [{ key: 'retainedSizeDelta', title: 'Δ retained size', numeric: true, format: signedBytes, signed: true }] : []),
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

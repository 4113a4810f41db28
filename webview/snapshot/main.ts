// The heap-snapshot table: constructors with count, shallow and retained size and share of the heap
// (summary mode), or growth per constructor between two snapshots (diff mode). Sortable columns, a
// filter box; names are untrusted text: only ever set through textContent, their control and bidi
// characters shown as escapes (\n, \u202e) as in the flame graph, so a name cannot reorder or split a row.
import * as l10n from '@vscode/l10n';
import type { InstancePage, RetainerReport } from '../../src/heap/retainer-types';
import type { SnapshotHostMessage, SnapshotQuestion, SnapshotWebviewMessage } from '../../src/snapshot-protocol';
import { escapeControlText } from '../../src/model/escape-text';
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
const text = (v: Cell): string => escapeControlText(String(v ?? ''));

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
/** The host kept the snapshot: constructors open to their largest objects, an object to its retainers. */
let inspect = false;
/** Expanded rows and the host's answers, by row key: `c` + a constructor's name, `i` + an object's index. */
const opened = new Set<string>();
const answers = new Map<string, Extract<SnapshotHostMessage, { type: 'answer' }>>();

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
  const focused = (document.activeElement as HTMLElement | null)?.dataset.key;
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
  // A name matches as it is or as shown (typing the `\n` seen in a name finds it).
  const visible = needle ? rows.filter((r) => r.name.toLowerCase().includes(needle) || text(r.name).toLowerCase().includes(needle)) : rows.slice();
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
      if (!c.numeric) td.title = c.format(v);
      tr.append(td);
    }
    tbody.append(tr);
    if (inspect && mode === 'summary') addInstances(tr, r.name, tbody);
  }
  table.append(thead, tbody);
  for (const b of focused ? tbody.querySelectorAll('button') : []) if (b.dataset.key === focused) b.focus();
  footer.textContent =
    visible.length > maxRows
      ? l10n.t('Showing {0} of {1} rows; filter to narrow.', maxRows.toLocaleString(), visible.length.toLocaleString())
      : l10n.t('{0} of {1} rows', visible.length.toLocaleString(), rows.length.toLocaleString());
  vscode.postMessage({ type: 'rendered', rows: Math.min(visible.length, maxRows), first: visible[0]?.name, mode });
}

/** An expander for a row; opening it asks the host `question` unless answered already. The key finds it again for focus. */
function toggle(key: string, label: string, question: SnapshotQuestion): HTMLButtonElement {
  const b = el('button', 'toggle', label);
  b.type = 'button';
  b.dataset.key = key;
  b.setAttribute('aria-expanded', String(opened.has(key)));
  b.addEventListener('click', () => {
    if (!opened.delete(key)) {
      opened.add(key);
      if (!answers.get(key)?.result) vscode.postMessage(question);
    }
    render();
  });
  return b;
}

/** The constructor's name becomes an expander; when open, its largest objects follow it, and an open one's retainers. */
function addInstances(tr: HTMLTableRowElement, name: string, tbody: HTMLElement): void {
  const key = `c${name}`;
  tr.firstElementChild?.replaceChildren(toggle(key, text(name), { type: 'instances', name }));
  if (!opened.has(key)) return;
  const row = (className: string, ...cells: HTMLElement[]): void => {
    const r = el('tr', className);
    r.append(...cells);
    tbody.append(r);
  };
  /** A full-width cell: the answer's error, Loading… before it, else `content`. */
  const wide = (answer: { error?: string } | undefined, ...content: (string | HTMLElement)[]): HTMLTableCellElement => {
    const td = el('td', answer?.error === undefined ? 'note' : 'error');
    td.colSpan = columns.length;
    td.append(...(answer?.error !== undefined ? [answer.error] : answer ? content : [l10n.t('Loading…')]));
    return td;
  };
  const answer = answers.get(key);
  const page = answer?.result as InstancePage | undefined;
  for (const i of page?.instances ?? []) {
    const td = el('td', 'name');
    td.append(toggle(`i${i.index}`, `${text(i.name)} @${i.id}`, { type: 'retainers', index: i.index }));
    // Sizes as the constructor's columns show them (the same formatter).
    row('instance', td, ...columns.slice(1).map((c) => el('td', 'num', c.key === 'selfSize' || c.key === 'retainedSize' ? c.format(i[c.key]) : '')));
    if (!opened.has(`i${i.index}`)) continue;
    // Per reference to the object, the shortest path on towards the GC roots.
    const retainers = answers.get(`i${i.index}`);
    const report = retainers?.result as RetainerReport | undefined;
    const list = el('ol', 'paths');
    for (const p of report?.paths ?? []) {
      const steps = p.steps.map((s) => l10n.t('{0} ({1}) in {2}', text(s.edge), text(s.edgeType), `${text(s.name)} @${s.id}`));
      if (p.end !== 'root') steps.push(p.end === 'depth' ? '…' : l10n.t('(not reachable from the GC roots)'));
      list.append(el('li', undefined, steps.join(' ← ')));
    }
    row('retainers', wide(retainers, l10n.t('References to it: {0}. Shortest paths to the GC roots first:', (report?.retainers ?? 0).toLocaleString()), list));
  }
  if (!page || page.instances.length < page.total) row('instance', wide(answer, l10n.t('The largest {0} of {1}', page?.instances.length ?? 0, (page?.total ?? 0).toLocaleString())));
}

function show(message: SnapshotHostMessage): void {
  switch (message.type) {
    case 'answer': {
      const q = message.question;
      answers.set(q.type === 'instances' ? `c${q.name}` : `i${q.index}`, message);
      render();
      return;
    }
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
      inspect = message.inspect === true;
      titleEl.textContent = text(message.title);
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
      titleEl.textContent = text(message.title);
      info.textContent = l10n.t('{0} → {1}: heap {2} ({3} → {4}), objects {5}', text(message.before), text(message.after), signedBytes(d.totalSizeDelta), bytes(message.beforeTotal), bytes(message.afterTotal), signedCount(d.objectCountDelta));
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

// The Load Run view: a run's latency and throughput summary, thresholds (a red banner when one
// broke), stages, charts over time drawn on canvas, and the server's top functions (click → source);
// or two runs compared. Everything shown comes from the host's view model; names are untrusted text
// and only ever set through textContent or canvas fillText.
import * as l10n from '@vscode/l10n';
import type { Chart, LoadCompareView, LoadHostMessage, LoadRunView, LoadUnavailableView, LoadWebviewMessage } from '../../src/load/view-protocol';
import { configureL10n } from '../l10n';

interface VsCodeApi {
  postMessage(message: LoadWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

configureL10n();
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') ?? document.body;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** What a figure the run did not measure (null) shows. */
const notMeasured = '—';
const fmt = (x: number | null, digits = 1) => (x === null ? notMeasured : Number.isFinite(x) ? x.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '0');
const count = (x: number | null) => fmt(x, 0);
const pct = (x: number | null, digits = 2) => (x === null ? notMeasured : `${fmt(x, digits)} %`);
function ms(x: number | null): string {
  if (x === null) return notMeasured;
  if (!Number.isFinite(x)) return '0 ms';
  if (x >= 1000) return `${fmt(x / 1000, 2)} s`;
  return `${fmt(x, x >= 100 ? 0 : x >= 10 ? 1 : 2)} ms`;
}
function bytes(x: number | null): string {
  if (x === null) return notMeasured;
  if (x >= 1024 * 1024) return `${fmt(x / 1024 / 1024)} MB/s`;
  if (x >= 1024) return `${fmt(x / 1024)} KB/s`;
  return `${count(x)} B/s`;
}
const signed = (x: number, text: string) => (x > 0 ? `+${text}` : x < 0 ? `−${text.replace(/^-/, '')}` : text);

/** A table with a header row; cells are text (or an element, for links). */
function table(className: string, head: string[], rows: (string | Node)[][], numeric: number[] = []): HTMLTableElement {
  const t = el('table', className);
  const tr = el('tr');
  head.forEach((h, i) => tr.append(el('th', numeric.includes(i) ? 'num' : undefined, h)));
  t.append(el('thead'), el('tbody'));
  t.tHead!.append(tr);
  for (const r of rows) {
    const row = el('tr');
    r.forEach((c, i) => {
      const td = el('td', numeric.includes(i) ? 'num' : undefined);
      if (typeof c === 'string') td.textContent = c;
      else td.append(c);
      row.append(td);
    });
    t.tBodies[0]!.append(row);
  }
  return t;
}

function section(title: string, ...content: Node[]): HTMLElement {
  const s = el('section');
  s.append(el('h2', undefined, title), ...content);
  return s;
}

const anonymous = () => l10n.t('(anonymous)');

function sourceLink(name: string, url: string, line: number): HTMLElement {
  const a = el('a', 'fn', name || anonymous());
  a.href = '#';
  a.title = l10n.t('Open the source');
  a.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'openSource', url, line, name });
  });
  return a;
}

// ---- charts ----

/** Chart titles in the page's language; the view model's English title for a chart this page does not know. */
function chartTitle(chart: Chart): string {
  switch (chart.id) {
    case 'rps':
      return l10n.t('Requests per second');
    case 'latency':
      return l10n.t('Latency');
    case 'errors':
      return l10n.t('Errors and non-2xx per second');
    case 'eventLoop':
      return l10n.t('Server event-loop delay (p99)');
    default:
      return (chart as Chart).title;
  }
}

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

const seriesColors = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-red', '--vscode-charts-purple'];
const fallbackColors = ['#3794ff', '#d18616', '#f14c4c', '#b180d7'];

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function drawChart(canvas: HTMLCanvasElement, chart: Chart): void {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(200, canvas.clientWidth || 480);
  const height = Math.max(100, canvas.clientHeight || 160);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const fg = themeColor('--vscode-foreground', '#ccc');
  const grid = themeColor('--vscode-editorWidget-border', '#555');
  const font = themeColor('--vscode-font-family', 'sans-serif');
  const left = 56;
  const right = 12;
  const top = 8;
  const bottom = 22;
  const points = chart.series.flatMap((s) => s.points);
  const maxT = Math.max(1, ...points.map(([t]) => t));
  const maxY = niceMax(Math.max(0, ...points.map(([, y]) => y)));
  const x = (t: number) => left + (t / maxT) * (width - left - right);
  const y = (v: number) => top + (1 - v / maxY) * (height - top - bottom);
  g.font = `11px ${font}`;
  g.fillStyle = fg;
  g.strokeStyle = grid;
  g.lineWidth = 1;
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    const yy = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(left, yy);
    g.lineTo(width - right, yy);
    g.stroke();
    g.textAlign = 'right';
    g.fillText(fmt(v, v >= 10 || v === 0 ? 0 : v < 1 ? 2 : 1), left - 6, yy);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const step = Math.max(1, Math.ceil(maxT / 8));
  for (let t = 0; t <= maxT; t += step) g.fillText(`${t} s`, x(t), height - bottom + 6);
  chart.series.forEach((s, i) => {
    g.strokeStyle = themeColor(seriesColors[i % seriesColors.length]!, fallbackColors[i % fallbackColors.length]!);
    g.lineWidth = 2;
    g.beginPath();
    let prevT = -Infinity;
    for (const [t, v] of s.points) {
      // A missing second (no data) is a gap in the line.
      if (t - prevT > 1.5) g.moveTo(x(t), y(v));
      else g.lineTo(x(t), y(v));
      prevT = t;
    }
    g.stroke();
    if (s.points.length === 1) {
      const [t, v] = s.points[0]!;
      g.fillStyle = g.strokeStyle;
      g.fillRect(x(t) - 2, y(v) - 2, 4, 4);
    }
  });
}

const drawn: { canvas: HTMLCanvasElement; chart: Chart }[] = [];

function chartBlock(chart: Chart): HTMLElement {
  const box = el('div', 'chart');
  box.dataset.chart = chart.id;
  const legend = el('div', 'legend');
  legend.append(el('span', 'chart-title', l10n.t('{0} ({1})', chartTitle(chart), chart.unit)));
  chart.series.forEach((s, i) => {
    const item = el('span', `key key-${i}`);
    item.textContent = s.name;
    legend.append(item);
  });
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', chartTitle(chart));
  box.append(legend, canvas);
  drawn.push({ canvas, chart });
  return box;
}

window.addEventListener('resize', () => {
  for (const d of drawn) drawChart(d.canvas, d.chart);
});

// ---- pages ----

function renderRun(v: LoadRunView): void {
  const head = el('header');
  head.append(el('h1', 'title', v.title), el('div', 'info', l10n.t('{0} · {1} s measured · {2}', v.target, fmt(v.durationS), v.startedAt)));
  if (v.hasProfile) {
    const button = el('button', 'open-flame', l10n.t('Open Flame Graph'));
    button.addEventListener('click', () => vscode.postMessage({ type: 'openFlameGraph' }));
    head.append(button);
  }
  if (v.hasFullRecording) {
    const button = el('button', 'open-full', l10n.t('Open Full Recording'));
    button.title = l10n.t('The whole recording of the server, warm-up included, with the measured window selected on its timeline');
    button.addEventListener('click', () => vscode.postMessage({ type: 'openFullRecording' }));
    head.append(button);
  }
  app.append(head);
  if (v.broken.length > 0) {
    const list = v.broken.join(', ');
    app.append(el('div', 'banner broken', v.broken.length === 1 ? l10n.t('Threshold broken: {0}', list) : l10n.t('Thresholds broken: {0}', list)));
  } else if (v.thresholds.length > 0) {
    app.append(el('div', 'banner held', v.thresholds.length === 1 ? l10n.t('The threshold held') : l10n.t('All {0} thresholds held', v.thresholds.length)));
  }
  for (const n of v.notes) app.append(el('div', 'note', n));

  const summary = el('div', 'summary');
  summary.append(
    section(l10n.t('Latency'), table('percentiles', v.percentiles.map((p) => p.label), [v.percentiles.map((p) => ms(p.ms))], v.percentiles.map((_, i) => i))),
    section(
      l10n.t('Requests'),
      table(
        'requests',
        [l10n.t('total'), l10n.t('ok'), l10n.t('non-2xx'), l10n.t('errors'), l10n.t('timeouts'), l10n.t('req/s'), l10n.t('throughput'), l10n.t('failed')],
        [[count(v.requests.total), count(v.requests.ok), count(v.requests.non2xx), count(v.requests.errors), count(v.requests.timeouts), fmt(v.throughput.rps), bytes(v.throughput.bytesPerSec), pct(v.throughput.errorPercent)]],
        [0, 1, 2, 3, 4, 5, 6, 7],
      ),
    ),
  );
  app.append(summary);
  const s = v.server;
  app.append(
    section(
      l10n.t('Server (load by {0})', v.loadBy),
      'notMeasured' in s
        ? el('div', 'note server-not-measured', l10n.t('Event-loop delay, CPU and heap: not measured — {0}.', s.notMeasured))
        : table(
            'server',
            [l10n.t('event-loop delay p50'), 'p99', l10n.t('max'), l10n.t('event-loop busy'), l10n.t('CPU'), l10n.t('heap used (max)')],
            [[ms(s.eventLoopDelayP50), ms(s.eventLoopDelayP99), ms(s.eventLoopDelayMax), pct(s.utilizationPct, 1), pct(s.cpuPct, 1), `${fmt(s.heapUsedMBMax)} MB`]],
            [0, 1, 2, 3, 4, 5],
          ),
    ),
  );
  if (v.thresholds.length > 0) {
    app.append(section(l10n.t('Thresholds'), table('thresholds', ['', l10n.t('threshold'), l10n.t('actual')], v.thresholds.map((t) => [t.ok ? l10n.t('✓ held') : l10n.t('✗ broken'), t.expr, t.actual]))));
  }
  if (v.stages.length > 1) {
    app.append(
      section(l10n.t('Stages'), table('stages', [l10n.t('stage'), l10n.t('connections'), l10n.t('seconds'), l10n.t('req/s'), 'p50', 'p99', l10n.t('failed')], v.stages.map((s) => [String(s.index), count(s.connections), fmt(s.seconds), fmt(s.rps), ms(s.p50), ms(s.p99), count(s.failed)]), [1, 2, 3, 4, 5, 6])),
    );
  }
  const charts = el('div', 'charts');
  for (const c of v.charts) charts.append(chartBlock(c));
  app.append(section(l10n.t('Over time'), charts));
  if (v.topFunctions.length > 0) {
    app.append(
      section(
        l10n.t('Server: top functions by self time during the load'),
        table('functions', [l10n.t('function'), l10n.t('self'), l10n.t('share'), l10n.t('location')], v.topFunctions.map((f) => [f.location ? sourceLink(f.name, f.url, f.line) : f.name || anonymous(), ms(f.selfMs), `${fmt(f.selfPct)} %`, f.location]), [1, 2]),
      ),
    );
  }
}

function renderCompare(v: LoadCompareView): void {
  const head = el('header');
  head.append(el('h1', 'title', v.title), el('div', 'info', l10n.t('before: {0} · after: {1}', v.before, v.after)));
  if (v.hasProfiles) {
    const button = el('button', 'open-flame', l10n.t('Open Differential Flame Graph'));
    button.addEventListener('click', () => vscode.postMessage({ type: 'openFlameGraph' }));
    head.append(button);
  }
  app.append(head);
  const rows = v.rows.map((r) => {
    const value = (x: number | null) => (x === null ? notMeasured : r.unit === 'ms' ? ms(x) : r.unit === '%' ? pct(x) : r.unit === 'B/s' ? bytes(x) : `${fmt(x)} ${r.unit}`);
    const change =
      r.delta === null || r.deltaPct === null
        ? el('span', 'same', l10n.t('not measured'))
        : el('span', r.delta === 0 ? 'same' : r.worse ? 'worse' : 'better', `${signed(r.delta, value(Math.abs(r.delta)))} (${signed(r.deltaPct, `${fmt(Math.abs(r.deltaPct))} %`)})`);
    return [r.label, value(r.before), value(r.after), change];
  });
  app.append(section(l10n.t('Latency and throughput'), table('deltas', ['', l10n.t('before'), l10n.t('after'), l10n.t('change')], rows, [1, 2, 3])));
  if (v.grown.length > 0) {
    app.append(section(l10n.t('Functions whose self time per request grew'), table('functions', [l10n.t('function'), l10n.t('grew by'), l10n.t('location')], v.grown.map((g) => [g.location ? sourceLink(g.name, g.url, g.line) : g.name || anonymous(), `+${ms(g.deltaMs)}`, g.location]), [1])));
  }
}

/** The run file(s) are gone or broken since the view was opened (after a window reload): say which. */
function renderUnavailable(v: LoadUnavailableView): void {
  const head = el('header');
  head.append(el('h1', 'title', v.title));
  app.append(head);
  for (const p of v.problems) app.append(el('div', 'banner broken unavailable', p));
}

function show(message: LoadHostMessage): void {
  // VS Code keeps this across a window reload and gives it back to the host's serializer.
  if (message.state) vscode.setState(message.state);
  app.replaceChildren();
  drawn.length = 0;
  if (message.type === 'unavailable') {
    renderUnavailable(message.view);
    return;
  }
  if (message.type === 'run') renderRun(message.view);
  else renderCompare(message.view);
  // Canvas sizes come from the laid-out page.
  requestAnimationFrame(() => {
    for (const d of drawn) drawChart(d.canvas, d.chart);
    vscode.postMessage({
      type: 'rendered',
      mode: message.type,
      percentiles: message.type === 'run' ? message.view.percentiles.length : message.view.rows.length,
      charts: drawn.length,
      banner: document.querySelector('.banner.broken') !== null,
    });
  });
}

window.addEventListener('message', (event: MessageEvent<LoadHostMessage>) => {
  const m = event.data;
  if (m && (m.type === 'run' || m.type === 'compare' || m.type === 'unavailable')) show(m);
});
vscode.postMessage({ type: 'ready' });

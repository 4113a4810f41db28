// The webview's link to whoever feeds it: the extension host inside VS Code, or — in the
// CLI's standalone HTML report — a local stand-in that answers from data embedded in the page.
import * as l10n from '@vscode/l10n';
import type { HostMessage, TimeRange, WebviewMessage } from '../src/protocol';
import type { ReportRangeData } from '../src/webview-page/report-range';
import type { ReportSearchData } from '../src/webview-page/report-search';
import { ReportRange } from './report-range';
import { ReportSearch } from './report-search';

/** What the connected host can do; the UI disables controls for what it cannot. */
export interface HostCapabilities {
  /** Re-computes the tree for view options (filters, bottom-up). */
  options: boolean;
  /** Sends detail for pruned nodes. */
  expand: boolean;
  sandwich: boolean;
  /** Opens source files in an editor. */
  openSource: boolean;
  /** Runs FlameLens: Export Profile… for this view. */
  export: boolean;
  /** Saves the drawn flame graph as an SVG download (a browser page; VS Code webviews do not download). */
  saveSvg: boolean;
  /** Re-scopes the views to a timeline range (`setRange`); the report can when it embeds per-bucket data. */
  range: boolean;
  /** Answers `search` with the share over the whole view (the tree sent may be pruned). */
  search: boolean;
}

export interface Host {
  readonly capabilities: HostCapabilities;
  post(message: WebviewMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
  /** The range the host will really show for a chosen one (the report rounds to whole buckets); absent: as chosen. */
  snapRange?(range: TimeRange): TimeRange;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const embeddedDataId = 'flamelens-data';
const embeddedExtraId = 'flamelens-extra';
const embeddedRangeId = 'flamelens-range';
const embeddedSearchId = 'flamelens-search';

/** An optional embedded JSON element; undefined when absent or broken (the report then works without it). */
function readJson<T>(id: string): T | undefined {
  const text = document.getElementById(id)?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function listen(listener: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as unknown;
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
      listener(data as HostMessage);
    }
  });
}

function vscodeHost(api: VsCodeApi): Host {
  return {
    capabilities: { options: true, expand: true, sandwich: true, openSource: true, export: true, saveSvg: false, range: true, search: true },
    post: (message) => api.postMessage(message),
    onMessage: listen,
    getState: <T>() => (api.getState() as T | undefined) ?? undefined,
    setState: (state) => api.setState(state),
  };
}

/**
 * The standalone report has no backend: `ready` is answered with the embedded init payload and
 * everything that needs the full profile is switched off (the UI says "available in VS Code"). A
 * range and a search share are answered from embedded data (report-range.ts, report-search.ts).
 */
function standaloneHost(init: HostMessage, extra: HostMessage[], range: ReportRange | undefined, search: ReportSearch): Host {
  const key = `flamelens-state:${location.pathname}`;
  let memory: unknown;
  const listeners: ((message: HostMessage) => void)[] = [];
  const send = (m: HostMessage) => queueMicrotask(() => listeners.forEach((l) => l(m)));
  // The tree and table last sent, and whether they are the embedded ones (not re-scoped to a range).
  let shown = init.type === 'init' ? { tree: init.tree, table: init.table, whole: true } : undefined;
  return {
    capabilities: { options: false, expand: false, sandwich: false, openSource: false, export: false, saveSvg: true, range: range !== undefined, search: shown !== undefined },
    post(message) {
      if (message.type === 'ready') [init, ...extra].forEach(send);
      // The report's own answer to a range: the embedded tree and table re-scoped from per-bucket data.
      else if (message.type === 'setRange' && range) {
        const scoped = range.scoped(message.range);
        shown = { ...scoped, whole: message.range === null };
        send({ type: 'tree', requestId: message.requestId, ...scoped });
      } else if (message.type === 'search' && shown) {
        const { matchedValue, total, count, folded } = search.share(shown.tree.root, message.term, shown.whole, shown.table);
        send({ type: 'searchResult', requestId: message.requestId, term: message.term, matchedValue, total, count, ...(folded !== undefined ? { folded } : {}) });
      }
    },
    onMessage: (listener) => listeners.push(listener),
    ...(range ? { snapRange: (r: TimeRange) => range.snap(r) } : {}),
    getState<T>() {
      try {
        const stored = sessionStorage.getItem(key);
        if (stored) return JSON.parse(stored) as T;
      } catch {
        // file:// pages may have no storage; fall back to memory
      }
      return memory as T | undefined;
    },
    setState(state) {
      memory = state;
      try {
        sessionStorage.setItem(key, JSON.stringify(state));
      } catch {
        // ignore: state then lives for this page only
      }
    },
  };
}

export function connectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') return vscodeHost(acquireVsCodeApi());
  const embedded = document.getElementById(embeddedDataId);
  if (embedded?.textContent) {
    const init = JSON.parse(embedded.textContent) as HostMessage;
    const extra = readJson<HostMessage[]>(embeddedExtraId);
    const rangeData = readJson<ReportRangeData>(embeddedRangeId);
    const range = rangeData && init.type === 'init' ? ReportRange.from(init, rangeData) : undefined;
    // Without the data (a report written before it, or a tree that folded nothing) the share of a pruned tree is a lower bound.
    const search = ReportSearch.from(readJson<ReportSearchData>(embeddedSearchId)) ?? ReportSearch.none();
    return standaloneHost(init, Array.isArray(extra) ? extra : [], range, search);
  }
  throw new Error(l10n.t('FlameLens: no VS Code API and no embedded profile data'));
}

// What the webview remembers across reloads (VS Code's getState/setState, or session storage
// in the standalone report). Restored after `init`.
import type { TimeRange, ViewOptions } from '../src/protocol';

export type SortKey = 'name' | 'self' | 'total';

export interface TableSort {
  key: SortKey;
  descending: boolean;
}

export interface UiState {
  version: 1;
  /** Profile node id of the zoomed frame, if zoomed. */
  zoomId?: number;
  search: string;
  icicle: boolean;
  leftHeavy: boolean;
  tableSort: TableSort;
  options?: ViewOptions;
  /** Node id whose sandwich view was open. */
  sandwichId?: number;
  /** The timeline range every view is scoped to. */
  range?: TimeRange;
  /** The flame chart is shown instead of the flame graph. */
  flameChart?: boolean;
  /** The flame chart's zoomed-in window within the range. */
  chartWindow?: TimeRange;
}

export const defaultUiState: UiState = {
  version: 1,
  search: '',
  icicle: false,
  leftHeavy: true,
  tableSort: { key: 'self', descending: true },
};

/** Accepts whatever getState returned; unknown shapes fall back to defaults field by field. */
export function readUiState(raw: unknown): UiState {
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== 1) return { ...defaultUiState };
  const s = raw as Partial<UiState>;
  const sort = s.tableSort;
  return {
    version: 1,
    zoomId: typeof s.zoomId === 'number' ? s.zoomId : undefined,
    search: typeof s.search === 'string' ? s.search : '',
    icicle: s.icicle === true,
    leftHeavy: s.leftHeavy !== false,
    tableSort:
      sort && (sort.key === 'name' || sort.key === 'self' || sort.key === 'total')
        ? { key: sort.key, descending: sort.descending !== false }
        : { ...defaultUiState.tableSort },
    options: typeof s.options === 'object' && s.options !== null ? s.options : undefined,
    sandwichId: typeof s.sandwichId === 'number' ? s.sandwichId : undefined,
    range: readRange(s.range),
    flameChart: s.flameChart === true ? true : undefined,
    chartWindow: readRange(s.chartWindow),
  };
}

function readRange(raw: unknown): TimeRange | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { from, to } = raw as { from?: unknown; to?: unknown };
  return typeof from === 'number' && typeof to === 'number' && Number.isFinite(from) && Number.isFinite(to) && from < to ? { from, to } : undefined;
}

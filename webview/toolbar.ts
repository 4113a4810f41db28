// The controls above the graph: search, reset, orientation, sort, direction and view filters.
import * as l10n from '@vscode/l10n';
import type { ViewOptions } from '../src/protocol';
import { h, toggle } from './dom';

type OptionToggle = Exclude<keyof ViewOptions, 'invert'>;

export interface Toolbar {
  element: HTMLElement;
  search: HTMLInputElement;
  matchInfo: HTMLElement;
  reset: HTMLButtonElement;
  icicle: HTMLInputElement;
  leftHeavy: HTMLInputElement;
  direction: HTMLSelectElement;
  /** Export Profile… in VS Code (formats other tools read). */
  exportButton: HTMLButtonElement;
  /** The standalone report's "Save SVG". */
  svgButton: HTMLButtonElement;
  options: Record<OptionToggle, HTMLInputElement>;
}

/** The view filters: key, label and tooltip, in the page's language (a function: translations load first). */
function optionToggles(): [OptionToggle, string, string][] {
  return [
    ['hideNodeModules', l10n.t('Hide node_modules'), l10n.t('Fold dependency frames into their callers')],
    ['hideInternals', l10n.t('Hide Node internals'), l10n.t('Fold node:… and internal frames into their callers')],
    ['hideMeta', l10n.t('Hide idle/GC'), l10n.t('Drop (idle), (program) and (garbage collector)')],
    ['groupByPackage', l10n.t('Group by package'), l10n.t('One frame per npm package instead of per function')],
    ['mergeRecursion', l10n.t('Merge recursion'), l10n.t('Collapse recursive calls of a function into one frame')],
  ];
}

export function buildToolbar(): Toolbar {
  const search = h('input', {
    className: 'fl-search',
    attrs: { type: 'search', placeholder: l10n.t('Search functions'), 'aria-label': l10n.t('Search functions'), spellcheck: 'false' },
  });
  const matchInfo = h('span', { className: 'fl-match-info', attrs: { 'aria-live': 'polite' } });
  const reset = h('button', { text: l10n.t('Reset zoom'), title: l10n.t('Show the whole profile (Escape)'), attrs: { type: 'button' } });
  const icicle = toggle('fl-icicle', l10n.t('Icicle'), l10n.t('Draw the root at the top'));
  const leftHeavy = toggle('fl-left-heavy', l10n.t('Left-heavy'), l10n.t('Sort frames by value, heaviest first (otherwise by name)'));
  const direction = h(
    'select',
    { title: l10n.t('Top-down: callers below callees. Bottom-up: the functions that spend the time at the root.'), attrs: { 'aria-label': l10n.t('Tree direction') } },
    h('option', { text: l10n.t('Top-down'), attrs: { value: 'top-down' } }),
    h('option', { text: l10n.t('Bottom-up'), attrs: { value: 'bottom-up' } }),
  );
  const exportButton = h('button', { text: l10n.t('Export…'), title: l10n.t('Export this view (with its filters) as pprof, speedscope, folded stacks, HTML or SVG'), attrs: { type: 'button' } });
  const svgButton = h('button', { text: l10n.t('Save SVG'), title: l10n.t('Save the flame graph as drawn, as an SVG file (frame details as tooltips)'), attrs: { type: 'button' } });
  const options = {} as Record<OptionToggle, HTMLInputElement>;
  const filterRow = h('div', { className: 'fl-row fl-filters', attrs: { role: 'group', 'aria-label': l10n.t('View filters') } });
  for (const [key, label, title] of optionToggles()) {
    const t = toggle(`fl-opt-${key}`, label, title);
    options[key] = t.input;
    filterRow.append(t.root);
  }
  const element = h(
    'header',
    { className: 'fl-toolbar' },
    h('div', { className: 'fl-row' }, search, matchInfo, reset, icicle.root, leftHeavy.root, direction, exportButton, svgButton),
    filterRow,
  );
  return { element, search, matchInfo, reset, icicle: icicle.input, leftHeavy: leftHeavy.input, direction, exportButton, svgButton, options };
}

export function readOptions(toolbar: Toolbar): ViewOptions {
  const o = toolbar.options;
  return {
    hideNodeModules: o.hideNodeModules.checked,
    hideInternals: o.hideInternals.checked,
    hideMeta: o.hideMeta.checked,
    groupByPackage: o.groupByPackage.checked,
    mergeRecursion: o.mergeRecursion.checked,
    invert: toolbar.direction.value === 'bottom-up',
  };
}

export function writeOptions(toolbar: Toolbar, options: ViewOptions): void {
  for (const key of Object.keys(toolbar.options) as OptionToggle[]) toolbar.options[key].checked = options[key] === true;
  toolbar.direction.value = options.invert ? 'bottom-up' : 'top-down';
}

/** Without a backend (standalone report) the tree can't be recomputed: say where it works. */
export function disableOptions(toolbar: Toolbar): void {
  for (const input of [...Object.values(toolbar.options), toolbar.direction]) {
    input.disabled = true;
    const holder = input.closest('label') ?? input;
    holder.classList.add('fl-disabled');
    (holder as HTMLElement).title = l10n.t('Available in VS Code (this report holds one precomputed view)');
  }
}

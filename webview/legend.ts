// The colour key under the toolbar: categories for normal profiles, grew/shrank for diffs.
import * as l10n from '@vscode/l10n';
import type { FrameCategory } from '../src/model/types';
import { categoryLabel } from './category-label';
import type { Palette } from './colors';
import { h } from './dom';

/** One swatch and its label (also the timeline's lane key). */
export function legendItem(colour: string, label: string): HTMLElement {
  const swatch = h('span', { className: 'fl-swatch', attrs: { 'aria-hidden': 'true' } });
  swatch.style.background = colour;
  return h('span', { className: 'fl-legend-item' }, swatch, label);
}

export function renderLegend(element: HTMLElement, palette: Palette, diff: boolean): void {
  if (diff) {
    element.replaceChildren(
      legendItem('rgb(220,60,60)', l10n.t('Grew')),
      legendItem('rgb(60,60,220)', l10n.t('Shrank')),
      legendItem('rgb(255,190,90)', l10n.t('New')),
      legendItem('rgb(220,220,220)', l10n.t('Unchanged')),
      legendItem(palette.match, l10n.t('Search match')),
    );
    return;
  }
  const categories: FrameCategory[] = ['user', 'node_modules', 'node', 'native', 'meta'];
  element.replaceChildren(...categories.map((c) => legendItem(palette.swatch(c), categoryLabel(c))), legendItem(palette.match, l10n.t('Search match')));
}

// The colour key under the toolbar: categories for normal profiles, grew/shrank for diffs.
import type { FrameCategory } from '../src/model/types';
import { categoryLabels } from './colors';
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
      legendItem('rgb(220,60,60)', 'Grew'),
      legendItem('rgb(60,60,220)', 'Shrank'),
      legendItem('rgb(255,190,90)', 'New'),
      legendItem('rgb(220,220,220)', 'Unchanged'),
      legendItem(palette.match, 'Search match'),
    );
    return;
  }
  const categories: FrameCategory[] = ['user', 'node_modules', 'node', 'native', 'meta'];
  element.replaceChildren(...categories.map((c) => legendItem(palette.swatch(c), categoryLabels[c])), legendItem(palette.match, 'Search match'));
}

// The colour key under the toolbar: categories for normal profiles, grew/shrank for diffs.
import type { FrameCategory } from '../src/model/types';
import { categoryLabels } from './colors';
import type { Palette } from './colors';
import { h } from './dom';

function item(colour: string, label: string): HTMLElement {
  const swatch = h('span', { className: 'fl-swatch', attrs: { 'aria-hidden': 'true' } });
  swatch.style.background = colour;
  return h('span', { className: 'fl-legend-item' }, swatch, label);
}

export function renderLegend(element: HTMLElement, palette: Palette, diff: boolean): void {
  if (diff) {
    element.replaceChildren(
      item('rgb(220,60,60)', 'Grew'),
      item('rgb(60,60,220)', 'Shrank'),
      item('rgb(255,190,90)', 'New'),
      item('rgb(220,220,220)', 'Unchanged'),
      item(palette.match, 'Search match'),
    );
    return;
  }
  const categories: FrameCategory[] = ['user', 'node_modules', 'node', 'native', 'meta'];
  element.replaceChildren(...categories.map((c) => item(palette.swatch(c), categoryLabels[c])), item(palette.match, 'Search match'));
}

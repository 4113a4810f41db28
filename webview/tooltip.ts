// The frame tooltip: name, self, total (with % of the whole profile), file:line, category.
// Built with textContent only — function names and paths come from the profile.
import * as l10n from '@vscode/l10n';
import { escapeControlText } from '../src/model/escape-text';
import type { ValueUnit } from '../src/model/types';
import { categoryLabel } from './category-label';
import { h } from './dom';
import { formatChange, formatLocation, formatPercent, formatValue } from './format';
import type { GraphNode } from './nodes';

export interface TooltipContext {
  unit: ValueUnit;
  total: number;
  diff: boolean;
}

export class Tooltip {
  readonly element: HTMLDivElement;
  context: TooltipContext = { unit: 'us', total: 0, diff: false };

  constructor() {
    this.element = h('div', { className: 'fl-tooltip', attrs: { role: 'tooltip' } });
    this.element.hidden = true;
    document.body.append(this.element);
  }

  show(event: MouseEvent, node: GraphNode): void {
    this.showLines(event, describeNode(node, this.context, true));
  }

  /** Shows `lines` (the first is the name) beside the pointer. */
  showLines(event: MouseEvent, lines: string[]): void {
    this.element.replaceChildren(...lines.map((line, i) => h('div', { className: i === 0 ? 'fl-tooltip-name' : 'fl-tooltip-line', text: line })));
    this.element.hidden = false;
    const pad = 12;
    const { offsetWidth: width, offsetHeight: height } = this.element;
    let left = event.clientX + pad;
    let top = event.clientY + pad;
    if (left + width > window.innerWidth) left = Math.max(4, event.clientX - width - pad);
    if (top + height > window.innerHeight) top = Math.max(4, event.clientY - height - pad);
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}

/**
 * The lines shown for a frame, first the name; shared by the tooltip, the details bar and the SVG's
 * titles. `cutName`: a very long name is cut (see shortName), for the tooltip and the details bar.
 */
export function describeNode(node: GraphNode, { unit, total, diff }: TooltipContext, cutName = false): string[] {
  const lines = [
    // Escaped like paths (formatLocation): a bidi override in a name would reorder the figures after it
    // where the lines are joined into one (the details bar).
    escapeControlText(cutName ? shortName(node.name) : node.name),
    l10n.t('Self: {0} ({1})', formatValue(node.self, unit), formatPercent(node.self, total)),
    l10n.t('Total: {0} ({1})', formatValue(node.value, unit), formatPercent(node.value, total)),
  ];
  if (diff && node.delta !== undefined) lines.push(l10n.t('Change: {0}', formatChange(node.delta, unit)));
  lines.push(formatLocation(node.vf.url, node.vf.line, node.vf.file));
  lines.push(node.vf.packageName ? `${categoryLabel(node.vf.category)} · ${node.vf.packageName}` : categoryLabel(node.vf.category));
  if (node.folded) lines.push(l10n.t('{0} smaller frames folded — zoom in for detail', node.folded));
  return lines;
}

/** Names longer than this are cut in the tooltip and the details bar (the table, the sandwich heading and the SVG show them whole). */
const maxNameLength = 200;

/** A name cut to maxNameLength characters with an ellipsis: a generated name thousands of characters long would fill the window. */
export function shortName(name: string): string {
  if (name.length <= maxNameLength) return name;
  const chars = [...name];
  return chars.length <= maxNameLength ? name : `${chars.slice(0, maxNameLength - 1).join('')}…`;
}

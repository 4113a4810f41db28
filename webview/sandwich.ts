// The sandwich view of one function: who calls it (drawn above, root at the bottom) and what it
// calls (drawn below, as an icicle), each a small flame graph of its own.
import * as l10n from '@vscode/l10n';
import type { HostMessage } from '../src/protocol';
import type { Palette } from './colors';
import { h } from './dom';
import { FlameChart } from './flamegraph';
import type { GraphNode } from './nodes';
import { adoptTree } from './nodes';
import type { Tooltip } from './tooltip';

export interface SandwichOptions {
  palette: Palette;
  tooltip: Tooltip;
  onActivate(node: GraphNode): void;
  onClose(): void;
}

export class SandwichView {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly callers: FlameChart;
  private readonly callees: FlameChart;

  constructor(options: SandwichOptions) {
    this.heading = h('h2', { className: 'fl-sandwich-title' });
    const close = h('button', { text: l10n.t('Close'), title: l10n.t('Close the sandwich view'), attrs: { type: 'button' } });
    close.addEventListener('click', () => options.onClose());
    const callersBox = h('div', { className: 'fl-sandwich-callers' });
    const calleesBox = h('div', { className: 'fl-sandwich-callees' });
    this.element = h(
      'section',
      { className: 'fl-sandwich', attrs: { 'aria-label': l10n.t('Sandwich view') } },
      h('div', { className: 'fl-sandwich-head' }, this.heading, close),
      h('div', { className: 'fl-caption', text: l10n.t('Callers') }),
      callersBox,
      h('div', { className: 'fl-caption', text: l10n.t('Callees') }),
      calleesBox,
    );
    this.element.hidden = true;
    const common = { palette: options.palette, tooltip: options.tooltip, onActivate: (n: GraphNode) => options.onActivate(n) };
    this.callers = new FlameChart(callersBox, { ...common, ariaLabel: l10n.t('Callers of the selected function') });
    this.callees = new FlameChart(calleesBox, { ...common, ariaLabel: l10n.t('Callees of the selected function') });
    this.callees.setInverted(true);
  }

  show(message: Extract<HostMessage, { type: 'sandwich' }>): void {
    this.element.hidden = false;
    this.heading.textContent = l10n.t('Sandwich: {0}', message.frame.name);
    this.callers.setTree(adoptTree(message.callers));
    this.callees.setTree(adoptTree(message.callees));
  }

  setDiff(diff: boolean): void {
    this.callers.diff = diff;
    this.callees.diff = diff;
  }

  hide(): void {
    this.element.hidden = true;
  }

  recolour(): void {
    this.callers.recolour();
    this.callees.recolour();
  }
}

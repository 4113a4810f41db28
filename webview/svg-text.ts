// What an SVG file of the flame graph says besides the drawing: the tooltip's lines per frame and
// the titles, in the page's language. Built by whoever asks for the file (the page, the CLI's
// offline renderer) and handed to svg-export.ts, which is a bundle of its own in the webview.
import * as l10n from '@vscode/l10n';
import type { SvgText } from './svg-export';
import { describeNode, type TooltipContext } from './tooltip';

export function svgText(context: TooltipContext, title: string): SvgText {
  return { describe: (node) => describeNode(node, context), documentTitle: l10n.t('{0} — FlameLens flame graph', title), title };
}

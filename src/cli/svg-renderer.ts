// SVG export outside a view (`flamelens export --format svg`): the flame graph d3-flame-graph draws,
// rendered in Node by dist/svg-export.js (webview/svg-offline.ts: d3-flame-graph on linkedom's DOM,
// saved by the same code as the view's "Export as SVG"). That bundle needs DOM types and a DOM
// library, so it is built apart and loaded only when an SVG is asked for.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TreePayload } from '../protocol';
import type { ValueUnit } from '../model/types';

export interface SvgRenderOptions {
  tree: TreePayload;
  /** What the frame titles (tooltips) say: values in this unit, shares of this total. */
  context: { unit: ValueUnit; total: number; diff: boolean };
  title: string;
  /** The built webview stylesheet (dist/webview.css): frame colours come from its variables. */
  styleSheet: string;
  width?: number;
}

interface SvgRenderer {
  renderFlameGraphSvg(options: SvgRenderOptions): Promise<string>;
}

export const svgBundleName = 'svg-export.js';

/** The renderer from the first of `dirs` that holds the built bundle, or undefined when none does. */
export function loadSvgRenderer(dirs: readonly string[]): SvgRenderer | undefined {
  const dir = dirs.find((d) => fs.existsSync(path.join(d, svgBundleName)));
  if (dir === undefined) return undefined;
  // A runtime path on purpose: the bundle is not part of the CLI's own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, svgBundleName)) as SvgRenderer;
}

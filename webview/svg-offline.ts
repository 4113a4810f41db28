// The flame graph as an SVG file without a browser (`flamelens export --format svg`): d3-flame-graph
// draws the tree on linkedom's DOM in Node, with the flame-graph view's settings (frame height,
// smallest frame, left-heavy order) and its standalone colours (Palette over style.css's fallbacks),
// then flameGraphSvg — the code behind the view's "Export as SVG" and the report's "Save SVG" —
// turns the drawing into a self-contained file. Built as its own Node bundle (dist/svg-export.js):
// it needs DOM types, which the host's TypeScript project does not have. Nothing here reads files:
// the CLI hands in the tree, the tooltip context and the built stylesheet.
import { parseHTML } from 'linkedom';
import type { TreePayload } from '../src/protocol';
import { Palette } from './colors';
import type { ExportView } from './flamegraph';
import { adoptTree } from './nodes';
import { drawWithD3, svgDocument } from './svg-export';
import { svgText } from './svg-text';
import type { TooltipContext } from './tooltip';

/** d3-flame-graph leaves out frames this narrow (px): too thin to read on a page. */
const minFrameSize = 2;
/** Wide enough for labels on a printed page or a large screen. */
export const defaultSvgWidth = 1200;
/** How long to wait for d3's transitions (frame widths are set through one) before giving up. */
const settleMs = 10_000;

export interface SvgOptions {
  tree: TreePayload;
  context: TooltipContext;
  title: string;
  /** The built webview stylesheet (dist/webview.css): Palette's colours come from its variables. */
  styleSheet: string;
  width?: number;
}

/** The SVG document of the flame graph of `tree`. */
export async function renderFlameGraphSvg({ tree, context, title, styleSheet, width = defaultSvgWidth }: SvgOptions): Promise<string> {
  const root = adoptTree(tree);
  if (!(root.value > 0)) throw new Error('the profile has no samples: there is no flame graph to draw');
  const dom = parseHTML('<!doctype html><html><head></head><body></body></html>');
  const globals = globalThis as Record<string, unknown>;
  const saved = ['window', 'document', 'XMLSerializer', 'getComputedStyle'].map((k) => [k, globals[k]] as const);
  const variables = cssVariables(styleSheet);
  Object.assign(globals, {
    window: dom.window,
    document: dom.document,
    XMLSerializer: SvgSerializer,
    // Palette resolves its CSS variables through computed style, which linkedom does not compute.
    getComputedStyle: (el: HTMLElement) => ({ color: resolveColour(el.style.color, variables) }),
  });
  try {
    const container = dom.document.createElement('div') as unknown as HTMLElement;
    dom.document.body.append(container as unknown as Node);
    // The same drawing as the view's Export as SVG: the whole tree, flame orientation, left-heavy.
    const view: ExportView = { root, width, inverted: false, leftHeavy: true, zoomedId: undefined, term: '', diff: false, palette: new Palette(), minFrameWidth: minFrameSize };
    const drawing = drawWithD3(view);
    if (!drawing) throw new Error('d3-flame-graph drew nothing');
    container.append(drawing);
    // d3 still runs its (zero-length) transitions on timers: let them end while linkedom is the DOM.
    await settled(container);
    const svg = svgDocument(drawing, view, svgText(context, title));
    return svg;
  } finally {
    for (const [k, v] of saved) globals[k] = v;
  }
}

/** Resolves once d3 has finished every transition under `container` (they end on timers). */
async function settled(container: HTMLElement): Promise<void> {
  const started = Date.now();
  for (;;) {
    const pending = [...container.querySelectorAll('*')].some((el) => (el as unknown as { __transition?: unknown }).__transition !== undefined);
    if (!pending) return;
    if (Date.now() - started > settleMs) throw new Error('the flame graph did not finish drawing');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Custom properties of the stylesheet's `:root` blocks outside @media: the light standalone theme. */
function cssVariables(css: string): Map<string, string> {
  const out = new Map<string, string>();
  const plain = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '');
  for (const block of plain.matchAll(/:root\s*\{([^{}]*)\}/g)) {
    for (const d of block[1]!.matchAll(/(--[\w-]+)\s*:\s*([^;}]+)/g)) if (!out.has(d[1]!)) out.set(d[1]!, d[2]!.trim());
  }
  return out;
}

/** `var(--a, var(--b))` → the first defined variable's colour, as `rgb(r, g, b)` (what Palette parses). */
function resolveColour(value: string, variables: ReadonlyMap<string, string>, depth = 0): string {
  const text = value.trim();
  const v = /^var\(\s*(--[\w-]+)\s*(?:,\s*(.*))?\)$/.exec(text);
  if (v && depth < 10) {
    const own = variables.get(v[1]!);
    if (own !== undefined) return resolveColour(own, variables, depth + 1);
    return v[2] !== undefined ? resolveColour(v[2], variables, depth + 1) : '';
  }
  const hex = /^#([0-9a-f]{6})$/i.exec(text);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
  }
  return text;
}

/**
 * XMLSerializer for the drawing (linkedom has none, and its HTML serialisation does not escape
 * attribute values): elements, attributes and text only, everything escaped, and characters XML
 * cannot hold (control characters, lone surrogates) replaced — function names are profile data.
 */
class SvgSerializer {
  serializeToString(node: Node): string {
    const out: string[] = [];
    write(node, out);
    return out.join('');
  }
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

function write(node: Node, out: string[]): void {
  if (node.nodeType === TEXT_NODE) {
    out.push(escapeXml(node.nodeValue ?? ''));
    return;
  }
  if (node.nodeType !== ELEMENT_NODE) return;
  const el = node as Element;
  const name = el.localName;
  out.push('<', name);
  for (const attr of Array.from(el.attributes)) out.push(' ', attr.name, '="', escapeXml(attr.value), '"');
  if (el.childNodes.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const child of Array.from(el.childNodes)) write(child, out);
  out.push('</', name, '>');
}

// eslint-disable-next-line no-control-regex
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeXml(text: string): string {
  return text
    .replace(notXml, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

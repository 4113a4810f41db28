// The flame graph as one self-contained SVG file ("Save SVG" in the standalone report, and the
// answer to the host's svgRequest for Export Profile… as SVG). The view draws on a canvas; SVG is
// d3-flame-graph's strength, so the file is drawn by d3-flame-graph, offscreen, from the chart's
// current tree, zoom, orientation, sort, search and colours. Labels become <text> (d3-flame-graph
// draws them as HTML in <foreignObject>, which SVG viewers other than browsers ignore) and every
// frame gets a <title> with the tooltip's lines, so hovering in a browser or viewer shows them.
// Text goes in through textContent only: names are profile data.
import flamegraph, { colorMapper } from 'd3-flame-graph';
import type { FlameHierarchyNode } from 'd3-flame-graph';
import { select } from 'd3-selection';
import { escapeControlText } from '../src/model/escape-text';
import { cellHeight } from './frame-metrics';
import type { ExportView } from './flamegraph';
import type { GraphNode } from './nodes';

type HNode = FlameHierarchyNode<GraphNode>;

const svgNs = 'http://www.w3.org/2000/svg';
/** What d3-flame-graph's stylesheet gives frames, inlined so the file looks the same anywhere. */
const inlineStyle =
  '.fl-svg-bg{fill:#fff}g.frame rect{stroke:#eee;fill-opacity:.8}g.frame.fade{opacity:.6}' +
  'g.frame text{font:12px Verdana,"DejaVu Sans",sans-serif;fill:#000;pointer-events:none}.fl-svg-title{font:14px Verdana,"DejaVu Sans",sans-serif;fill:#333}';
/** Approximate width of one label character at 12px, to cut labels to their frame. */
const charWidth = 7;
/** d3-flame-graph skips frames at most this wide (px); the canvas draws down to 1 px, a file need not. */
const minSvgFrame = 1;

/** A copy of the tree for d3-flame-graph, which writes its zoom bookkeeping onto the data. Iterative: stacks can be deep. */
function copyTree(root: GraphNode): GraphNode {
  const copy = (n: GraphNode): GraphNode => ({ id: n.id, name: n.name, value: n.value, self: n.self, frame: n.frame, vf: n.vf, delta: n.delta, folded: n.folded });
  const out = copy(root);
  const stack: [GraphNode, GraphNode][] = [[root, out]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    if (!from.children?.length) continue;
    to.children = from.children.map(copy);
    for (let i = 0; i < from.children.length; i++) stack.push([from.children[i]!, to.children[i]!]);
  }
  return out;
}

/** d3-flame-graph's SVG of the view, with frame positions and label text written synchronously (d3 sets them in transitions). */
export function drawWithD3(view: ExportView): SVGSVGElement | undefined {
  const holder = document.createElement('div');
  const palette = view.palette;
  const chart = flamegraph<GraphNode>()
    .width(view.width)
    .cellHeight(cellHeight)
    .minFrameSize(Math.max(minSvgFrame, view.minFrameWidth))
    .resetHeightOnZoom(true)
    .transitionDuration(0)
    .inverted(view.inverted)
    .sort(view.leftHeavy ? (a: HNode, b: HNode) => b.data.value - a.data.value : (a: HNode, b: HNode) => (a.data.name < b.data.name ? -1 : a.data.name > b.data.name ? 1 : 0))
    .setColorMapper((d) => {
      if (d.highlight) return palette.match;
      if (view.diff) return colorMapper.differentialColorMapper(d as FlameHierarchyNode<unknown>, palette.match);
      return palette.colour(d.data.vf.category, d.data.name);
    })
    .setSearchMatch((d, term) => d.data.name.toLowerCase().includes(term.toLowerCase()));
  select(holder).datum(copyTree(view.root)).call(chart);
  const root = select(holder).datum() as HNode;
  if (view.zoomedId !== undefined) {
    let target: HNode | undefined;
    root.each((n) => {
      if (n.data.id === view.zoomedId) target = n;
    });
    if (target) chart.zoomTo(target);
  }
  if (view.term) chart.search(view.term);
  const svg = holder.querySelector('svg');
  if (!svg) return undefined;
  const height = Number(svg.getAttribute('height') ?? 0);
  const kx = view.width / (root.x1 - root.x0 || 1);
  for (const g of svg.querySelectorAll<SVGGElement>('g.frame')) {
    const d = (g as unknown as { __data__?: HNode }).__data__;
    if (!d) continue;
    const y = view.inverted ? d.depth * cellHeight : height - (d.depth + 1) * cellHeight;
    g.setAttribute('transform', `translate(${(d.x0 - root.x0) * kx},${y})`);
    g.querySelector('rect')?.setAttribute('width', String((d.x1 - d.x0) * kx));
  }
  return svg;
}

/**
 * What the file says besides the drawing, from the page that asks (this module is a bundle of its
 * own in the webview, webview-svg.js: the page's tooltip text and translations stay the page's).
 */
export interface SvgText {
  /** The tooltip's lines for a frame. */
  describe(node: GraphNode): string[];
  /** The document's <title>. */
  documentTitle: string;
  /** The caption above the graph. */
  title: string;
}

/** The SVG markup of `view` (the chart's exportView()), or undefined when nothing is drawn. */
export function flameGraphSvg(view: ExportView | undefined, text: SvgText): string | undefined {
  const svg = view && drawWithD3(view);
  return svg ? svgDocument(svg, view, text) : undefined;
}

/** d3-flame-graph's drawing of `view` as one self-contained SVG file (titles, text labels, inline style). */
export function svgDocument(svg: SVGSVGElement, view: ExportView, text: SvgText): string {
  const copy = svg;
  const frames = [...copy.querySelectorAll<SVGGElement>('g.frame')];
  frames.forEach((target) => {
    // d3 keeps each frame's hierarchy node on the element; its `data` is our GraphNode.
    const datum = (target as unknown as { __data__?: { data?: GraphNode } }).__data__?.data;
    if (!datum) return;
    const rect = target.querySelector('rect');
    const width = Number(rect?.getAttribute('width') ?? 0);
    const height = Number(rect?.getAttribute('height') ?? 0);
    target.querySelector('foreignObject')?.remove();
    // d3-flame-graph writes the raw name into an attribute too: escaped like the label.
    if (target.hasAttribute('name')) target.setAttribute('name', escapeControlText(datum.name));
    // d3-flame-graph's own title ("N samples", whatever the unit) gives way to ours.
    for (const child of [...target.children]) if (child.tagName.toLowerCase() === 'title') child.remove();
    const tip = document.createElementNS(svgNs, 'title');
    tip.textContent = text.describe(datum).join('\n');
    target.prepend(tip);
    const room = Math.floor((width - 8) / charWidth);
    if (room >= 3) {
      const label = document.createElementNS(svgNs, 'text');
      label.setAttribute('x', '4');
      label.setAttribute('y', String(Math.round(height * 0.72)));
      // Untrusted text: bidi overrides and control characters shown as escapes, as in the tooltip and terminal.
      const name = escapeControlText(datum.name);
      label.textContent = name.length > room ? `${name.slice(0, room - 1)}…` : name;
      target.append(label);
    }
  });
  copy.querySelector(':scope > text.title')?.remove();
  copy.setAttribute('xmlns', svgNs);
  copy.setAttribute('version', '1.1');
  // Keep the drawn size: the page may size the element with CSS only.
  if (!copy.getAttribute('width')) copy.setAttribute('width', String(view.width));
  const heading = 24;
  const height = Number(copy.getAttribute('height') ?? 0);
  copy.setAttribute('height', String(height + heading));
  copy.setAttribute('viewBox', `0 ${-heading} ${copy.getAttribute('width')} ${height + heading}`);
  copy.removeAttribute('class');
  copy.removeAttribute('style');
  const style = document.createElementNS(svgNs, 'style');
  style.textContent = inlineStyle;
  const background = document.createElementNS(svgNs, 'rect');
  background.setAttribute('class', 'fl-svg-bg');
  background.setAttribute('x', '0');
  background.setAttribute('y', String(-heading));
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  const svgTitle = document.createElementNS(svgNs, 'title');
  svgTitle.textContent = text.documentTitle;
  const caption = document.createElementNS(svgNs, 'text');
  caption.setAttribute('class', 'fl-svg-title');
  caption.setAttribute('x', '4');
  caption.setAttribute('y', String(-heading / 3));
  caption.textContent = text.title;
  copy.prepend(svgTitle, style, background, caption);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlSafe(new XMLSerializer().serializeToString(copy))}\n`;
}

// eslint-disable-next-line no-control-regex -- matching the characters XML 1.0 forbids is the point
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The serializer writes names as they are, and a control character (a function named by a computed
 * key such as "\x01") is not allowed anywhere in an XML document: the file would not open. Such
 * characters become visible escapes (as in the tooltip), lone surrogates U+FFFD.
 */
function xmlSafe(xml: string): string {
  return xml.replace(notXml, (c) => (c.length === 1 && c.charCodeAt(0) < 0xd800 ? escapeControlText(c) : '\ufffd'));
}

/** Offers `text` as a download named `fileName` (the standalone page is a file: no host to save it). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

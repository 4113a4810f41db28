// "Save SVG" in the standalone report: the flame graph d3-flame-graph drew, as one self-contained
// SVG file. Labels become <text> (d3-flame-graph draws them as HTML in <foreignObject>, which SVG
// viewers other than browsers ignore) and every frame gets a <title> with the tooltip's lines, so
// hovering in a browser or viewer shows them. Text goes in through textContent only: names are profile data.
import { describeNode, type TooltipContext } from './tooltip';
import type { GraphNode } from './nodes';

const svgNs = 'http://www.w3.org/2000/svg';
/** What d3-flame-graph's stylesheet gives frames, inlined so the file looks the same anywhere. */
const inlineStyle =
  '.fl-svg-bg{fill:#fff}g.frame rect{stroke:#eee;fill-opacity:.8}g.frame.fade{opacity:.6}' +
  'g.frame text{font:12px Verdana,"DejaVu Sans",sans-serif;fill:#000;pointer-events:none}.fl-svg-title{font:14px Verdana,"DejaVu Sans",sans-serif;fill:#333}';
/** Approximate width of one label character at 12px, to cut labels to their frame. */
const charWidth = 7;

/** The SVG markup of the flame graph drawn in `container`, or undefined when nothing is drawn. */
export function flameGraphSvg(container: HTMLElement, context: TooltipContext, title: string): string | undefined {
  const svg = container.querySelector('svg');
  if (!svg) return undefined;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const frames = [...svg.querySelectorAll<SVGGElement>('g.frame')];
  const copies = [...copy.querySelectorAll<SVGGElement>('g.frame')];
  frames.forEach((g, i) => {
    const target = copies[i];
    // d3 keeps each frame's hierarchy node on the element; its `data` is our GraphNode.
    const datum = (g as unknown as { __data__?: { data?: GraphNode } }).__data__?.data;
    if (!target || !datum) return;
    const rect = target.querySelector('rect');
    const width = Number(rect?.getAttribute('width') ?? 0);
    const height = Number(rect?.getAttribute('height') ?? 0);
    target.querySelector('foreignObject')?.remove();
    const tip = document.createElementNS(svgNs, 'title');
    tip.textContent = describeNode(datum, context).join('\n');
    target.prepend(tip);
    const room = Math.floor((width - 8) / charWidth);
    if (room >= 3) {
      const label = document.createElementNS(svgNs, 'text');
      label.setAttribute('x', '4');
      label.setAttribute('y', String(Math.round(height * 0.72)));
      label.textContent = datum.name.length > room ? `${datum.name.slice(0, room - 1)}…` : datum.name;
      target.append(label);
    }
  });
  copy.setAttribute('xmlns', svgNs);
  copy.setAttribute('version', '1.1');
  // Keep the drawn size: the page may size the element with CSS only.
  if (!copy.getAttribute('width')) copy.setAttribute('width', String(svg.clientWidth));
  const heading = 24;
  const height = Number(copy.getAttribute('height') ?? svg.clientHeight);
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
  svgTitle.textContent = `${title} — FlameLens flame graph`;
  const caption = document.createElementNS(svgNs, 'text');
  caption.setAttribute('class', 'fl-svg-title');
  caption.setAttribute('x', '4');
  caption.setAttribute('y', String(-heading / 3));
  caption.textContent = title;
  copy.prepend(svgTitle, style, background, caption);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
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

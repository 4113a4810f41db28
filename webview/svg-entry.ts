// dist/webview-svg.js: the SVG export (d3-flame-graph and d3, as much code as the rest of the page)
// as a bundle of its own, which the flame-graph page loads the first time it saves an SVG
// (svg-loader.ts) instead of compiling it on every open. The standalone report inlines it.
import { downloadText, flameGraphSvg } from './svg-export';
import { svgExportGlobal, type SvgExportModule } from './svg-loader';

const module: SvgExportModule = { downloadText, flameGraphSvg };
(globalThis as Record<string, unknown>)[svgExportGlobal] = module;

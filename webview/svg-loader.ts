// Loads the SVG export bundle (dist/webview-svg.js, see svg-entry.ts) on first use: a <script> from
// beside the page's own webview.js, under the page's nonce (the CSP allows no other script). Left out
// of webview.js, the page compiles about half as much code as it boots: bench/webview.ts, tsc-dts-50us,
// 7 alternated runs: script compiled + evaluated ×0.66 (51.7 → 33.9 ms), navigation → first canvas
// painted ×0.93. Only types come from svg-export.ts here, so none of its code is in this bundle.
import * as l10n from '@vscode/l10n';
import type { downloadText, flameGraphSvg } from './svg-export';

export interface SvgExportModule {
  downloadText: typeof downloadText;
  flameGraphSvg: typeof flameGraphSvg;
}

/** Where webview-svg.js puts its module (the standalone report runs it inline, before it is asked for). */
export const svgExportGlobal = '__flamelensSvgExport';

let loading: Promise<SvgExportModule> | undefined;

function loaded(): SvgExportModule | undefined {
  return (globalThis as Record<string, unknown>)[svgExportGlobal] as SvgExportModule | undefined;
}

export function loadSvgExport(): Promise<SvgExportModule> {
  const ready = loaded();
  if (ready) return Promise.resolve(ready);
  loading ??= new Promise<SvgExportModule>((resolve, reject) => {
    const page = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => /\/webview\.js(?:[?#].*)?$/.test(s.src));
    if (!page) {
      reject(new Error(l10n.t('the SVG export is not part of this page')));
      return;
    }
    const script = document.createElement('script');
    script.nonce = page.nonce ?? '';
    script.src = page.src.replace(/\/webview\.js(?=[?#]|$)/, '/webview-svg.js');
    script.onload = () => {
      const module = loaded();
      if (module) resolve(module);
      else reject(new Error(l10n.t('{0} did not load', 'webview-svg.js')));
    };
    script.onerror = () => reject(new Error(l10n.t('{0} could not be loaded', 'webview-svg.js')));
    document.head.append(script);
  }).catch((err: unknown) => {
    loading = undefined; // a later attempt may work
    throw err;
  });
  return loading;
}

// The one reader of the host's translations for every page (flame graph, Load Run, heap snapshot): the host
// embeds vscode.l10n.bundle as JSON data (src/webview-page/html.ts); @vscode/l10n's t() reads it from then on.
import * as l10n from '@vscode/l10n';
import { l10nBundleId } from '../src/webview-page/l10n';

/** Loads the host's translations; call before any UI text is made. Without them (or if broken) l10n.t gives the English text. */
export function configureL10n(): void {
  const text = document.getElementById(l10nBundleId)?.textContent;
  if (!text) return;
  try {
    const contents = JSON.parse(text) as unknown;
    if (contents && typeof contents === 'object' && !Array.isArray(contents)) l10n.config({ contents: contents as Record<string, string> });
  } catch {
    // A broken bundle leaves the English text.
  }
}

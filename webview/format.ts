// Display formatting for the webview: values, percentages and short source locations.
// Values and percentages are formatted by the model's formatter, so the webview, the CLI and the
// editor annotations all say the same thing.
import * as l10n from '@vscode/l10n';
import { fileUrlToPath } from '../src/model/file-url';
import { escapeControlText } from '../src/model/escape-text';

export { formatChange, formatPercent, formatValue } from '../src/model/format';

/**
 * Short "file:line" for a frame; node internals and native frames say so. `file` is the host's
 * display path (workspace-relative where the script is in the workspace), preferred over the url.
 */
export function formatLocation(url: string, line: number, file?: string): string {
  // No url: eval'd code (it has a line) or native and V8 code.
  if (!url) return line > 0 ? `(eval):${line}` : l10n.t('(no source)');
  let name = file || url;
  try {
    // file:// URLs through the one converter; other URLs (webpack://, http://) show their path.
    if (!file && /^[a-z]+:\/\//i.test(url)) name = fileUrlToPath(url) ?? decodeURIComponent(new URL(url).pathname);
  } catch {
    // keep the raw url
  }
  // A path holds no control or bidi characters; one that does is shown escaped, so an override in
  // it cannot reorder the ":line" after it.
  name = escapeControlText(name);
  const short = name.length > 60 ? '…' + name.slice(-59) : name;
  return line > 0 ? `${short}:${line}` : short;
}

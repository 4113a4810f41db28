// The words of the workspace-trust refusal (commands/trust.ts), apart from vscode so the unit and UI tests
// read the same text (through @vscode/l10n or englishText, English without a bundle).
import type { Translator } from '../translator';

/** The error shown when `action` (the command's title) is refused in an untrusted workspace. */
export function untrustedText(l10n: Translator, action: string): string {
  return l10n.t('FlameLens runs programs only in a trusted workspace. "{0}" is not available in Restricted Mode.', action);
}

/** The refusal's button, which opens VS Code's workspace trust editor. */
export function manageTrustLabel(l10n: Translator): string {
  return l10n.t('Manage Workspace Trust');
}

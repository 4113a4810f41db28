// How code without vscode makes UI text it can localise: it takes a Translator — vscode.l10n in the extension,
// @vscode/l10n or englishText elsewhere — and calls `l10n.t('… {0} …', value)` with a literal message, so
// `npm run l10n:export` finds the message there like any other.

export interface Translator {
  t(message: string, ...args: (string | number | boolean)[]): string;
}

/** The English text: the message with its {0}, {1}… filled in (what vscode.l10n.t gives without a bundle). */
export const englishText: Translator = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole)),
};

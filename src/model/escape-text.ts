// Profile text (function names, urls, thread labels, command lines) is untrusted: a name holding
// ESC sequences can clear a terminal or write its clipboard (OSC 52), a CR or LF can forge an
// output line (a CI log line starting with `::error` is a GitHub Actions workflow command), and
// bidi overrides can reorder what a line appears to say. These functions turn such characters
// into visible escapes (`\x1b`, `\n`, `\u202e`) so the text stays readable and inert. Pure, so
// the CLI and the extension share it.

/**
 * C0 controls (TAB, LF, CR, ESC…), DEL, C1 controls, the line/paragraph separators some log
 * viewers break lines at, every bidi control (embeddings, overrides, isolates and the LRM, RLM
 * and ALM marks), the invisible characters that make two different names look alike (zero-width
 * space/joiners, word joiner, invisible operators, BOM, Mongolian vowel separator), and lone
 * surrogates (printed as U+FFFD otherwise; a valid pair is one character and stays).
 */
const invisible = String.raw`\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff`;
const loneSurrogate = String.raw`[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]`;
const unsafe = new RegExp(String.raw`[\u0000-\u001f\u007f-\u009f${invisible}]|${loneSurrogate}`, 'g');
const unsafeExceptNewline = new RegExp(String.raw`[\u0000-\u0009\u000b-\u001f\u007f-\u009f${invisible}]|${loneSurrogate}`, 'g');

const unsafeOne = new RegExp(unsafe.source);

const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function visible(c: string): string {
  const named1 = named[c];
  if (named1 !== undefined) return named1;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text with every control, separator and bidi character shown as an escape. */
export function escapeControlText(text: string): string {
  return text.replace(unsafe, visible);
}

/** Like escapeControlText but keeps `\n`: for whole multi-line outputs whose lines we composed. */
export function escapeControlTextKeepNewlines(text: string): string {
  return text.replace(unsafeExceptNewline, visible);
}

/**
 * Keeps `\n` and writes every other unsafe character as `\uXXXX`, a form that is also a valid
 * JSON escape: JSON.stringify leaves DEL, C1, U+2028/9 and the bidi controls raw, so a JSON
 * document passed through this stays JSON (those characters only occur inside its strings) and
 * decodes to the original text.
 */
export function escapeControlTextJsonSafe(text: string): string {
  return text.replace(unsafeExceptNewline, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True when `text` holds a character escapeControlText would change. */
export function hasControlText(text: string): boolean {
  return unsafeOne.test(text);
}

/**
 * Profile text for a VS Code notification: controls escaped as above, and `](` broken up, because
 * notifications turn `[label](command:…)` into a link that runs a command when clicked.
 */
export function escapeNotificationText(text: string): string {
  return escapeControlText(text).replace(/\]\(/g, '] (');
}

/**
 * Markdown-safe text (function names and urls are untrusted): control and bidi characters shown
 * as visible escapes, then every character markdown could read as syntax backslash-escaped
 * (links, emphasis, HTML, entities such as `&#x202e;`, autolinks' `:`).
 */
export function escapeMarkdown(text: string): string {
  return escapeControlText(text).replace(/[\\`*_{}[\]()#+\-.!|<>~&:"'=$]/g, (c) => `\\${c}`);
}

/** escapeNotificationText line by line, for messages of several lines; idempotent, so a backstop for text escaped before. */
export function escapeNotificationLines(text: string): string {
  return text.split('\n').map(escapeNotificationText).join('\n');
}

/**
 * Untrusted text for a quick-pick row or the status bar (another process's command line, a
 * profile's label): escaped as for a notification, and `$(` written `\$(`, which VS Code shows as
 * typed instead of drawing `$(name)` as an icon.
 */
export function escapeLabelText(text: string): string {
  return escapeNotificationText(text).replace(/\$\(/g, '\\$(');
}

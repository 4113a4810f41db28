// Profile text (function names, urls, thread labels, command lines) is untrusted: a name holding
// ESC sequences can clear a terminal or write its clipboard (OSC 52), a CR or LF can forge an
// output line (a CI log line starting with `::error` is a GitHub Actions workflow command), and
// bidi overrides can reorder what a line appears to say. These functions turn such characters
// into visible escapes (`\x1b`, `\n`, `\u202e`) so the text stays readable and inert. Pure, so
// the CLI and the extension share it.

/**
 * C0 controls (TAB, LF, CR, ESC…), DEL, C1 controls, the line/paragraph separators some log
 * viewers break lines at, and the bidi embedding/override/isolate controls.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const unsafeExceptNewline = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

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

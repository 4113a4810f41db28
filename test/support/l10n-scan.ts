// The scan behind the l10n-strings tests: every user-facing literal in a TypeScript source that does
// not go through l10n.t, given where user-facing values start (the extension host's notifications and
// options in test/unit/package/l10n-strings.test.ts, the webview's element text and labels in
// l10n-webview-strings.test.ts). Comments are skipped; a literal counts when it has a word of its own.

/**
 * Where user-facing values start. `args`: every top-level argument of the call from `from` on (0-based) is
 * checked (notification buttons are text too); otherwise the value right after the match.
 */
export interface UserFacing {
  what: string;
  pattern: RegExp;
  args?: number;
}

/** A line that says why its literal is not text to translate (an example command, a URL). */
const notText = /\/\/ l10n: not text\b/;

/** `text` with comments blanked out (strings and templates kept), so positions and line numbers stay. */
function withoutComments(text: string): string {
  const out = text.split('');
  let i = 0;
  const skipString = (quote: string) => {
    let depth = 0;
    for (i++; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (quote === '`' && depth === 0 && c === '$' && text[i + 1] === '{') {
        depth = 1;
        i++;
      } else if (depth > 0 && (c === "'" || c === '"' || c === '`')) skipString(c);
      else if (depth > 0 && c === '{') depth++;
      else if (depth > 0 && c === '}') depth--;
      else if (depth === 0 && (c === quote || (c === '\n' && quote !== '`'))) return;
    }
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') skipString(c);
    else if (c === '/' && text[i + 1] === '/') {
      for (; i < text.length && text[i] !== '\n'; i++) out[i] = ' ';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== '\n') out[i] = ' ';
      i--;
    }
  }
  return out.join('');
}

/** The string or template literal starting at `text[at]` (a quote), or undefined if it does not close. */
function literalAt(text: string, at: number): string | undefined {
  const quote = text[at]!;
  let depth = 0;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (quote === '`' && depth === 0 && c === '$' && text[i + 1] === '{') {
      depth = 1;
      i++;
    } else if (depth > 0 && (c === "'" || c === '"' || c === '`')) {
      const inner = literalAt(text, i);
      if (!inner) return undefined;
      i += inner.length - 1;
    } else if (depth > 0 && c === '{') depth++;
    else if (depth > 0 && c === '}') depth--;
    else if (depth === 0 && c === quote) return text.slice(at, i + 1);
    else if (depth === 0 && c === '\n' && quote !== '`') return undefined;
  }
  return undefined;
}

/** Where each top-level argument of the call whose `(` is at `open` starts (after blanks). */
function argumentStarts(text: string, open: number): number[] {
  const starts: number[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const lit = literalAt(text, i);
      if (!lit) break;
      i += lit.length - 1;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) {
        if (text.slice(start, i).trim()) starts.push(start);
        break;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      starts.push(start);
      start = i + 1;
    }
  }
  return starts.map((s) => s + (text.slice(s).length - text.slice(s).trimStart().length));
}

/** True when the literal's own text (not its ${…} values, not $(codicon) names) has a word in it. */
function hasWords(literal: string): boolean {
  let own = literal.slice(1, -1);
  if (literal.startsWith('`')) {
    // Drop ${…} (balanced) before looking.
    let out = '';
    let depth = 0;
    for (let i = 0; i < own.length; i++) {
      if (depth === 0 && own[i] === '$' && own[i + 1] === '{') {
        depth = 1;
        i++;
      } else if (depth > 0) {
        if (own[i] === '{') depth++;
        else if (own[i] === '}') depth--;
      } else out += own[i];
    }
    own = out;
  }
  // The product's name alone (an output channel's, a webview's title) is a name, not text to translate.
  if (!literal.startsWith('`') && own === 'FlameLens') return false;
  return /\p{L}{2,}/u.test(own.replace(/\$\([\w~-]+\)/g, ''));
}

export interface Unlocalised {
  line: number;
  what: string;
  literal: string;
}

/** Every user-facing literal in one source text that does not go through l10n.t. */
export function unlocalisedStrings(source: string, userFacing: UserFacing[]): Unlocalised[] {
  const text = withoutComments(source);
  const lines = source.split('\n');
  const found: Unlocalised[] = [];
  const seen = new Set<number>();
  for (const { what, pattern, args } of userFacing) {
    for (const m of text.matchAll(pattern)) {
      const end = m.index + m[0].length;
      const starts = args === undefined ? [end] : argumentStarts(text, end - 1).slice(args);
      for (const at of starts) {
        if (!"'\"`".includes(text[at] ?? '')) continue;
        const literal = literalAt(text, at);
        const line = text.slice(0, at).split('\n').length;
        if (seen.has(at)) continue;
        seen.add(at);
        if (literal && hasWords(literal) && !notText.test(lines[line - 1] ?? '')) found.push({ line, what, literal });
      }
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

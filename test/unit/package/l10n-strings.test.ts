// No user-facing text in the extension bypasses vscode.l10n.t: a scan of the extension's own sources (the
// files that import vscode, and the folders that make its UI: src/commands, src/editor, src/views) for a
// notification, quick pick / input box / progress option, status bar text or tooltip, hover or webview
// progress message written as a plain string or template literal with words in it. Values go in as {0}
// arguments of a literal message (`npm run l10n:export` then adds it to the bundle). Pure modules shared
// with the CLI (src/model, src/capture, src/load, …) stay English; the extension localises what it shows
// around them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const repoRoot = path.resolve(__dirname, '../../..');
const src = path.join(repoRoot, 'src');

/**
 * Where user-facing values start. `args`: every top-level argument of the call from `from` on (0-based) is
 * checked (notification buttons are text too); otherwise the value right after the match.
 */
const userFacing: { what: string; pattern: RegExp; args?: number }[] = [
  { what: 'notification', pattern: /\bshow(?:Information|Warning|Error)Message\(/g, args: 0 },
  { what: 'notification (showErrorWithLog)', pattern: /\bshowErrorWithLog\(/g, args: 1 },
  { what: 'option or item text', pattern: /\b(?:title|placeHolder|prompt|tooltip|label|description|detail|message|validationMessage)\s*:\s*/g },
  { what: 'assigned text', pattern: /\.(?:text|tooltip|title|description|placeholder|message)\s*=(?!=)\s*/g },
  { what: 'hover or markdown', pattern: /\bnew\s+vscode\.(?:Hover|MarkdownString)\(/g, args: 0 },
  { what: 'panel title', pattern: /\bcreateWebviewPanel\(/g, args: 1 },
  // Errors made for the user to read (the extension shows their message as it is).
  { what: 'error for the user', pattern: /\bnew\s+(?:ProfileLoadError|CaptureError)\(/g, args: 0 },
  // Command names, shown in "FlameLens: {0} failed: …" and in the Restricted Mode refusal.
  { what: 'command name', pattern: /\b(?:command|runCommand|register)\(/g, args: 1 },
  { what: 'command name', pattern: /\brequireTrust\(/g, args: 0 },
  // Whatever else the extension says starts with its name: a literal that does, outside l10n.t, is a message.
  { what: 'FlameLens message', pattern: /(?<!\bl10n\.t\(\s*)(?=['"`]FlameLens\b)/g },
];

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
export function unlocalisedStrings(source: string): Unlocalised[] {
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

/** The extension's UI sources: every file that imports vscode, and everything under commands/, editor/, views/. */
function extensionSources(): string[] {
  return readdirSync(src, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => /^(commands|editor|views)\//.test(path.relative(src, file).split(path.sep).join('/')) || /\bfrom 'vscode'/.test(readFileSync(file, 'utf8')));
}

describe('user-facing strings go through vscode.l10n.t', () => {
  it('finds none in the extension’s sources', () => {
    const files = extensionSources();
    assert.ok(files.length > 30, `scanned ${files.length} files`);
    const problems = files.flatMap((file) =>
      unlocalisedStrings(readFileSync(file, 'utf8')).map((u) => `${path.relative(repoRoot, file)}:${u.line}: ${u.what} not through l10n.t: ${u.literal}`),
    );
    assert.deepEqual(problems, []);
  });

  it('catches the ways a literal slips past (planted examples)', () => {
    const planted = [
      "void vscode.window.showInformationMessage('FlameLens: done.');",
      'void vscode.window.showWarningMessage(\n  `FlameLens: ${n} profiles`, "OK");',
      'void showErrorWithLog(this.log, `FlameLens: ${(err as Error).message}`);',
      "await window.showQuickPick(items, { title: 'FlameLens: pick one', placeHolder: \"a file\" });",
      "items.push({ label: '$(plug) Enter host:port…', description: `attach; left running` });",
      "this.item.tooltip = 'FlameLens is recording';",
      "progress.report({ message: `warming up for ${s} s` });",
      "return new vscode.Hover(`Self time ${ms}`);",
      "this.item.text = `${kind === 'cpu' ? '$(pulse)' : 'heap'} recording`;",
      "const attachTitle = 'FlameLens: profile which running server?';",
      "runCommand('flamelens.profileCurrentFile', 'Profile Current File', (uri) => run(uri));",
      "if (!requireTrust('Take Heap Snapshot')) return;",
      "vscode.window.createWebviewPanel(viewType, `${name} (all processes)`, vscode.ViewColumn.Active);",
      "throw new ProfileLoadError(`Cannot read ${file}: ${message}`);",
      "await pickRun(`FlameLens: compare — ${which}`);",
      "void vscode.window.showErrorMessage(vscode.l10n.t('FlameLens: {0}', m), 'Manage Workspace Trust');",
      "items.push({ label: cond ? 'x' : 'y', detail: 'compound' });",
    ].join('\n');
    assert.deepEqual(
      unlocalisedStrings(planted).map((u) => u.literal),
      [
        "'FlameLens: done.'",
        '`FlameLens: ${n} profiles`',
        '"OK"',
        '`FlameLens: ${(err as Error).message}`',
        "'FlameLens: pick one'",
        '"a file"',
        "'$(plug) Enter host:port…'",
        '`attach; left running`',
        "'FlameLens is recording'",
        '`warming up for ${s} s`',
        '`Self time ${ms}`',
        "`${kind === 'cpu' ? '$(pulse)' : 'heap'} recording`",
        "'FlameLens: profile which running server?'",
        "'Profile Current File'",
        "'Take Heap Snapshot'",
        '`${name} (all processes)`',
        '`Cannot read ${file}: ${message}`',
        '`FlameLens: compare — ${which}`',
        "'Manage Workspace Trust'",
        "'compound'",
      ],
    );
  });

  it('lets through what is localised or has no words of its own', () => {
    const fine = [
      "void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: exported to {0}', file));",
      "items.push({ label: `$(flame) ${l.text}`, description: `${seconds} s`, detail: l10n.t('compound') });",
      "panels.show({ title: `${fileName(before)} → ${fileName(after)}` });",
      "this.item.text = `$(record) ${m}:${String(s).padStart(2, '0')}`;",
      "const channel = vscode.window.createOutputChannel('FlameLens');",
      "const options = { title: vscode.l10n.t('FlameLens: profile which server under load?') };",
      "// a comment is no text: showInformationMessage('Not shown'), title: 'Not shown either'",
      "/** label: 'in a doc comment' */ const url = 'ws:// host'; // title: 'after a URL string'",
      "const input = { placeHolder: 'node server.js --port 3000' }; // l10n: not text (an example command)",
      "if (a.title === 'x') void vscode.window.showErrorMessage(vscode.l10n.t('Manage Workspace Trust'));",
    ].join('\n');
    assert.deepEqual(unlocalisedStrings(fine), []);
  });
});

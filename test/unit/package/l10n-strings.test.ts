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
import { unlocalisedStrings as scan, type UserFacing } from '../../support/l10n-scan';

const repoRoot = path.resolve(__dirname, '../../..');
const src = path.join(repoRoot, 'src');

/** Where the extension host's user-facing values start (notification buttons are text too). */
const userFacing: UserFacing[] = [
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

/** Every literal of `source` the extension shows that does not go through l10n.t. */
const unlocalisedStrings = (source: string) => scan(source, userFacing);

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

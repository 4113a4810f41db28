// No text the webview pages show bypasses l10n.t (@vscode/l10n, reading the host's bundle): a scan of
// webview/ for element text, tooltips, placeholders and ARIA labels, legend and toggle labels, banners,
// headings and table cells, and the errors a page shows or hands to the host, written as a plain string
// or template literal with words in it. Names (node_modules, FlameLens) and units between values are not
// words to translate.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { unlocalisedStrings, type UserFacing } from '../../support/l10n-scan';

const repoRoot = path.resolve(__dirname, '../../..');
const webview = path.join(repoRoot, 'webview');

const webviewFacing: UserFacing[] = [
  { what: 'element text or label', pattern: /(?:\b(?:text|title|placeholder|ariaLabel)|'aria-label')\s*:\s*/g },
  { what: 'assigned text', pattern: /\.(?:textContent|innerText|title|placeholder)\s*=(?!=)\s*/g },
  { what: 'attribute text', pattern: /\.setAttribute\(\s*'(?:aria-label|title|placeholder)'\s*,\s*/g },
  // h(tag, props, ...children) and the Load Run / heap pages' el(tag, class, text): text children.
  { what: 'element child text', pattern: /\bh\(/g, args: 2 },
  { what: 'element text', pattern: /\bel\(/g, args: 2 },
  { what: 'legend or toggle label', pattern: /\b(?:legendItem|toggle)\(/g, args: 1 },
  { what: 'banner or section heading', pattern: /\b(?:showBanner|section)\(\s*/g },
  { what: 'error for the user', pattern: /\bnew\s+Error\(|\berror\s*:\s*/g },
];

const scan = (source: string) => unlocalisedStrings(source, webviewFacing);

/** The CLI's `export --format svg` (no page, no host bundle): its errors are the CLI's, in English as the CLI speaks. */
const cliOnly = new Set(['svg-offline.ts']);

function webviewSources(): string[] {
  return readdirSync(webview, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !cliOnly.has(path.relative(webview, path.join(e.parentPath, e.name))))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('webview text goes through l10n.t', () => {
  it('finds none in webview/', () => {
    const files = webviewSources();
    assert.ok(files.length > 20, `scanned ${files.length} files`);
    const problems = files.flatMap((file) => scan(readFileSync(file, 'utf8')).map((u) => `${path.relative(repoRoot, file)}:${u.line}: ${u.what} not through l10n.t: ${u.literal}`));
    assert.deepEqual(problems, []);
  });

  it('catches the ways a literal slips past (planted examples, the old code’s among them)', () => {
    const planted = [
      "const close = h('button', { text: 'Close', title: 'Close the sandwich view', attrs: { type: 'button' } });",
      "this.element = h('section', { className: 'fl-sandwich', attrs: { 'aria-label': 'Sandwich view' } });",
      "this.callers = new FlameChart(box, { ...common, ariaLabel: 'Callers of the selected function' });",
      'this.heading.textContent = `Sandwich: ${message.frame.name}`;',
      "(holder as HTMLElement).title = 'Available in VS Code';",
      "canvas.setAttribute('aria-label', `${label} per second`);",
      "const icicle = toggle('fl-icicle', 'Icicle', 'Draw the root at the top');",
      "legendItem('rgb(220,60,60)', 'Grew'),",
      "this.showBanner(`${name} is not drawn in the current view.`);",
      "h('p', { className: 'fl-empty' }, 'Nothing to draw');",
      "app.append(el('div', 'note', 'Not measured'));",
      "this.host.post({ type: 'svg', requestId, error: 'the flame graph has nothing drawn yet' });",
      "throw new Error('FlameLens: no VS Code API');",
    ].join('\n');
    assert.deepEqual(
      scan(planted).map((u) => u.literal),
      [
        "'Close'",
        "'Close the sandwich view'",
        "'Sandwich view'",
        "'Callers of the selected function'",
        '`Sandwich: ${message.frame.name}`',
        "'Available in VS Code'",
        '`${label} per second`',
        "'Icicle'",
        "'Draw the root at the top'",
        "'Grew'",
        '`${name} is not drawn in the current view.`',
        "'Nothing to draw'",
        "'Not measured'",
        "'the flame graph has nothing drawn yet'",
        "'FlameLens: no VS Code API'",
      ],
    );
  });

  it('lets through what is localised, a name, or no words of its own', () => {
    const fine = [
      "const close = h('button', { className: 'fl-close', text: l10n.t('Close'), attrs: { type: 'button', 'aria-hidden': 'true' } });",
      "canvas.setAttribute('role', 'img');",
      "this.chip.textContent = this.range ? `${this.label(this.range)} ×` : '';",
      "h('span', { className: 'pct', text: ` ${formatPercent(value, this.total)}` });",
      "legendItem(palette.swatch(c), categoryLabel(c));",
      "const t = toggle(`fl-opt-${key}`, label, title);",
      "this.graphBox.classList.toggle('fl-icicle', on);",
      "app.append(el('div', 'banner broken', list));",
      "svg.textContent = 'FlameLens';",
    ].join('\n');
    assert.deepEqual(scan(fine), []);
  });
});

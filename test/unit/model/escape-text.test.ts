// Escaping untrusted profile text for terminals, CI logs and markdown hovers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControlText, escapeControlTextJsonSafe, escapeControlTextKeepNewlines, escapeNotificationLines, escapeNotificationText, hasControlText } from '../../../src/model/escape-text';
import { escapeMarkdown, hoverBodyMarkdown, hoverMarkdown, revealCommandUri, revealLinkMarkdown, type HoverInfo } from '../../../src/editor/hotlines-model';
import { table } from '../../../src/cli/text';
import { renderSnapshotDiff } from '../../../src/cli/attach';

/** Every character the escaping must neutralise, one of each class. */
const hostile = 'a\x1b[2J\x1b]52;c;aGk=\x07b\r\n::error file=x::pwned\tc\x00\x7f\u0085\u009b\u202eexe.txt\u2066\u2069\u2028\u2029z';

/** True when `text` holds nothing a terminal or log viewer would act on (newline allowed when asked). */
function inert(text: string, allowNewline = false): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x0a && allowNewline) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

describe('escapeControlText', () => {
  it('shows C0, DEL, C1, bidi and line-separator characters as visible escapes', () => {
    const escaped = escapeControlText(hostile);
    assert.ok(inert(escaped), escaped);
    assert.equal(
      escaped,
      'a\\x1b[2J\\x1b]52;c;aGk=\\x07b\\r\\n::error file=x::pwned\\tc\\x00\\x7f\\x85\\x9b\\u202eexe.txt\\u2066\\u2069\\u2028\\u2029z',
    );
    assert.ok(!escaped.split('\n').some((l) => l.startsWith('::')), 'no forged workflow command line');
  });

  it('also escapes the implicit bidi marks, invisible characters and lone surrogates', () => {
    // LRM, RLM and ALM are bidi controls too; zero-width characters and the BOM make two names that
    // differ look the same; a lone surrogate would be printed as U+FFFD, losing what the name held.
    const sneaky = 'a\u200eb\u200fc\u061cd\u200be\u200cf\u200dg\u2060h\u2064i\ufeffj\u180ek\ud800l\udc00m';
    assert.equal(
      escapeControlText(sneaky),
      'a\\u200eb\\u200fc\\u061cd\\u200be\\u200cf\\u200dg\\u2060h\\u2064i\\ufeffj\\u180ek\\ud800l\\udc00m',
    );
    assert.equal(hasControlText('x\u200b'), true);
    // A surrogate pair (an emoji, an astral letter) is one character and stays as it is.
    assert.equal(escapeControlText('😀𝒜\ud83d\ude00'), '😀𝒜😀');
    const doc = JSON.stringify({ name: sneaky });
    assert.deepEqual(JSON.parse(escapeControlTextJsonSafe(doc)), { name: sneaky });
    assert.ok(!/[\u200b-\u200f\u061c\u2060\ufeff]/.test(escapeControlTextJsonSafe(doc)));
  });

  it('leaves ordinary text, paths and non-Latin names alone', () => {
    for (const ok of ['sortOrdersByTotal', 'C:\\src\\app.js', 'file:///home/ü/π.js', 'λ → 名前 😀', '(anonymous)', '']) {
      assert.equal(escapeControlText(ok), ok);
      assert.equal(hasControlText(ok), false);
    }
    assert.equal(hasControlText(hostile), true);
    assert.equal(hasControlText('only\u202e'), true);
  });

  it('the JSON-safe form leaves a JSON document valid and decoding to the original text', () => {
    const doc = JSON.stringify({ name: hostile, list: [hostile, 'plain'] }, null, 2);
    assert.ok(!inert(doc, true), 'JSON.stringify alone leaves DEL, C1 and bidi characters raw');
    const safe = escapeControlTextJsonSafe(doc);
    assert.ok(inert(safe, true), safe);
    assert.deepEqual(JSON.parse(safe), { name: hostile, list: [hostile, 'plain'] });
  });

  it('the keep-newlines form escapes everything but LF', () => {
    const escaped = escapeControlTextKeepNewlines('line1\r\nline2\x1b[0m\n');
    assert.equal(escaped, 'line1\\r\nline2\\x1b[0m\n');
    assert.ok(inert(escaped, true));
  });
});

describe('tables escape every cell', () => {
  it('a hostile cell stays on its row and its columns stay aligned', () => {
    const text = table(['n', 'name', 'where'], [['1', hostile, 'x.js:1'], ['22', 'plain', 'y.js:2']], new Set([0]));
    const lines = text.split('\n');
    assert.equal(lines.length, 3, text);
    assert.ok(inert(text, true), text);
    assert.ok(lines[1]!.includes('\\x1b[2J'));
    // The "where" column starts at the same offset on both rows.
    assert.equal(lines[1]!.indexOf('x.js:1'), lines[2]!.indexOf('y.js:2'));
  });

  it('snapshot-diff tables escape constructor names (the title is escaped by out(), tested in cli-output-injection)', () => {
    const text = renderSnapshotDiff(
      {
        totalSizeDelta: 10,
        objectCountDelta: 1,
        growth: [{ name: hostile, countBefore: 0, countAfter: 1, countDelta: 1, selfSizeBefore: 0, selfSizeAfter: 10, selfSizeDelta: 10 }],
      } as unknown as Parameters<typeof renderSnapshotDiff>[0],
      5,
      'before.heapsnapshot → after.heapsnapshot',
    );
    assert.ok(inert(text, true), text);
    assert.ok(!text.split('\n').some((l) => l.startsWith('::')));
  });
});

describe('markdown for hovers', () => {
  const edge = (name: string) => ({ name, url: 'file:///x.js', line: 1, value: 1, text: '1.0 ms · 1.0%' });
  const info: HoverInfo = {
    line: { line: 3, self: 1, percent: 1, heat: 1, text: '1.0 ms · 1.0%', frame: 0 },
    functionName: 'f`)\n\n[click](https://evil.example/)\n<img src=x>\x1b[2J\u202e',
    functionLens: undefined,
    callers: [edge('caller`\n# heading'), edge('&#x202e;![t](https://t.example/a.png)')],
    callees: [],
    reveal: { name: 'x) [y](command:workbench.action.terminal.sendSequence)', url: 'file:///x.js', line: 1 },
  };

  it('escapeMarkdown neutralises link, emphasis, HTML, entity and autolink syntax and control characters', () => {
    assert.equal(escapeMarkdown('a*b_[c](d)'), 'a\\*b\\_\\[c\\]\\(d\\)');
    const s = escapeMarkdown('<b>&#x202e;https://x.example\n\x1b');
    assert.equal(s, '\\<b\\>\\&\\#x202e;https\\://x\\.example\\\\n\\\\x1b');
    assert.ok(inert(s));
  });

  it('hover body holds names only as inline code on their own lines: no link, heading, image or HTML survives', () => {
    const md = hoverBodyMarkdown(info);
    assert.ok(inert(md, true), md);
    const lines = md.split('\n');
    // Our own structure only: the title, blank lines, "in …", the list heading and its items.
    assert.deepEqual(
      lines.map((l) => (l.startsWith('- `') ? 'item' : l.startsWith('in `') ? 'in' : l.startsWith('**FlameLens**') ? 'title' : l)),
      ['title', '', 'in', '', 'Called from:', 'item', 'item'],
    );
    // Each name is one code span: exactly two backticks per line that holds a name.
    for (const l of lines.filter((x) => x.includes('`'))) assert.equal(l.split('`').length - 1, 2, l);
    assert.ok(!md.includes('command:'), 'the untrusted body has no command link');
  });

  it('the reveal link arguments cannot close the link, and decode to the target', () => {
    const uri = revealCommandUri('flamelens.revealInFlameGraph', info.reveal);
    assert.ok(!/[()[\]\s]/.test(uri), uri);
    const link = revealLinkMarkdown(uri);
    assert.match(link, /^\[Reveal in flame graph\]\(command:flamelens\.revealInFlameGraph\?[^()\s]+\)$/);
    const query = uri.slice(uri.indexOf('?') + 1);
    assert.deepEqual(JSON.parse(decodeURIComponent(query)), [info.reveal]);
    assert.ok(hoverMarkdown(info, uri).endsWith(link));
  });
});

describe('escapeNotificationText', () => {
  // The link syntax VS Code's notifications turn into clickable links (vs/base/common/linkedText.ts),
  // restated here as a stand-in: a notification cannot be rendered outside VS Code.
  const notificationLink = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

  it('a function name cannot become a command link or a second line in a notification', () => {
    const name = 'innocent[Run me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)\nfake';
    assert.ok(notificationLink.test(name), 'the hostile name is a link as it stands');
    notificationLink.lastIndex = 0;
    const shown = escapeNotificationText(name);
    assert.equal(notificationLink.test(shown), false, shown);
    assert.ok(inert(shown), shown);
    assert.ok(shown.includes('Run me'), 'the text itself stays readable');
  });

  it('line by line (every error notification, src/log.ts): links and escapes go, our own line breaks stay, and escaping twice changes nothing', () => {
    const message = 'FlameLens: could not open [x](command:workbench.action.reloadWindow).cpuprofile\nthe file \u001b[2Jis empty';
    notificationLink.lastIndex = 0;
    assert.ok(notificationLink.test(message), 'a link as it stands');
    const shown = escapeNotificationLines(message);
    notificationLink.lastIndex = 0;
    assert.equal(notificationLink.test(shown), false, shown);
    assert.equal(shown.split('\n').length, 2, 'our line break stays a line break');
    assert.ok(!shown.includes('\u001b'), 'no raw ESC');
    assert.equal(escapeNotificationLines(shown), shown, 'idempotent: text escaped before is not escaped again');
  });
});


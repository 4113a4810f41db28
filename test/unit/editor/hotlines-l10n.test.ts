// Hot-line lenses and hovers in the user's language: the texts go through the translator the extension
// passes (vscode.l10n; here @vscode/l10n, the same t() with a bundle), the numbers as {0} arguments, and a
// translation never adds a link of its own to the trusted reveal link.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import { HotLineIndex, hoverBodyMarkdown, revealLinkMarkdown, type HoverInfo } from '../../../src/editor/hotlines-model';
import { parseProfile } from '../../../src/model/import';
import { readFixture } from '../../support/model-helpers';

const bundle = {
  'self {0} ({1}) · total {2} ({3})': 'eigen {0} ({1}) · gesamt {2} ({3})',
  '**FlameLens** · line {0}: {1} self': '**FlameLens** · Zeile {0}: {1} eigen',
  'in {0}': 'in {0}',
  'Called from:': 'Aufgerufen von:',
  'Reveal in flame graph': 'Zeigen](command:evil) [im Flammendiagramm',
};

describe('hot lines through l10n', () => {
  before(() => l10n.config({ contents: bundle }));
  after(() => l10n.config({ contents: {} }));

  it('words the function lenses in the bundle’s language, with the figures filled in', () => {
    const profile = parseProfile(readFixture('small-marked-1000us.cpuprofile'));
    const index = new HotLineIndex(profile, l10n);
    const file = '/tmp/perf-probe/node_modules/marked/lib/marked.esm.js';
    const lenses = index.functionsFor(file, { thresholdPercent: 0 });
    assert.ok(lenses.length > 0, `lenses for ${file}`);
    for (const lens of lenses) assert.match(lens.text, /^eigen .+ \(.+%\) · gesamt .+ \(.+%\)$/);
    // Without a translator: English, as before.
    assert.match(new HotLineIndex(profile).functionsFor(file, { thresholdPercent: 0 })[0]!.text, /^self .+ · total /);
  });

  it('translates the hover and keeps a hostile translation of the link label inert', () => {
    const info: HoverInfo = {
      line: { line: 3, self: 1, percent: 1, heat: 1, text: '1.0 ms · 1.0%', frame: 0 },
      functionName: 'work',
      functionLens: undefined,
      callers: [{ name: 'main', url: 'file:///x.js', line: 1, value: 1, text: '1.0 ms · 1.0%' }],
      callees: [],
      reveal: { name: 'work', url: 'file:///x.js', line: 3 },
    };
    assert.deepEqual(hoverBodyMarkdown(info, l10n).split('\n').slice(0, 5), ['**FlameLens** · Zeile 3: 1\\.0 ms · 1\\.0% eigen', '', 'in `work`', '', 'Aufgerufen von:']);
    const link = revealLinkMarkdown('command:flamelens.revealInFlameGraph?x', l10n);
    // One link only: the translation's brackets are escaped text.
    assert.equal(link, '[Zeigen\\]\\(command\\:evil\\) \\[im Flammendiagramm](command:flamelens.revealInFlameGraph?x)');
  });
});

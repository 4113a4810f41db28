// The English l10n bundle (l10n/bundle.l10n.json, what translators copy) holds exactly the messages of the
// sources' `l10n.t('…')` calls, so it cannot go stale: run `npm run l10n:export` after changing a message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
// @ts-expect-error -- a plain .mjs script without type declarations
import { bundlePath, bundleText, collectMessages } from '../../../scripts/l10n-export.mjs';

const collected = collectMessages() as { messages: string[]; problems: string[] };

test('every l10n.t message is a string literal (values go in as {0} arguments)', () => {
  assert.deepEqual(collected.problems, []);
});

test('l10n/bundle.l10n.json is up to date with the sources (npm run l10n:export)', () => {
  const bundle = JSON.parse(readFileSync(bundlePath as string, 'utf8')) as Record<string, string>;
  for (const message of collected.messages) assert.ok(message in bundle, `not in l10n/bundle.l10n.json: ${JSON.stringify(message)}`);
  assert.equal(readFileSync(bundlePath as string, 'utf8'), (bundleText as (m: string[]) => string)(collected.messages));
});

test('the scan finds the host messages it should (a broken pattern would find none)', () => {
  assert.ok(collected.messages.includes('FlameLens is not recording.'));
  assert.ok(collected.messages.includes('FlameLens: exported to {0}'));
});

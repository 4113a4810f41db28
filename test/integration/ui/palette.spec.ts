// The installed extension's commands reach the command palette under their contributed titles, and the
// fixture workspace opens in an editor (proves the workbench, the install and the helpers work together).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Workbench } from './workbench';

interface CommandContribution {
  command: string;
  title: string;
  category?: string;
  enablement?: string;
}

// Titles as VS Code shows them: "%key%" strings come from package.nls.json.
const root = path.resolve(__dirname, '..', '..', '..');
const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'), (_key, value: unknown) =>
  typeof value === 'string' && /^%[^%]+%$/.test(value) ? (nls[value.slice(1, -1)] ?? value) : value,
) as {
  contributes?: { commands?: CommandContribution[]; menus?: { commandPalette?: { command: string; when?: string }[] } };
};

export async function run(ui: Workbench): Promise<void> {
  await ui.openFile('busy.js');
  assert.match(await ui.activeEditorText(), /function fibonacci\(n\)/);

  // Commands hidden from the palette by a `when` clause are not expected there.
  const hidden = new Set((manifest.contributes?.menus?.commandPalette ?? []).filter((m) => m.when !== undefined).map((m) => m.command));
  const expected = (manifest.contributes?.commands ?? [])
    .filter((c) => c.category === 'FlameLens' && !hidden.has(c.command))
    .map((c) => `FlameLens: ${c.title}`);
  assert.ok(expected.length > 0, 'package.json contributes no FlameLens commands');

  for (const title of expected) {
    const shown = await ui.paletteCommands(title);
    assert.ok(shown.includes(title), `"${title}" missing from the palette, which shows ${JSON.stringify(shown)}`);
  }
  await ui.screenshot('editor');
}

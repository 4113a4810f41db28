// The extension manifest (package.json) as VS Code reads it — workspace trust, when clauses,
// categories — and the words of the trust refusal. Plain checks: the real-VS-Code suite covers what
// VS Code does with them.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { manageTrustLabel, untrustedText } from '../../src/commands/trust-message';

interface Command {
  command: string;
  title: string;
  category?: string;
  enablement?: string;
}
interface MenuItem {
  command: string;
  when?: string;
}
interface Manifest {
  capabilities?: {
    untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces?: { supported: boolean | 'limited'; description?: string };
  };
  contributes: {
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, unknown> };
  };
}

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Manifest;
const { commands, menus } = manifest.contributes;

/** Commands that start programs or attach to running ones: only in a trusted workspace. */
const runCommands = [
  'flamelens.profileCurrentFile',
  'flamelens.profileNpmScript',
  'flamelens.profileCommand',
  'flamelens.profileLaunchConfig',
  'flamelens.profileUnderLoad',
  'flamelens.attachToProcess',
  'flamelens.takeHeapSnapshot',
];

describe('package.json manifest', () => {
  it('declares limited support for untrusted and virtual workspaces, with descriptions', () => {
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    assert.match(trust.description ?? '', /\S/);
    for (const key of trust.restrictedConfigurations ?? []) {
      assert.ok(key in manifest.contributes.configuration.properties, `restricted setting ${key} is not contributed`);
    }
    const virtual = manifest.capabilities?.virtualWorkspaces;
    assert.equal(virtual?.supported, 'limited');
    assert.match(virtual.description ?? '', /\S/);
  });

  it('enables every command that runs or attaches to programs only in a trusted workspace', () => {
    for (const id of runCommands) {
      const c = commands.find((x) => x.command === id);
      assert.ok(c, `${id} is not contributed`);
      assert.match(c.enablement ?? '', /\bisWorkspaceTrusted\b/, `${id} enablement`);
      const palette = menus.commandPalette?.find((m) => m.command === id);
      assert.match(palette?.when ?? '', /\bisWorkspaceTrusted\b/, `${id} palette when`);
    }
  });

  it('shows run commands in menus only in a trusted workspace', () => {
    for (const [menu, items] of Object.entries(menus)) {
      if (menu === 'commandPalette') continue;
      for (const item of items.filter((i) => runCommands.includes(i.command))) {
        assert.match(item.when ?? '', /\bisWorkspaceTrusted\b/, `${item.command} in ${menu}`);
      }
    }
  });

  it('refuses in Restricted Mode with a message naming the command and the way out', () => {
    const text = untrustedText('Profile Current File');
    assert.match(text, /^FlameLens runs programs only in a trusted workspace\./);
    assert.match(text, /"Profile Current File"/);
    assert.match(text, /Restricted Mode/);
    assert.equal(manageTrustLabel, 'Manage Workspace Trust');
  });

  it('leaves the viewers usable in Restricted Mode', () => {
    for (const id of ['flamelens.openProfile', 'flamelens.compareProfiles', 'flamelens.exportProfile', 'flamelens.showHotLines', 'flamelens.compareHeapSnapshots']) {
      const c = commands.find((x) => x.command === id);
      assert.ok(c, `${id} is not contributed`);
      assert.doesNotMatch(c.enablement ?? '', /isWorkspaceTrusted/, id);
    }
  });

  it('gives every command the FlameLens category and a title', () => {
    for (const c of commands) {
      assert.equal(c.category, 'FlameLens', c.command);
      assert.match(c.title, /\S/, c.command);
    }
  });

  it('leaves .heapprofile and .heapsnapshot to VS Code by default ("option" editors) and offers Open With FlameLens', () => {
    const editors = (manifest.contributes as unknown as { customEditors: { viewType: string; selector: { filenamePattern: string }[]; priority?: string }[] }).customEditors;
    for (const pattern of ['*.heapprofile', '*.heapprofile.gz', '*.heapsnapshot', '*.cpuprofile']) {
      const editor = editors.find((e) => e.selector.some((s) => s.filenamePattern === pattern));
      assert.equal(editor?.priority, 'option', pattern);
    }
    for (const menu of ['explorer/context', 'editor/title']) {
      const item = menus[menu]?.find((m) => m.command === 'flamelens.openWith');
      assert.ok(item, `Open With FlameLens in ${menu}`);
      const pattern = /resourceFilename =~ \/(.+?)\/(?: |$)/.exec(item.when ?? '')?.[1];
      assert.ok(pattern, `${menu}: ${item.when}`);
      const re = new RegExp(pattern);
      for (const name of ['a.cpuprofile', 'a.heapprofile', 'a.heapprofile.gz', 'a.heapsnapshot', 'cpu.pprof', 'p.pb.gz']) assert.ok(re.test(name), `${menu}: ${name}`);
      for (const name of ['a.js', 'a.gz', 'a.json']) assert.ok(!re.test(name), `${menu}: ${name}`);
    }
  });

  it('shows Reveal in Flame Graph and Show/Clear Hot Lines only while a profile is current', () => {
    for (const id of ['flamelens.revealInFlameGraph', 'flamelens.showHotLines', 'flamelens.clearHotLines']) {
      assert.match(menus.commandPalette?.find((m) => m.command === id)?.when ?? '', /\bflamelens\.hasProfile\b/, id);
    }
    for (const item of menus['editor/context']?.filter((m) => m.command === 'flamelens.revealInFlameGraph') ?? []) {
      assert.match(item.when ?? '', /\bflamelens\.hasProfile\b/);
    }
  });

  it('contributes FlameLens: Show Log', () => {
    assert.equal(commands.find((c) => c.command === 'flamelens.showLog')?.title, 'Show Log');
  });

  it('puts only contributed commands in menus', () => {
    const ids = new Set(commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(menus)) {
      for (const item of items) assert.ok(ids.has(item.command), `${item.command} in ${menu} is not contributed`);
    }
  });
});

// The extension manifest (package.json) as VS Code reads it — workspace trust, when clauses,
// categories — and the words of the trust refusal. Plain checks: the real-VS-Code suite covers what
// VS Code does with them.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import { manageTrustLabel, untrustedText } from '../../../src/commands/trust-message';
import { englishText } from '../../../src/translator';

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
  version: string;
  icon?: string;
  preview?: boolean;
  repository?: string | { type?: string; url: string };
  galleryBanner?: { color?: string; theme?: string };
  keywords?: string[];
  capabilities?: {
    untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces?: { supported: boolean | 'limited'; description?: string };
  };
  contributes: {
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, unknown> };
    walkthroughs?: Walkthrough[];
  };
}
interface Walkthrough {
  id: string;
  title: string;
  description: string;
  steps: {
    id: string;
    title: string;
    description: string;
    media: { image?: string; altText?: string; markdown?: string };
    completionEvents?: string[];
  }[];
}

const repoFile = (rel: string) => new URL(`../../../${rel}`, import.meta.url);
const manifestText = readFileSync(repoFile('package.json'), 'utf8');
const nls = (existsSync(repoFile('package.nls.json')) ? JSON.parse(readFileSync(repoFile('package.nls.json'), 'utf8')) : {}) as Record<string, string>;
const nlsKey = (value: unknown): string | undefined => (typeof value === 'string' ? /^%([^%]+)%$/.exec(value)?.[1] : undefined);
/** package.json as VS Code reads it (in English): every "%key%" replaced by its text in package.nls.json. */
const manifest = JSON.parse(manifestText, (_key, value: unknown) => {
  const key = nlsKey(value);
  return key !== undefined && typeof nls[key] === 'string' ? nls[key] : value;
}) as Manifest;
const rawManifest = JSON.parse(manifestText) as Manifest;
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
    const text = untrustedText(englishText, 'Profile Current File');
    assert.match(text, /^FlameLens runs programs only in a trusted workspace\./);
    assert.match(text, /"Profile Current File"/);
    assert.match(text, /Restricted Mode/);
    assert.equal(manageTrustLabel(englishText), 'Manage Workspace Trust');
    // @vscode/l10n without a bundle gives the same English text as vscode.l10n.t does.
    assert.equal(untrustedText(l10n, 'Profile Current File'), text);
  });

  it('localises the refusal and its button (message and button through l10n.t, the command as {0})', () => {
    l10n.config({
      contents: {
        'FlameLens runs programs only in a trusted workspace. "{0}" is not available in Restricted Mode.': 'FlameLens startet Programme nur in einem vertrauenswürdigen Arbeitsbereich. „{0}“ ist im eingeschränkten Modus nicht verfügbar.',
        'Manage Workspace Trust': 'Arbeitsbereichsvertrauen verwalten',
      },
    });
    try {
      assert.equal(untrustedText(l10n, 'Profile Current File'), 'FlameLens startet Programme nur in einem vertrauenswürdigen Arbeitsbereich. „Profile Current File“ ist im eingeschränkten Modus nicht verfügbar.');
      assert.equal(manageTrustLabel(l10n), 'Arbeitsbereichsvertrauen verwalten');
    } finally {
      l10n.config({ contents: {} });
    }
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

  it('has a 128×128 PNG icon', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(repoFile(manifest.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'width × height');
  });

  it('is a preview before 1.0, with a gallery banner and keywords the marketplace accepts', () => {
    const major = Number(manifest.version.split('.')[0]);
    assert.ok(Number.isInteger(major));
    if (major < 1) assert.equal(manifest.preview, true);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner?.theme ?? ''), manifest.galleryBanner?.theme);
    const keywords = manifest.keywords ?? [];
    assert.ok(keywords.length > 0 && keywords.length <= 30, `${keywords.length} keywords (vsce allows 30)`);
    assert.equal(new Set(keywords).size, keywords.length, 'duplicate keywords');
  });

  it('names no placeholder repository', () => {
    const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
    if (url !== undefined) assert.doesNotMatch(url, /\.(invalid|example|test|localhost)\b|example\.(com|org)/, url);
  });

  it('has a CHANGELOG with an entry for this version', () => {
    const changelog = readFileSync(repoFile('CHANGELOG.md'), 'utf8');
    assert.match(changelog, new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}\\b`, 'm'));
  });

  it('has a getting-started walkthrough: profile, flame graph, hot lines, compare, load — each with its picture or page', () => {
    const walkthroughs = manifest.contributes.walkthroughs ?? [];
    assert.equal(walkthroughs.length, 1);
    const [w] = walkthroughs;
    assert.ok(w);
    assert.match(w.title, /FlameLens/);
    assert.match(w.description, /\S/);
    const topics = [/profile a file/i, /flame graph/i, /hot lines/i, /compare/i, /under load/i];
    assert.equal(w.steps.length, topics.length);
    topics.forEach((topic, i) => assert.match(w.steps[i]?.title ?? '', topic));
    const ids = new Set(commands.map((c) => c.command));
    for (const step of w.steps) {
      const { image, altText, markdown } = step.media;
      assert.ok(image ?? markdown, `${step.id} has no picture or page`);
      for (const file of [image, markdown].filter((f): f is string => f !== undefined)) {
        assert.ok(existsSync(repoFile(file)), `${step.id}: ${file} does not exist`);
      }
      if (image) assert.match(altText ?? '', /\S/, `${step.id}: image without altText`);
      const used = [
        ...(step.completionEvents ?? []).map((e) => /^onCommand:(.+)$/.exec(e)?.[1]),
        ...[...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]),
      ];
      assert.ok(used.length > 1, `${step.id}: no command button or completion event`);
      for (const id of used) {
        assert.ok(id, `${step.id}: a completion event that is not onCommand`);
        assert.ok(ids.has(id), `${step.id} uses ${id}, which is not contributed`);
      }
    }
  });

  it('keeps the README quick start, with pictures from the UI suite that exist and stay small', () => {
    const readme = readFileSync(repoFile('README.md'), 'utf8');
    assert.match(readme, /^npm ci && npm run demo\b/m);
    assert.match(readme, /^npm test\b/m);
    const refresh = readFileSync(repoFile('scripts/refresh-readme-images.mjs'), 'utf8');
    const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
    assert.ok(pictures.length >= 3, `${pictures.length} pictures`);
    for (const picture of pictures) {
      assert.match(picture, /^media\/readme\/[\w-]+\.webp$/, picture);
      // Lossless WebP (RIFF….WEBPVP8L): what the refresh script writes, and what VS Code shows.
      const head = readFileSync(repoFile(picture)).subarray(0, 16).toString('latin1');
      assert.match(head, /^RIFF[\s\S]{4}WEBPVP8L$/, `${picture} is not a lossless WebP`);
      assert.ok(refresh.includes(`'${picture.slice('media/readme/'.length)}'`), `${picture} is not made by scripts/refresh-readme-images.mjs`);
      const size = statSync(repoFile(picture)).size;
      assert.ok(size < 80 * 1024, `${picture} is ${size} bytes (it ships in the .vsix)`);
    }
    for (const [, link] of readme.matchAll(/(?<!!)\[[^\]]*\]\(([^)#]+)\)/g)) {
      if (link && !/^\w+:/.test(link)) assert.ok(existsSync(repoFile(link)), `README links to ${link}, which does not exist`);
    }
  });

  it('resolves every %key% through package.nls.json, which holds no unused or empty strings', () => {
    const used = new Set([...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1] ?? ''));
    for (const key of used) assert.equal(typeof nls[key], 'string', `%${key}% is not in package.nls.json`);
    for (const [key, text] of Object.entries(nls)) {
      assert.ok(used.has(key), `package.nls.json: ${key} is not used in package.json`);
      assert.match(text, /\S/, key);
    }
  });

  it('keeps command titles, setting descriptions and the walkthrough in package.nls.json (ready for translations)', () => {
    const literal: string[] = [];
    const check = (where: string, value: unknown) => {
      if (typeof value === 'string' && nlsKey(value) === undefined) literal.push(`${where}: "${value}"`);
    };
    for (const c of rawManifest.contributes.commands) check(c.command, c.title);
    for (const [key, prop] of Object.entries(rawManifest.contributes.configuration.properties)) {
      const p = prop as { description?: string; markdownDescription?: string };
      check(key, p.description ?? p.markdownDescription);
    }
    for (const w of rawManifest.contributes.walkthroughs ?? []) {
      check(w.id, w.title);
      check(w.id, w.description);
      for (const step of w.steps) {
        check(step.id, step.title);
        check(step.id, step.description);
        if (step.media.altText !== undefined) check(step.id, step.media.altText);
      }
    }
    assert.deepEqual(literal, [], 'run node scripts/extract-nls.mjs');
  });

  it('puts only contributed commands in menus', () => {
    const ids = new Set(commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(menus)) {
      for (const item of items) assert.ok(ids.has(item.command), `${item.command} in ${menu} is not contributed`);
    }
  });
});

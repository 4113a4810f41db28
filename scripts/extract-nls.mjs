// `node scripts/extract-nls.mjs`: moves the manifest's user-facing strings (command titles, setting
// descriptions, editor, view and colour names, the walkthrough, the trust notes) out of package.json into
// package.nls.json, leaving `%key%` behind — the form VS Code and vsce translate with package.nls.<lang>.json.
// Strings already moved are left alone, so run it again after adding a command or a setting.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = path.join(root, 'package.json');
const nlsPath = path.join(root, 'package.nls.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
let nls = {};
try {
  nls = JSON.parse(readFileSync(nlsPath, 'utf8'));
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
}

const short = (id) => String(id).replace(/^flamelens\./, '');
let moved = 0;

/** Replaces obj[field] by %key% and records the text; a key already holding other text is an error. */
function move(obj, field, key) {
  const text = obj?.[field];
  if (typeof text !== 'string' || /^%[^%]+%$/.test(text)) return;
  if (key in nls && nls[key] !== text) throw new Error(`package.nls.json already has ${key} with other text: "${nls[key]}"`);
  nls[key] = text;
  obj[field] = `%${key}%`;
  moved++;
}

move(manifest, 'displayName', 'displayName');
move(manifest, 'description', 'description');
for (const cap of ['untrustedWorkspaces', 'virtualWorkspaces']) move(manifest.capabilities?.[cap], 'description', `capabilities.${cap}.description`);

const c = manifest.contributes ?? {};
for (const cmd of c.commands ?? []) {
  move(cmd, 'title', `command.${short(cmd.command)}.title`);
  move(cmd, 'shortTitle', `command.${short(cmd.command)}.shortTitle`);
}
for (const editor of c.customEditors ?? []) move(editor, 'displayName', `customEditor.${short(editor.viewType)}.displayName`);
for (const sub of c.submenus ?? []) move(sub, 'label', `submenu.${short(sub.id)}.label`);
for (const container of Object.values(c.viewsContainers ?? {}).flat()) move(container, 'title', `viewContainer.${short(container.id)}.title`);
for (const view of Object.values(c.views ?? {}).flat()) {
  move(view, 'name', `view.${short(view.id)}.name`);
  move(view, 'contextualTitle', `view.${short(view.id)}.contextualTitle`);
}
for (const color of c.colors ?? []) move(color, 'description', `color.${short(color.id)}.description`);
for (const config of [c.configuration ?? []].flat()) {
  for (const [key, prop] of Object.entries(config.properties ?? {})) {
    for (const field of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) move(prop, field, `config.${short(key)}.${field}`);
    for (const field of ['enumDescriptions', 'markdownEnumDescriptions']) {
      (prop[field] ?? []).forEach((_, i, list) => move(list, i, `config.${short(key)}.${field}.${prop.enum?.[i] ?? i}`));
    }
  }
}
for (const w of c.walkthroughs ?? []) {
  const base = `walkthrough.${short(w.id)}`;
  move(w, 'title', `${base}.title`);
  move(w, 'description', `${base}.description`);
  for (const step of w.steps ?? []) {
    move(step, 'title', `${base}.${step.id}.title`);
    move(step, 'description', `${base}.${step.id}.description`);
    move(step.media, 'altText', `${base}.${step.id}.altText`);
  }
}

writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(nlsPath, `${JSON.stringify(nls, null, 2)}\n`);
console.log(`${moved} strings moved to package.nls.json (${Object.keys(nls).length} keys)`);

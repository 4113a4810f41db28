// pprof files in VS Code: a .pb.gz / .pprof written by FlameLens's own exporter (from the workspace's
// busy.cpuprofile, recorded by `node --cpu-prof`) opens in the FlameLens custom editor, becomes the
// current profile with the same tree totals as the V8 original, and gives busy.js the same hot lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { encodePprof } from '../../../src/export/pprof';
import { maybeGunzip } from '../../../src/model/gunzip';
import { parseProfile } from '../../../src/model/import';
import { EXTENSION_ID, api, until } from './helpers';

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return folder.uri.fsPath;
}

function customEditorTab(file: string): vscode.TabInputCustom | undefined {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => t.input)
    .find((i): i is vscode.TabInputCustom => i instanceof vscode.TabInputCustom && i.uri.fsPath === file);
}

async function openAndWait(file: string): Promise<{ nodeCount: number; total: number }> {
  const t = await api();
  await vscode.commands.executeCommand('flamelens.openProfile', vscode.Uri.file(file));
  const input = await until(`the custom editor tab of ${path.basename(file)}`, () => customEditorTab(file));
  assert.equal(input.viewType, 'flamelens.profileEditor');
  return until(`${path.basename(file)} to be the current profile`, () => {
    const c = t.currentProfileForTest();
    return c?.title === path.basename(file) ? c : undefined;
  });
}

async function hotLinesOfBusy(): Promise<Map<number, number>> {
  const t = await api();
  // An earlier suite may have left them cleared.
  await vscode.commands.executeCommand('flamelens.showHotLines');
  const doc = await vscode.workspace.openTextDocument(path.join(workspaceDir(), 'busy.js'));
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  const anns = await until('hot lines in busy.js', () => {
    const a = t.getHotLinesForTest(doc.uri);
    return a.length > 0 ? a : undefined;
  });
  return new Map(anns.map((a) => [a.line, a.heat]));
}

describe('pprof profiles in VS Code', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('declares .pprof / .pb.gz for the FlameLens editor and the explorer menu (Open With FlameLens)', () => {
    const contributes = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes as {
      customEditors: { viewType: string; selector: { filenamePattern: string }[] }[];
      menus: { 'explorer/context': { command: string; when: string }[] };
    };
    const patterns = contributes.customEditors.filter((e) => e.viewType === 'flamelens.profileEditor').flatMap((e) => e.selector.map((s) => s.filenamePattern));
    for (const p of ['*.pprof', '*.pb.gz']) assert.ok(patterns.includes(p), `${p} in ${patterns.join(', ')}`);
    const open = contributes.menus['explorer/context'].find((m) => m.command === 'flamelens.openWith');
    assert.ok(open);
    const when = /resourceFilename =~ \/(.+)\/$/.exec(open.when)?.[1];
    assert.ok(when, open.when);
    const re = new RegExp(when);
    for (const name of ['cpu.pprof', 'profile.pb.gz', 'x.pprof.gz', 'a.cpuprofile', 'a.heapprofile.gz', 'a.heapsnapshot', 'a.heapsnapshot.gz']) assert.ok(re.test(name), `${name} matches ${when}`);
    for (const name of ['a.gz', 'a.pb', 'pprof.txt']) assert.ok(!re.test(name), `${name} does not match ${when}`);
  });

  it('opens a pprof exported from busy.cpuprofile: same totals and hot lines as the original', async () => {
    const original = path.join(workspaceDir(), 'busy.cpuprofile');
    const v8 = parseProfile(fs.readFileSync(original));
    const pbGz = path.join(workspaceDir(), 'busy.pb.gz');
    fs.writeFileSync(pbGz, gzipSync(encodePprof(v8, { startedAtMs: Date.now() })));
    const expected = parseProfile(maybeGunzip(fs.readFileSync(pbGz)));
    assert.equal(expected.format, 'pprof', 'the importer reads it as pprof');

    const fromV8 = await openAndWait(original);
    const v8Lines = await hotLinesOfBusy();
    const fromPprof = await openAndWait(pbGz);
    assert.equal(fromPprof.nodeCount, expected.nodeCount);
    assert.equal(fromPprof.total, expected.totalValue[0]);
    // ns in pprof vs µs in V8: totals agree to well under a microsecond per sample.
    assert.ok(Math.abs(fromPprof.total - fromV8.total) <= 1 + fromV8.total * 1e-6, `${fromPprof.total} vs ${fromV8.total}`);
    const pprofLines = await hotLinesOfBusy();
    assert.deepEqual([...pprofLines.keys()].sort((a, b) => a - b), [...v8Lines.keys()].sort((a, b) => a - b), 'the same lines are hot');
    const hottest = (m: Map<number, number>) => [...m].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    assert.equal(hottest(pprofLines), hottest(v8Lines));
  });

  it('opens an uncompressed .pprof too', async () => {
    const v8 = parseProfile(fs.readFileSync(path.join(workspaceDir(), 'busy.cpuprofile')));
    const raw = path.join(workspaceDir(), 'busy.pprof');
    fs.writeFileSync(raw, encodePprof(v8));
    const current = await openAndWait(raw);
    assert.equal(current.nodeCount, parseProfile(fs.readFileSync(raw)).nodeCount);
  });
});

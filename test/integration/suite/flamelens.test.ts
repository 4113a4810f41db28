// FlameLens inside a real VS Code extension host: commands, the custom editor, a real capture of
// busy.js through Profile Current File, hot-line annotations and how they follow edits, compare,
// and Stop Profiling on a program that would run for a long time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfile } from '../../../src/model/import';
import { defaultMaxInputSize } from '../../../src/model/gunzip';
import { loadProfile, ProfileLoadError } from '../../../src/views/load-profile';
import { EXTENSION_ID, api, until } from './helpers';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return folder.uri.fsPath;
}

function activeTabInput(): unknown {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.input;
}

function flameTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) =>
        (t.input instanceof vscode.TabInputCustom && t.input.viewType === 'flamelens.profileEditor') ||
        (t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('flamelens.profilePanel')),
    );
}

async function openBusy(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(path.join(workspaceDir(), 'busy.js'));
  return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
}

/** 1-based line of the first line of busy.js matching `re`. */
function lineOf(doc: vscode.TextDocument, re: RegExp): number {
  for (let i = 0; i < doc.lineCount; i++) if (re.test(doc.lineAt(i).text)) return i + 1;
  throw new Error(`no line matches ${re}`);
}

/** Opens `file` with Open Profile; once it is current, checks it holds the profile in `original` (nodes, total). */
async function openAndCompare(t: Awaited<ReturnType<typeof api>>, file: string, original: string): Promise<void> {
  await vscode.commands.executeCommand('flamelens.openProfile', vscode.Uri.file(file));
  const title = path.basename(file);
  const current = await until(`${title} to be current`, () => {
    const c = t.currentProfileForTest();
    return c?.title === title ? c : undefined;
  }, 30_000);
  const expected = parseProfile(new TextEncoder().encode(original));
  assert.equal(current.nodeCount, expected.nodeCount);
  assert.equal(current.total, expected.totalValue[0]);
}

describe('FlameLens extension', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers every palette command', async () => {
    await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    const ids = [
      'profileCurrentFile',
      'profileNpmScript',
      'profileCommand',
      'profileLaunchConfig',
      'stopProfiling',
      'openProfile',
      'compareProfiles',
      'showHotLines',
      'clearHotLines',
      'revealInFlameGraph',
      'showLog',
    ].map((c) => `flamelens.${c}`);
    assert.deepEqual(ids.filter((id) => !registered.has(id)), []);
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string; category: string }[]);
    assert.ok(contributed.every((c) => c.category === 'FlameLens'));
  });

  it('Show Log opens the FlameLens log channel without error', async () => {
    await api();
    await vscode.commands.executeCommand('flamelens.showLog');
  });

  it('Open Profile shows a .cpuprofile in the FlameLens custom editor and makes it current', async () => {
    const t = await api();
    const file = path.join(workspaceDir(), 'busy.cpuprofile');
    await vscode.commands.executeCommand('flamelens.openProfile', vscode.Uri.file(file));
    const input = await until('the custom editor tab', () => {
      const i = activeTabInput();
      if (i instanceof vscode.TabInputCustom) return i;
      // The active group may be another one (a panel left open by an earlier suite): look at every tab.
      return flameTabs()
        .map((t) => t.input)
        .find((x): x is vscode.TabInputCustom => x instanceof vscode.TabInputCustom && x.uri.fsPath === file);
    });
    assert.equal(input.viewType, 'flamelens.profileEditor');
    assert.equal(input.uri.fsPath, file);
    const expected = parseProfile(fs.readFileSync(file));
    const current = await until('the current profile', () => t.currentProfileForTest());
    assert.equal(current.title, 'busy.cpuprofile');
    assert.equal(current.nodeCount, expected.nodeCount);
    assert.equal(current.total, expected.totalValue[0]);
  });

  it('Open With FlameLens (no argument) reopens the profile shown as text in the FlameLens editor', async () => {
    await api();
    const file = path.join(workspaceDir(), 'busy.cpuprofile');
    // .cpuprofile is an "option" editor: a plain open shows the JSON text.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file), vscode.ViewColumn.One);
    await vscode.commands.executeCommand('flamelens.openWith');
    const input = await until('the custom editor tab', () => {
      const i = activeTabInput();
      return i instanceof vscode.TabInputCustom && i.uri.fsPath === file ? i : undefined;
    });
    assert.equal(input.viewType, 'flamelens.profileEditor');
  });

  it('opens a 3 MB profile (parsed in a worker thread when dist/parse-worker.js is built)', async () => {
    const t = await api();
    const original = fs.readFileSync(path.join(workspaceDir(), 'busy.cpuprofile'), 'utf8');
    // Unknown top-level keys are skipped by the importer: pad the file past the worker threshold.
    const big = path.join(workspaceDir(), 'big-busy.cpuprofile');
    fs.writeFileSync(big, `{"padding":"${'x'.repeat(3 * 1024 * 1024)}",${original.trimStart().slice(1)}`);
    await openAndCompare(t, big, original);
    // Under 6 MB: read here, its bytes moved to the worker.
    assert.equal(t.lastParseRouteForTest(), 'worker-bytes');
  });

  it('opens a profile over 6 MB by its path: the worker streams it from disk', async () => {
    const t = await api();
    const original = fs.readFileSync(path.join(workspaceDir(), 'busy.cpuprofile'), 'utf8');
    // 7,000 unknown top-level members of 1 KB (skipped, each far smaller than the scanner's window)
    // take the file past 6 MB, where a local file goes to the worker by its path.
    const padding = Array.from({ length: 7000 }, (_, i) => `"pad${i}":"${'x'.repeat(1000)}"`).join(',');
    const large = path.join(workspaceDir(), 'large-busy.cpuprofile');
    fs.writeFileSync(large, `{${padding},${original.trimStart().slice(1)}`);
    assert.ok(fs.statSync(large).size > 6 * 1024 * 1024);
    await openAndCompare(t, large, original);
    assert.equal(t.lastParseRouteForTest(), 'worker-path');
  });

  it('refuses a profile larger than it can parse before reading it (sparse file, no disk used)', async () => {
    const huge = path.join(workspaceDir(), 'huge.cpuprofile');
    const size = defaultMaxInputSize() + 1024 * 1024;
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, size);
    try {
      const started = Date.now();
      await assert.rejects(loadProfile(vscode.Uri.file(huge)), (e: unknown) => {
        assert.ok(e instanceof ProfileLoadError, String(e));
        assert.match(e.message, /^huge\.cpuprofile is [\d.]+ GB, past the [\d.]+ GB FlameLens reads/);
        return true;
      });
      assert.ok(Date.now() - started < 5000, 'refused from its size, not after reading it');
    } finally {
      fs.rmSync(huge, { force: true });
    }
  });

  it('annotates the hottest busy.js lines from the open profile, follows edits, and Clear/Show toggle them', async () => {
    const t = await api();
    const editor = await openBusy();
    const doc = editor.document;
    const anns = await until('hot lines in busy.js', () => {
      const a = t.getHotLinesForTest(doc.uri);
      return a.length > 0 ? a : undefined;
    });
    for (const a of anns) assert.match(a.text, /^\d+(\.\d+)? (µs|ms|s) · (\d+(\.\d)?|<0\.1)%$/);
    const hottest = anns.reduce((x, y) => (y.heat > x.heat ? y : x));
    assert.equal(hottest.heat, 1);
    assert.equal(hottest.bucket, 3);
    // the gutter flame of each bucket is a file the extension ships
    for (const a of anns) assert.ok(fs.existsSync(a.gutterIcon), `${a.gutterIcon} missing`);
    assert.equal(path.basename(hottest.gutterIcon), 'hot-4.svg');
    // the hottest line sits inside the three workloads (between fibonacci's start and main's start)
    const first = lineOf(doc, /function fibonacci/);
    const mainLine = lineOf(doc, /function main/);
    assert.ok(hottest.line >= first && hottest.line < mainLine, `hottest line ${hottest.line} outside ${first}..${mainLine}`);

    // Lenses for the hot functions, with the reveal command.
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 50)) ?? [];
    const ours = lenses.filter((l) => l.command?.command === 'flamelens.revealInFlameGraph');
    const fib = ours.find((l) => l.range.start.line + 1 === first);
    assert.ok(fib, `no lens on fibonacci (line ${first}); lenses at ${ours.map((l) => l.range.start.line + 1).join(', ')}`);
    assert.match(fib.command!.title, /self .+ · total .+/);
    // busy.js's CommonJS wrapper (anonymous, line 1) is not a function the user wrote: no lens for it
    assert.ok(!ours.some((l) => l.range.start.line === 0 && /\(anonymous\)/.test(l.command!.tooltip ?? '')), 'a lens on the module wrapper');
    // Hover on the hottest line names its function and links to the flame graph.
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(hottest.line - 1, 0))) ?? [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /FlameLens/);
    assert.match(text, /command:flamelens\.revealInFlameGraph/);

    // The hot lines of a timeline range on the unedited file (a line hot in the range need not be
    // among the whole profile's hot lines), then the whole profile's again.
    const before = new Map(anns.map((a) => [a.line, a.text]));
    const differs = (a: { line: number; text: string }[]) => a.length > 0 && a.some((x) => before.get(x.line) !== x.text);
    t.scopeCurrentForTest([0.5, 1]);
    const rangedBefore = await until('hot lines of the range', () => {
      const a = t.getHotLinesForTest(doc.uri);
      return differs(a) ? a : undefined;
    });
    t.scopeCurrentForTest(undefined);
    await until('the whole profile', () => (differs(t.getHotLinesForTest(doc.uri)) ? undefined : true));

    // Insert two lines at the top: every annotation moves down by two.
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// one\n// two\n'));
    const shifted = t.getHotLinesForTest(doc.uri);
    assert.deepEqual(
      shifted.map((a) => [a.line, a.text]),
      [...before].map(([line, text]) => [line + 2, text]),
    );
    // A timeline range picked, then cleared: the hot lines of the range, then of the whole profile,
    // stay where the code is now (they went back to the profile's old lines: 2 above their code).
    t.scopeCurrentForTest([0.5, 1]);
    const ranged = await until('hot lines of the range', () => {
      const a = t.getHotLinesForTest(doc.uri);
      return a.length > 0 && a.some((x) => !before.has(x.line - 2) || x.text !== before.get(x.line - 2)) ? a : undefined;
    });
    assert.deepEqual(
      ranged.map((a) => [a.line, a.text]),
      rangedBefore.map((a) => [a.line + 2, a.text]),
      'the range hot lines sit 2 lines below where they were before the edit',
    );
    t.scopeCurrentForTest(undefined);
    await until('the whole profile again', () => (t.getHotLinesForTest(doc.uri).length === shifted.length ? true : undefined));
    assert.deepEqual(t.getHotLinesForTest(doc.uri).map((a) => [a.line, a.text]), shifted.map((a) => [a.line, a.text]));
    // Enter at the end of a hot line, then undo (VS Code deletes that new line from the hot line's end): it keeps its annotation.
    const other = shifted.find((a) => a.line !== hottest.line + 2)!;
    await editor.edit((e) => e.insert(doc.lineAt(other.line - 1).range.end, '\n'));
    await vscode.commands.executeCommand('undo');
    assert.deepEqual(t.getHotLinesForTest(doc.uri).map((a) => [a.line, a.text]), shifted.map((a) => [a.line, a.text]));
    // Typing inside the hottest line drops its annotation only.
    const hotNow = hottest.line + 2;
    await editor.edit((e) => e.insert(new vscode.Position(hotNow - 1, doc.lineAt(hotNow - 1).firstNonWhitespaceCharacterIndex), ' '));
    const afterTyping = t.getHotLinesForTest(doc.uri);
    assert.equal(afterTyping.length, shifted.length - 1);
    assert.ok(!afterTyping.some((a) => a.line === hotNow));
    // Undo both edits: the rest move back up to where they were; the document is clean again.
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await until('busy.js to be clean', () => (doc.isDirty ? undefined : true));
    assert.deepEqual(
      t.getHotLinesForTest(doc.uri).map((a) => a.line),
      [...before.keys()].filter((l) => l !== hottest.line),
    );

    await vscode.commands.executeCommand('flamelens.clearHotLines');
    assert.equal(t.hotLinesShownForTest(), false);
    assert.deepEqual(t.getHotLinesForTest(doc.uri), []);
    await vscode.commands.executeCommand('flamelens.showHotLines');
    assert.equal(t.hotLinesShownForTest(), true);
    assert.ok(t.getHotLinesForTest(doc.uri).length > 0);
  });

  it('flamelens.hotLines.threshold and .enabled take effect on change', async () => {
    const t = await api();
    const editor = await openBusy();
    const all = await until('hot lines in busy.js', () => {
      const a = t.getHotLinesForTest(editor.document.uri);
      return a.length > 1 ? a : undefined;
    });
    const config = vscode.workspace.getConfiguration('flamelens');
    // A threshold between the hottest line's share and the next one's leaves only lines above it.
    const hottest = all.reduce((x, y) => (y.heat > x.heat ? y : x));
    const pct = (a: { text: string }) => Number(/· ([\d.]+)%/.exec(a.text)?.[1] ?? 0);
    const threshold = pct(hottest) - 0.05;
    try {
      await config.update('hotLines.threshold', threshold, vscode.ConfigurationTarget.Workspace);
      const few = await until('fewer hot lines', () => {
        const a = t.getHotLinesForTest(editor.document.uri);
        return a.length < all.length ? a : undefined;
      });
      assert.ok(few.length >= 1 && few.every((a) => pct(a) >= threshold), JSON.stringify(few));
      await config.update('hotLines.enabled', false, vscode.ConfigurationTarget.Workspace);
      await until('hot lines off', () => (t.hotLinesShownForTest() ? undefined : true));
      assert.deepEqual(t.getHotLinesForTest(editor.document.uri), []);
    } finally {
      await config.update('hotLines.threshold', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('hotLines.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    // >=: the edit test above dropped one annotation; a settings change recomputes them all.
    await until('hot lines back', () => (t.hotLinesShownForTest() && t.getHotLinesForTest(editor.document.uri).length >= all.length ? true : undefined)).catch(
      (err: Error) => {
        const c = vscode.workspace.getConfiguration('flamelens');
        throw new Error(
          `${err.message}: shown=${t.hotLinesShownForTest()} lines=${t.getHotLinesForTest(editor.document.uri).length}/${all.length} enabled=${c.get('hotLines.enabled')} threshold=${c.get('hotLines.threshold')}`,
        );
      },
    );
  });

  it('hot lines reach a file opened through a symlink (Node records the real path)', async () => {
    const t = await api();
    const dir = workspaceDir();
    const link = path.join(dir, 'busy-link.js');
    fs.symlinkSync(path.join(dir, 'busy.js'), link);
    const uri = vscode.Uri.file(link);
    try {
      await vscode.commands.executeCommand('vscode.open', uri, vscode.ViewColumn.One);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, link, 'VS Code keeps the path it was given');
      const direct = t.getHotLinesForTest(vscode.Uri.file(path.join(dir, 'busy.js')));
      const viaLink = await until('hot lines in busy-link.js', () => {
        const a = t.getHotLinesForTest(uri);
        return a.length > 0 ? a : undefined;
      });
      // The edit test above left busy.js's hottest line unannotated; the link is a fresh document with all of them.
      assert.ok(viaLink.length >= direct.length && viaLink.some((a) => a.heat === 1), `${viaLink.length} via the link, ${direct.length} in busy.js`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(link, { force: true });
    }
  });

  it('hot lines follow a file that changed on disk while it was closed (a checkout, a formatter)', async () => {
    const t = await api();
    const dir = workspaceDir();
    // A copy of busy.js and the workspace's profile of busy.js with its script renamed to the copy: a
    // file that no API call has opened, so closing its editor closes the document (VS Code keeps
    // documents an extension opened for minutes), as when the user closes a tab.
    const copy = path.join(dir, 'busy-closed.js');
    const renamedProfile = path.join(dir, 'busy-closed.cpuprofile');
    const original = fs.readFileSync(path.join(dir, 'busy.js'), 'utf8');
    const profileText = fs.readFileSync(path.join(dir, 'busy.cpuprofile'), 'utf8');
    assert.ok(profileText.includes('/busy.js"'), 'the profile names busy.js');
    fs.writeFileSync(copy, original);
    fs.writeFileSync(renamedProfile, profileText.split('/busy.js"').join('/busy-closed.js"'));
    const uri = vscode.Uri.file(copy);
    try {
      await vscode.commands.executeCommand('flamelens.openProfile', vscode.Uri.file(renamedProfile));
      await until('the renamed profile to be current', () => (t.currentProfileForTest()?.title === 'busy-closed.cpuprofile' ? true : undefined), 30_000);
      await vscode.commands.executeCommand('vscode.open', uri, vscode.ViewColumn.One);
      const before = await until('hot lines in busy-closed.js', () => {
        const a = t.getHotLinesForTest(uri);
        return a.length > 1 ? a : undefined;
      });
      const closed = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidCloseTextDocument((d) => {
          if (d.uri.toString() !== uri.toString()) return;
          sub.dispose();
          resolve();
        });
      });
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('busy-closed.js was never closed')), 30_000))]);
      // Changed on disk while closed: three lines above, and the hottest line itself edited.
      const hottest = before.reduce((x, y) => (y.heat > x.heat ? y : x));
      const lines = original.split('\n');
      lines[hottest.line - 1] = `${lines[hottest.line - 1]} // changed while closed`;
      fs.writeFileSync(copy, ['// added 1', '// added 2', '// added 3', ...lines].join('\n'));
      await vscode.commands.executeCommand('vscode.open', uri, vscode.ViewColumn.One);
      const after = await until('hot lines in the changed busy-closed.js', () => {
        const a = t.getHotLinesForTest(uri);
        return a.length > 0 ? a : undefined;
      });
      assert.deepEqual(
        after.map((a) => [a.line, a.text]),
        before.filter((a) => a.line !== hottest.line).map((a) => [a.line + 3, a.text]),
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(copy, { force: true });
      fs.rmSync(renamedProfile, { force: true });
    }
  });

  it('Profile Current File records busy.js in a terminal, opens the flame graph panel, and annotates busy.js', async () => {
    const t = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openBusy();
    await vscode.commands.executeCommand('flamelens.profileCurrentFile');
    const running = await until('the capture to start', () => t.lastCaptureForTest());
    assert.ok(vscode.window.terminals.some((term) => term.name === 'FlameLens: busy.js'), 'no FlameLens terminal');
    const outcome = await running;
    assert.ok(outcome.opened, `nothing opened; problems: ${outcome.result.problems.join('; ')}`);
    assert.equal(outcome.result.exitCode, 0);
    assert.equal(outcome.opened.kind, 'cpu');
    assert.ok(fs.existsSync(outcome.opened.path));
    assert.ok(outcome.sessionDir.startsWith(path.join(workspaceDir(), '.flamelens')), outcome.sessionDir);
    await until('the flame graph panel', () => flameTabs().find((tab) => tab.input instanceof vscode.TabInputWebview));
    const current = await until('the captured profile to be current', () => {
      const c = t.currentProfileForTest();
      return c?.source === outcome.opened!.path ? c : undefined;
    });
    assert.match(current.title, /^busy\.js \(CPU, pid \d+\)$/);
    const anns = await until('hot lines from the capture', () => {
      const a = t.getHotLinesForTest(editor.document.uri);
      return a.length > 0 ? a : undefined;
    });
    assert.ok(anns.some((a) => a.heat === 1));
  });

  it('Compare Profiles opens a diff panel of two profiles', async () => {
    const t = await api();
    const a = vscode.Uri.file(path.join(workspaceDir(), 'busy.cpuprofile'));
    const b = vscode.Uri.file(path.join(repoRoot, 'test', 'fixtures', 'small-marked-1000us.cpuprofile'));
    await vscode.commands.executeCommand('flamelens.compareProfiles', a, b);
    const current = await until('the diff to be current', () => {
      const c = t.currentProfileForTest();
      return c?.title.includes('→') ? c : undefined;
    });
    assert.equal(current.title, 'busy.cpuprofile → small-marked-1000us.cpuprofile');
    await until(`a tab titled ${current.title}`, () => flameTabs().some((tab) => tab.label === current.title));
  });

  it('Stop Profiling saves the profile of a still-running program and opens it', async () => {
    const t = await api();
    const forever = path.join(workspaceDir(), 'forever.js');
    fs.writeFileSync(
      forever,
      "function spin(){const e=Date.now()+20;while(Date.now()<e);}\nsetInterval(spin, 25);\nsetTimeout(()=>process.exit(3), 60000);\n",
    );
    const previous = t.lastCaptureForTest();
    const sessionDir = path.join(workspaceDir(), '.flamelens');
    const earlier = new Set(fs.existsSync(sessionDir) ? fs.readdirSync(sessionDir) : []);
    // The command resolves once the program has started (not when it ends).
    await vscode.commands.executeCommand('flamelens.profileCommand', `node ${JSON.stringify(forever)}`);
    const running = t.lastCaptureForTest();
    assert.ok(running && running !== previous, 'no new capture');
    // Let the program run a while once its agent has started recording.
    await until('the agent to start', () =>
      fs.readdirSync(sessionDir).some((d) => !earlier.has(d) && fs.readdirSync(path.join(sessionDir, d)).some((f) => f.endsWith('.json'))),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const started = Date.now();
    await vscode.commands.executeCommand('flamelens.stopProfiling');
    const outcome = await running;
    assert.ok(Date.now() - started < 15_000);
    assert.ok(outcome.opened, `nothing opened from ${outcome.sessionDir} (${fs.readdirSync(outcome.sessionDir).join(', ')}); threads: ${JSON.stringify(outcome.result.threads)}; problems: ${outcome.result.problems.join('; ')}`);
    assert.equal(outcome.opened.stopReason, 'manual');
    assert.ok(outcome.opened.durationMs >= 1000, `recorded ${outcome.opened.durationMs} ms`);
    const profile = parseProfile(fs.readFileSync(outcome.opened.path));
    assert.ok(profile.frames.some((f) => f.functionName === 'spin'), 'spin is not in the profile');
    // The program is still running in its terminal; closing the terminal ends it.
    const term = vscode.window.terminals.find((x) => x.name.startsWith('FlameLens: node'));
    assert.ok(term);
    term.dispose();
  });
});

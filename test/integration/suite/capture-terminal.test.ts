// Programs profiled from VS Code run in a real integrated terminal (a TTY), the run is in the
// FlameLens log, and flamelens.nodePath chooses the `node` that runs them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CaptureOutcome } from '../../../src/commands/capture-session';
import { api, EXTENSION_ID, nodeExecutable, until } from './helpers';

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return folder.uri.fsPath;
}

/** A program that notes what it sees, then keeps a function busy for a while. */
function writeProgram(name: string, note: string): string {
  const file = path.join(workspaceDir(), name);
  fs.writeFileSync(
    file,
    `require('fs').writeFileSync(${JSON.stringify(note)}, JSON.stringify({ stdout: process.stdout.isTTY === true, stdin: process.stdin.isTTY === true, argv0: process.argv0 }));\n` +
      'function busyLoop() { const end = Date.now() + 400; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\n' +
      'busyLoop();\n',
  );
  return file;
}

async function capture(start: () => Thenable<unknown>): Promise<CaptureOutcome> {
  const t = await api();
  const previous = t.lastCaptureForTest();
  await start();
  const running = await until('a new capture', () => {
    const r = t.lastCaptureForTest();
    return r !== previous ? r : undefined;
  });
  return running!;
}

describe('Programs in a real terminal', function () {
  this.timeout(90_000);

  afterEach(async () => {
    for (const term of vscode.window.terminals.filter((x) => x.name.startsWith('FlameLens: '))) term.dispose();
    await vscode.workspace.getConfiguration('flamelens').update('nodePath', undefined, vscode.ConfigurationTarget.Global);
  });

  it('a profiled program sees a TTY on stdout and stdin, runs in an integrated terminal, and the log has the run', async () => {
    const note = path.join(workspaceDir(), 'tty-note.json');
    fs.rmSync(note, { force: true });
    const file = writeProgram('tty-check.js', note);
    const outcome = await capture(() => vscode.commands.executeCommand('flamelens.profileCommand', `node ${JSON.stringify(file)}`));
    assert.ok(vscode.window.terminals.some((x) => x.name.startsWith('FlameLens: node')), `terminals: ${vscode.window.terminals.map((x) => x.name).join(', ')}`);
    assert.ok(outcome.opened, `nothing opened; problems: ${outcome.result.problems.join('; ')}`);
    assert.equal(outcome.result.exitCode, 0);
    const seen = JSON.parse(fs.readFileSync(note, 'utf8')) as { stdout: boolean; stdin: boolean };
    assert.deepEqual({ stdout: seen.stdout, stdin: seen.stdin }, { stdout: true, stdin: true });
    // The run in the FlameLens log channel: what ran, where the profiles went, the profile written.
    const logFile = (await api()).logFileForTest();
    const log = await until(
      'the run in the log',
      () => {
        const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
        return text.includes(`profile: ${outcome.opened!.path}`) ? text : undefined;
      },
      15_000,
    );
    assert.ok(log.includes(`recording node "${file}" in a terminal`) || log.includes(`recording node ${JSON.stringify(file)} in a terminal`), log.slice(-2000));
    assert.ok(log.includes(`profiles go to ${outcome.sessionDir}`), log.slice(-2000));
    // (The run's name is the command line cut to 60 characters.)
    assert.match(log, /\[info\] node "[^\n]* exited \(code 0\)\n[^\n]*profile: /);
    assert.ok(!/waiting for 1 more process/.test(log.slice(log.lastIndexOf('tty-check.js" in a terminal'))), 'the terminal\'s own shell is not awaited as a child');
  });

  it('flamelens.nodePath is the node that runs Profile Current File', async () => {
    const note = path.join(workspaceDir(), 'nodepath-note.json');
    const marker = path.join(workspaceDir(), 'nodepath-used.txt');
    fs.rmSync(note, { force: true });
    fs.rmSync(marker, { force: true });
    const fakeNode = path.join(workspaceDir(), 'my-node.sh');
    fs.writeFileSync(fakeNode, `#!/bin/sh\necho "$@" > ${JSON.stringify(marker)}\nexec ${JSON.stringify(nodeExecutable())} "$@"\n`, { mode: 0o755 });
    await vscode.workspace.getConfiguration('flamelens').update('nodePath', fakeNode, vscode.ConfigurationTarget.Global);
    const file = writeProgram('nodepath-check.js', note);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const outcome = await capture(() => vscode.commands.executeCommand('flamelens.profileCurrentFile'));
    assert.ok(outcome.opened, `nothing opened; problems: ${outcome.result.problems.join('; ')}`);
    assert.ok(fs.existsSync(marker), 'the nodePath script ran');
    assert.equal(fs.readFileSync(marker, 'utf8').trim(), file);
    assert.ok(fs.existsSync(note), 'the program ran');
  });

  it('Profile Current File runs a TypeScript file through its package\'s tsx, and hot lines land on the .ts', async () => {
    // A package with tsx installed (this repo's node_modules) and a .ts file Node's own type
    // stripping would refuse (an enum); busy() is on lines 3-7.
    const app = path.join(workspaceDir(), 'ts-app');
    fs.mkdirSync(path.join(app, 'src'), { recursive: true });
    const repoModules = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'node_modules');
    if (!fs.existsSync(path.join(app, 'node_modules'))) fs.symlinkSync(repoModules, path.join(app, 'node_modules'));
    const file = path.join(app, 'src', 'main.ts');
    fs.writeFileSync(
      file,
      'enum Mode { Sum, Xor }\n\n' +
        'function busy(mode: Mode): number {\n' +
        '  const end = Date.now() + 600; let x = 0;\n' +
        '  while (Date.now() < end) x = mode === Mode.Sum ? x + Math.sqrt(x + 1) : x;\n' +
        '  return x;\n' +
        '}\n' +
        'console.log(busy(Mode.Sum));\n',
    );
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const outcome = await capture(() => vscode.commands.executeCommand('flamelens.profileCurrentFile'));
    assert.ok(outcome.opened, `nothing opened; problems: ${outcome.result.problems.join('; ')}`);
    assert.equal(outcome.result.exitCode, 0);
    const log = fs.readFileSync((await api()).logFileForTest(), 'utf8');
    assert.match(log, /recording \S*node\S* --import file:\/\/\S*\/node_modules\/tsx\/\S+ \S*main\.ts/, log.slice(-2000));
    const t = await api();
    const anns = await until('hot lines in main.ts', () => {
      const a = t.getHotLinesForTest(editor.document.uri);
      return a.length > 0 ? a : undefined;
    });
    const hottest = anns.reduce((a, b) => (b.heat > a.heat ? b : a));
    assert.ok(hottest.line >= 3 && hottest.line <= 7, `the hottest line is in busy() (3-7), not ${hottest.line}: ${JSON.stringify(anns)}`);
  });
});

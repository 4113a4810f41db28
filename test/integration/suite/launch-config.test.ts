// Profile Launch Configuration… goes through the debugger: envFile and preLaunchTask are honoured
// (js-debug and VS Code's task system resolve them), and the profile opens as for any capture.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfile } from '../../../src/model/import';
import { answerQuickPicks, api, until } from './helpers';
import type { FlameLensTestApi } from '../../../src/extension';

const configName = 'FlameLens env+task';

describe('Launch configurations through the debugger', function () {
  this.timeout(120_000);
  let folder: vscode.WorkspaceFolder;

  before(async () => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f);
    folder = f;
    const dir = folder.uri.fsPath;
    fs.writeFileSync(path.join(dir, '.env.flamelens'), 'FROM_ENV_FILE=hello from envFile\n');
    fs.writeFileSync(
      path.join(dir, 'launch-check.js'),
      "require('fs').writeFileSync(require('path').join(__dirname, 'launch-note.json'), JSON.stringify({ fromEnvFile: process.env.FROM_ENV_FILE ?? null }));\n" +
        'function launchedBusyLoop() { const end = Date.now() + 600; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\n' +
        'launchedBusyLoop();\n',
    );
    await vscode.workspace.getConfiguration('tasks', folder.uri).update('version', '2.0.0', vscode.ConfigurationTarget.WorkspaceFolder);
    await vscode.workspace.getConfiguration('tasks', folder.uri).update(
      'tasks',
      [{ label: 'flamelens-mark', type: 'shell', command: 'echo ran > task-ran.txt', options: { cwd: '${workspaceFolder}' }, presentation: { reveal: 'silent' } }],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    await vscode.workspace.getConfiguration('launch', folder.uri).update(
      'configurations',
      [
        {
          type: 'node',
          request: 'launch',
          name: configName,
          program: '${workspaceFolder}/launch-check.js',
          envFile: '${workspaceFolder}/.env.flamelens',
          preLaunchTask: 'flamelens-mark',
        },
      ],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
  });

  after(async () => {
    await vscode.workspace.getConfiguration('launch', folder.uri).update('configurations', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await vscode.workspace.getConfiguration('tasks', folder.uri).update('tasks', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  });

  it('a configuration with preLaunchTask and envFile is profiled; the task ran and the program saw the envFile', async () => {
    const dir = folder.uri.fsPath;
    for (const f of ['task-ran.txt', 'launch-note.json']) fs.rmSync(path.join(dir, f), { force: true });
    const jsDebug = vscode.extensions.getExtension('ms-vscode.js-debug') ?? vscode.extensions.getExtension('ms-vscode.js-debug-nightly');
    const t = await api();
    const previous = t.lastCaptureForTest();
    const debug = watchDebugSessions();
    await profileLaunchConfig(t, configName);
    const running = t.lastCaptureForTest();
    assert.ok(running && running !== previous, 'a capture started');
    const outcome = await running;
    // js-debug ends its sessions after the program: none of them stays (the next tests count the sessions they start).
    await until('the debug sessions to end', () => (debug.live().length === 0 ? true : undefined), 30_000).catch(() => {
      throw new Error(`debug sessions left: ${debug.live().join(', ')}`);
    });
    debug.dispose();
    assert.ok(outcome.opened, `nothing opened from ${outcome.sessionDir}; problems: ${outcome.result.problems.join('; ')}`);
    const profile = parseProfile(fs.readFileSync(outcome.opened.path));
    assert.ok(profile.frames.some((f) => f.functionName === 'launchedBusyLoop'), 'the program is in the profile');
    const note = JSON.parse(fs.readFileSync(path.join(dir, 'launch-note.json'), 'utf8')) as { fromEnvFile: string | null };
    if (jsDebug) {
      assert.equal(note.fromEnvFile, 'hello from envFile');
      assert.ok(fs.existsSync(path.join(dir, 'task-ran.txt')), 'the preLaunchTask ran');
      const current = await until('the profile to be current', () => t.currentProfileForTest());
      assert.match(current.title, new RegExp(`^${configName.replace(/[+]/g, '\\+')} \\(CPU, pid \\d+\\)$`));
      assert.ok(fs.readFileSync(t.logFileForTest(), 'utf8').includes(`recording launch configuration "${configName}" of ${dir} through the debugger`), 'started through the debugger');
    } else {
      // Without js-debug FlameLens reads launch.json itself, and says so in its log.
      const log = fs.readFileSync(t.logFileForTest(), 'utf8');
      assert.match(log, /js-debug\) is not installed/);
    }
  });

  it('a node-terminal configuration runs its command in a FlameLens terminal: the recording ends with it, and no shell keeps the agent', async () => {
    const dir = folder.uri.fsPath;
    fs.writeFileSync(path.join(dir, 'nt-check.js'), 'function nodeTerminalBusy() { const end = Date.now() + 500; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\nnodeTerminalBusy();\n');
    const name = 'FlameLens node-terminal';
    await vscode.workspace.getConfiguration('launch', folder.uri).update('configurations', [{ type: 'node-terminal', request: 'launch', name, command: 'node nt-check.js' }], vscode.ConfigurationTarget.WorkspaceFolder);
    const t = await api();
    const previous = t.lastCaptureForTest();
    const debug = watchDebugSessions();
    await profileLaunchConfig(t, name);
    const running = t.lastCaptureForTest();
    assert.ok(running && running !== previous, 'a capture started');
    // Through the debugger its debug terminal stayed open as a shell: the recording never ended,
    // and a later `node` typed there loaded the agent into the old session folder.
    const outcome = await Promise.race([running, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
    assert.ok(outcome, 'the recording ended when the command did');
    assert.ok(outcome.opened, `nothing opened; problems: ${outcome.result.problems.join('; ')}`);
    assert.ok(parseProfile(fs.readFileSync(outcome.opened.path)).frames.some((f) => f.functionName === 'nodeTerminalBusy'), 'the command is in the profile');
    debug.dispose();
    assert.deepEqual(debug.started, [], 'no debug session (and so no debug terminal) was started');
    for (const term of vscode.window.terminals.filter((x) => x.name.startsWith('FlameLens: '))) term.dispose();
  });

  it('a compound of one node-terminal configuration runs it in a FlameLens terminal, recorded; one of two is refused with their names, shown inertly', async () => {
    const dir = folder.uri.fsPath;
    fs.writeFileSync(path.join(dir, 'nt-compound.js'), 'function compoundTerminalBusy() { const end = Date.now() + 500; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\ncompoundTerminalBusy();\n');
    const launch = vscode.workspace.getConfiguration('launch', folder.uri);
    await launch.update(
      'configurations',
      [
        { type: 'node-terminal', request: 'launch', name: 'FlameLens nt one', command: 'node nt-compound.js' },
        // A name that would be a command link in a notification (launch.json comes with the repository).
        { type: 'node-terminal', request: 'launch', name: 'FlameLens nt two](command:workbench.action.quit)', command: 'node nt-compound.js' },
      ],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    await launch.update(
      'compounds',
      [
        { name: 'FlameLens compound one', configurations: ['FlameLens nt one'] },
        { name: 'FlameLens compound two', configurations: ['FlameLens nt one', 'FlameLens nt two](command:workbench.action.quit)'] },
      ],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    try {
      const t = await api();
      const previous = t.lastCaptureForTest();
      const debug = watchDebugSessions();
      await profileLaunchConfig(t, 'FlameLens compound one');
      // (Before: the debugger ran it unrecorded in its own terminal, and FlameLens said the compound "started no Node.js launch".)
      const running = t.lastCaptureForTest();
      assert.ok(running && running !== previous, 'a capture started');
      const outcome = await Promise.race([running, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
      assert.ok(outcome?.opened, `nothing opened; problems: ${outcome?.result.problems.join('; ')}`);
      assert.ok(parseProfile(fs.readFileSync(outcome.opened.path)).frames.some((f) => f.functionName === 'compoundTerminalBusy'), 'the member is in the profile');
      for (const term of vscode.window.terminals.filter((x) => x.name.startsWith('FlameLens: '))) term.dispose();

      debug.dispose();
      // The compound's only member ran in FlameLens's terminal: the debugger had nothing to start.
      assert.deepEqual(debug.started, [], 'no debug session for compound one');

      const debugTwo = watchDebugSessions();
      await profileLaunchConfig(t, 'FlameLens compound two');
      assert.equal(t.lastCaptureForTest(), running, 'no capture started for two node-terminal members');
      const log = await until('the refusal in the log', () => {
        const text = fs.readFileSync(t.logFileForTest(), 'utf8');
        return text.includes('compound "FlameLens compound two": not started, its node-terminal configurations "FlameLens nt one", "FlameLens nt two] (command:workbench.action.quit)"') ? text : undefined;
      });
      assert.ok(log);
      debugTwo.dispose();
      assert.deepEqual(debugTwo.started, [], 'the debugger started nothing');
    } finally {
      await launch.update('compounds', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it('a configuration whose cwd does not exist is an error, not a recording that never ends', async () => {
    const dir = folder.uri.fsPath;
    const name = 'FlameLens missing cwd';
    await vscode.workspace.getConfiguration('launch', folder.uri).update('configurations', [{ type: 'node-terminal', request: 'launch', name, command: 'node nt-check.js', cwd: '${workspaceFolder}/no-such-dir' }], vscode.ConfigurationTarget.WorkspaceFolder);
    const t = await api();
    const previous = t.lastCaptureForTest();
    await profileLaunchConfig(t, name);
    // (Before, the terminal failed to start and the capture waited, recording, for an exit that never came.)
    assert.equal(t.lastCaptureForTest(), previous, 'no capture started');
    const log = await until('the error in the log', () => {
      const file = t.logFileForTest();
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      return text.includes(`working directory does not exist: ${path.join(dir, 'no-such-dir')}`) ? text : undefined;
    });
    assert.ok(log);
  });
});

/**
 * The debug sessions started from now on, by name and type, and those of them still running. (Counting
 * the sessions a command starts, not whether one is active: js-debug may still be ending an earlier test's.)
 */
function watchDebugSessions(): { started: string[]; live(): string[]; dispose(): void } {
  const label = (s: vscode.DebugSession) => `${s.name} (${s.type})`;
  const started: string[] = [];
  const live = new Set<vscode.DebugSession>();
  const listeners = [
    vscode.debug.onDidStartDebugSession((s) => {
      started.push(label(s));
      live.add(s);
    }),
    vscode.debug.onDidTerminateDebugSession((s) => live.delete(s)),
  ];
  return { started, live: () => [...live].map(label), dispose: () => listeners.forEach((l) => l.dispose()) };
}

/** Runs Profile Launch Configuration…, answering its quick pick with the configuration named `name`. */
async function profileLaunchConfig(t: FlameLensTestApi, name: string): Promise<void> {
  const restore = answerQuickPicks(t, (items) => items.find((i) => i.label === name));
  try {
    await vscode.commands.executeCommand('flamelens.profileLaunchConfig');
  } finally {
    restore();
  }
}

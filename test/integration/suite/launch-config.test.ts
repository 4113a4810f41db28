// Profile Launch Configuration… goes through the debugger: envFile and preLaunchTask are honoured
// (js-debug and VS Code's task system resolve them), and the profile opens as for any capture.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfile } from '../../../src/model/import';
import { answerQuickPicks, api, nodeExecutable, until } from './helpers';
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
      [shellTask('flamelens-mark', 'echo ran > task-ran.txt')],
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

  it('a node-terminal configuration runs its preLaunchTask before and its postDebugTask after; a failing preLaunchTask starts nothing', async () => {
    const dir = folder.uri.fsPath;
    for (const f of ['pre-ran.txt', 'post-ran.txt', 'nt-task-note.json']) fs.rmSync(path.join(dir, f), { force: true });
    fs.writeFileSync(
      path.join(dir, 'nt-task.js'),
      "const fs = require('fs');\n" +
        "fs.writeFileSync('nt-task-note.json', JSON.stringify({ preRan: fs.existsSync('pre-ran.txt'), postRan: fs.existsSync('post-ran.txt') }));\n" +
        'function taskedBusy() { const end = Date.now() + 400; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\ntaskedBusy();\n',
    );
    const tasks = vscode.workspace.getConfiguration('tasks', folder.uri);
    const saved = tasks.get<unknown[]>('tasks');
    await tasks.update(
      'tasks',
      [
        shellTask('flamelens-pre', 'sleep 0.3; echo pre > pre-ran.txt'),
        shellTask('flamelens-post', 'echo post > post-ran.txt'),
        shellTask('flamelens-fail', 'exit 3'),
      ],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    await vscode.workspace.getConfiguration('launch', folder.uri).update(
      'configurations',
      [
        { type: 'node-terminal', request: 'launch', name: 'FlameLens nt tasks', command: 'node nt-task.js', preLaunchTask: 'flamelens-pre', postDebugTask: 'flamelens-post' },
        { type: 'node-terminal', request: 'launch', name: 'FlameLens nt failing task', command: 'node nt-task.js', preLaunchTask: 'flamelens-fail' },
      ],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    try {
      const t = await api();
      const previous = t.lastCaptureForTest();
      await profileLaunchConfig(t, 'FlameLens nt tasks');
      const running = t.lastCaptureForTest();
      assert.ok(running && running !== previous, 'a capture started');
      const outcome = await Promise.race([running, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
      assert.ok(outcome?.opened, `nothing opened; problems: ${outcome?.result.problems.join('; ')}`);
      assert.ok(parseProfile(fs.readFileSync(outcome.opened.path)).frames.some((f) => f.functionName === 'taskedBusy'), 'the program is in the profile');
      // (Before, FlameLens's terminal ran the command alone: the build step a configuration names was skipped.)
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'nt-task-note.json'), 'utf8')), { preRan: true, postRan: false }, 'the preLaunchTask ended before the program started; the postDebugTask had not run');
      await until('the postDebugTask to run', () => (fs.existsSync(path.join(dir, 'post-ran.txt')) ? true : undefined));
      for (const term of vscode.window.terminals.filter((x) => x.name.startsWith('FlameLens: '))) term.dispose();

      fs.rmSync(path.join(dir, 'nt-task-note.json'), { force: true });
      await profileLaunchConfig(t, 'FlameLens nt failing task');
      assert.equal(t.lastCaptureForTest(), running, 'no capture started after the failed preLaunchTask');
      const log = await until('the failure in the log', () => {
        const text = fs.readFileSync(t.logFileForTest(), 'utf8');
        return text.includes('"FlameLens nt failing task" not started: the task "flamelens-fail" failed (exit code 3)') ? text : undefined;
      });
      assert.ok(log);
      assert.ok(!fs.existsSync(path.join(dir, 'nt-task-note.json')), 'the program did not run');
    } finally {
      await tasks.update('tasks', saved, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it("a compound's preLaunchTask and stopAll hold when its node-terminal member runs in FlameLens's terminal: a stop stops the others, an end does not", async () => {
    const dir = folder.uri.fsPath;
    fs.rmSync(path.join(dir, 'compound-pre.txt'), { force: true });
    // Real attach members: Node processes with their inspector open on a port of their own.
    const targets: ChildProcess[] = [];
    const inspectedTarget = (): Promise<{ port: number; process: ChildProcess }> => {
      const target = spawn(nodeExecutable(), ['--inspect=127.0.0.1:0', '-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'pipe'] });
      targets.push(target);
      return new Promise((resolve, reject) => {
        let err = '';
        target.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
          if (m) resolve({ port: Number(m[1]), process: target });
        });
        target.on('exit', () => reject(new Error(`the attach target exited: ${err}`)));
      });
    };
    try {
      const kept = await inspectedTarget();
      const ending = await inspectedTarget();
      fs.writeFileSync(path.join(dir, 'nt-long.js'), 'function longBusy() { let x = 0; for (let i = 0; i < 2e5; i++) x += Math.sqrt(i); return x; }\nconst end = Date.now() + Number(process.argv[2]);\nconst t = setInterval(() => { longBusy(); if (Date.now() > end) clearInterval(t); }, 5);\n');
      const tasks = vscode.workspace.getConfiguration('tasks', folder.uri);
      const savedTasks = tasks.get<unknown[]>('tasks');
      await tasks.update('tasks', [shellTask('flamelens-compound-pre', 'echo pre > compound-pre.txt')], vscode.ConfigurationTarget.WorkspaceFolder);
      const launch = vscode.workspace.getConfiguration('launch', folder.uri);
      await launch.update(
        'configurations',
        [
          { type: 'node-terminal', request: 'launch', name: 'FlameLens nt short', command: 'node nt-long.js 1500' },
          { type: 'node-terminal', request: 'launch', name: 'FlameLens nt long', command: 'node nt-long.js 60000' },
          { type: 'node', request: 'attach', name: 'FlameLens attach member', address: '127.0.0.1', port: kept.port },
          { type: 'node', request: 'attach', name: 'FlameLens ending member', address: '127.0.0.1', port: ending.port },
        ],
        vscode.ConfigurationTarget.WorkspaceFolder,
      );
      await launch.update(
        'compounds',
        [
          { name: 'FlameLens stopAll short', configurations: ['FlameLens nt short', 'FlameLens attach member'], stopAll: true, preLaunchTask: 'flamelens-compound-pre' },
          { name: 'FlameLens stopAll long', configurations: ['FlameLens nt long', 'FlameLens attach member'], stopAll: true },
          { name: 'FlameLens stopAll ending', configurations: ['FlameLens nt long', 'FlameLens ending member'], stopAll: true },
        ],
        vscode.ConfigurationTarget.WorkspaceFolder,
      );
      try {
        const t = await api();
        // Starts a compound; resolves once its attach member's own session runs (js-debug's child session for the target has it as its parent).
        let previous: Promise<unknown> | undefined;
        const startCompound = async (compound: string, member: string) => {
          const debug = watchDebugSessions();
          await profileLaunchConfig(t, compound);
          const run = t.lastCaptureForTest();
          assert.ok(run && run !== previous, `a capture of "${compound}" started`);
          previous = run;
          const session = await until(`the session of "${member}"`, () => debug.sessions.find((s) => s.name === member && !s.parentSession));
          return { debug, run, session };
        };
        // The recording's end within 30 s: its profile opened and holds the recorded program.
        const recorded = async (run: Promise<{ opened?: { path: string }; result: { problems: string[] } }>, what: string) => {
          const outcome = await Promise.race([run, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
          assert.ok(outcome?.opened, `${what}: nothing opened; problems: ${outcome?.result.problems.join('; ')}`);
          assert.ok(parseProfile(fs.readFileSync(outcome.opened.path)).frames.some((f) => f.functionName === 'longBusy'), `${what}: the program is in the profile`);
        };
        const logged = (line: string) => until(`the log to say ${line}`, () => (fs.readFileSync(t.logFileForTest(), 'utf8').includes(line) ? true : undefined));
        const noneLive = (debug: ReturnType<typeof watchDebugSessions>, what: string) =>
          until(what, () => (debug.live().length === 0 ? true : undefined)).catch(() => {
            throw new Error(`${what}: still running ${debug.live().join(', ')}`);
          });
        const done = (debug: ReturnType<typeof watchDebugSessions>) => {
          debug.dispose();
          for (const term of vscode.window.terminals.filter((x) => x.name.startsWith('FlameLens: '))) term.dispose();
        };

        // 1. The recorded program ends by itself: the attach session goes on (VS Code's stopAll reacts to a stop, not an end).
        const first = await startCompound('FlameLens stopAll short', 'FlameLens attach member');
        assert.ok(fs.existsSync(path.join(dir, 'compound-pre.txt')), "the compound's preLaunchTask ran before it started");
        await recorded(first.run, 'the short program');
        await logged('compound "FlameLens stopAll short" (stopAll): the recording ended without a stop (its program ended, or its duration was up); "FlameLens attach member" go on');
        await new Promise((r) => setTimeout(r, 1000));
        assert.ok(first.debug.live().some((n) => n.startsWith('FlameLens attach member')), `the attach session was stopped with the program's end: live ${first.debug.live().join(', ')}`);
        await vscode.debug.stopDebugging(first.session);
        await noneLive(first.debug, 'the attach session to stop');
        done(first.debug);

        // 2. The attach session is stopped: stopAll ends the recording, whose profile opens.
        const second = await startCompound('FlameLens stopAll long', 'FlameLens attach member');
        await new Promise((r) => setTimeout(r, 1000));
        await vscode.debug.stopDebugging(second.session);
        await recorded(second.run, 'the recording did not end with the attach session');
        await logged('compound "FlameLens stopAll long" (stopAll): "FlameLens attach member" was stopped, so the recording stops');
        done(second.debug);

        // 3. Stop Profiling: stopAll stops the attach session.
        const third = await startCompound('FlameLens stopAll long', 'FlameLens attach member');
        await new Promise((r) => setTimeout(r, 1000));
        await vscode.commands.executeCommand('flamelens.stopProfiling');
        await recorded(third.run, 'Stop Profiling');
        await noneLive(third.debug, 'stopAll to stop the attach session after Stop Profiling');
        await logged('compound "FlameLens stopAll long" (stopAll): the recording was stopped; stopping "FlameLens attach member"');
        done(third.debug);

        // 4. The attach member ends by itself (its process exits): the recording goes on until Stop Profiling.
        const fourth = await startCompound('FlameLens stopAll ending', 'FlameLens ending member');
        await new Promise((r) => setTimeout(r, 1000));
        ending.process.kill();
        await noneLive(fourth.debug, 'the ending member to end');
        await logged('compound "FlameLens stopAll ending" (stopAll): "FlameLens ending member" ended by itself, so the recording goes on');
        await new Promise((r) => setTimeout(r, 1000));
        const settled = await Promise.race([fourth.run.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
        assert.equal(settled, false, "the recording stopped with the member's end");
        await vscode.commands.executeCommand('flamelens.stopProfiling');
        await recorded(fourth.run, 'Stop Profiling after the member ended');
        done(fourth.debug);
      } finally {
        for (const term of vscode.window.terminals.filter((x) => x.name.startsWith('FlameLens: '))) term.dispose();
        await launch.update('compounds', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
        await tasks.update('tasks', savedTasks, vscode.ConfigurationTarget.WorkspaceFolder);
      }
    } finally {
      for (const target of targets) target.kill();
    }
  });

  it("Profile Under Load… of a launch configuration runs its preLaunchTask before the server starts and its postDebugTask after the run", async () => {
    const dir = folder.uri.fsPath;
    for (const f of ['load-pre.txt', 'load-post.txt', 'load-note.json']) fs.rmSync(path.join(dir, f), { force: true });
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    fs.writeFileSync(
      path.join(dir, 'load-server.js'),
      "const fs = require('fs');\n" +
        "fs.writeFileSync('load-note.json', JSON.stringify({ preRan: fs.existsSync('load-pre.txt') }));\n" +
        'function handleLoaded() { let x = 0; for (let i = 0; i < 3e5; i++) x += Math.sqrt(i); return x; }\n' +
        "require('http').createServer((req, res) => res.end(String(handleLoaded()))).listen(Number(process.env.LOAD_PORT), '127.0.0.1');\n",
    );
    const tasks = vscode.workspace.getConfiguration('tasks', folder.uri);
    const saved = tasks.get<unknown[]>('tasks');
    await tasks.update(
      'tasks',
      [
        shellTask('flamelens-load-pre', 'echo pre > load-pre.txt'),
        shellTask('flamelens-load-post', 'echo post > load-post.txt'),
      ],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    const name = 'FlameLens load server';
    await vscode.workspace.getConfiguration('launch', folder.uri).update(
      'configurations',
      [{ type: 'node', request: 'launch', name, program: '${workspaceFolder}/load-server.js', cwd: '${workspaceFolder}', env: { LOAD_PORT: String(port) }, preLaunchTask: 'flamelens-load-pre', postDebugTask: 'flamelens-load-post' }],
      vscode.ConfigurationTarget.WorkspaceFolder,
    );
    const t = await api();
    // The server: Launch Configuration…, then the configuration.
    const restore = answerQuickPicks(t, (items) => items.find((i) => i.label.endsWith('Launch Configuration…') || i.label === name));
    try {
      const outcome = (await vscode.commands.executeCommand('flamelens.profileUnderLoad', { urls: `http://127.0.0.1:${port}/`, duration: '2s', connections: '2' })) as { run: { requests: { total: number } | null; topFunctions: { name: string }[] } } | undefined;
      assert.ok(outcome, 'the load run ended with a result');
      assert.ok((outcome.run.requests?.total ?? 0) > 0, 'requests were measured');
      assert.ok(outcome.run.topFunctions.some((f) => f.name === 'handleLoaded'), `the server was recorded: ${outcome.run.topFunctions.map((f) => f.name).join(', ')}`);
      // (Before, the hand-read plan started the server without its build step.)
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'load-note.json'), 'utf8')), { preRan: true }, 'the preLaunchTask ran before the server started');
      await until('the postDebugTask to run', () => (fs.existsSync(path.join(dir, 'load-post.txt')) ? true : undefined));
    } finally {
      restore();
      await tasks.update('tasks', saved, vscode.ConfigurationTarget.WorkspaceFolder);
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

/** A tasks.json shell task run in the workspace folder, its terminal kept out of sight. */
function shellTask(label: string, command: string): Record<string, unknown> {
  return { label, type: 'shell', command, options: { cwd: '${workspaceFolder}' }, presentation: { reveal: 'silent' } };
}

/**
 * The debug sessions started from now on, by name and type, and those of them still running. (Counting
 * the sessions a command starts, not whether one is active: js-debug may still be ending an earlier test's.)
 */
function watchDebugSessions(): { started: string[]; sessions: vscode.DebugSession[]; live(): string[]; dispose(): void } {
  const label = (s: vscode.DebugSession) => `${s.name} (${s.type})`;
  const started: string[] = [];
  const sessions: vscode.DebugSession[] = [];
  const live = new Set<vscode.DebugSession>();
  const listeners = [
    vscode.debug.onDidStartDebugSession((s) => {
      started.push(label(s));
      sessions.push(s);
      live.add(s);
    }),
    vscode.debug.onDidTerminateDebugSession((s) => live.delete(s)),
  ];
  return { started, sessions, live: () => [...live].map(label), dispose: () => listeners.forEach((l) => l.dispose()) };
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

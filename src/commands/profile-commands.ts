// The palette commands that start a capture: current file, npm script, free command line,
// launch configuration. Each turns the user's choice into a CaptureRequest (the pick* functions,
// which Profile Under Load… asks with too).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { asTaskRef, chosenNodeVersion, npmRunCommand, isDebuggerNodeLaunch, isNodeLaunch, planCompound, planLaunch, runsOutsideDebugger, type CommandPlan, type CompoundMember, type LaunchConfig, type TaskRef } from './capture-plan';
import { runTask, TaskFailed } from './launch-tasks';
import { isTypeScriptFile, typeScriptRun } from './typescript-run';
import { readConfig } from '../config';
import { jsDebugAvailable } from './debug-capture';
import { StopRequests } from './debug-stop-requests';
import { escapeNotificationText } from '../model/escape-text';
import { services } from './services';
import type { Log } from '../log';
import type { CaptureRequest, CaptureRun, CaptureService } from './capture-session';

const runnable = /\.(?:[cm]?js)$/i;

function folderFor(uri?: vscode.Uri): string | undefined {
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath;
}

export async function profileCurrentFile(capture: CaptureService, target?: vscode.Uri): Promise<CaptureRun | undefined> {
  const request = await pickCurrentFile(target);
  return request && capture.start(request);
}

export async function pickCurrentFile(target?: vscode.Uri): Promise<CaptureRequest | undefined> {
  const doc = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: open a JavaScript file to profile it.'));
    return undefined;
  }
  const file = doc.uri.fsPath;
  let command = ['node', file];
  if (isTypeScriptFile(file)) {
    const run = await typeScriptRun(file, () => chosenNodeVersion(readConfig().nodePath));
    if (run.how === 'none') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'FlameLens: to run {0}, add tsx to its package (npm install --save-dev tsx) or use Node.js 22.18 or later (it runs TypeScript itself; set flamelens.nodePath to pick one). "Profile npm Script…" and "Profile Command…" run a build step first.',
          path.basename(file),
        ),
      );
      return undefined;
    }
    command = run.command;
  } else if (!runnable.test(file)) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('FlameLens: {0} is not a JavaScript or TypeScript file Node can run. Use "Profile npm Script…" or "Profile Command…" for build steps.', path.basename(file)),
    );
    return undefined;
  }
  if (doc.isDirty) await doc.save();
  return { name: path.basename(file), command, cwd: folderFor(doc.uri) ?? path.dirname(file) };
}

interface ScriptItem extends vscode.QuickPickItem {
  script: string;
  dir: string;
}

export async function profileNpmScript(capture: CaptureService): Promise<CaptureRun | undefined> {
  const request = await pickNpmScript();
  return request && capture.start(request);
}

export async function pickNpmScript(): Promise<CaptureRequest | undefined> {
  const manifests = await vscode.workspace.findFiles('**/package.json', '**/node_modules/**', 50);
  const items: ScriptItem[] = [];
  for (const uri of manifests.sort((a, b) => a.fsPath.length - b.fsPath.length)) {
    try {
      const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as { scripts?: Record<string, string> };
      const dir = path.dirname(uri.fsPath);
      const rel = vscode.workspace.asRelativePath(dir);
      for (const [script, cmd] of Object.entries(json.scripts ?? {})) {
        items.push({ label: script, description: manifests.length > 1 ? rel : undefined, detail: cmd, script, dir });
      }
    } catch {
      // an unreadable or invalid package.json has no scripts to offer
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: no package.json with scripts in this workspace.'));
    return undefined;
  }
  const picked = await services.pickOne(items, { title: vscode.l10n.t('FlameLens: profile which npm script?'), matchOnDetail: true });
  if (!picked) return undefined;
  return { name: `npm run ${picked.script}`, command: npmRunCommand(picked.script), cwd: picked.dir };
}

export async function profileCommand(capture: CaptureService, commandLine?: string): Promise<CaptureRun | undefined> {
  const cwd = folderFor(vscode.window.activeTextEditor?.document.uri);
  const line =
    commandLine ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('FlameLens: profile a command'),
      prompt: vscode.l10n.t('Run by the shell in {0} with the profiler preloaded into every Node.js process', cwd ?? vscode.l10n.t('the current folder')),
      placeHolder: 'node server.js --port 3000', // l10n: not text (an example command)
      ignoreFocusOut: true,
    }));
  if (!line?.trim()) return undefined;
  if (!cwd) {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: open a folder first; the command runs in it.'));
    return undefined;
  }
  return capture.start({ name: line.trim().slice(0, 60), command: line.trim(), cwd });
}

interface LaunchItem extends vscode.QuickPickItem {
  config: LaunchConfig;
  folder: vscode.WorkspaceFolder;
  /** A compound's configurations. */
  members?: CompoundMember[];
  /** A compound's own settings (its members have theirs in `config`). */
  compound?: { preLaunchTask?: TaskRef; stopAll: boolean };
}

/** Asks for a launch configuration: with `viaDebugger`, every one js-debug can launch and the compounds; else the plain Node ones FlameLens reads itself. */
async function pickLaunchItem(viaDebugger: boolean): Promise<LaunchItem | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const items: LaunchItem[] = [];
  for (const folder of folders) {
    const launch = vscode.workspace.getConfiguration('launch', folder.uri);
    const configs = launch.get<LaunchConfig[]>('configurations') ?? [];
    const description = folders.length > 1 ? folder.name : undefined;
    for (const c of configs.filter(viaDebugger ? isDebuggerNodeLaunch : isNodeLaunch)) {
      items.push({ label: c.name ?? c.program ?? 'node', description, detail: c.program, config: c, folder });
    }
    if (!viaDebugger) continue;
    for (const compound of launch.get<{ name?: string; configurations?: unknown[]; preLaunchTask?: unknown; stopAll?: unknown }[]>('compounds') ?? []) {
      const members = Array.isArray(compound.configurations) ? compound.configurations.filter((m): m is CompoundMember => typeof m === 'string' || (typeof m === 'object' && m !== null)) : [];
      const settings = { preLaunchTask: asTaskRef(compound.preLaunchTask), stopAll: compound.stopAll === true };
      if (compound.name) items.push({ label: compound.name, description, detail: vscode.l10n.t('compound'), config: { name: compound.name }, folder, members, compound: settings });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: no Node.js "launch" configurations in .vscode/launch.json.'));
    return undefined;
  }
  return services.pickOne(items, { title: vscode.l10n.t('FlameLens: profile which launch configuration?') });
}

/** The workspace folder of the active editor's file (${fileWorkspaceFolder}), if it is in one. */
function fileFolder(uri: vscode.Uri | undefined): string | undefined {
  return uri && uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath : undefined;
}

/** A launch configuration as FlameLens runs it without the debugger (planLaunch reads launch.json's program, args, cwd, env, envFile, runtime). */
function requestFromLaunchItem(picked: LaunchItem): CaptureRequest | undefined {
  let plan: CommandPlan;
  try {
    plan = planLaunch(picked.config, {
      workspaceFolder: picked.folder.uri.fsPath,
      file: vscode.window.activeTextEditor?.document.uri.fsPath,
      fileWorkspaceFolder: fileFolder(vscode.window.activeTextEditor?.document.uri),
      env: process.env,
      home: os.homedir(),
      readFile: (file) => fs.readFileSync(path.resolve(picked.folder.uri.fsPath, file), 'utf8'),
    });
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('FlameLens: {0}', (e as Error).message));
    return undefined;
  }
  return { name: picked.label, command: plan.command, cwd: plan.cwd, env: plan.env, unset: plan.unset };
}

/**
 * Profile Launch Configuration…: through the debugger when js-debug is there (it resolves envFile,
 * preLaunchTask, ${input:…}, runtimeExecutable and compounds), else FlameLens reads launch.json itself.
 */
export async function profileLaunchConfig(capture: CaptureService, log: Log): Promise<CaptureRun | undefined> {
  const viaDebugger = jsDebugAvailable();
  const picked = await pickLaunchItem(viaDebugger);
  if (!picked) return undefined;
  if (viaDebugger && picked.members) return profileCompound(capture, picked, picked.members, log);
  if (viaDebugger && !runsOutsideDebugger(picked.config)) return capture.startLaunchConfig(picked.folder, picked.label);
  if (!viaDebugger) {
    log.warn(
      'the JavaScript debugger (ms-vscode.js-debug) is not installed: FlameLens reads launch.json itself (program, args, cwd, env, envFile, runtimeExecutable, runtimeArgs, preLaunchTask, postDebugTask; not ${input:…} or compounds)',
    );
  }
  const request = requestFromLaunchItem(picked);
  return request && startWithTasks(capture, request, picked.folder, [{ ref: asTaskRef(picked.config.preLaunchTask), folder: picked.folder }], asTaskRef(picked.config.postDebugTask), log);
}

/**
 * A program FlameLens runs itself (in its terminal, not through the debugger, which would run these
 * tasks) with launch.json's tasks around it, as Run would: the preLaunchTasks first, in order (one
 * that fails or is not found starts nothing), the postDebugTask once the recording has ended.
 */
async function startWithTasks(
  capture: CaptureService,
  request: CaptureRequest,
  folder: vscode.WorkspaceFolder,
  pre: Array<{ ref: TaskRef | undefined; folder: vscode.WorkspaceFolder }>,
  post: TaskRef | undefined,
  log: Log,
): Promise<CaptureRun | undefined> {
  if (!(await runPreLaunchTasks(request.name, pre, log))) return undefined;
  const run = await capture.start(request);
  if (run) void run.finished.then(() => runPostDebugTask(request.name, post, folder, log));
  return run;
}

/** A launch configuration's tasks, for a program FlameLens starts itself. */
export interface LaunchTasks {
  pre: Array<{ ref: TaskRef | undefined; folder: vscode.WorkspaceFolder }>;
  post: TaskRef | undefined;
  folder: vscode.WorkspaceFolder;
}

/** Runs the preLaunchTasks in order; false (said to the user and the log) when one failed or is not found. */
export async function runPreLaunchTasks(name: string, pre: LaunchTasks['pre'], log: Log): Promise<boolean> {
  for (const task of pre) {
    if (task.ref === undefined) continue;
    try {
      await runTask(task.ref, task.folder, log);
    } catch (err) {
      if (!(err instanceof TaskFailed)) throw err;
      log.warn(`"${name}" not started: ${err.message}`);
      // (Task names come from tasks.json and launch.json, which come with a cloned repository.)
      void vscode.window.showErrorMessage(vscode.l10n.t('FlameLens: "{0}" was not started: {1}', escapeNotificationText(name), escapeNotificationText(err.message)));
      return false;
    }
  }
  return true;
}

/** The postDebugTask once the program's recording has ended (its failure is logged: the profile is already there). */
export async function runPostDebugTask(name: string, post: TaskRef | undefined, folder: vscode.WorkspaceFolder, log: Log): Promise<void> {
  if (post === undefined) return;
  await runTask(post, folder, log).catch((err: unknown) => log.warn(`postDebugTask of "${name}": ${(err as Error).message}`));
}

/** A compound member's name, configuration and folder: a bare name is in the compound's folder, else in the folder it names. */
function findMember(member: CompoundMember, folder: vscode.WorkspaceFolder): { name: string; config?: LaunchConfig; folder: vscode.WorkspaceFolder } {
  const name = typeof member === 'string' ? member : String(member.name);
  const folderName = typeof member === 'string' ? undefined : member.folder;
  const inFolder = typeof folderName === 'string' ? vscode.workspace.workspaceFolders?.find((f) => f.name === folderName) : folder;
  // (A folder that is not open: no configuration; the debugger, given the compound's folder, reports it.)
  const config = inFolder && (vscode.workspace.getConfiguration('launch', inFolder.uri).get<LaunchConfig[]>('configurations') ?? []).find((c) => c.name === name);
  return { name, config, folder: inFolder ?? folder };
}

/**
 * A compound through the debugger, except its `node-terminal` members, which the debugger would run
 * unrecorded (see planCompound): one of them alone runs in FlameLens's terminal, recorded, and the
 * debugger starts the compound's other configurations.
 */
async function profileCompound(capture: CaptureService, picked: LaunchItem, members: CompoundMember[], log: Log): Promise<CaptureRun | undefined> {
  // Each member looked up once, in launch.json of its folder.
  const found = new Map(members.map((m) => [m, findMember(m, picked.folder)]));
  const plan = planCompound(members, (m) => found.get(m)?.config);
  // (launch.json may come with a cloned repository: its names are shown inertly.)
  const names = (list: string[]) => list.map((n) => `"${escapeNotificationText(n)}"`).join(', ');
  const compound = escapeNotificationText(picked.label);
  if (plan.how === 'none') {
    log.warn(`compound "${picked.label}": not started, its node-terminal configurations ${names(plan.unrecorded)} cannot be recorded together`);
    void vscode.window.showErrorMessage(
      vscode.l10n.t('FlameLens: "{0}" runs {1} in debug terminals, and FlameLens records one of them at a time: profile each configuration on its own.', compound, names(plan.unrecorded)),
    );
    return undefined;
  }
  if (plan.how === 'debugger') {
    if (plan.unrecorded.length > 0) {
      log.warn(`compound "${picked.label}": its node-terminal configurations ${names(plan.unrecorded)} run unrecorded beside its Node.js launches`);
      void vscode.window.showWarningMessage(
        vscode.l10n.t('FlameLens: {0} in "{1}" will not be recorded (node-terminal configurations are recorded on their own, in a FlameLens terminal).', names(plan.unrecorded), compound),
      );
    }
    return capture.startLaunchConfig(picked.folder, picked.label);
  }
  const memberFolder = found.get(plan.member)!.folder;
  const request = requestFromLaunchItem({ label: plan.terminal.name ?? picked.label, config: plan.terminal, folder: memberFolder });
  if (!request) return undefined;
  // The compound's preLaunchTask, then the member's (the debugger would run both, in that order).
  const pre = [
    { ref: picked.compound?.preLaunchTask, folder: picked.folder },
    { ref: asTaskRef(plan.terminal.preLaunchTask), folder: memberFolder },
  ];
  const run = await startWithTasks(capture, request, memberFolder, pre, asTaskRef(plan.terminal.postDebugTask), log);
  if (!run) return undefined;
  log.info(`compound "${picked.label}": "${request.name}" runs in a FlameLens terminal; the debugger starts the rest (${plan.others.length})`);
  // The debug sessions of the other members (a browser, say), to stop with the recording under stopAll;
  // watched from before they start, to tell a stop from an end.
  const sessions = new Set<vscode.DebugSession>();
  const stops = picked.compound?.stopAll ? new StopRequests() : undefined;
  const tracking = stops && vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: (s) => ({ onWillReceiveMessage: (m: unknown) => stops.toAdapter(s.id, m), onDidSendMessage: (m: unknown) => stops.fromAdapter(s.id, m) }),
  });
  const collecting = vscode.debug.onDidStartDebugSession((s) => {
    if (!s.parentSession) sessions.add(s);
  });
  const starts = plan.others.map((m) => found.get(m)!).map(({ name, folder }) =>
    Promise.resolve(vscode.debug.startDebugging(folder, name)).then(
      (ok) => ok || log.warn(`compound "${picked.label}": "${name}" did not start`),
      (err: unknown) => log.warn(`compound "${picked.label}": "${name}" did not start: ${(err as Error).message}`),
    ),
  );
  void Promise.all(starts).then(() => {
    collecting.dispose();
    if (stops) stopTogether(capture, run, sessions, stops, picked.label, log);
  });
  if (tracking) void run.finished.finally(() => tracking.dispose());
  return run;
}

/**
 * A compound's stopAll when FlameLens records one member in its terminal, as VS Code runs it: a
 * stop of one member stops the others, an end does not. Stop Profiling stops the members the
 * debugger started, and stopping one of them (Stop, Disconnect) stops the recording (its profile is
 * saved and opened; the program keeps running in its terminal, as after Stop Profiling). The recorded
 * program or a member ending by itself leaves the others running.
 */
function stopTogether(capture: CaptureService, run: CaptureRun, sessions: Set<vscode.DebugSession>, stops: StopRequests, compound: string, log: Log): void {
  let recording = true;
  const ending = vscode.debug.onDidTerminateDebugSession((s) => {
    // A member's session, or one it started (js-debug attaches through a child session: stopping that one in the UI counts).
    const member = sessions.has(s) ? s : s.parentSession && sessions.has(s.parentSession) ? s.parentSession : undefined;
    if (!member || !recording) return;
    if (member === s) sessions.delete(s);
    if (!stops.wasStopped(s.id) && !stops.wasStopped(member.id)) {
      if (member === s) log.info(`compound "${compound}" (stopAll): "${member.name}" ended by itself, so the recording goes on (stopAll reacts to a stop)`);
      return;
    }
    recording = false;
    log.info(`compound "${compound}" (stopAll): "${member.name}" was stopped, so the recording stops`);
    if (capture.lastOutcome() === run.finished && capture.isRecording) void capture.stop();
  });
  void run.finished.finally(() => {
    recording = false;
    ending.dispose();
    const live = [...sessions].map((s) => `"${s.name}"`).join(', ');
    if (!run.stoppedByUser()) {
      if (live) log.info(`compound "${compound}" (stopAll): the recording ended without a stop (its program ended, or its duration was up); ${live} go on (stopAll reacts to a stop)`);
    } else {
      if (live) log.info(`compound "${compound}" (stopAll): the recording was stopped; stopping ${live}`);
      for (const s of sessions) void vscode.debug.stopDebugging(s);
    }
  });
}

/**
 * A launch configuration as a program FlameLens starts itself (Profile Under Load needs the server
 * with its agent waiting for the measured phase, which a debugger launch cannot give): always the
 * hand-read plan, never the debugger, so ${input:…} and compounds do not apply; its tasks come with
 * it, for the caller to run around the program (runPreLaunchTasks, runPostDebugTask).
 */
export async function pickLaunchConfig(): Promise<{ request: CaptureRequest; tasks: LaunchTasks } | undefined> {
  const picked = await pickLaunchItem(false);
  const request = picked && requestFromLaunchItem(picked);
  if (!picked || !request) return undefined;
  const { config, folder } = picked;
  return { request, tasks: { pre: [{ ref: asTaskRef(config.preLaunchTask), folder }], post: asTaskRef(config.postDebugTask), folder } };
}

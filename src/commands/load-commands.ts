// Profile Under Load…, Open Load Run… and Compare Load Runs…: the VS Code face of `flamelens load`.
// The run itself is src/load/session.ts (the CLI's own lifecycle); this file asks for the program
// and the URLs, shows live progress (cancellable), saves the run as the CLI's JSON and markdown in
// the session folder and opens the Load Run view with the server's flame graph beside it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AttachError } from '../capture/attach-errors';
import { CaptureError } from '../capture/launcher';
import { UsageError } from '../cli/args';
import { configSection, readConfig, type FlameLensConfig } from '../config';
import { writeFileWhole } from '../fs-output';
import { renderLoadJson, renderLoadMarkdown } from '../load/render';
import type { LoadConfig, LoadRun } from '../load/run';
import { loadRunOf, runLoadSession, serverAllocators, serverHotspots, type LoadSessionEvents, type LoadSessionOptions } from '../load/session';
import { answerProblem, defaultAnswers, planLoad, type LoadAnswers, type LoadSetting } from '../load/settings';
import { shownUrl } from '../load/targets';
import { showErrorWithLog, type Log } from '../log';
import { escapeNotificationText } from '../model/escape-text';
import { serverFlameSource, type LoadRunPanels } from '../views/load-run-panel';
import { readLoadRun } from '../views/load-run-restore';
import type { CaptureRequest } from './capture-session';
import { chooseTarget, type Chosen } from './attach-commands';
import { withChosenNode } from './capture-plan';
import { sessionFolder } from './output-folder';
import { pickCurrentFile, pickLaunchConfig, pickNpmScript, runPostDebugTask, runPreLaunchTasks, type LaunchTasks } from './profile-commands';
import { services } from './services';

const lastAnswersKey = 'flamelens.load.lastAnswers';
const runFileName = 'load-run.json';

export interface LoadCommandDeps {
  loadRuns: LoadRunPanels;
  extensionUri: vscode.Uri;
  log: Log;
  /** workspaceState: the last answers, per workspace. */
  state: vscode.Memento;
}

/** Arguments for executeCommand (keybindings, tests): any given part is not asked for. */
export interface ProfileUnderLoadArgs {
  program?: CaptureRequest;
  /** …or a running server to attach to: a pid, "host:port" or ws:// URL (as Attach to Node Process takes). */
  attach?: string;
  urls?: string;
  duration?: string;
  connections?: string;
}

export interface LoadRunOutcome {
  runFile: string;
  run: LoadRun;
}

/** The server of a load run: one FlameLens starts with its agent, or a running one it attaches to (left running). */
type LoadServer = { kind: 'launch'; request: CaptureRequest; name: string; cwd: string; tasks?: LaunchTasks } | { kind: 'attach'; chosen: Chosen; name: string; cwd: string };

const launched = (request: CaptureRequest | undefined, tasks?: LaunchTasks): LoadServer | undefined => request && { kind: 'launch', request, name: request.name, cwd: request.cwd, ...(tasks ? { tasks } : {}) };

const launchedConfig = (picked: { request: CaptureRequest; tasks: LaunchTasks } | undefined): LoadServer | undefined => picked && launched(picked.request, picked.tasks);

function attached(chosen: Chosen | undefined): LoadServer | undefined {
  if (!chosen) return undefined;
  const cwd = chosen.cwd ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  return { kind: 'attach', chosen, name: chosen.name, cwd };
}

const attachTitle = () => vscode.l10n.t('FlameLens: profile which running server under load?');

async function pickServer(): Promise<LoadServer | undefined> {
  const editor = vscode.window.activeTextEditor?.document;
  const items: (vscode.QuickPickItem & { pick: () => Promise<LoadServer | undefined> })[] = [
    ...(editor?.uri.scheme === 'file' ? [{ label: `$(file-code) ${vscode.l10n.t('Current File')}`, description: path.basename(editor.uri.fsPath), pick: async () => launched(await pickCurrentFile()) }] : []),
    { label: `$(package) ${vscode.l10n.t('npm Script…')}`, pick: async () => launched(await pickNpmScript()) },
    { label: `$(debug) ${vscode.l10n.t('Launch Configuration…')}`, pick: async () => launchedConfig(await pickLaunchConfig()) },
    { label: `$(plug) ${vscode.l10n.t('Running Process…')}`, description: vscode.l10n.t('attach; left running'), pick: async () => attached(await chooseTarget({}, attachTitle())) },
  ];
  const picked = await services.pickOne(items, {
    title: vscode.l10n.t('FlameLens: profile which server under load?'),
    placeHolder: vscode.l10n.t('The server FlameLens starts (or attaches to), loads and records'),
  });
  return picked?.pick();
}

async function ask(kind: keyof LoadAnswers, value: string): Promise<string | undefined> {
  const prompts: Record<keyof LoadAnswers, { prompt: string; placeHolder: string }> = {
    urls: {
      prompt: vscode.l10n.t('URL(s) to load, on this machine (several: separated by spaces; connections take them in turn)'),
      placeHolder: 'http://127.0.0.1:3000/api/orders', // l10n: not text (an example URL)
    },
    duration: { prompt: vscode.l10n.t('How long to measure (after a warm-up left out of the report), e.g. 10s, 1m'), placeHolder: '10s' },
    connections: { prompt: vscode.l10n.t('Concurrent connections'), placeHolder: '10' },
  };
  const step = { urls: vscode.l10n.t('URL'), duration: vscode.l10n.t('duration'), connections: vscode.l10n.t('connections') }[kind];
  return vscode.window.showInputBox({
    title: vscode.l10n.t('FlameLens: Profile Under Load — {0}', step),
    ...prompts[kind],
    value,
    ignoreFocusOut: true,
    validateInput: (text) => answerProblem(kind, text),
  });
}

function loadSetting(folder: vscode.Uri | undefined): LoadSetting {
  const value = vscode.workspace.getConfiguration(configSection, folder).get<unknown>('load');
  return value && typeof value === 'object' ? (value as LoadSetting) : {};
}

/** FlameLens: Profile Under Load… */
export async function profileUnderLoad(deps: LoadCommandDeps, args: ProfileUnderLoadArgs = {}): Promise<LoadRunOutcome | undefined> {
  const program = args.program ? launched(args.program) : args.attach !== undefined ? attached(await chooseTarget({ target: args.attach }, attachTitle())) : await pickServer();
  if (!program) return undefined;
  const setting = loadSetting(vscode.Uri.file(program.cwd));
  const defaults = defaultAnswers(setting, deps.state.get<Partial<LoadAnswers>>(lastAnswersKey));
  const answers: Partial<LoadAnswers> = {};
  for (const kind of ['urls', 'duration', 'connections'] as const) {
    // With stages in the setting, they set the duration and connections.
    if (kind !== 'urls' && Array.isArray(setting.stages) && setting.stages.length > 0 && args[kind] === undefined) {
      answers[kind] = defaults[kind];
      continue;
    }
    const answer = args[kind] ?? (await ask(kind, defaults[kind]));
    if (answer === undefined) return undefined;
    answers[kind] = answer.trim();
  }
  let plan: ReturnType<typeof planLoad>;
  try {
    plan = planLoad(setting, answers as LoadAnswers);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    void vscode.window.showErrorMessage(vscode.l10n.t('FlameLens: {0} (check the "flamelens.load" setting)', escapeNotificationText(e.message)));
    return undefined;
  }
  await deps.state.update(lastAnswersKey, answers);
  // A launch configuration's preLaunchTask (a build, say) runs once the questions are answered, just before the server starts.
  const tasks = program.kind === 'launch' ? program.tasks : undefined;
  if (tasks && !(await runPreLaunchTasks(program.name, tasks.pre, deps.log))) return undefined;
  try {
    return await runUnderLoad(deps, program, plan);
  } finally {
    if (tasks) void runPostDebugTask(program.name, tasks.post, tasks.folder, deps.log);
  }
}

/** How the session gets at the server: launch options (the request, `node` resolved as for a capture) or attach options. */
function serverOptions(program: LoadServer, deps: LoadCommandDeps, config: FlameLensConfig, outDir: string): { options: Pick<LoadSessionOptions, 'capture' | 'attach'>; shown: string } {
  if (program.kind === 'attach') {
    const { target } = program.chosen;
    const targetText = 'pid' in target ? String(target.pid) : program.name;
    return { options: { attach: { target, targetText, outDir, heap: config.recordHeap, intervalUs: config.cpuSamplingInterval } }, shown: `${program.name} (attached)` };
  }
  const request = program.request;
  const env: NodeJS.ProcessEnv = { ...process.env, ...request.env };
  for (const k of request.unset ?? []) delete env[k];
  // `node`: flamelens.nodePath, else node on PATH, else VS Code's own runtime — as for a capture.
  const { command, editor } = withChosenNode(request.command, config.nodePath);
  if (editor) {
    Object.assign(env, editor.env);
    deps.log.warn(`node is not on PATH and flamelens.nodePath is not set; running the server with VS Code's own runtime ${editor.node}`);
  }
  const capture = {
    command,
    cwd: request.cwd,
    env,
    outDir,
    cpu: true,
    heap: config.recordHeap,
    intervalUs: config.cpuSamplingInterval,
    waitForOthersMs: 5000,
    agentPath: vscode.Uri.joinPath(deps.extensionUri, 'dist', 'agent.js').fsPath,
  };
  return { options: { capture }, shown: typeof command === 'string' ? command : command.join(' ') };
}

async function runUnderLoad(deps: LoadCommandDeps, program: LoadServer, plan: ReturnType<typeof planLoad>): Promise<LoadRunOutcome | undefined> {
  const { log } = deps;
  const config = readConfig();
  const outDir = sessionFolder(config.outputDirectory, `load-${program.name}`, program.cwd);
  const { options: serverSource, shown } = serverOptions(program, deps, config, outDir);
  const loadConfig: LoadConfig = {
    urls: plan.urls.map(shownUrl),
    method: 'GET',
    headerNames: [],
    bodyBytes: 0,
    connections: plan.connections,
    pipelining: 1,
    ...(plan.rate !== undefined ? { rate: plan.rate } : {}),
    warmupMs: plan.warmupMs,
    warmupUrls: plan.spec.urls,
    stages: plan.stages,
    ...(program.kind === 'launch' ? { command: typeof program.request.command === 'string' ? [program.request.command] : program.request.command } : { attach: program.name }),
  };
  const totalMs = plan.stages.reduce((a, s) => a + s.durationMs, 0);
  log.info(`load run: ${shown} (in ${program.cwd}) at ${plan.spec.urls.join(' ')}; ${totalMs / 1000} s measured; files go to ${outDir}`);

  const title = vscode.l10n.t('FlameLens: {0} under load', program.name);
  const session = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort('cancelled'));
    let reported = 0;
    const options: LoadSessionOptions = {
      ...serverSource,
      readyUrl: plan.urls[0]!,
      readyTimeoutMs: 30_000,
      spec: plan.spec,
      warmupMs: plan.warmupMs,
      stages: plan.stages,
      signal: abort.signal,
    };
    const events: LoadSessionEvents = {
      started: () =>
        progress.report({ message: program.kind === 'attach' ? vscode.l10n.t('attaching to {0}…', program.name) : vscode.l10n.t('waiting for {0} to answer…', plan.spec.urls[0] ?? '') }),
      onOutput: (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split(/\r?\n/)) if (line.trim()) log.info(`[server] ${line}`);
      },
      warmingUp: (ms: number) =>
        progress.report({
          message: program.kind === 'attach' ? vscode.l10n.t('warming up for {0} s (not recorded)…', ms / 1000) : vscode.l10n.t('warming up for {0} s (not reported)…', ms / 1000),
        }),
      measuring: () => progress.report({ message: vscode.l10n.t('measuring for {0} s…', totalMs / 1000) }),
      warn: (text: string) => log.warn(text),
      // A slow or hung server: the stage is over, its requests in flight are waited for (up to --timeout's worth).
      waiting: (inFlight: number, upToMs: number) => {
        log.info(`waiting up to ${upToMs / 1000} s for ${inFlight} request(s) still in flight; an unanswered one counts as a timeout`);
        progress.report({ message: vscode.l10n.t('waiting up to {0} s for {1} requests still in flight…', upToMs / 1000, inFlight) });
      },
      onProgress: (p) => {
        const done = Math.min(100, (100 * p.elapsedMs) / Math.max(1, p.totalMs));
        const left = Math.max(0, (p.totalMs - p.elapsedMs) / 1000);
        progress.report({
          increment: Math.max(0, done - reported),
          message: vscode.l10n.t('{0} req/s · p99 {1} ms · {2} errors · {3} s, {4} s left', p.rps, p.p99.toFixed(1), p.errors, (p.elapsedMs / 1000).toFixed(0), left.toFixed(0)),
        });
        reported = Math.max(reported, done);
      },
    };
    try {
      return await runLoadSession(options, events);
    } catch (err) {
      if (err instanceof AttachError && err.code === 'cancelled') return undefined;
      if (!(err instanceof CaptureError || err instanceof AttachError)) throw err;
      log.error(err.message);
      void showErrorWithLog(log, vscode.l10n.t('FlameLens: {0}', err.message.split('\n')[0] ?? ''));
      return undefined;
    } finally {
      cancel.dispose();
    }
  });
  if (!session) return undefined;
  for (const n of session.recorded.notes) log.info(n);

  const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(program.cwd))?.uri.fsPath ?? program.cwd;
  const server = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('FlameLens: reading the server profile') }, () =>
    serverHotspots(session.recorded, 10, root),
  );
  const allocators = await serverAllocators(session.recorded, 10, root);
  // The same run the CLI writes: the agent's event-loop delay, CPU and heap on the timeline too.
  const run = loadRunOf(session, { config: loadConfig, thresholds: plan.thresholds, hot: server, allocators });
  for (const p of run.problems) log.warn(p);
  // The CLI's files, so `flamelens load --baseline` and Open Load Run read a VS Code run too.
  const runFile = path.join(outDir, runFileName);
  writeFileWhole(runFile, renderLoadJson(run));
  writeFileWhole(path.join(outDir, 'load-run.md'), renderLoadMarkdown(run));
  log.info(`load run saved: ${runFile}`);

  deps.loadRuns.showRun(run, runFile, { title: program.name, root, column: vscode.ViewColumn.One, ...(server.best ? { serverProfile: server.best.path } : {}) });
  // The flame graph of what the run's top functions count: every busy thread and process, merged.
  const flame = server.best ? serverFlameSource(run, runFile, server.best.path) : undefined;
  if (flame) {
    try {
      await deps.loadRuns.openServerFlame(flame, program.name);
    } catch (err) {
      void showErrorWithLog(log, vscode.l10n.t('FlameLens: could not open {0}: {1}', flame.shown, (err as Error).message));
    }
  }
  const broken = run.thresholds.filter((t) => !t.ok).map((t) => t.expr);
  const summary =
    run.latency && run.throughput
      ? vscode.l10n.t('{0} req/s, p50 {1} ms, p99 {2} ms', run.throughput.rps.toFixed(0), run.latency.p50.toFixed(1), run.latency.p99.toFixed(1))
      : vscode.l10n.t('latency not measured');
  // cutShort says how the run ended ("stopped after 3 s", from the pure load module: English).
  if (run.cutShort) void vscode.window.showWarningMessage(vscode.l10n.t('FlameLens: load run {0} — partial results: {1}.', escapeNotificationText(run.cutShort), summary));
  else if (broken.length > 0) void vscode.window.showWarningMessage(vscode.l10n.t('FlameLens: threshold broken: {0} — {1}.', escapeNotificationText(broken.join(', ')), summary));
  else void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: load run of {0} — {1}.', escapeNotificationText(program.name), summary));
  return { runFile, run };
}

const runFilters = () => ({ [vscode.l10n.t('Load runs (load-run.json)')]: ['json'], [vscode.l10n.t('All files')]: ['*'] });
async function pickRun(title: string): Promise<vscode.Uri | undefined> {
  return (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: runFilters(), openLabel: vscode.l10n.t('Select') }))?.[0];
}

function rootOf(uri: vscode.Uri): string | undefined {
  return (vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath;
}

/** FlameLens: Open Load Run… — a saved run in the Load Run view. */
export async function openLoadRun(deps: LoadCommandDeps, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? (await pickRun(vscode.l10n.t('FlameLens: open a load run (load-run.json)')));
  if (!target) return;
  const run = await readLoadRun(target);
  const name = path.basename(target.fsPath) === runFileName ? path.basename(path.dirname(target.fsPath)) : path.basename(target.fsPath);
  deps.loadRuns.showRun(run, target.fsPath, { title: name, ...(rootOf(target) ? { root: rootOf(target)! } : {}) });
}

/** FlameLens: Compare Load Runs… — latency and throughput deltas side by side, and the differential flame graph. */
export async function compareLoadRuns(deps: LoadCommandDeps, base?: vscode.Uri, next?: vscode.Uri): Promise<void> {
  const before = base ?? (await pickRun(vscode.l10n.t('FlameLens: compare — the BASELINE run (before)')));
  if (!before) return;
  const after = next ?? (await pickRun(vscode.l10n.t('FlameLens: compare — the NEW run (after)')));
  if (!after) return;
  const [a, b] = await Promise.all([readLoadRun(before), readLoadRun(after)]);
  deps.loadRuns.showCompare(a, before.fsPath, b, after.fsPath, rootOf(before));
}


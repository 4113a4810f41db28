// Profiles a program: runs it with the capture agent in a real integrated terminal
// (./terminal-capture.ts), shows "$(record) FlameLens 0:12" in the status bar while recording, and
// when the program exits or the user stops recording opens the main profile's flame graph
// (./recording-lifecycle.ts).
import * as vscode from 'vscode';
import { collectSession, readSidecars, type CaptureResult, type CapturedProfile } from '../capture/launcher';
import { runInTerminal, type TerminalRunOptions } from './terminal-capture';
import { DebugLaunches } from './debug-capture';
import type { ProgramRun } from './program-run';
import { readConfig, type FlameLensConfig } from '../config';
import type { ProfilePanels } from '../views/profile-panel';
import { capturedProfileTitle, mainProfile, withChosenNode } from './capture-plan';
import { sessionFolder } from './output-folder';
import { RecordingLifecycle, type Recording, type RecordingSummary } from './recording-lifecycle';
import { showErrorWithLog, type Log } from '../log';

export interface CaptureRequest {
  /** Short name for the terminal, messages and the session folder, e.g. "busy.js" or "npm run start". */
  name: string;
  /** argv, or one string run by the shell. */
  command: string[] | string;
  cwd: string;
  env?: Record<string, string>;
  unset?: string[];
}

/** A started capture; `finished` settles when its profiles were collected and opened. */
export interface CaptureRun {
  finished: Promise<CaptureOutcome>;
  /** Where the profiles go (the agents' session folder: stop/start control files work there). */
  sessionDir: string;
  /** True once the recording was asked to stop (Stop Profiling, or to make room for another), not by its duration or its program's end. */
  stoppedByUser(): boolean;
}

/** What every launch gives the agent. */
type AgentOptions = Omit<TerminalRunOptions, 'command' | 'name' | 'cwd' | 'env'>;

export interface CaptureOutcome {
  sessionDir: string;
  result: CaptureResult;
  /** The profile whose flame graph was opened. */
  opened: CapturedProfile | undefined;
}

/** How a launched recording ended: what the session folder holds, and an error that ended it early. */
interface Ended {
  result: CaptureResult;
  error?: unknown;
}

const recordingContextKey = 'flamelens.recording';

export class CaptureService implements vscode.Disposable {
  private readonly lifecycle: RecordingLifecycle<Ended>;
  private last: Promise<CaptureOutcome> | undefined;
  private saidNoNode = false;
  /** The running program (disposing the service ends it). */
  private active: ProgramRun | undefined;
  private readonly debugLaunches = new DebugLaunches();

  constructor(
    panels: ProfilePanels,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
    this.lifecycle = new RecordingLifecycle(
      {
        id: 'flamelens.recording',
        name: vscode.l10n.t('FlameLens recording'),
        command: 'flamelens.stopProfiling',
        tooltip: vscode.l10n.t('FlameLens is recording — click to stop and open the flame graph'),
        contextKey: recordingContextKey,
      },
      panels,
      log,
    );
  }

  get isRecording(): boolean {
    return this.lifecycle.isRecording;
  }

  /** The running or most recent capture's outcome (test API). */
  lastOutcome(): Promise<CaptureOutcome> | undefined {
    return this.last;
  }

  async start(request: CaptureRequest): Promise<CaptureRun | undefined> {
    return this.launch(request.name, request.cwd, (config, agent) => {
      const env: Record<string, string | null> = { ...request.env };
      for (const k of request.unset ?? []) env[k] = null;
      const { command, editor } = withChosenNode(request.command, config.nodePath);
      if (editor) {
        Object.assign(env, editor.env);
        this.sayNoNode(editor.node);
      }
      const shown = typeof command === 'string' ? command : command.join(' ');
      const run = runInTerminal({ ...agent, name: request.name, command, cwd: request.cwd, env });
      this.log.info(`recording ${shown} in a terminal (in ${request.cwd}); profiles go to ${run.sessionDir}`);
      void Promise.resolve(run.terminal.processId).then((pid) => this.log.info(`terminal started (pid ${pid ?? '?'})`));
      return run;
    });
  }

  /**
   * Profile Launch Configuration… through the debugger (js-debug resolves the configuration as Run
   * would). `configName` names a configuration or compound of `folder`'s launch.json.
   */
  async startLaunchConfig(folder: vscode.WorkspaceFolder, configName: string): Promise<CaptureRun | undefined> {
    return this.launch(configName, folder.uri.fsPath, async (config, agent) => {
      this.log.info(`recording launch configuration "${configName}" of ${folder.uri.fsPath} through the debugger; profiles go to ${agent.outDir}`);
      return this.debugLaunches.run({ ...agent, folder, configName, nodePath: config.nodePath });
    });
  }

  /** The part every launch shares: the already-recording prompt, the session folder, the lifecycle. */
  private async launch(
    name: string,
    cwd: string,
    startProgram: (config: FlameLensConfig, agent: AgentOptions) => ProgramRun | Promise<ProgramRun>,
  ): Promise<CaptureRun | undefined> {
    if (!(await this.lifecycle.makeRoom())) return undefined;
    const config = readConfig();
    const sessionDir = sessionFolder(config.outputDirectory, name, cwd);
    let run: ProgramRun;
    try {
      run = await startProgram(config, {
        outDir: sessionDir,
        cpu: true,
        heap: config.recordHeap,
        intervalUs: config.cpuSamplingInterval,
        ...(config.duration > 0 ? { durationMs: config.duration * 1000 } : {}),
        agentPath: vscode.Uri.joinPath(this.extensionUri, 'dist', 'agent.js').fsPath,
        onWaiting: (pids) => this.log.info(`waiting for ${pids.length} more process${pids.length === 1 ? '' : 'es'} to save (pid ${pids.join(', ')})`),
      });
    } catch (err) {
      void showErrorWithLog(this.log, vscode.l10n.t('FlameLens: {0}', (err as Error).message));
      return undefined;
    }
    this.active = run;
    let settle!: (e: Ended) => void;
    const ended = new Promise<Ended>((resolve) => (settle = resolve));
    run.done.then(
      (result) => {
        this.log.info(`${name} exited (${result.signal ?? (result.exitCode === null ? 'its session ended' : `code ${result.exitCode}`)})`);
        settle({ result });
      },
      (error: unknown) => settle({ result: collectSession(sessionDir, undefined, run.since), error }),
    );
    // A stop is the user's unless the duration setting asked for it.
    let durationUp = false;
    let stoppedByUser = false;
    const recording: Recording<Ended> = {
      name,
      ended,
      // Every thread saves its profile; the program keeps running.
      stop: async () => {
        stoppedByUser ||= !durationUp;
        // A program stopped right after launch may not have loaded the agent yet: give it a moment to.
        for (let i = 0; i < 30 && readSidecars(sessionDir, run.since).length === 0 && run.running; i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        if (run.running) this.log.info(`recording of ${name} stopped; the program keeps running`);
        await run.stop(10_000);
        settle({ result: collectSession(sessionDir, undefined, run.since) });
      },
      summarize: (e) => summarizeCapture(name, e),
    };
    const finished = this.lifecycle.track(recording).then((f): CaptureOutcome => {
      if (this.active === run) this.active = undefined;
      return { sessionDir, result: f.result.result, opened: f.result.result.profiles.find((p) => p.path === f.opened) };
    });
    this.last = finished;
    if (config.duration > 0) {
      // The agents stop by themselves; open the profiles then, even if the program keeps running.
      setTimeout(() => {
        durationUp = true;
        void this.lifecycle.stop(recording);
      }, config.duration * 1000 + 500);
    }
    return { finished, sessionDir, stoppedByUser: () => stoppedByUser };
  }

  /** `node` is not on PATH and flamelens.nodePath is empty: said once a session, with a way to the setting. */
  private sayNoNode(runtime: string): void {
    this.log.warn(`node is not on PATH and flamelens.nodePath is not set; running with VS Code's own runtime ${runtime}`);
    if (this.saidNoNode) return;
    this.saidNoNode = true;
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t('FlameLens: `node` is not on PATH, so programs run on VS Code\'s own Node.js {0}. Set "flamelens.nodePath" to use another.', process.version),
        vscode.l10n.t('Open Settings'),
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'flamelens.nodePath');
      });
  }

  /** Stop Profiling: every thread saves its profile; the program keeps running in its terminal. */
  async stop(): Promise<CaptureOutcome | undefined> {
    if (!this.lifecycle.isRecording) {
      void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens is not recording.'));
      return undefined;
    }
    const last = this.last;
    await this.lifecycle.stop();
    return last;
  }

  dispose(): void {
    if (this.active?.running) this.active.dispose();
    this.active = undefined;
    this.lifecycle.dispose();
    this.debugLaunches.dispose();
  }
}

/** What the lifecycle reports about a launched capture. */
function summarizeCapture(name: string, { result, error }: Ended): RecordingSummary {
  const main = mainProfile(result.profiles);
  const others = result.profiles.length - 1;
  // 127: the shell found no such command (the terminal shows the shell's own message).
  const notFound = result.exitCode === 127 && result.threads.length === 0 ? vscode.l10n.t('The command was not found (exit code 127; see its terminal).') : undefined;
  const why = notFound ?? (result.problems.length > 0 ? result.problems.join(' ') : vscode.l10n.t('Is it a Node.js program?'));
  const seconds = main ? (main.durationMs / 1000).toFixed(1) : '0';
  return {
    files: result.profiles.map((p) => `${p.path} (${p.kind}, pid ${p.pid}${p.isMainThread ? '' : `, worker ${p.threadId}`})`),
    problems: result.problems,
    main: main && { path: main.path, title: capturedProfileTitle(vscode.l10n, name, main) },
    nothing: vscode.l10n.t('FlameLens: {0} left no profile. {1}', name, why),
    done:
      others === 0
        ? vscode.l10n.t('FlameLens: Profiled {0} — {1} s recorded.', name, seconds)
        : others === 1
          ? vscode.l10n.t('FlameLens: Profiled {0} — {1} s recorded, 1 more profile (workers, child processes or heap).', name, seconds)
          : vscode.l10n.t('FlameLens: Profiled {0} — {1} s recorded, {2} more profiles (workers, child processes or heap).', name, seconds, others),
    // The list (with a merged view of all processes) lives in capture-list.ts.
    action: others > 0 ? { label: vscode.l10n.t('Show All…'), run: () => vscode.commands.executeCommand('flamelens.showCaptureProfiles', result.sessionDir) } : undefined,
    error: error ? vscode.l10n.t('FlameLens: {0}', (error as Error).message) : undefined,
  };
}

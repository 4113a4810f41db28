// Profile Launch Configuration… through the debugger: the configuration is started by name with
// vscode.debug.startDebugging (without debugging), so js-debug resolves envFile, preLaunchTask,
// ${input:…}, runtimeExecutable, compounds and folder variables exactly as Run would; a debug
// configuration provider adds the agent (NODE_OPTIONS, FLAMELENS_*) to each Node launch resolved
// for that start. The recording ends with the debug session(s), or when Stop asks the agents to save.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { debugLaunchNodeOptions } from './capture-plan';
import { agentRequireOption, agentVariables, CaptureError, collectAfterExit, prepareSession, requestStop, type CaptureOptions, type CaptureResult } from '../capture/launcher';
import type { ProgramRun } from './program-run';

/** The debugger extension that runs Node launch configurations. */
const jsDebugIds = ['ms-vscode.js-debug', 'ms-vscode.js-debug-nightly'];

export function jsDebugAvailable(): boolean {
  return jsDebugIds.some((id) => vscode.extensions.getExtension(id) !== undefined);
}

/**
 * Launch types the agent is added to. Not `node-terminal`: its debug terminal outlives the command
 * as a shell, which would keep the agent for whatever is typed there later (FlameLens runs those
 * configurations in its own terminal instead, see runsOutsideDebugger).
 */
const nodeTypes = new Set(['node', 'pwa-node']);
/** Marks the configurations FlameLens resolved, with their session folder. */
const markKey = '__flamelensSession';

interface Pending {
  sessionDir: string;
  vars: Record<string, string>;
  requireOption: string;
  nodePath: string;
}

export interface DebugRunOptions extends Omit<CaptureOptions, 'command' | 'stdio' | 'env' | 'cwd'> {
  folder: vscode.WorkspaceFolder;
  /** A launch configuration or compound of the folder's launch.json. */
  configName: string;
  /** flamelens.nodePath: the runtimeExecutable of configurations that name none. */
  nodePath: string;
}

export class DebugLaunches implements vscode.Disposable {
  private pending: Pending | undefined;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.debug.registerDebugConfigurationProvider('*', {
      resolveDebugConfigurationWithSubstitutedVariables: (_folder, config) => this.addAgent(config),
    });
  }

  /** Adds the agent to a Node launch resolved while FlameLens starts one; leaves every other configuration alone. */
  private addAgent(config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    const p = this.pending;
    if (!p || !nodeTypes.has(config.type) || config.request !== 'launch') return config;
    const env: Record<string, string | null> = { ...(config.env as Record<string, string | null> | undefined) };
    // (The envFile's NODE_OPTIONS would be replaced by env's: it is carried over.)
    env.NODE_OPTIONS = debugLaunchNodeOptions({ env: config.env as Record<string, string | null> | undefined, envFile: config.envFile }, p.requireOption, (f) => fs.readFileSync(f, 'utf8'), process.env.NODE_OPTIONS);
    Object.assign(env, p.vars);
    return {
      ...config,
      env,
      [markKey]: p.sessionDir,
      // Stopping the session sends SIGTERM (the agent saves) instead of js-debug's default SIGKILL.
      ...(config.killBehavior === undefined ? { killBehavior: 'polite' } : {}),
      ...(p.nodePath && config.runtimeExecutable === undefined && config.type !== 'node-terminal' ? { runtimeExecutable: p.nodePath } : {}),
    };
  }

  /** Starts the configuration; throws CaptureError when it did not start (a failed preLaunchTask, a cancelled input). */
  async run(opts: DebugRunOptions): Promise<ProgramRun> {
    const prepared = prepareSession(opts);
    const { sessionDir, since } = prepared;
    const sessions = new Set<vscode.DebugSession>();
    let seen = 0;
    let running = true;
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const listeners = [
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.configuration[markKey] !== sessionDir) return;
        sessions.add(s);
        seen++;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (!sessions.delete(s) || sessions.size > 0) return;
        running = false;
        markEnded();
      }),
    ];
    const stopListening = () => listeners.forEach((l) => l.dispose());
    this.pending = { sessionDir, vars: agentVariables(opts), requireOption: agentRequireOption(prepared.agentPath), nodePath: opts.nodePath };
    let started: boolean;
    try {
      started = await vscode.debug.startDebugging(opts.folder, opts.configName, { noDebug: true });
    } catch (err) {
      stopListening();
      throw new CaptureError(vscode.l10n.t('"{0}" did not start: {1}', opts.configName, (err as Error).message));
    } finally {
      this.pending = undefined;
    }
    if (!started || seen === 0) {
      stopListening();
      throw new CaptureError(
        started
          ? vscode.l10n.t('"{0}" started no Node.js launch (FlameLens profiles "node" launch configurations)', opts.configName)
          : vscode.l10n.t('"{0}" did not start (a failed preLaunchTask or a cancelled input?)', opts.configName),
      );
    }
    const done: Promise<CaptureResult> = ended.then(() => {
      stopListening();
      return collectAfterExit(prepared, { rootPid: -1, rootLabel: opts.configName, exitCode: null, signal: null }, opts.waitForOthersMs, opts.onWaiting);
    });
    return {
      sessionDir,
      since,
      done,
      get running() {
        return running;
      },
      stop: (timeoutMs = 10_000) => requestStop(sessionDir, timeoutMs, since),
      dispose: () => {
        for (const s of sessions) void vscode.debug.stopDebugging(s);
      },
    };
  }

  dispose(): void {
    this.registration.dispose();
  }
}

// Runs a program with the capture agent in a terminal the user can see (a pseudo-terminal fed by
// the launcher's pipes: the program's output shows there, typing goes to its stdin, Ctrl+C
// interrupts it), shows "$(record) FlameLens 0:12" in the status bar while recording, and when
// the program exits or the user stops recording opens the main profile's flame graph.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RecordingStatus } from './recording-status';
import { CaptureError, collectSession, readSidecars, startCapture, type CaptureHandle, type CaptureResult, type CapturedProfile } from '../capture/launcher';
import { readConfig } from '../config';
import { loadProfile } from '../views/load-profile';
import type { ProfilePanels } from '../views/profile-panel';
import { mainProfile } from './capture-plan';
import { showErrorWithLog, timed, type Log } from '../log';

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
}

export interface CaptureOutcome {
  sessionDir: string;
  result: CaptureResult;
  /** The profile whose flame graph was opened. */
  opened: CapturedProfile | undefined;
}

interface Running {
  request: CaptureRequest;
  handle: CaptureHandle;
  terminal: vscode.Terminal;
  started: number;
  finished: Promise<CaptureOutcome>;
  settle: (o: CaptureOutcome) => void;
  /** Writes a line to the capture's terminal. */
  say: (text: string) => void;
  /** Set once the outcome is being collected (stop or exit), so profiles are opened once. */
  collecting?: Promise<CaptureOutcome>;
}

const recordingContextKey = 'flamelens.recording';

export class CaptureService implements vscode.Disposable {
  private running: Running | undefined;
  private last: Promise<CaptureOutcome> | undefined;
  private readonly status = new RecordingStatus({
    id: 'flamelens.recording',
    name: 'FlameLens recording',
    command: 'flamelens.stopProfiling',
    tooltip: 'FlameLens is recording — click to stop and open the flame graph',
    contextKey: recordingContextKey,
  });
  private readonly disposables: vscode.Disposable[] = [this.status];

  constructor(
    private readonly panels: ProfilePanels,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
  }

  get isRecording(): boolean {
    return this.running !== undefined;
  }

  /** The running or most recent capture's outcome (test API). */
  lastOutcome(): Promise<CaptureOutcome> | undefined {
    return this.running?.finished ?? this.last;
  }

  async start(request: CaptureRequest): Promise<CaptureRun | undefined> {
    if (this.running) {
      const choice = await vscode.window.showWarningMessage(`FlameLens is already recording ${this.running.request.name}.`, 'Stop It', 'Cancel');
      if (choice !== 'Stop It') return undefined;
      await this.stop();
    }
    const config = readConfig();
    const sessionDir = this.sessionDir(request, config.outputDirectory);
    const env: NodeJS.ProcessEnv = { ...process.env, ...request.env };
    for (const k of request.unset ?? []) delete env[k];
    const write = new vscode.EventEmitter<string>();
    const closed = new vscode.EventEmitter<number | void>();
    let opened = false;
    const buffered: string[] = [];
    const out = (text: string) => {
      const t = text.replace(/\r?\n/g, '\r\n');
      if (opened) write.fire(t);
      else buffered.push(t);
    };
    let handle: CaptureHandle | undefined;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: closed.event,
      open: () => {
        opened = true;
        for (const t of buffered.splice(0)) write.fire(t);
      },
      close: () => handle?.kill(),
      handleInput: (data) => {
        if (data === '\x03') {
          handle?.kill('SIGINT');
          return;
        }
        out(data === '\r' ? '\n' : data); // local echo: the program reads a pipe, not a tty
        handle?.child.stdin?.write(data === '\r' ? '\n' : data);
      },
    };
    const terminal = vscode.window.createTerminal({ name: `FlameLens: ${request.name}`, pty, iconPath: new vscode.ThemeIcon('flame') });
    terminal.show(true);
    const shown = typeof request.command === 'string' ? request.command : request.command.join(' ');
    this.log.info(`recording ${shown} (in ${request.cwd}); profiles go to ${sessionDir}`);
    out(`\x1b[2m[FlameLens] recording ${shown}\n[FlameLens] in ${request.cwd}; profiles go to ${sessionDir}\x1b[0m\n`);
    const options = {
      cwd: request.cwd,
      env,
      outDir: sessionDir,
      cpu: true,
      heap: config.recordHeap,
      intervalUs: config.cpuSamplingInterval,
      ...(config.duration > 0 ? { durationMs: config.duration * 1000 } : {}),
      stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
      agentPath: vscode.Uri.joinPath(this.extensionUri, 'dist', 'agent.js').fsPath,
    };
    try {
      handle = await startCapture({ ...options, command: request.command });
    } catch (err) {
      if (err instanceof CaptureError && Array.isArray(request.command) && request.command[0] === 'node' && /not found/.test(err.message)) {
        // No `node` on PATH: the extension host's own runtime can run the program (Electron needs RUN_AS_NODE).
        this.log.warn(`node is not on PATH; running ${request.command.slice(1).join(' ')} with ${process.execPath} instead`);
        handle = await startCapture({ ...options, env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, command: [process.execPath, ...request.command.slice(1)] });
      } else {
        out(`\x1b[31m[FlameLens] ${(err as Error).message}\x1b[0m\n`);
        void showErrorWithLog(this.log, `FlameLens: ${(err as Error).message}`);
        return undefined;
      }
    }
    const h = handle;
    h.child.stdout?.on('data', (b: Buffer) => out(b.toString()));
    h.child.stderr?.on('data', (b: Buffer) => out(b.toString()));
    this.log.info(`started pid ${h.child.pid ?? '?'}`);
    h.child.once('exit', (code, signal) => {
      const how = signal ?? `code ${code}`;
      this.log.info(`${request.name} exited (${how})`);
      out(`\x1b[2m[FlameLens] program exited (${how})\x1b[0m\n`);
    });

    let settle!: (o: CaptureOutcome) => void;
    const finished = new Promise<CaptureOutcome>((resolve) => (settle = resolve));
    const running: Running = { request, handle: h, terminal, started: Date.now(), finished, settle, say: out };
    this.running = running;
    this.last = finished;
    this.status.show(running.started);
    h.done.then(
      (result) => {
        running.collecting ??= this.finish(running, result);
        void running.collecting.then(running.settle);
      },
      (err: unknown) => {
        running.collecting ??= this.finish(running, collectSession(sessionDir), err);
        void running.collecting.then(running.settle);
      },
    );
    if (config.duration > 0) {
      // The agents stop by themselves; open the profiles then, even if the program keeps running.
      setTimeout(() => {
        if (this.running === running) void this.stop();
      }, config.duration * 1000 + 500);
    }
    return { finished };
  }

  /** Stop Profiling: every thread saves its profile; the program keeps running in its terminal. */
  async stop(): Promise<CaptureOutcome | undefined> {
    const running = this.running;
    if (!running) {
      void vscode.window.showInformationMessage('FlameLens is not recording.');
      return undefined;
    }
    if (!running.collecting) {
      this.status.saving();
      // A program stopped right after launch may not have loaded the agent yet: give it a moment to.
      for (let i = 0; i < 30 && readSidecars(running.handle.sessionDir).length === 0 && running.handle.child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      if (running.handle.child.exitCode === null) {
        running.say('\x1b[2m[FlameLens] recording stopped; the program keeps running — Ctrl+C here or close this terminal to end it\x1b[0m\n');
      }
      running.collecting ??= running.handle.stop(10_000).then(() => this.finish(running, collectSession(running.handle.sessionDir)));
      void running.collecting.then(running.settle);
    }
    return running.collecting;
  }

  private async finish(running: Running, result: CaptureResult, error?: unknown): Promise<CaptureOutcome> {
    if (this.running === running) {
      this.running = undefined;
      this.status.hide();
    }
    const outcome: CaptureOutcome = { sessionDir: running.handle.sessionDir, result, opened: undefined };
    if (error) void showErrorWithLog(this.log, `FlameLens: ${(error as Error).message}`);
    for (const p of result.profiles) this.log.info(`profile: ${p.path} (${p.kind}, pid ${p.pid}${p.isMainThread ? '' : `, worker ${p.threadId}`})`);
    for (const problem of result.problems) this.log.warn(problem);
    const main = mainProfile(result.profiles);
    if (!main) {
      const why = result.problems.length > 0 ? ` ${result.problems.join(' ')}` : ' Is it a Node.js program?';
      void showErrorWithLog(this.log, `FlameLens: ${running.request.name} left no profile.${why}`);
      return outcome;
    }
    try {
      await this.open(main, running.request.name);
      outcome.opened = main;
    } catch (err) {
      void showErrorWithLog(this.log, `FlameLens: could not open ${main.path}: ${(err as Error).message}`);
      return outcome;
    }
    const others = result.profiles.length - 1;
    const message = `FlameLens: Profiled ${running.request.name} — ${(main.durationMs / 1000).toFixed(1)} s recorded${others > 0 ? `, ${others} more profile${others === 1 ? '' : 's'} (workers, child processes or heap)` : ''}.`;
    if (others > 0) {
      void vscode.window.showInformationMessage(message, 'Show All…').then((choice) => {
        // The list (with a merged view of all processes) lives in capture-list.ts.
        if (choice) void vscode.commands.executeCommand('flamelens.showCaptureProfiles', running.handle.sessionDir);
      });
    } else {
      void vscode.window.showInformationMessage(message);
    }
    return outcome;
  }

  private async open(p: CapturedProfile, name: string): Promise<void> {
    const uri = vscode.Uri.file(p.path);
    const profile = await timed(this.log, `loaded ${p.path}`, () => loadProfile(uri));
    const thread = p.isMainThread ? '' : ` worker ${p.threadId}`;
    const title = `${name} (${p.kind === 'cpu' ? 'CPU' : 'heap'}, pid ${p.pid}${thread})`;
    // Beside the source the user profiled from, so code and flame graph show together.
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    this.panels.show({ profile, title, source: p.path }, { kind: 'file', uri: uri.toString() }, column);
  }

  private sessionDir(request: CaptureRequest, outputDirectory: string): string {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(request.cwd)) ?? vscode.workspace.workspaceFolders?.[0];
    const base = path.isAbsolute(outputDirectory) ? outputDirectory : path.join(folder?.uri.fsPath ?? request.cwd, outputDirectory);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const slug = request.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'capture';
    return path.join(base, `${stamp}-${slug}`);
  }

  dispose(): void {
    this.running?.handle.kill();
    this.running = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

// Runs a program with the capture agent in a terminal the user can see (a pseudo-terminal fed by
// the launcher's pipes: the program's output shows there, typing goes to its stdin, Ctrl+C
// interrupts it), shows "$(record) FlameLens 0:12" in the status bar while recording, and when
// the program exits or the user stops recording opens the main profile's flame graph.
import * as vscode from 'vscode';
import { CaptureError, collectSession, readSidecars, startCapture, type CaptureHandle, type CaptureResult, type CapturedProfile } from '../capture/launcher';
import { readConfig } from '../config';
import type { ProfilePanels } from '../views/profile-panel';
import { capturedProfileTitle, mainProfile } from './capture-plan';
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
}

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
  /** The running program (disposing the service ends it). */
  private active: CaptureHandle | undefined;

  constructor(
    panels: ProfilePanels,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {
    this.lifecycle = new RecordingLifecycle(
      {
        id: 'flamelens.recording',
        name: 'FlameLens recording',
        command: 'flamelens.stopProfiling',
        tooltip: 'FlameLens is recording — click to stop and open the flame graph',
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
    if (!(await this.lifecycle.makeRoom())) return undefined;
    const config = readConfig();
    const sessionDir = sessionFolder(config.outputDirectory, request.name, request.cwd);
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

    this.active = h;
    let settle!: (e: Ended) => void;
    const ended = new Promise<Ended>((resolve) => (settle = resolve));
    h.done.then(
      (result) => settle({ result }),
      (error: unknown) => settle({ result: collectSession(sessionDir), error }),
    );
    const recording: Recording<Ended> = {
      name: request.name,
      ended,
      // Every thread saves its profile; the program keeps running in its terminal.
      stop: async () => {
        // A program stopped right after launch may not have loaded the agent yet: give it a moment to.
        for (let i = 0; i < 30 && readSidecars(sessionDir).length === 0 && h.child.exitCode === null; i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        if (h.child.exitCode === null) {
          out('\x1b[2m[FlameLens] recording stopped; the program keeps running — Ctrl+C here or close this terminal to end it\x1b[0m\n');
        }
        await h.stop(10_000);
        settle({ result: collectSession(sessionDir) });
      },
      summarize: (e) => summarizeCapture(request.name, e),
    };
    const finished = this.lifecycle.track(recording).then((f): CaptureOutcome => {
      if (this.active === h) this.active = undefined;
      return { sessionDir, result: f.result.result, opened: f.result.result.profiles.find((p) => p.path === f.opened) };
    });
    this.last = finished;
    if (config.duration > 0) {
      // The agents stop by themselves; open the profiles then, even if the program keeps running.
      setTimeout(() => void this.lifecycle.stop(recording), config.duration * 1000 + 500);
    }
    return { finished };
  }

  /** Stop Profiling: every thread saves its profile; the program keeps running in its terminal. */
  async stop(): Promise<CaptureOutcome | undefined> {
    if (!this.lifecycle.isRecording) {
      void vscode.window.showInformationMessage('FlameLens is not recording.');
      return undefined;
    }
    const last = this.last;
    await this.lifecycle.stop();
    return last;
  }

  dispose(): void {
    this.active?.kill();
    this.active = undefined;
    this.lifecycle.dispose();
  }
}

/** What the lifecycle reports about a launched capture. */
function summarizeCapture(name: string, { result, error }: Ended): RecordingSummary {
  const main = mainProfile(result.profiles);
  const others = result.profiles.length - 1;
  const why = result.problems.length > 0 ? ` ${result.problems.join(' ')}` : ' Is it a Node.js program?';
  const seconds = main ? (main.durationMs / 1000).toFixed(1) : '0';
  const more = others > 0 ? `, ${others} more profile${others === 1 ? '' : 's'} (workers, child processes or heap)` : '';
  return {
    files: result.profiles.map((p) => `${p.path} (${p.kind}, pid ${p.pid}${p.isMainThread ? '' : `, worker ${p.threadId}`})`),
    problems: result.problems,
    main: main && { path: main.path, title: capturedProfileTitle(name, main) },
    nothing: `FlameLens: ${name} left no profile.${why}`,
    done: `FlameLens: Profiled ${name} — ${seconds} s recorded${more}.`,
    // The list (with a merged view of all processes) lives in capture-list.ts.
    action: others > 0 ? { label: 'Show All…', run: () => vscode.commands.executeCommand('flamelens.showCaptureProfiles', result.sessionDir) } : undefined,
    error: error ? `FlameLens: ${(error as Error).message}` : undefined,
  };
}

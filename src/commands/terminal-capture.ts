// Runs a program with the capture agent in a real integrated terminal (a TTY: colours, prompts,
// raw mode and Ctrl+C work as in any terminal) and learns when it ended: from the exit status the
// terminal wrapper writes into the session folder (src/capture/terminal-command.ts), or from
// onDidCloseTerminal's exitStatus when the terminal closes (closed by the user, or on Windows where
// the terminal runs the program itself). Stopping writes the agents' stop file, as the CLI does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  agentRequireOption,
  agentVariables,
  CaptureError,
  collectAfterExit,
  prepareSession,
  readSidecars,
  requestStop,
  type CaptureOptions,
} from '../capture/launcher';
import { commandLabel, exitCodeFileName } from '../capture/session';
import { parseExitStatus, terminalCommand } from '../capture/terminal-command';
import type { ProgramRun } from './program-run';

export interface TerminalRunOptions extends Omit<CaptureOptions, 'command' | 'stdio' | 'env' | 'cwd'> {
  /** argv, or one line for the shell. */
  command: string[] | string;
  /** The terminal tab reads "FlameLens: NAME". */
  name: string;
  cwd: string;
  /** Added to the terminal's environment; null removes a variable. */
  env?: Record<string, string | null>;
}

export interface TerminalRun extends ProgramRun {
  terminal: vscode.Terminal;
}

type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

/** Opens the terminal and starts the program; throws CaptureError when the session folder or agent is unusable. */
export function runInTerminal(opts: TerminalRunOptions): TerminalRun {
  // A terminal whose cwd is missing fails to start and says nothing the run would hear: it would
  // wait for an exit status that never comes, recording.
  if (!isDirectory(opts.cwd)) throw new CaptureError(vscode.l10n.t('working directory does not exist: {0}', opts.cwd));
  const prepared = prepareSession(opts);
  const { sessionDir, since } = prepared;
  const launch = terminalCommand(opts.command, agentVariables(opts), agentRequireOption(prepared.agentPath), process.platform, process.env.NODE_OPTIONS, opts.env);
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('FlameLens: {0}', opts.name),
    shellPath: launch.shellPath,
    shellArgs: launch.shellArgs,
    cwd: opts.cwd,
    env: launch.env,
    iconPath: new vscode.ThemeIcon('flame'),
    // A recording does not survive a window reload: do not bring the terminal back.
    isTransient: true,
  });
  terminal.show(true);
  const shellPid = Promise.resolve(terminal.processId).then(
    (pid) => pid,
    () => undefined,
  );
  let running = true;
  const exited = new Promise<ExitStatus>((resolve) => {
    const exitFile = path.join(sessionDir, exitCodeFileName);
    const finish = (status: ExitStatus) => {
      if (!running) return;
      running = false;
      clearInterval(poll);
      closed.dispose();
      resolve(status);
    };
    const poll = setInterval(() => {
      let text: string;
      try {
        text = fs.readFileSync(exitFile, 'utf8');
      } catch {
        return;
      }
      const status = parseExitStatus(text, os.constants.signals);
      if (status) finish(status);
    }, 200);
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      // Closed while the program ran: the terminal's hangup ended it (the agent saves on SIGHUP).
      const code = t.exitStatus?.code;
      finish(process.platform === 'win32' && code !== undefined ? { code, signal: null } : { code: null, signal: 'SIGHUP' });
    });
  });
  const label = typeof opts.command === 'string' ? opts.command : commandLabel(opts.command);
  const done = exited.then(async (status) => {
    // The program is the terminal shell's child: its sidecar names the shell as parent.
    const parent = await shellPid;
    const root = readSidecars(sessionDir, since).find((s) => s.isMainThread && s.ppid === parent);
    // The shell carries the session's variables too (it has no agent): not a child to wait for.
    return collectAfterExit(prepared, { rootPid: root?.pid ?? -1, rootLabel: label, ...statusOf(status) }, opts.waitForOthersMs, opts.onWaiting, parent === undefined ? [] : [parent]);
  });
  return {
    terminal,
    sessionDir,
    since,
    done,
    get running() {
      return running;
    },
    stop: (timeoutMs = 10_000) => requestStop(sessionDir, timeoutMs, since),
    dispose: () => terminal.dispose(),
  };
}

function statusOf(s: ExitStatus): { exitCode: number | null; signal: NodeJS.Signals | null } {
  return { exitCode: s.code, signal: s.signal };
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

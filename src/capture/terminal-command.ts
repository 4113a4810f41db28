// How a launched program runs in a terminal the user sees (VS Code's integrated terminal): on POSIX
// a small `sh` wrapper adds the agent to NODE_OPTIONS in the terminal's own environment, runs the
// program in the foreground — a real TTY, so colours, prompts, raw mode and Ctrl+C behave — writes
// its exit status into the session folder (how the extension learns the program ended, whatever the
// user's shell and whether or not shell integration is there), and keeps the terminal open so the
// output can be read. On Windows the terminal runs the program itself; its exit comes from
// onDidCloseTerminal. No vscode here: unit-tested with a real `sh`.
import { agentEnv, commandLabel, exitCodeFileName } from './session';

export interface TerminalCommand {
  shellPath: string;
  shellArgs: string[];
  /** Added to the terminal's environment (null removes a variable). */
  env: Record<string, string | null>;
}

const requireVar = 'FLAMELENS_REQUIRE';
const labelVar = 'FLAMELENS_LABEL';

// "$@" is the program; Ctrl+C is the program's (the wrapper catches INT with a handler, which —
// unlike an ignored signal — the program does not inherit), then the wrapper reports the status.
const posixWrapper = [
  `export NODE_OPTIONS="\${NODE_OPTIONS:+$NODE_OPTIONS }$${requireVar}"`,
  `label=$${labelVar}`,
  `unset ${requireVar} ${labelVar}`,
  `trap 'printf "\\n"' INT`,
  '"$@"',
  'code=$?',
  'trap - INT',
  `printf '%s\\n' "$code" > "$${agentEnv.dir}/${exitCodeFileName}.tmp" && mv -f "$${agentEnv.dir}/${exitCodeFileName}.tmp" "$${agentEnv.dir}/${exitCodeFileName}"`,
  `printf '\\n\\033[2m[FlameLens] %s exited with code %s; press Enter to close this terminal\\033[0m\\n' "$label" "$code"`,
  'read -r _ || true',
].join('\n');

/**
 * The terminal's process for `command` (argv, or one line for the shell) with the agent loaded:
 * `agentVars` are the FLAMELENS_* variables, `requireOption` the `--require …` for NODE_OPTIONS,
 * `nodeOptions` the NODE_OPTIONS to start from where the terminal's own cannot be read (Windows),
 * `programEnv` the program's own variables (null removes one; its NODE_OPTIONS is the one to add to).
 */
export function terminalCommand(
  command: readonly string[] | string,
  agentVars: Record<string, string>,
  requireOption: string,
  platform: NodeJS.Platform = process.platform,
  nodeOptions = process.env.NODE_OPTIONS,
  programEnv: Record<string, string | null> = {},
): TerminalCommand {
  const argv = typeof command === 'string' ? undefined : [...command];
  // The editor's environment may carry an outer recording's settings: unset those not given here.
  const vars: Record<string, string | null> = { ...Object.fromEntries(Object.values(agentEnv).map((name) => [name, null])), ...agentVars };
  if (platform === 'win32') {
    const base = Object.prototype.hasOwnProperty.call(programEnv, 'NODE_OPTIONS') ? programEnv.NODE_OPTIONS : nodeOptions;
    const env = { ...programEnv, ...vars, NODE_OPTIONS: [base, requireOption].filter(Boolean).join(' ') };
    if (argv && argv[0] !== undefined) return { shellPath: argv[0], shellArgs: argv.slice(1), env };
    return { shellPath: 'cmd.exe', shellArgs: ['/d', '/s', '/c', typeof command === 'string' ? command : ''], env };
  }
  const program = argv ?? ['/bin/sh', '-c', command as string];
  const label = argv ? commandLabel(argv) : (command as string);
  return {
    shellPath: '/bin/sh',
    shellArgs: ['-c', posixWrapper, 'flamelens', ...program],
    // The wrapper adds the agent to the NODE_OPTIONS it finds (the program's, else the terminal's).
    env: { ...programEnv, ...vars, [requireVar]: requireOption, [labelVar]: label },
  };
}

/** The exit status the wrapper wrote: a code, or the signal that ended the program (status 128+N). */
export function parseExitStatus(text: string, signals: Record<string, number>): { code: number | null; signal: NodeJS.Signals | null } | undefined {
  const status = Number(text.trim());
  if (!/^\d+\s*$/.test(text) || !Number.isInteger(status)) return undefined;
  if (status > 128) {
    const name = Object.entries(signals).find(([, n]) => n === status - 128)?.[0];
    if (name) return { code: null, signal: name as NodeJS.Signals };
  }
  return { code: status, signal: null };
}

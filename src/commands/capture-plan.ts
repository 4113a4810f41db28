// Pure helpers for the capture commands: which recorded profile to open first, how to list the
// others, and how a launch.json configuration becomes a command line.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import type { CapturedProfile } from '../capture/launcher';
import { isPackageManagerProcess } from '../capture/session';
import type { Translator } from '../translator';
import { escapeLabelText } from '../model/escape-text';
import { describeFsError } from '../fs-output';

/**
 * The profile to open first: CPU before heap, the program's main thread rather than a package
 * manager or a worker, and among those the one recorded longest.
 */
export function mainProfile(profiles: readonly CapturedProfile[]): CapturedProfile | undefined {
  const score = (p: CapturedProfile): number[] => [
    p.kind === 'cpu' ? 1 : 0,
    isPackageManagerProcess(p.argv) ? 0 : 1,
    p.isMainThread ? 1 : 0,
    p.durationMs,
  ];
  let best: CapturedProfile | undefined;
  let bestScore: number[] = [];
  for (const p of profiles) {
    const s = score(p);
    if (!best || compare(s, bestScore) > 0) {
      best = p;
      bestScore = s;
    }
  }
  return best;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A recorded profile's panel title: "busy.js (CPU, pid 123)", "npm start (heap, pid 9 worker 2)". */
export function capturedProfileTitle(l10n: Translator, name: string, p: CapturedProfile): string {
  if (p.isMainThread) return p.kind === 'cpu' ? l10n.t('{0} (CPU, pid {1})', name, p.pid) : l10n.t('{0} (heap, pid {1})', name, p.pid);
  return p.kind === 'cpu' ? l10n.t('{0} (CPU, pid {1} worker {2})', name, p.pid, p.threadId) : l10n.t('{0} (heap, pid {1} worker {2})', name, p.pid, p.threadId);
}

/** A quick-pick row for one recorded profile. */
export function profilePickItem(l10n: Translator, p: CapturedProfile): { label: string; description: string; detail: string } {
  const thread = p.isMainThread ? l10n.t('main thread') : l10n.t('worker {0}', p.threadId);
  const seconds = (p.durationMs / 1000).toFixed(1);
  return {
    label: p.kind === 'cpu' ? `$(pulse) ${l10n.t('CPU · pid {0} · {1}', p.pid, thread)}` : `$(database) ${l10n.t('Heap · pid {0} · {1}', p.pid, thread)}`,
    description: `${seconds} s`,
    detail: escapeLabelText(p.label),
  };
}

/**
 * `npm run <script>` as one line for the terminal's shell (sh on POSIX, cmd.exe on Windows, where
 * npm is a .cmd that needs a shell): a script name with spaces or shell characters stays one argument.
 */
export function npmRunCommand(script: string, platform: NodeJS.Platform = process.platform): string {
  if (/^[\w@%+=:,./-]+$/.test(script)) return `npm run ${script}`;
  return platform === 'win32' ? `npm run "${script.replace(/"/g, '""')}"` : `npm run '${script.replace(/'/g, `'\\''`)}'`;
}

export interface LaunchConfig {
  type?: string;
  request?: string;
  name?: string;
  program?: string;
  /** A `node-terminal` configuration's command line, run by a shell. */
  command?: string;
  args?: string[] | string;
  cwd?: string;
  runtimeExecutable?: string;
  runtimeArgs?: string[];
  env?: Record<string, string | null>;
  /** A dotenv file of variables; `env` wins over it. */
  envFile?: string;
  /** Run before / after the program (VS Code's task system): a task's label or identifier. */
  preLaunchTask?: TaskRef;
  postDebugTask?: TaskRef;
}

/** launch.json's preLaunchTask / postDebugTask: a task's label ("build", "npm: build") or its identifier ({ "type": "npm", "script": "build" }). */
export type TaskRef = string | { [key: string]: unknown };

/** What findTask needs of a task (vscode.Task has these). */
export interface TaskLike {
  name: string;
  source: string;
  definition: { type: string; [key: string]: unknown };
  /** The workspace folder's path for a folder task; undefined for a workspace or global one. */
  folder?: string;
}

/**
 * The task `ref` names, as the debugger finds a preLaunchTask: by label (tasks.json's `label`, or a
 * provided task's "source: name" such as "npm: build"), or by every field of an identifier. A task
 * of `folder` wins over a workspace-wide one of the same name.
 */
export function findTask<T extends TaskLike>(tasks: readonly T[], ref: TaskRef, folder: string): T | undefined {
  const inFolder = (matches: T[]) => matches.find((t) => t.folder === folder) ?? matches.find((t) => t.folder === undefined) ?? matches[0];
  if (typeof ref !== 'string') {
    const fields = Object.entries(ref);
    if (fields.length === 0) return undefined;
    return inFolder(tasks.filter((t) => fields.every(([k, v]) => JSON.stringify(t.definition[k]) === JSON.stringify(v))));
  }
  // A tasks.json label, then a provided task's label ("npm: build"), then a provided task's bare name.
  const configured = (t: T) => t.source.toLowerCase() === 'workspace';
  return inFolder(tasks.filter((t) => configured(t) && t.name === ref)) ?? inFolder(tasks.filter((t) => `${t.source}: ${t.name}` === ref)) ?? inFolder(tasks.filter((t) => t.name === ref));
}

/** How a task is named in messages. */
export function taskRefName(ref: TaskRef): string {
  return typeof ref === 'string' ? ref : JSON.stringify(ref);
}

/** A launch.json value that can be a task reference (anything else is ignored, as js-debug would refuse it). */
export function asTaskRef(v: unknown): TaskRef | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { [key: string]: unknown }) : undefined;
}

export interface CommandPlan {
  /** argv, or (a `node-terminal` configuration) one line for the shell. */
  command: string[] | string;
  cwd: string;
  env: Record<string, string>;
  /** Variables removed from the inherited environment (launch.json's `"VAR": null`). */
  unset: string[];
}

export interface VariableContext {
  workspaceFolder: string;
  file?: string;
  /** The workspace folder that holds `file` (${fileWorkspaceFolder}); when not given, `workspaceFolder` if it holds the file. */
  fileWorkspaceFolder?: string;
  env: Record<string, string | undefined>;
  /** For ${userHome}. */
  home?: string;
  /** Reads a launch's envFile (throws when it cannot). */
  readFile?: (file: string) => string;
}

/** Launch configurations FlameLens can run: Node launches (not attach, not browsers), and `node-terminal` commands. */
export function isNodeLaunch(c: LaunchConfig): boolean {
  if (c.request !== 'launch') return false;
  if (c.type === 'node-terminal') return typeof c.command === 'string' && c.command.trim() !== '';
  return (c.type === 'node' || c.type === 'pwa-node') && (typeof c.program === 'string' || typeof c.runtimeExecutable === 'string');
}

/**
 * Whether FlameLens runs the configuration in its own terminal even when the debugger is there: a
 * `node-terminal` launch runs its command in a debug terminal that stays open as an interactive
 * shell, so its debug session does not end with the command, and every later `node` typed there
 * would load the agent (NODE_OPTIONS, FLAMELENS_DIR) into the old session.
 */
export function runsOutsideDebugger(c: LaunchConfig): boolean {
  return c.type === 'node-terminal';
}

/** A compound's member: a configuration's name, or a name and the workspace folder it is in. */
export type CompoundMember = string | { name?: unknown; folder?: unknown };

/**
 * How Profile Launch Configuration… runs a compound. Its `node-terminal` members cannot be recorded
 * through the debugger (see runsOutsideDebugger), and only one program is recorded at a time:
 * - no terminal member: the debugger starts the compound (its Node launches are recorded);
 * - one terminal member and no other Node launch: it runs in FlameLens's terminal, recorded, and the
 *   debugger starts the others (a browser, say) as the compound would;
 * - one or more terminal members with Node launches: the debugger starts the compound and records the
 *   launches; the terminal members run unrecorded (`unrecorded` names them, to say so);
 * - several terminal members alone: nothing can record them together (`unrecorded` names them).
 * `find` looks a member up (undefined: not in launch.json, left to the debugger to report).
 */
export type CompoundPlan =
  | { how: 'debugger'; unrecorded: string[] }
  | { how: 'terminal'; terminal: LaunchConfig; member: CompoundMember; others: CompoundMember[] }
  | { how: 'none'; unrecorded: string[] };

export function planCompound(members: readonly CompoundMember[], find: (m: CompoundMember) => LaunchConfig | undefined): CompoundPlan {
  const terminal: Array<{ member: CompoundMember; config: LaunchConfig }> = [];
  let nodeLaunches = 0;
  for (const member of members) {
    const config = find(member);
    if (!config) continue;
    if (runsOutsideDebugger(config)) terminal.push({ member, config });
    else if (isDebuggerNodeLaunch(config)) nodeLaunches++;
  }
  const names = terminal.map((t) => t.config.name ?? '');
  if (terminal.length === 0 || nodeLaunches > 0) return { how: 'debugger', unrecorded: names };
  if (terminal.length > 1) return { how: 'none', unrecorded: names };
  const { member, config } = terminal[0]!;
  return { how: 'terminal', terminal: config, member, others: members.filter((m) => m !== member) };
}

/** Launch configurations the debugger runs with the agent added: any Node launch (js-debug resolves the rest). */
export function isDebuggerNodeLaunch(c: LaunchConfig): boolean {
  if (c.type === 'node-terminal') return isNodeLaunch(c);
  return (c.type === 'node' || c.type === 'pwa-node') && c.request === 'launch';
}

/**
 * VS Code's predefined variables (${workspaceFolder}, ${file}, ${fileBasenameNoExtension},
 * ${relativeFile}, ${fileWorkspaceFolder}, ${userHome}, ${/}, ${env:NAME}, …); unknown ones (and ${file…} with no file) stay as written.
 */
export function substitute(text: string, ctx: VariableContext): string {
  const sep = /^[A-Za-z]:[\\/]|\\/.test(ctx.workspaceFolder) ? '\\' : '/';
  const base = (p: string) => p.split(/[\\/]/).pop() ?? '';
  const dir = (p: string) => p.replace(/[\\/][^\\/]*$/, '');
  const relative = (p: string) => {
    const root = ctx.workspaceFolder.replace(/[\\/]+$/, '');
    return p.startsWith(root) && /[\\/]/.test(p[root.length] ?? '') ? p.slice(root.length + 1) : p;
  };
  return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder' || name === 'workspaceRoot' || name === 'cwd') return ctx.workspaceFolder;
    if (name === 'workspaceFolderBasename') return base(ctx.workspaceFolder);
    if (name === 'pathSeparator' || name === '/') return sep;
    if (name === 'userHome' && ctx.home) return ctx.home;
    if (name.startsWith('env:')) return ctx.env[name.slice(4)] ?? '';
    const file = ctx.file;
    if (!file) return whole;
    const fileName = base(file);
    const dot = fileName.lastIndexOf('.');
    switch (name) {
      case 'file':
        return file;
      case 'fileDirname':
        return dir(file);
      case 'fileBasename':
        return fileName;
      case 'fileBasenameNoExtension':
        return dot > 0 ? fileName.slice(0, dot) : fileName;
      case 'fileExtname':
        return dot > 0 ? fileName.slice(dot) : '';
      case 'fileDirnameBasename':
        return base(dir(file));
      case 'relativeFile':
        return relative(file);
      case 'relativeFileDirname':
        return relative(dir(file));
      case 'fileWorkspaceFolder':
      case 'fileWorkspaceFolderBasename': {
        const folder = ctx.fileWorkspaceFolder ?? (relative(file) !== file ? ctx.workspaceFolder : undefined);
        if (folder === undefined) return whole;
        return name === 'fileWorkspaceFolder' ? folder : base(folder);
      }
      default:
        return whole;
    }
  });
}

export function planLaunch(c: LaunchConfig, ctx: VariableContext): CommandPlan {
  const sub = (s: string) => substitute(s, ctx);
  const args = typeof c.args === 'string' ? splitWords(c.args) : (c.args ?? []);
  const command: string[] | string =
    c.type === 'node-terminal' && typeof c.command === 'string' ? sub(c.command) : [sub(c.runtimeExecutable ?? 'node'), ...(c.runtimeArgs ?? []).map(sub), ...(c.program ? [sub(c.program)] : []), ...args.map(sub)];
  const env: Record<string, string> = {};
  const unset: string[] = [];
  if (typeof c.envFile === 'string' && ctx.readFile) {
    const file = sub(c.envFile);
    let text: string;
    try {
      text = ctx.readFile(file);
    } catch (e) {
      throw new Error(`cannot read the envFile ${file} of "${c.name ?? 'launch'}": ${describeFsError(e)}`);
    }
    Object.assign(env, parseEnvFile(text));
  }
  for (const [k, v] of Object.entries(c.env ?? {})) {
    if (v === null) {
      unset.push(k);
      delete env[k];
    } else env[k] = sub(String(v));
  }
  return { command, cwd: inFolder(sub(c.cwd ?? ctx.workspaceFolder), ctx.workspaceFolder), env, unset };
}

/** A relative launch.json `cwd` ("server", "./packages/api") is the workspace folder's, as an integrated terminal takes it. */
function inFolder(dir: string, workspaceFolder: string): string {
  if (/^(?:[\\/]|[A-Za-z]:[\\/])/.test(dir)) return dir;
  const sep = /^[A-Za-z]:[\\/]|\\/.test(workspaceFolder) ? '\\' : '/';
  const rest = dir.replace(/^\.(?:[\\/]+|$)/, '');
  return rest ? `${workspaceFolder.replace(/[\\/]+$/, '')}${sep}${rest}` : workspaceFolder;
}

/** A command line's words as a shell splits them: quotes keep spaces (`--name "a b"`), a backslash escapes outside single quotes. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i]!;
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < line.length && line[i + 1] !== '\\' && /[\s"'$]/.test(line[i + 1]!)) {
      word = (word ?? '') + line[++i]!;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * A dotenv file as the debugger reads a launch's envFile: `KEY=value` lines (`export ` allowed),
 * `#` comments, values in single or double quotes (`\n` a newline in double quotes), others trimmed.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[2]!.trim();
    const quote = raw[0];
    if ((quote === '"' || quote === "'") && raw.length > 1 && raw.lastIndexOf(quote) > 0) {
      const inner = raw.slice(1, raw.lastIndexOf(quote));
      env[m[1]!] = quote === '"' ? inner.replace(/\\n/g, '\n') : inner;
    } else {
      env[m[1]!] = raw.replace(/\s+#.*$/, '');
    }
  }
  return env;
}

/**
 * The NODE_OPTIONS a debugger launch gets with the agent: added to the configuration's own — from
 * its `env` (`null`: none), else its envFile (which `env` would replace), else the editor's.
 */
export function debugLaunchNodeOptions(
  config: { env?: Record<string, string | null>; envFile?: unknown },
  requireOption: string,
  readFile: (file: string) => string,
  inherited: string | undefined,
): string {
  let base = inherited;
  if (config.env && Object.prototype.hasOwnProperty.call(config.env, 'NODE_OPTIONS')) base = config.env.NODE_OPTIONS ?? undefined;
  else if (typeof config.envFile === 'string') {
    try {
      const fromFile = parseEnvFile(readFile(config.envFile)).NODE_OPTIONS;
      if (fromFile !== undefined) base = fromFile;
    } catch {
      // The debugger reports an unreadable envFile itself.
    }
  }
  return [base, requireOption].filter(Boolean).join(' ');
}

/** How a launch finds `node`: the setting, else `node` on PATH, else the editor's own runtime. */
export type NodeChoice = { from: 'setting' | 'path'; node: string } | { from: 'editor'; node: string; env: Record<string, string> };

/**
 * Which `node` runs a program: `flamelens.nodePath` when set, `node` when it is on PATH, else the
 * editor's own executable run as Node (Electron's ELECTRON_RUN_AS_NODE; plain Node ignores it).
 */
export function chooseNode(setting: string, pathVar: string | undefined, editorExecutable: string, isFile: (p: string) => boolean, platform: NodeJS.Platform = process.platform): NodeChoice {
  if (setting) return { from: 'setting', node: setting };
  const names = platform === 'win32' ? ['node.exe', 'node.cmd', 'node'] : ['node'];
  const sep = platform === 'win32' ? ';' : ':';
  for (const dir of (pathVar ?? '').split(sep)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = `${dir.replace(/[\\/]+$/, '')}${platform === 'win32' ? '\\' : '/'}${name}`;
      if (isFile(candidate)) return { from: 'path', node: 'node' };
    }
  }
  return { from: 'editor', node: editorExecutable, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/**
 * A launch's command with its `node` resolved by chooseNode (other commands as given). `editor` is set
 * when it falls back to the editor's own runtime: the launch adds its env and says so.
 */
export function withChosenNode(command: string[] | string, setting: string, isFile: (p: string) => boolean = isExistingFile): { command: string[] | string; editor?: { node: string; env: Record<string, string> } } {
  if (!Array.isArray(command) || command[0] !== 'node') return { command };
  const choice = chooseNode(setting, process.env.PATH, process.execPath, isFile);
  if (choice.from === 'path') return { command };
  const resolved = [choice.node, ...command.slice(1)];
  return choice.from === 'editor' ? { command: resolved, editor: { node: choice.node, env: choice.env } } : { command: resolved };
}

/** The version of the node a launch would run ("v22.18.0"); undefined when it does not answer within 5 s. */
export function chosenNodeVersion(setting: string): Promise<string | undefined> {
  const choice = chooseNode(setting, process.env.PATH, process.execPath, isExistingFile);
  if (choice.from === 'editor') return Promise.resolve(process.versions.node);
  return new Promise((resolve) => {
    execFile(choice.node, ['--version'], { timeout: 5000, windowsHide: true }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

function isExistingFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

// Pure helpers for the attach and snapshot commands: which Node processes to offer, how each row
// reads, and the short name used in titles and file names. No vscode import, so unit-testable.
import { nodeScript, type NodeProcessInfo } from '../capture/processes';
import { escapeLabelText } from '../model/escape-text';
import type { Translator } from '../translator';

/**
 * The editor's own Node processes (VS Code / code-server server, extension hosts, file watchers,
 * pty host, language servers started by extensions): attaching to those would profile the editor.
 */
const editorHelper = [
  /[\\/]code-server[\\/](?:out|lib)[\\/]/, // code-server's server and its bundled VS Code
  /(?:^|[\\/])code-server(?:\s|$)/,
  /[\\/]out[\\/](?:server-main|bootstrap-fork|cli)(?:\.js)?(?:\s|$)/, // VS Code (Server)'s own entry points
  /--type=(?:extensionHost|fileWatcher|ptyHost|utility)\b/,
  /[\\/]\.vscode(?:-server|-insiders)?[\\/](?:extensions|bin)[\\/]/, // language servers of installed extensions
];

export function isEditorProcess(p: Pick<NodeProcessInfo, 'argv' | 'isSelf'>): boolean {
  const line = p.argv.join(' ');
  return p.isSelf || editorHelper.some((re) => re.test(line));
}

/**
 * "server.js" for `node --inspect server.js --port 3` (and `node -r ./setup.js server.js`); the
 * executable's name when there is no script (`node -e …`, a REPL).
 */
export function shortProcessName(argv: readonly string[]): string {
  const script = nodeScript(argv);
  const base = (script ?? argv[0] ?? 'node').split(/[\\/]/).pop() ?? 'node';
  return base || 'node';
}

/**
 * The name FlameLens calls a picked process by in notifications, progress titles and the status
 * bar: its script's name, which whoever started the process chose (a `[x](command:…)` link, escape
 * sequences, `$(icon)`), so escaped for all three.
 */
export function processDisplayName(argv: readonly string[]): string {
  return escapeLabelText(shortProcessName(argv));
}

/** A file-name-safe stem: letters, digits, dot, dash, underscore (`fallback` when none is left). */
export function fileSlug(text: string, fallback = 'node'): string {
  return text.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || fallback;
}

export interface ProcessRow {
  label: string;
  description: string;
  detail: string;
}

export function processRow(l10n: Translator, p: NodeProcessInfo): ProcessRow {
  // Another user's process chooses its own command line: escaped before it is shortened.
  const line = escapeLabelText(p.commandLine);
  const command = line.length > 120 ? `${line.slice(0, 117)}…` : line;
  return {
    label: `${p.pid}  ${command}`,
    description: escapeLabelText(p.cwd),
    detail: p.inspector
      ? l10n.t('inspector open on {0}:{1}', p.inspector.host, p.inspector.port)
      : l10n.t('no inspector (will open one and close it afterwards)'),
  };
}

/** The processes to offer, editor processes left out, most recently started (highest pid) first. */
export function attachableProcesses(all: readonly NodeProcessInfo[]): NodeProcessInfo[] {
  return all.filter((p) => !isEditorProcess(p)).sort((a, b) => b.pid - a.pid);
}

// Starts code-server (VS Code's server: workbench + Node extension host) in its own process group with
// throwaway user data, extensions and config, and stops the whole group again.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { delay, freePort, groupAlive, killGroup } from './process';
import type { ToolPaths } from './tools';

export interface CodeServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  readonly pid: number;
  /** code-server's stdout+stderr. */
  readonly logFile: string;
  /** vscode-remote:// URI of a local absolute path, as the workbench payload wants it. */
  remoteUri(absPath: string): string;
  /** Last lines of the log, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM the process group, SIGKILL whatever is left after a grace period. */
  stop(): Promise<void>;
  /** Synchronous SIGKILL of the group, for process-exit handlers. */
  killNow(): void;
}

// Settings that keep first-run UI (welcome page, chat, tips) out of the way of tests and screenshots.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.commandCenter': false,
};

// Built-in extensions that every workbench of the suite activated and no test uses (extension host
// logs of a UI run: git, GitHub and its sign-in, emmet and merge-conflict at start-up, the TypeScript
// server on the first .js file opened). On CI's 2 cores they competed with the spec under test for
// the CPU. VS Code's server leaves them out when they are named in VSCODE_SKIP_BUILTIN_EXTENSIONS, as
// if not installed; js-debug, npm, JSON and the rest stay.
const SKIPPED_BUILTINS = ['vscode.git', 'vscode.git-base', 'vscode.github', 'vscode.github-authentication', 'vscode.emmet', 'vscode.merge-conflict', 'vscode.typescript-language-features'];

// Process groups of every code-server started and not yet stopped, so an exit handler can kill them
// synchronously even when start-up was still under way.
const liveGroups = new Set<number>();

/** SIGKILLs every code-server process group still running (for process 'exit' handlers). */
export function killAllCodeServersNow(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

export interface StartOptions {
  tools: ToolPaths;
  /** Fresh temp folder for user data, extensions, config and the log. */
  root: string;
  /** Extra environment for the server and so the extension host. */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  /** Needed for the test payload (extensionDevelopmentPath/extensionTestsPath); suppresses toasts. */
  smokeTestDriver?: boolean;
  /** Extension folders to install as a user would have them (copied into the extensions dir). */
  installExtensions?: string[];
  /** Honour workspace trust (the default server trusts everything): a fresh folder opens in Restricted Mode. */
  workspaceTrust?: boolean;
  /** User keybindings (keybindings.json entries). */
  keybindings?: unknown[];
}

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const port = await freePort();
  const userData = path.join(opts.root, 'user-data');
  const extensions = path.join(opts.root, 'extensions');
  const config = path.join(opts.root, 'config.yaml');
  const logFile = path.join(opts.root, 'code-server.log');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  for (const dir of opts.installExtensions ?? []) installExtensionFolder(dir, extensions);
  // With trust honoured and no start-up prompt, a folder nobody has trusted yet opens in Restricted Mode.
  const settings = opts.workspaceTrust ? { ...USER_SETTINGS, 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : USER_SETTINGS;
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  if (opts.keybindings) writeFileSync(path.join(userData, 'User', 'keybindings.json'), JSON.stringify(opts.keybindings, null, 2));
  // Own config file: without --config code-server writes ~/.config/code-server/config.yaml.
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  const args = [
    opts.tools.codeServer,
    '--config', config,
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (!opts.workspaceTrust) args.push('--disable-workspace-trust');
  // Lets the page's codeAutomationExit/codeAutomationLog receive the test run's exit and logs. It also
  // suppresses notification toasts, so UI specs run on a server without it.
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const log = openSync(logFile, 'a');
  const child = spawn(opts.tools.node, args, {
    detached: true, // own process group (setsid), so stop() reaches the extension hosts it spawns
    stdio: ['ignore', log, log],
    env: { ...process.env, VSCODE_SKIP_BUILTIN_EXTENSIONS: SKIPPED_BUILTINS.join(','), ...opts.env },
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.tools.node} ${opts.tools.codeServer}`);
  liveGroups.add(pid);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );

  const origin = `http://127.0.0.1:${port}`;
  const logTail = (lines = 30): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const server: CodeServer = {
    origin,
    port,
    pid,
    logFile,
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`,
    logTail,
    async stop() {
      if (!groupAlive(pid)) {
        liveGroups.delete(pid);
        return;
      }
      killGroup(pid, 'SIGTERM');
      await Promise.race([exitedPromise, delay(5000)]);
      await delay(200);
      // Extension hosts and helpers may outlive the server process itself.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    },
    killNow() {
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    },
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`code-server exited during start-up (code ${exited.code}, signal ${exited.signal}); log ${logFile}:\n${logTail()}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await delay(250);
  }
  await server.stop();
  throw new Error(`code-server did not answer ${origin}/healthz within ${opts.readyTimeoutMs ?? 60_000} ms; log ${logFile}:\n${logTail()}`);
}

// What `vsce package` ships (see .vscodeignore); the bundles need nothing from node_modules.
const PACKAGED = ['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist', 'media', 'l10n'];

/** Installs an unpacked extension the way VS Code lays out a .vsix: <publisher>.<name>-<version>/. */
function installExtensionFolder(dir: string, extensionsDir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const dest = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  for (const entry of PACKAGED) {
    if (existsSync(path.join(dir, entry))) cpSync(path.join(dir, entry), path.join(dest, entry), { recursive: true });
  }
}

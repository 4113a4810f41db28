// Part of the agent: notices Node.js children started with an environment that drops the agent.
// The launcher reaches children through NODE_OPTIONS (`--require agent.js`); a program that gives
// its child its own `env` without it (`spawn('node', [...], { env: { PATH } })`, execa's
// extendEnv: false), or with a NODE_OPTIONS of its own that replaces ours
// (`{ ...process.env, NODE_OPTIONS: '--max-old-space-size=100' }`), starts that child unrecorded.
// Nothing is changed in what the program asked for: the child's command line (and that
// NODE_OPTIONS) is only remembered, and the launcher names it in its summary.
import childProcess from 'node:child_process';
import path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { unprofiledChildEntry } from './session';

const patchedKey = Symbol.for('flamelens.agent.childPatched');
/** Most command lines remembered per thread: the note names a few, not a fork bomb's thousands. */
const maxRemembered = 10;

/** What ChildProcess.prototype.spawn receives from spawn/exec/execFile/fork (Node's normalized options). */
interface NormalizedSpawnOptions {
  file?: unknown;
  args?: unknown;
  envPairs?: unknown;
}

/**
 * Calls `found(entry)` (see unprofiledChildEntry) for each Node.js child this thread starts whose
 * environment lacks `agentFile` in NODE_OPTIONS. Covers spawn, exec, execFile and fork (all through
 * ChildProcess.prototype.spawn) and their Sync forms. Idempotent per thread; never throws into the program.
 */
export function watchChildrenWithoutAgent(agentFile: string, found: (commandLine: string) => void): void {
  const exports = childProcess as unknown as Record<string | symbol, unknown>;
  if (exports[patchedKey]) return;
  Object.defineProperty(exports, patchedKey, { value: true });
  let remembered = 0;
  const check = (file: unknown, args: unknown, env: unknown): void => {
    if (remembered >= maxRemembered) return;
    try {
      const argv = Array.isArray(args) ? args.map(String) : [];
      const command = typeof file === 'string' ? file : (argv[0] ?? '');
      const nodeOptions = nodeOptionsFor(env);
      if (!startsNode(command, argv) || nodeOptions === inherited || nodeOptions?.includes(agentFile)) return;
      remembered++;
      const line = argv.length > 0 ? argv.join(' ') : command;
      found(unprofiledChildEntry({ commandLine: shortened(line), ...(nodeOptions !== undefined ? { ownNodeOptions: shortened(nodeOptions) } : {}) }));
    } catch {
      // Never the program's problem.
    }
  };
  const proto = childProcess.ChildProcess.prototype as unknown as { spawn: (options: NormalizedSpawnOptions) => unknown };
  const spawn = proto.spawn;
  proto.spawn = function (this: unknown, options: NormalizedSpawnOptions) {
    if (options && typeof options === 'object') check(options.file, options.args, options.envPairs);
    return spawn.call(this, options);
  };
  // The Sync forms do not go through ChildProcess; their options are the program's own.
  for (const name of ['spawnSync', 'execSync', 'execFileSync'] as const) {
    const original = exports[name] as (...a: unknown[]) => unknown;
    const wrapped = function (this: unknown, ...a: unknown[]) {
      const options = a.find((x): x is { env?: unknown } => typeof x === 'object' && x !== null && !Array.isArray(x));
      if (options?.env !== undefined) {
        const args = Array.isArray(a[1]) ? (a[1] as unknown[]) : [];
        // execSync runs its command through a shell: the command line is what names node.
        const argv = name === 'execSync' ? ['/bin/sh', '-c', String(a[0])] : [String(a[0]), ...args.map(String)];
        check(argv[0], argv, options.env);
      }
      return original.apply(this, a);
    };
    Object.defineProperty(wrapped, 'name', { value: name });
    exports[name] = wrapped;
  }
  // `import { execSync } from 'node:child_process'` sees them too.
  syncBuiltinESMExports();
}

const inherited = Symbol('inherited');

/** NODE_OPTIONS in `env` (an object, or Node's "K=V" pairs): `inherited` when no env is given (the child gets this process's, agent included). */
function nodeOptionsFor(env: unknown): string | undefined | typeof inherited {
  if (Array.isArray(env)) {
    const pair = env.find((p) => typeof p === 'string' && p.startsWith('NODE_OPTIONS='));
    return typeof pair === 'string' ? pair.slice('NODE_OPTIONS='.length) : undefined;
  }
  if (env && typeof env === 'object') {
    // Node passes a value on as a string (undefined ones are left out).
    const value = (env as Record<string, unknown>).NODE_OPTIONS;
    return value === undefined ? undefined : String(value);
  }
  return inherited;
}

function shortened(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

const nodeNames = /^(?:node|nodejs|node\.exe|npm|npx|yarn|pnpm|tsx|ts-node)$/i;
const nodeInCommand = /(?:^|[\s/\\"'])(?:node|nodejs|npm|npx|yarn|pnpm|tsx|ts-node)(?:\.exe)?(?=$|[\s"'])/i;

/** Whether the command starts Node.js: node (or a package manager) itself, or a shell command that names it. */
function startsNode(command: string, argv: readonly string[]): boolean {
  if (command === process.execPath || nodeNames.test(path.basename(command))) return true;
  const shell = /^(?:sh|bash|dash|zsh|cmd\.exe|cmd)$/i.test(path.basename(command));
  return shell && argv.some((a, i) => i > 0 && nodeInCommand.test(a));
}

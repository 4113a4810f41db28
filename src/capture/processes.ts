// Discovery of running Node processes, Linux only: everything comes from /proc. On macOS and
// Windows listNodeProcesses() throws UnsupportedPlatformError; attaching by host:port or ws:// URL
// works everywhere (that needs no discovery).
import { readFileSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { isInspectorListening } from './inspector/endpoints';

export interface ListeningSocket {
  /** Dotted IPv4 or IPv6 text ('127.0.0.1', '::1', '0.0.0.0', '::'). */
  host: string;
  port: number;
  inode: number;
}

export interface NodeProcessInfo {
  pid: number;
  /** argv as the kernel reports it. */
  argv: string[];
  commandLine: string;
  /** Executable path ('' when it can't be read, e.g. another user's process). */
  exe: string;
  cwd: string;
  /** True for the process doing the listing. */
  isSelf: boolean;
  /** An inspector answering /json/list on one of the process's listening sockets. */
  inspector?: { host: string; port: number };
  /** The port named by --inspect / --inspect-brk / --inspect-port (argv or NODE_OPTIONS), if any. */
  inspectPortFlag?: number;
  /** The host those flags name, if any (without one, Node's inspector binds 127.0.0.1). */
  inspectHost?: InspectHostFlag;
}

export interface InspectHostFlag {
  /** As given, without IPv6 brackets ('0.0.0.0', '::', 'example.org'). */
  host: string;
  /** The flag that set it, e.g. '--inspect-port=0.0.0.0:0'. */
  flag: string;
  /** Where that flag was: the command line, or NODE_OPTIONS from the environment or an --env-file. */
  from: 'command line' | 'NODE_OPTIONS' | { envFile: string };
}

export class UnsupportedPlatformError extends Error {
  constructor() {
    super(
      `listing Node processes is Linux-only for now (this is ${process.platform}); ` +
        'start the target with --inspect and attach by host:port or ws:// URL instead',
    );
    this.name = 'UnsupportedPlatformError';
  }
}

/** Lists Node processes (running `node`), with any open inspector. */
export async function listNodeProcesses(): Promise<NodeProcessInfo[]> {
  if (process.platform !== 'linux') throw new UnsupportedPlatformError();
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const found = await Promise.all(
    pids.map(async (pid) => {
      const basics = await readProcessBasics(pid).catch(() => undefined);
      if (!basics || !looksLikeNode(basics.exe, basics.argv)) return undefined;
      return describeProcess(pid, basics);
    }),
  );
  return found.filter((p): p is NodeProcessInfo => p !== undefined).sort((a, b) => a.pid - b.pid);
}

/** Full information about one process (which need not be Node: check looksLikeNode). */
export async function describeProcess(pid: number, basics?: ProcessBasics): Promise<NodeProcessInfo> {
  const b = basics ?? (await readProcessBasics(pid));
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
  // Node reads NODE_OPTIONS first: the command line's flags override it.
  const nodeOptions = await nodeOptionsOf(pid, b.argv, cwd);
  const fromEnv = nodeOptions ? inspectAddressFromArgs(splitNodeOptions(nodeOptions.value), undefined, nodeOptions.from) : undefined;
  const address = inspectAddressFromArgs(b.argv, fromEnv);
  const inspectPortFlag = address.flagged ? (address.port ?? DEFAULT_INSPECTOR_PORT) : undefined;
  const inspectHost = address.host;
  const inspector = await findInspector(pid);
  return {
    pid,
    argv: b.argv,
    commandLine: b.argv.join(' '),
    exe: b.exe,
    cwd,
    isSelf: pid === process.pid,
    ...(inspector ? { inspector } : {}),
    ...(inspectPortFlag !== undefined ? { inspectPortFlag } : {}),
    ...(inspectHost ? { inspectHost } : {}),
  };
}

export interface ProcessBasics {
  argv: string[];
  exe: string;
}

/** argv and executable of a pid; rejects with ENOENT when there is no such process. */
export async function readProcessBasics(pid: number): Promise<ProcessBasics> {
  const raw = await readFile(`/proc/${pid}/cmdline`);
  const argv = raw.toString('utf8').split('\0');
  if (argv.at(-1) === '') argv.pop();
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
  return { argv, exe };
}

/** Node's executable is `node`, `nodejs` or a versioned `node20`; argv[0] is the fallback when exe is unreadable. */
export function looksLikeNode(exe: string, argv: readonly string[]): boolean {
  const isNodeName = (file: string): boolean => /^(node|nodejs)(\d+(\.\d+)*)?$/.test(path.basename(file.replace(/ \(deleted\)$/, '')));
  if (exe) return isNodeName(exe);
  return argv.length > 0 && isNodeName(argv[0]!);
}

/**
 * Whether the process has a handler installed for a signal: its bit in the SigCgt mask of
 * /proc/PID/status (signal n is bit n-1). Node catches SIGUSR1 to open its inspector; a program
 * that merely carries Node's name does not, and SIGUSR1's default action would kill it.
 * Rejects when the status file cannot be read (no such process, or not ours to read).
 */
export async function catchesSignal(pid: number, signal: 'SIGUSR1' | 'SIGINT' | 'SIGTERM'): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const mask = /^SigCgt:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  if (mask === undefined) throw new Error(`/proc/${pid}/status has no SigCgt line`);
  const bit = BigInt(osConstants.signals[signal] - 1);
  return ((BigInt(`0x${mask}`) >> bit) & 1n) === 1n;
}

const DEFAULT_INSPECTOR_PORT = 9229;

/**
 * Node options (v20 to v24) that take a value, which may be the next argument (`-r ./x.js`,
 * `--import tsx`): that argument is the option's, not the script. Node 20's own table
 * (internal/options: integer, string, host:port and list options) with their aliases, and later ones.
 */
const optionsWithValue = new Set([
  '-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '-e', '--eval', '-pe',
  '--inspect-port', '--debug-port', '--inspect-publish-uid', '--title', '--env-file', '--env-file-if-exists',
  '--input-type', '--experimental-default-type', '--experimental-policy', '--policy-integrity', '--experimental-sea-config',
  '--build-snapshot-config', '--snapshot-blob', '--disable-warning', '--disable-proto', '--unhandled-rejections',
  '--dns-result-order', '--icu-data-dir', '--openssl-config', '--tls-cipher-list', '--tls-keylog', '--use-largepages',
  '--secure-heap', '--secure-heap-min', '--security-revert', '--security-reverts', '--v8-pool-size', '--max-http-header-size',
  '--network-family-autoselection-attempt-timeout', '--heapsnapshot-near-heap-limit', '--heapsnapshot-signal', '--diagnostic-dir',
  '--report-dir', '--report-directory', '--report-filename', '--report-signal', '--redirect-warnings', '--trace-event-categories',
  '--trace-event-file-pattern', '--trace-require-module', '--cpu-prof-dir', '--cpu-prof-name', '--cpu-prof-interval',
  '--heap-prof-dir', '--heap-prof-name', '--heap-prof-interval', '--allow-fs-read', '--allow-fs-write', '--watch-path',
  '--test-name-pattern', '--test-skip-pattern', '--test-reporter', '--test-reporter-destination', '--test-concurrency',
  '--test-timeout', '--test-shard', '--test-isolation', '--experimental-test-isolation', '--test-coverage-include',
  '--test-coverage-exclude', '--test-coverage-branches', '--test-coverage-functions', '--test-coverage-lines',
  '--test-global-setup', '--run', '--localstorage-file', '--experimental-config-file', '--watch-kill-signal',
]);

export interface NodeOption {
  /** `--` names as Node reads them (`_` as `-`). */
  name: string;
  value?: string;
}

/**
 * Node's own options in `args` (argv, or NODE_OPTIONS words after a placeholder argv[0]) and the
 * index of the script: the first argument that is neither an option nor an option's value. No
 * script with -e/-p (what follows is the program's) or none given (a REPL).
 */
export function parseNodeArgs(args: readonly string[]): { options: NodeOption[]; scriptIndex?: number } {
  const options: NodeOption[] = [];
  let evaluates = false;
  const result = (scriptIndex: number) => (evaluates || scriptIndex >= args.length ? { options } : { options, scriptIndex });
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return result(i + 1);
    if (arg.length <= 1 || !arg.startsWith('-')) return result(i); // `-` is the script read from stdin
    // Node splits `name=value` and reads `_` as `-` only in long options (`-r=x` is a bad option).
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq < 0 ? (arg.startsWith('--') ? arg.replace(/_/g, '-') : arg) : arg.slice(0, eq).replace(/_/g, '-');
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    const next = args[i + 1];
    if (value === undefined && next !== undefined) {
      // `--print <arg>` is Node's alias for `-pe <arg>`: it takes the next argument unless that is an option.
      if (optionsWithValue.has(name) || ((name === '-p' || name === '--print') && !next.startsWith('-'))) {
        value = next;
        i++;
      }
    }
    if (['-e', '--eval', '-p', '--print', '-pe'].includes(name)) evaluates = true;
    options.push(value === undefined ? { name } : { name, value });
  }
  return { options };
}

/** The script Node runs for this argv, if any (see parseNodeArgs). */
export function nodeScript(argv: readonly string[]): string | undefined {
  const { scriptIndex } = parseNodeArgs(argv);
  return scriptIndex === undefined ? undefined : argv[scriptIndex];
}

interface InspectAddress {
  /** An --inspect* flag was given. */
  flagged: boolean;
  host?: InspectHostFlag;
  port?: number;
}

/**
 * Host and port the inspector would use, from the --inspect* flags in `args` applied in order over
 * `base`, as Node does (HostPort::Update: a flag sets what it names; `--inspect=host` alone also
 * resets the port to 9229; `--inspect` without a value changes neither).
 */
function inspectAddressFromArgs(args: readonly string[], base: InspectAddress = { flagged: false }, from: InspectHostFlag['from'] = 'command line'): InspectAddress {
  const address = { ...base };
  for (const { name, value } of parseNodeArgs(args).options) {
    if (!/^--(inspect|inspect-brk|inspect-wait|inspect-brk-node|inspect-port|debug-port)$/.test(name)) continue;
    address.flagged = true;
    if (value === undefined) continue;
    const { host, port } = splitHostPort(value);
    if (host) address.host = { host, flag: `${name}=${value}`, from };
    if (port !== undefined) address.port = port;
  }
  return address;
}

/** Node's SplitHostPort: `[::]`, `host`, `port` or `host:port`; a host alone means port 9229. */
function splitHostPort(value: string): { host?: string; port?: number } {
  const unbracketed = value.replace(/^\[(.*)\]$/, '$1');
  if (unbracketed !== value) return { host: unbracketed, port: DEFAULT_INSPECTOR_PORT };
  const colon = value.lastIndexOf(':');
  if (colon < 0) return /^\d+$/.test(value) ? { port: validPort(value) } : { host: value, port: DEFAULT_INSPECTOR_PORT };
  const host = value.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { ...(host ? { host } : {}), port: validPort(value.slice(colon + 1)) };
}

function validPort(text: string): number | undefined {
  const port = Number(text);
  // Node refuses to start with any other value, so none reaches a running process.
  return /^\d+$/.test(text) && port < 65536 ? port : undefined;
}

/**
 * The inspector port named by Node flags: --inspect[=[host:]port], --inspect-brk…, --inspect-port=…
 * (also the two-argument forms). `--inspect` alone means 9229; port 0 means "any free port".
 */
export function inspectPortFromArgs(args: readonly string[]): number | undefined {
  const address = inspectAddressFromArgs(args);
  return address.flagged ? (address.port ?? DEFAULT_INSPECTOR_PORT) : undefined;
}

/**
 * Whether an inspector bound to `host` (as an --inspect flag names it) is reachable only from this
 * machine: localhost, 127.0.0.0/8 or ::1. Anything else (0.0.0.0, ::, a LAN address, another name)
 * may be reached from the network, and an inspector runs any code it is sent.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  let normal: string;
  try {
    // The URL parser writes IPv4 and IPv6 addresses one way (127.1 is 127.0.0.1, 0:0:0:0:0:0:0:1 is ::1).
    normal = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname;
  } catch {
    return false;
  }
  return normal === '[::1]' || /^127(\.\d+){3}$/.test(normal) || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normal);
}

/** Whether Node was given `flag` (e.g. --disable-sigusr1) on its command line, before the script, or in NODE_OPTIONS. */
export async function nodeFlagGiven(pid: number, argv: readonly string[], flag: string): Promise<boolean> {
  const given = (args: readonly string[]) => parseNodeArgs(args).options.some((o) => o.name === flag);
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
  return given(argv) || given(splitNodeOptions((await nodeOptionsOf(pid, argv, cwd))?.value));
}

/**
 * The NODE_OPTIONS the process started with: its environment's, or else the last --env-file that
 * sets one (Node applies it at startup, and /proc/PID/environ never shows it). An env file is read
 * now, relative to the process's current folder: a best guess at what it read then.
 */
async function nodeOptionsOf(pid: number, argv: readonly string[], cwd: string): Promise<{ value: string; from: InspectHostFlag['from'] } | undefined> {
  const fromEnv = await readEnvVar(pid, 'NODE_OPTIONS');
  if (fromEnv !== undefined) return { value: fromEnv, from: 'NODE_OPTIONS' };
  let found: { value: string; from: InspectHostFlag['from'] } | undefined;
  for (const { name, value } of parseNodeArgs(argv).options) {
    if ((name !== '--env-file' && name !== '--env-file-if-exists') || !value) continue;
    const envFile = path.resolve(cwd || '/', value);
    const text = await readFile(`/proc/${pid}/root${envFile}`, 'utf8').catch(() => undefined);
    const fromFile = text === undefined ? undefined : nodeOptionsInEnvFile(text);
    if (fromFile !== undefined) found = { value: fromFile, from: { envFile } };
  }
  return found;
}

/** NODE_OPTIONS in a dotenv file (`[export ]NODE_OPTIONS=value`, quoted or with a `# comment`); the last one counts. */
export function nodeOptionsInEnvFile(text: string): string | undefined {
  let value: string | undefined;
  for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?NODE_OPTIONS[ \t]*=[ \t]*(?:(["'`])([\s\S]*?)\1|([^\n#]*))/gm)) {
    value = m[1] ? m[2]! : m[3]!.trim();
  }
  return value;
}

/** NODE_OPTIONS split as Node does: at spaces, except inside double quotes, where `\` escapes a character. */
export function splitNodeOptions(value: string | undefined): string[] {
  if (!value) return [];
  const words: string[] = [];
  let quoted = false;
  let startNew = true;
  for (let i = 0; i < value.length; i++) {
    let c = value[i]!;
    if (c === '\\' && quoted) {
      if (i + 1 === value.length) break; // Node refuses to start with this
      c = value[++i]!;
    } else if (c === ' ' && !quoted) {
      startNew = true;
      continue;
    } else if (c === '"') {
      quoted = !quoted;
      continue;
    }
    if (startNew) words.push(c);
    else words[words.length - 1] += c;
    startNew = false;
  }
  return ['node', ...words];
}

async function readEnvVar(pid: number, name: string): Promise<string | undefined> {
  try {
    const raw = (await readFile(`/proc/${pid}/environ`)).toString('utf8');
    const entry = raw.split('\0').find((e) => e.startsWith(`${name}=`));
    return entry?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}

/** Inodes of the sockets a process holds open (needs permission to read /proc/<pid>/fd). */
export async function socketInodes(pid: number): Promise<Set<number>> {
  const inodes = new Set<number>();
  const fds = await readdir(`/proc/${pid}/fd`);
  await Promise.all(
    fds.map(async (fd) => {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) inodes.add(Number(m[1]));
    }),
  );
  return inodes;
}

/** Every listening TCP socket in the network namespace of `pid` (default: ours). */
export async function listeningSockets(pid: number | 'self' = 'self'): Promise<ListeningSocket[]> {
  const result: ListeningSocket[] = [];
  for (const file of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = TCP_LISTEN
      const [addrHex, portHex] = cols[1]!.split(':');
      result.push({ host: decodeAddress(addrHex!), port: parseInt(portHex!, 16), inode: Number(cols[9]) });
    }
  }
  return result;
}

/** Listening TCP sockets owned by `pid`. */
export async function listeningSocketsOf(pid: number): Promise<ListeningSocket[]> {
  const [inodes, sockets] = await Promise.all([socketInodes(pid), listeningSockets(pid)]);
  return sockets.filter((s) => inodes.has(s.inode));
}

/** The inspector of a process: the first of its listening sockets that answers /json/list. */
export async function findInspector(pid: number): Promise<{ host: string; port: number } | undefined> {
  const sockets = await listeningSocketsOf(pid).catch(() => []);
  for (const socket of sockets) {
    const host = connectHost(socket.host);
    if (await isInspectorListening(host, socket.port)) return { host, port: socket.port };
  }
  return undefined;
}

/** Who listens on a TCP port (any address), for "port in use by pid N" messages. */
export async function findPortOwner(port: number): Promise<{ pid: number; commandLine: string } | undefined> {
  const inodes = new Set((await listeningSockets()).filter((s) => s.port === port).map((s) => s.inode));
  if (inodes.size === 0) return undefined;
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  for (const pid of pids) {
    const owned = await socketInodes(pid).catch(() => new Set<number>());
    if ([...owned].some((inode) => inodes.has(inode))) {
      const basics = await readProcessBasics(pid).catch(() => undefined);
      return { pid, commandLine: basics?.argv.join(' ') ?? '' };
    }
  }
  return { pid: -1, commandLine: '(a process we may not inspect)' };
}

/** True when something listens on the TCP port (any address). */
export async function isPortListening(port: number): Promise<boolean> {
  return (await listeningSockets()).some((s) => s.port === port);
}

/** Wildcard listen addresses are reached through loopback. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** /proc/net/tcp{,6} addresses are hex words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    const n = parseInt(hex, 16);
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
  }
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12).join('.'); // IPv4-mapped
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  return text;
}

/** The parent of `pid` from /proc (Linux), or undefined where there is none to read. */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command name, which may hold spaces and parentheses) state ppid …"
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(parent) ? parent : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs below `root` (true/false), or undefined when its ancestry cannot be read. */
export function descendsFrom(pid: number, root: number): boolean | undefined {
  let current = pid;
  for (let level = 0; level < 64; level++) {
    const parent = parentOf(current);
    if (parent === undefined) return level === 0 ? undefined : false;
    if (parent === root) return true;
    if (parent <= 1) return false;
    current = parent;
  }
  return false;
}

/** True while the process runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

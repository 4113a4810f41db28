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
  const inspectPortFlag = inspectPortFromArgs(b.argv) ?? inspectPortFromArgs(splitNodeOptions(await readEnvVar(pid, 'NODE_OPTIONS')));
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

/**
 * The inspector port named by Node flags: --inspect[=[host:]port], --inspect-brk…, --inspect-port=…
 * (also the two-argument forms). `--inspect` alone means 9229; port 0 means "any free port".
 */
export function inspectPortFromArgs(args: readonly string[]): number | undefined {
  let port: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const m = /^--(inspect|inspect-brk|inspect-wait|inspect-port|debug-port)(?:=(.*))?$/.exec(arg);
    if (!m) {
      // The first non-flag argument is the script: what follows belongs to the program.
      if (!arg.startsWith('-') && i > 0) break;
      continue;
    }
    let value = m[2];
    if (value === undefined && (m[1] === 'inspect-port' || m[1] === 'debug-port')) value = args[++i];
    if (value === undefined) {
      port ??= 9229;
      continue;
    }
    const portText = value.includes(':') ? value.slice(value.lastIndexOf(':') + 1) : value;
    const parsed = Number(portText);
    if (Number.isInteger(parsed) && parsed >= 0 && parsed < 65536) port = parsed;
    else port ??= 9229; // --inspect=host alone keeps the default port.
  }
  return port;
}

/** Whether Node was given `flag` (e.g. --disable-sigusr1) on its command line, before the script, or in NODE_OPTIONS. */
export async function nodeFlagGiven(pid: number, argv: readonly string[], flag: string): Promise<boolean> {
  const script = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  const options = script < 0 ? argv : argv.slice(0, script);
  return options.includes(flag) || splitNodeOptions(await readEnvVar(pid, 'NODE_OPTIONS')).includes(flag);
}

function splitNodeOptions(value: string | undefined): string[] {
  return value ? ['node', ...value.split(/\s+/).filter(Boolean)] : [];
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

// Finds (or opens) the inspector of an attach target and says whether we opened it, so the
// session can leave the target as it found it.
import { escapeNotificationText } from '../model/escape-text';
import { AttachError } from './attach-errors';
import { webSocketUrlFor } from './inspector/endpoints';
import { LATE_WATCH_MS, lateWatchNote } from './late-inspector';
import {
  catchesSignal,
  describeProcess,
  isAlive,
  findInspector,
  findPortOwner,
  isLoopbackHost,
  isPortListening,
  listeningSocketsOf,
  looksLikeNode,
  nodeFlagGiven,
  readProcessBasics,
  type InspectHostFlag,
  type ProcessBasics,
} from './processes';

export type AttachTarget = { pid: number } | { host: string; port: number } | { wsUrl: string };

export interface Endpoint {
  wsUrl: string;
  host: string;
  port: number;
  pid?: number;
  /** True when we opened the inspector (SIGUSR1): it must be closed again when we're done. */
  openedInspector: boolean;
}

export interface EndpointOptions {
  signal?: AbortSignal;
  /** How long to wait for a signalled process to open its inspector (ms). */
  openTimeoutMs?: number;
  report?: (message: string) => void;
}

const DEFAULT_INSPECTOR_PORT = 9229;

export async function resolveEndpoint(target: AttachTarget, options: EndpointOptions = {}): Promise<Endpoint> {
  if ('wsUrl' in target) {
    const url = parseWsUrl(target.wsUrl);
    return { wsUrl: target.wsUrl, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80), openedInspector: false };
  }
  if ('host' in target) {
    try {
      const wsUrl = await webSocketUrlFor(target.host, target.port, { signal: options.signal });
      return { wsUrl, host: target.host, port: target.port, openedInspector: false };
    } catch (error) {
      throwIfAborted(options.signal);
      throw new AttachError(
        'connect-failed',
        `no inspector answers at ${target.host}:${target.port} (${(error as Error).message}); ` +
          `start the target with --inspect=${target.host}:${target.port}, or attach by PID`,
        { cause: error },
      );
    }
  }
  return resolvePid(target.pid, options);
}

/** What checkPid learnt about a process that can be attached to. */
interface CheckedPid {
  basics: ProcessBasics;
  /** Its inspector, when one is already open. */
  existing?: { host: string; port: number };
  /** The port SIGUSR1 would open the inspector on (0: any), when none is open. */
  expectedPort: number;
}

/**
 * Whether FlameLens can attach to `pid`, without touching it: it runs, may be inspected, and
 * either has an inspector open or is Node.js that opens one on SIGUSR1 on a free port. Throws the
 * AttachError that attaching would throw. Run before anything slow (a load run's warm-up), so a
 * wrong PID fails at once.
 */
export async function checkPid(pid: number): Promise<CheckedPid> {
  if (!Number.isInteger(pid) || pid <= 0) throw new AttachError('pid-not-found', `"${pid}" is not a process id`);
  if (pid === process.pid) throw new AttachError('self', `pid ${pid} is FlameLens itself; attach to another process`);
  if (process.platform === 'win32') {
    throw new AttachError(
      'unsupported-platform',
      'attaching by PID is not supported on Windows: start the target with --inspect and attach by host:port (e.g. 127.0.0.1:9229)',
    );
  }
  if (process.platform !== 'linux') {
    throw new AttachError(
      'unsupported-platform',
      `attaching by PID is Linux-only for now (this is ${process.platform}): start the target with --inspect and attach by host:port`,
    );
  }

  const basics = await readProcessBasics(pid).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new AttachError('pid-not-found', `no process with pid ${pid} is running`);
    if (error.code === 'EACCES' || error.code === 'EPERM') {
      throw new AttachError('permission-denied', `not allowed to inspect pid ${pid}; it belongs to another user (run FlameLens as that user)`);
    }
    throw error;
  });
  // Quoted in errors that VS Code shows as notifications: whoever started the process chose it.
  const commandLine = escapeNotificationText(basics.argv.join(' ')) || '(no command line)';
  const executable = escapeNotificationText(basics.exe || basics.argv[0] || 'unknown executable');

  // An inspector that is already open is used as is, whatever the executable is called.
  const existing = await findInspector(pid);
  if (existing) return { basics, existing, expectedPort: existing.port };

  // SIGUSR1 opens Node's inspector, but its default action kills any other program.
  if (!looksLikeNode(basics.exe, basics.argv)) {
    throw new AttachError(
      'not-node',
      `pid ${pid} is not a Node.js process (${executable}: ${commandLine}); ` +
        'FlameLens only sends the inspector signal to node executables',
    );
  }

  // The name is not enough: a copy of another program called `node`, or a Node.js that does not
  // listen for the signal, would be killed by it. Node installs a SIGUSR1 handler at startup.
  const handled = await catchesSignal(pid, 'SIGUSR1').catch(() => undefined);
  if (handled !== true) {
    const why = handled === undefined ? `its signal handlers could not be read from /proc/${pid}/status` : 'it has no SIGUSR1 handler (SigCgt in /proc/PID/status)';
    throw new AttachError(
      'no-sigusr1-handler',
      `pid ${pid} (${executable}) is named like Node.js, but ${why}, so SIGUSR1 could kill it ` +
        'instead of opening an inspector; FlameLens did not send it. If it is Node.js, start it with --inspect and attach by host:port',
    );
  }

  const info = await describeProcess(pid, basics);
  const expectedPort = info.inspectPortFlag ?? DEFAULT_INSPECTOR_PORT;
  if (info.inspectHost && !isLoopbackHost(info.inspectHost.host)) throw notLoopback(pid, info.inspectHost, expectedPort);
  if (expectedPort !== 0 && (await isPortListening(expectedPort))) {
    throw await portInUse(expectedPort, pid);
  }
  return { basics, expectedPort };
}

async function resolvePid(pid: number, options: EndpointOptions): Promise<Endpoint> {
  const { signal, openTimeoutMs = 5000, report } = options;
  const { basics, existing, expectedPort } = await checkPid(pid);
  if (existing) {
    report?.(`pid ${pid} already has an inspector on ${existing.host}:${existing.port}`);
    const wsUrl = await webSocketUrlFor(existing.host, existing.port, { signal }).catch((error: Error) => {
      throwIfAborted(signal);
      throw new AttachError('connect-failed', `the inspector of pid ${pid} on ${existing.host}:${existing.port} did not answer: ${error.message}`, { cause: error });
    });
    return { wsUrl, host: existing.host, port: existing.port, pid, openedInspector: false };
  }

  throwIfAborted(signal);
  report?.(`sending SIGUSR1 to pid ${pid} to open its inspector on port ${expectedPort || '(any)'}`);
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw new AttachError('pid-not-found', `pid ${pid} exited before it could be signalled`);
    if (code === 'EPERM') {
      throw new AttachError('permission-denied', `not allowed to signal pid ${pid} (EPERM); it belongs to another user — run FlameLens as that user`);
    }
    throw error;
  }

  const deadline = Date.now() + openTimeoutMs;
  let openedOn: { host: string; port: number } | undefined;
  while (Date.now() < deadline) {
    // Not cancellable: once signalled, the target is opening its inspector, and we must find it to
    // close it again. The caller checks for cancellation right after (at most openTimeoutMs later).
    await delay(50);
    if (!isAlive(pid)) throw new AttachError('target-exited', `pid ${pid} exited after it was sent SIGUSR1`);
    const sockets = await listeningSocketsOf(pid).catch(() => []);
    if (sockets.length === 0) continue;
    const found = await findInspector(pid);
    if (found) {
      // Not cancellable either, and retried until the deadline: without the URL we could not close it.
      const wsUrl = await webSocketUrlFor(found.host, found.port).catch(() => undefined);
      if (wsUrl) return { wsUrl, host: found.host, port: found.port, pid, openedInspector: true };
      openedOn = found;
    }
  }
  if (openedOn) {
    throw new AttachError(
      'inspector-not-opened',
      `pid ${pid} opened an inspector on ${openedOn.host}:${openedOn.port} after SIGUSR1, but it did not name its WebSocket URL ` +
        `within ${openTimeoutMs} ms; FlameLens keeps trying to close it for ${LATE_WATCH_MS / 60_000} minutes`,
      { signalledPid: pid },
    );
  }
  // Someone may have taken the port between our check and the signal.
  if (expectedPort !== 0 && (await isPortListening(expectedPort))) throw await portInUse(expectedPort, pid);
  // SigCgt cannot tell Node's own SIGUSR1 handler from a program's process.on('SIGUSR1'), which replaces it.
  const why = (await nodeFlagGiven(pid, basics.argv, '--disable-sigusr1').catch(() => false))
    ? 'it was started with --disable-sigusr1'
    : "most likely the program handles SIGUSR1 itself (process.on('SIGUSR1') replaces the handler that opens the inspector), " +
      'or its inspector is disabled (a Node.js built without it), or its main thread is blocked in a long synchronous call';
  throw new AttachError(
    'inspector-not-opened',
    `pid ${pid} did not open an inspector within ${openTimeoutMs} ms of SIGUSR1: ${why}. ` +
      `Start it with --inspect (--inspect=0 for any free port) and attach by PID or host:port. ${lateWatchNote}`,
    { signalledPid: pid },
  );
}

async function portInUse(port: number, pid: number): Promise<AttachError> {
  const owner = await findPortOwner(port).catch(() => undefined);
  const who = owner && owner.pid > 0 ? `pid ${owner.pid} (${escapeNotificationText(owner.commandLine)})` : 'another process';
  return new AttachError(
    'port-in-use',
    `port ${port} is in use by ${who}, so pid ${pid} cannot open its inspector there; ` +
      `stop that process, or start the target with --inspect=0 (any free port) and attach by PID or host:port`,
  );
}

/**
 * SIGUSR1 opens the inspector on the host the target's flags name; an inspector runs any code it
 * is sent, so one reachable from other machines is not ours to open.
 */
function notLoopback(pid: number, named: InspectHostFlag, port: number): AttachError {
  const host = escapeNotificationText(named.host.includes(':') ? `[${named.host}]` : named.host);
  const flag = escapeNotificationText(named.flag);
  const where =
    named.from === 'command line'
      ? flag
      : named.from === 'NODE_OPTIONS'
        ? `${flag} in its NODE_OPTIONS`
        : `${flag} in the NODE_OPTIONS of its env file ${escapeNotificationText(named.from.envFile)}`;
  return new AttachError(
    'inspector-host-not-loopback',
    `pid ${pid} would open its inspector on ${host}:${port} (set by ${where}), which is not a loopback address: ` +
      'other machines could connect to it and run any code in the process, so FlameLens did not send SIGUSR1. ' +
      `Restart the target without that host (or with --inspect-port=127.0.0.1:${port}), ` +
      `or start it with --inspect=127.0.0.1:${port} yourself and attach by PID or host:port`,
  );
}

function parseWsUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AttachError('connect-failed', `"${text}" is not a WebSocket URL (expected ws://host:port/<id>)`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new AttachError('connect-failed', `"${text}" is not a WebSocket URL (expected ws://host:port/<id>)`);
  }
  return url;
}

export { isAlive } from './processes';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AttachError('cancelled', 'cancelled', { cause: signal.reason });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// An inspector that opens after the attach gave up on it. Node opens it (on SIGUSR1) from the
// target's main thread: one blocked in a long synchronous call (execSync, a sync crypto or zlib
// call, Atomics.wait) opens it only once free, after FlameLens has stopped waiting. Left open, any
// local user could connect to it and run code in the target. So the target is watched for a while
// longer, and an inspector that shows up is closed as the FlameLens session that opened it would.
// In the extension host the watch runs in-process; the CLI hands it to a detached process of its
// own (`flamelens __close-late-inspector PID`) so that it can exit with its error at once.
import { AttachError } from './attach-errors';
import type { Endpoint } from './attach-endpoint';
import { findInspector, isAlive } from './processes';
import { webSocketUrlFor } from './inspector/endpoints';


/** How long a signalled target is watched for an inspector it opens late. */
export const LATE_WATCH_MS = 15 * 60_000;
/** Between looks: a late inspector stays open at most about this long (plus the close). */
const POLL_MS = 200;

/** 'closed': it opened late and was closed again; 'left-to-others': FlameLens sessions attached to it since, the last of which closes it. */
export type LateOutcome = 'closed' | 'left-to-others' | 'still-open' | 'target-gone' | 'never-opened' | 'cancelled';

/** Leaves an inspector FlameLens opened (attach.ts's detach): closed, still used by other FlameLens sessions, still open, or target gone. */
export type CloseOpened = (endpoint: Endpoint) => Promise<'closed' | 'others' | 'open' | 'gone'>;

export interface LateWatchOptions {
  watchMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Keep the process alive while watching (the CLI's watcher process); otherwise the watch ends with the process. */
  keepAlive?: boolean;
}

/**
 * Watches `pid` (sent SIGUSR1, no inspector seen yet) until it opens an inspector, which `close`
 * then closes, or until it exits, or for `watchMs`.
 */
export async function closeLateInspector(pid: number, close: CloseOpened, options: LateWatchOptions = {}): Promise<LateOutcome> {
  const { watchMs = LATE_WATCH_MS, pollMs = POLL_MS, signal, keepAlive = false } = options;
  const deadline = Date.now() + watchMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) return 'cancelled';
    if (!isAlive(pid)) return 'target-gone';
    const found = await findInspector(pid).catch(() => undefined);
    if (found) {
      const wsUrl = await webSocketUrlFor(found.host, found.port).catch(() => undefined);
      if (wsUrl) {
        const left = await close({ wsUrl, host: found.host, port: found.port, pid, openedInspector: true });
        return left === 'closed' ? 'closed' : left === 'others' ? 'left-to-others' : left === 'gone' ? 'target-gone' : 'still-open';
      }
    }
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      if (!keepAlive) timer.unref();
    });
  }
  return 'never-opened';
}

/** What runs the watch of a target that may open its inspector late: in this process unless the CLI says otherwise. */
let startWatch: (pid: number) => void = () => {};

/** Sets how a late inspector is watched for (attach.ts sets the in-process default; the CLI a detached process). */
export function setLateInspectorWatcher(start: (pid: number) => void): void {
  startWatch = start;
}

/** Starts the watch when `error` says a signalled target may still open its inspector. */
export function watchIfSignalled(error: unknown): void {
  if (error instanceof AttachError && error.signalledPid !== undefined) startWatch(error.signalledPid);
}

/** What the error of a target that did not open its inspector in time adds about the watch. */
export const lateWatchNote = `If it opens the inspector later (a main thread blocked in a synchronous call does so once free), FlameLens closes it again: it watches for ${LATE_WATCH_MS / 60_000} minutes`;

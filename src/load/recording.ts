// The server side of a load run, one interface for both ways to get at it: a server FlameLens
// starts with its agent (recorded from its start, so code V8 optimises in the warm-up keeps its
// names, and cut to the measured phase afterwards — see measured-window.ts; ended afterwards), or
// one that already runs and is recorded through the inspector during the measured phase only
// (`--attach PID|HOST:PORT`; left as found: still running, the inspector FlameLens opened closed
// again). No terminal output here.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { CaptureError, startCapture, type CaptureHandle, type CaptureOptions, type CaptureResult } from '../capture/launcher';
import { attach, type AttachResult, type AttachSession, type AttachTarget } from '../capture/attach';
import { isAlive } from '../capture/attach-endpoint';
import { cutToMeasuredWindow, monotonicNowUs, recordingCovers, type MeasuredWindow } from './measured-window';
import type { AttachedServer } from './run';

/** A profile the server left, as the report lists it. */
export interface ServerProfile {
  path: string;
  kind: 'cpu' | 'heap';
  label: string;
  isMainThread: boolean;
}

export interface RecordedServer {
  profiles: ServerProfile[];
  problems: string[];
  /** Things worth saying that are not problems (an inspector closed again…). */
  notes: string[];
  /** Where the agent left its files (the launched server's session folder). */
  sessionDir?: string;
  /** This run's threads (pid, threadId), as their agents described themselves: sessionDir may hold an earlier run's files too (a reused --out). */
  threads?: { pid: number; threadId: number }[];
  attached?: AttachedServer;
}

export interface ServerRecording {
  readonly mode: 'launched' | 'attached';
  /** The server's process id when known (a launched server; an attached PID). */
  readonly pid?: number;
  /** Why the server is gone (it exited), or undefined while it runs. */
  gone(): string | undefined;
  /** Called once if the server goes away after this call. */
  onGone(listener: (why: string) => void): void;
  /** The measured phase begins (an attached server starts recording now); resolves with the threads recording (0: none). */
  start(): Promise<number>;
  /** The measured phase ended: stops recording; a launched server is ended, an attached one left running. */
  finish(): Promise<RecordedServer>;
  /**
   * Something failed: leave nothing behind (a launched server ended, an attached one left as found).
   * Resolves with the profiles the server saved until then (a launched server's agent saves on exit).
   */
  abandon(): Promise<string[]>;
  /** The server's last output lines (for messages about its exit; none for an attached server). */
  lastOutput(): string[];
}

/** The last lines a child wrote to one of its streams, for error messages. */
export class Tail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly keep = 12) {}
  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((l) => l.trim() !== ''));
    if (this.lines.length > this.keep) this.lines = this.lines.slice(-this.keep);
  }
  all(): string[] {
    return [...this.lines, ...(this.partial.trim() ? [this.partial] : [])].slice(-this.keep);
  }
}

/** One request; resolves true on any HTTP answer, false when refused or not answered within `timeoutMs`. */
function probe(url: URL, method: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: method === 'GET' || method === 'HEAD' ? method : 'GET', agent: false, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Waits until `url` answers (or `signal` cancels); a CaptureError when the server goes first or never answers. */
export async function waitUntilAnswering(server: ServerRecording, url: URL, method: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gone = server.gone();
    if (gone !== undefined) throw new CaptureError(`${gone} before it answered ${url.href}${lastOutputIntro(server)}`, server.lastOutput());
    if (signal?.aborted) return;
    // A server slow to answer still answers: each try may take what is left of the timeout.
    if (await probe(url, method, Math.max(500, deadline - Date.now()))) return;
    if (Date.now() >= deadline) {
      throw new CaptureError(`the server did not answer ${url.href} within ${timeoutMs / 1000} s (is it listening on that port? --ready-timeout gives it longer)${lastOutputIntro(server)}`, server.lastOutput());
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Whether something already accepts connections on `url`'s port — before FlameLens starts the
 * server, that is another process, which the load would measure instead of the server.
 */
export function portTaken(url: URL, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port });
    const done = (taken: boolean) => {
      socket.destroy();
      resolve(taken);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** "; its last output:" when the server wrote something (the lines follow the message). */
export function lastOutputIntro(server: { lastOutput(): string[] }): string {
  return server.lastOutput().length > 0 ? '; its last output:' : '';
}

function exitText(child: CaptureHandle['child']): string {
  return child.signalCode ? `was ended by ${child.signalCode}` : `exited with code ${child.exitCode}`;
}

/**
 * What the profiles of a launched server hold once finished: each CPU profile cut to the measured
 * window (its whole recording kept beside it), unless the window cannot be placed on the profiles'
 * clock (then they stay whole, said in `problems`).
 */
function cutProfiles(result: CaptureResult, window: MeasuredWindow | undefined): { problems: string[]; notes: string[] } {
  const cpu = result.profiles.filter((p) => p.kind === 'cpu' && !p.path.endsWith('.gz'));
  if (!window || cpu.length === 0) return { problems: [], notes: [] };
  const main = cpu.find((p) => p.isMainThread) ?? cpu[0]!;
  if (!recordingCovers(main.path, window)) {
    return { problems: [`the measured phase could not be placed on ${main.label}'s profile clock: the CPU profiles cover the whole run, warm-up included`], notes: [] };
  }
  const { cut, problems } = cutToMeasuredWindow(cpu.map((p) => p.path), window);
  const notes = cut.length > 0 ? [`recorded from the server's start; the CPU profiles are cut to the measured phase, the whole recordings kept as *.full.cpuprofile beside them`] : [];
  if (result.profiles.some((p) => p.kind === 'heap')) notes.push('the heap profile covers the whole run, warm-up included (heap samples carry no time to cut by)');
  return { problems, notes };
}

/** How long a launched server may take to exit on SIGTERM once its profiles are saved. */
export const serverExitGraceMs = 5000;

/**
 * Starts the server with the agent recording from its start (see cutProfiles); start() and
 * finish() mark the measured phase. Its output is kept for messages and passed to `onOutput`.
 */
export async function launchServer(opts: Omit<CaptureOptions, 'waitForStart' | 'stdio'>, onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void): Promise<ServerRecording> {
  const handle = await startCapture({ ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let fromUs: number | undefined;
  const tail = new Tail();
  handle.child.stdout?.on('data', (c: Buffer) => {
    tail.push(c);
    onOutput?.(c, 'stdout');
  });
  handle.child.stderr?.on('data', (c: Buffer) => {
    tail.push(c);
    onOutput?.(c, 'stderr');
  });
  const exited = () => handle.child.exitCode !== null || handle.child.signalCode !== null;
  const gone = () => (exited() ? `the server ${exitText(handle.child)}` : undefined);
  let killed = false;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  const end = async (graceMs: number): Promise<CaptureResult> => {
    handle.kill('SIGTERM');
    const timer = setTimeout(() => {
      killed = !exited();
      handle.kill('SIGKILL');
    }, graceMs);
    return handle.done.finally(() => clearTimeout(timer));
  };
  const exitListeners: (() => void)[] = [];
  const unlisten = () => {
    for (const l of exitListeners.splice(0)) handle.child.removeListener('exit', l);
  };
  return {
    mode: 'launched',
    pid: handle.pid,
    gone,
    onGone(listener) {
      const l = () => listener(gone() ?? 'the server exited');
      exitListeners.push(l);
      handle.child.once('exit', l);
    },
    async start() {
      if (exited()) return 0;
      fromUs = monotonicNowUs();
      // The agents have recorded since they loaded: count the threads doing so now.
      return handle.collect().threads.filter((t) => t.state === 'recording').length;
    },
    async finish() {
      unlisten();
      const window = fromUs !== undefined ? { fromUs, toUs: monotonicNowUs() } : undefined;
      let result: CaptureResult;
      if (exited()) result = await handle.done;
      else {
        // The agents save first; the server then gets a short grace to exit on SIGTERM.
        await handle.stop(10_000, 'manual');
        result = await end(serverExitGraceMs);
      }
      const cut = cutProfiles(result, window);
      // A server that ignores SIGTERM costs the run that grace: say why it took longer.
      if (killed) cut.notes.push(`the server did not exit within ${serverExitGraceMs / 1000} s of SIGTERM and was ended with SIGKILL, after its profiles were saved`);
      // Ended before the measured phase began (a cancel in the warm-up): say what the profiles hold.
      const unmeasured = !window && result.profiles.length > 0 ? ['no load was measured: the profiles cover the server\'s start and warm-up only'] : [];
      return { profiles: result.profiles, problems: [...result.problems, ...cut.problems, ...unmeasured], notes: cut.notes, sessionDir: result.sessionDir, threads: result.threads.map((t) => ({ pid: t.pid, threadId: t.threadId })) };
    },
    async abandon() {
      unlisten();
      const result = exited() ? await handle.done : await end(serverExitGraceMs);
      return result.profiles.map((p) => p.path);
    },
    lastOutput: () => tail.all(),
  };
}

export interface AttachServerOptions {
  target: AttachTarget;
  /** As the user wrote it (for messages and the run). */
  targetText: string;
  outDir: string;
  heap: boolean;
  intervalUs: number;
  signal?: AbortSignal;
}

/** A running server, recorded through its inspector from start() to finish(). */
export function attachedServer(opts: AttachServerOptions): ServerRecording {
  const pid = 'pid' in opts.target ? opts.target.pid : undefined;
  let session: AttachSession | undefined;
  let ended: string | undefined;
  const listeners: ((why: string) => void)[] = [];
  const goneNow = (why: string) => {
    if (ended !== undefined) return;
    ended = why;
    for (const l of listeners.splice(0)) l(why);
  };
  // Until attached, only a pid can be watched; afterwards the inspector says when the target ends.
  const watch = pid !== undefined ? setInterval(() => !isAlive(pid) && goneNow(`pid ${pid} exited`), 250) : undefined;
  watch?.unref();
  const describe = (r: AttachResult): AttachedServer => ({
    target: opts.targetText,
    ...(r.pid !== undefined ? { pid: r.pid } : {}),
    openedInspector: r.openedInspector,
    inspectorClosed: r.openedInspector ? r.inspectorClosed : true,
    stillRunning: r.pid !== undefined ? isAlive(r.pid) : !r.targetExited,
  });
  return {
    mode: 'attached',
    ...(pid !== undefined ? { pid } : {}),
    gone: () => ended ?? (pid !== undefined && !isAlive(pid) ? `pid ${pid} is not running` : undefined),
    onGone(listener) {
      listeners.push(listener);
    },
    async start() {
      // The caller's signal cancels attaching only: aborting a recording session would drop what it
      // recorded, and a load run's Ctrl+C keeps it (finish() saves it).
      const connecting = new AbortController();
      const follow = () => connecting.abort(opts.signal?.reason);
      if (opts.signal?.aborted) follow();
      opts.signal?.addEventListener('abort', follow);
      try {
        session = await attach(opts.target, { cpu: true, heap: opts.heap, intervalUs: opts.intervalUs, outDir: opts.outDir, signal: connecting.signal });
      } finally {
        opts.signal?.removeEventListener('abort', follow);
      }
      void session.finished.then((r) => {
        if (r.targetExited) goneNow(`the attached server (pid ${r.pid ?? '?'}) exited`);
        else if (r.error?.code === 'connection-lost') goneNow(`the connection to the attached server was lost (${r.error.message})`);
      });
      return 1;
    },
    async finish() {
      if (watch) clearInterval(watch);
      if (!session) return { profiles: [], problems: ['the server was never attached to'], notes: [] };
      const r = await session.stop();
      const label = `pid ${r.pid ?? '?'} (attached, ${r.host}:${r.port})`;
      const profiles: ServerProfile[] = [];
      if (r.files.cpuprofile) profiles.push({ path: r.files.cpuprofile, kind: 'cpu', label, isMainThread: true });
      if (r.files.heapprofile) profiles.push({ path: r.files.heapprofile, kind: 'heap', label, isMainThread: true });
      const problems = [...r.warnings, ...r.lost];
      if (r.error && !(r.error.code === 'target-exited' && profiles.length > 0)) problems.push(r.error.message);
      const notes: string[] = [];
      if (r.otherSessions > 0) notes.push(`left the inspector on ${r.host}:${r.port} open for ${r.otherSessions} other FlameLens session(s) still attached`);
      else if (r.openedInspector && r.inspectorClosed) notes.push(`inspector closed again (pid ${r.pid ?? '?'} is as FlameLens found it)`);
      return { profiles, problems, notes, attached: describe(r) };
    },
    async abandon() {
      if (watch) clearInterval(watch);
      await session?.stop();
      return [];
    },
    lastOutput: () => [],
  };
}

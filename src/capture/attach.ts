// Attach to a running Node process over the DevTools protocol, record a CPU profile and/or a
// sampling heap profile, optionally take a heap snapshot, write them to files, and leave the target
// as it was found: an inspector we opened (SIGUSR1) is closed again; one that was open stays open.
import { closeSync, mkdirSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import { AttachError } from './attach-errors';
import { isAlive, resolveEndpoint, throwIfAborted } from './attach-endpoint';
import type { AttachTarget, Endpoint } from './attach-endpoint';
import { Connection } from './inspector/connection';
import { ConnectionClosedError } from './inspector/errors';
import { WebSocketTransport } from './inspector/transport';
import { listeningSocketsOf } from './processes';

export type { AttachTarget } from './attach-endpoint';

export interface AttachOptions {
  /** Record a CPU profile (.cpuprofile). Default true. */
  cpu?: boolean;
  /** Record a sampling heap profile (.heapprofile). Default false. */
  heap?: boolean;
  /** Take a heap snapshot (.heapsnapshot) after recording. Default false. */
  snapshot?: boolean;
  /** CPU sampling interval, µs. Default 1000. */
  intervalUs?: number;
  /** Heap sampling interval, bytes. Default V8's (32 KiB). */
  heapIntervalBytes?: number;
  /**
   * Keep objects already collected by GC in the heap profile: shows all allocation during the
   * recording (what churns), not only what is still alive when it stops. Default true — a running
   * server's short recording window otherwise often shows next to nothing.
   */
  heapIncludeCollected?: boolean;
  /** Stop by itself after this long; without it, recording runs until stop(). */
  durationMs?: number;
  /** Where files go (created if missing). */
  outDir: string;
  /** File name stem; default `flamelens-<pid|port>-<timestamp>`. */
  baseName?: string;
  /** Cancels: stops everything, writes nothing, leaves the target as found. */
  signal?: AbortSignal;
  onProgress?: (progress: AttachProgress) => void;
  /** How long to wait for a signalled process to open its inspector (ms). Default 5000. */
  openTimeoutMs?: number;
}

export type AttachPhase = 'resolving' | 'connecting' | 'recording' | 'stopping' | 'snapshot' | 'detaching' | 'done';

export interface AttachProgress {
  phase: AttachPhase;
  message: string;
  /** Snapshot progress: objects done of total. */
  done?: number;
  total?: number;
}

export interface AttachFiles {
  cpuprofile?: string;
  heapprofile?: string;
  heapsnapshot?: string;
}

export interface AttachResult {
  files: AttachFiles;
  pid?: number;
  host: string;
  port: number;
  wsUrl: string;
  /** We opened the target's inspector (SIGUSR1) for this capture. */
  openedInspector: boolean;
  /** We opened it and it no longer answers: the target is back as it was. */
  inspectorClosed: boolean;
  /** Recording time, ms. */
  recordedMs: number;
  /** What was asked for and not captured, and why. */
  lost: string[];
  warnings: string[];
  /** Why the capture ended early (target exited, connection lost, cancelled). */
  error?: AttachError;
}

export interface AttachSession {
  readonly pid?: number;
  readonly host: string;
  readonly port: number;
  readonly openedInspector: boolean;
  /** Ends recording now (or after the duration) and writes the files. Idempotent. */
  stop(): Promise<AttachResult>;
  /** Settles when the capture is over, however it ended; never rejects. */
  readonly finished: Promise<AttachResult>;
}

/** Connects and starts recording; rejects with AttachError when attaching fails (the target is left unchanged). */
export async function attach(target: AttachTarget, options: AttachOptions): Promise<AttachSession> {
  const report = (phase: AttachPhase, message: string): void => options.onProgress?.({ phase, message });
  report('resolving', describeTarget(target));
  throwIfAborted(options.signal);
  const endpoint = await resolveEndpoint(target, {
    signal: options.signal,
    openTimeoutMs: options.openTimeoutMs,
    report: (m) => report('resolving', m),
  });

  let connection: Connection | undefined;
  try {
    throwIfAborted(options.signal);
    report('connecting', `connecting to ${endpoint.wsUrl}`);
    const transport = await WebSocketTransport.connect(endpoint.wsUrl, { signal: options.signal }).catch((error: Error) => {
      throwIfAborted(options.signal);
      throw new AttachError('connect-failed', `${error.message}; is the target still running with its inspector open?`, { cause: error });
    });
    connection = new Connection(transport);
    await startRecording(connection, options);
    throwIfAborted(options.signal);
  } catch (error) {
    // A failed attach leaves the target as found.
    const closed = await detach(connection, endpoint);
    const mapped = mapError(error, endpoint, 'attaching');
    if (endpoint.openedInspector && !closed) mapped.message += `; the inspector we opened on port ${endpoint.port} may still be open`;
    throw mapped;
  }
  report('recording', `recording pid ${endpoint.pid ?? '?'} on ${endpoint.host}:${endpoint.port}`);
  return new Session(connection, endpoint, options);
}

async function startRecording(connection: Connection, options: AttachOptions): Promise<void> {
  if (options.cpu ?? true) {
    await connection.send('Profiler.enable');
    await connection.send('Profiler.setSamplingInterval', { interval: options.intervalUs ?? 1000 });
    await connection.send('Profiler.start');
  }
  if (options.heap) {
    await connection.send('HeapProfiler.enable');
    const include = options.heapIncludeCollected ?? true;
    await connection.send('HeapProfiler.startSampling', {
      ...(options.heapIntervalBytes ? { samplingInterval: options.heapIntervalBytes } : {}),
      includeObjectsCollectedByMajorGC: include,
      includeObjectsCollectedByMinorGC: include,
    });
  }
}

class Session implements AttachSession {
  readonly finished: Promise<AttachResult>;
  private stopRequested!: () => void;
  private readonly startedAt = Date.now();
  private ended: AttachError | undefined;
  /** Set once we disconnect on purpose, so our own close isn't taken for the target's. */
  private detaching = false;

  constructor(
    private readonly connection: Connection,
    private readonly endpoint: Endpoint,
    private readonly options: AttachOptions,
  ) {
    const stopped = new Promise<void>((resolve) => (this.stopRequested = resolve));
    this.finished = this.run(stopped);
  }

  get pid(): number | undefined {
    return this.endpoint.pid;
  }
  get host(): string {
    return this.endpoint.host;
  }
  get port(): number {
    return this.endpoint.port;
  }
  get openedInspector(): boolean {
    return this.endpoint.openedInspector;
  }

  stop(): Promise<AttachResult> {
    this.stopRequested();
    return this.finished;
  }

  private report(phase: AttachPhase, message: string, done?: number, total?: number): void {
    this.options.onProgress?.({ phase, message, ...(done !== undefined ? { done, total } : {}) });
  }

  private async run(stopped: Promise<void>): Promise<AttachResult> {
    const { options, connection, endpoint } = this;
    const wantsRecording = (options.cpu ?? true) || !!options.heap;
    const files: AttachFiles = {};
    const lost: string[] = [];
    const warnings: string[] = [];
    const closedEarly = new Promise<void>((resolve) =>
      connection.onClose(() => {
        if (this.detaching) return resolve();
        void this.endError().then((error) => {
          this.ended ??= error;
          resolve();
        });
      }),
    );
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<void>((resolve) => {
      onAbort = () => resolve();
      if (options.signal?.aborted) resolve();
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const timer = options.durationMs !== undefined && wantsRecording ? setTimeout(this.stopRequested, options.durationMs) : undefined;

    if (wantsRecording) await Promise.race([stopped, closedEarly, cancelled]);
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    const recordedMs = Date.now() - this.startedAt;
    if (options.signal?.aborted && !this.ended) this.ended = new AttachError('cancelled', 'cancelled by the user; nothing was written');

    const stem = path.join(options.outDir, options.baseName ?? defaultBaseName(endpoint));
    if (!this.ended) {
      mkdirSync(options.outDir, { recursive: true });
      this.report('stopping', 'stopping the profilers');
    }
    if (options.cpu ?? true) {
      await this.capture('the CPU profile', lost, async () => {
        const { profile } = await connection.send('Profiler.stop', undefined, { timeoutMs: 60_000 });
        if (this.ended) return;
        files.cpuprofile = `${stem}.cpuprofile`;
        writeFileSync(files.cpuprofile, JSON.stringify(profile));
      });
    }
    if (options.heap) {
      await this.capture('the heap profile', lost, async () => {
        const { profile } = await connection.send('HeapProfiler.stopSampling', undefined, { timeoutMs: 60_000 });
        if (this.ended) return;
        files.heapprofile = `${stem}.heapprofile`;
        writeFileSync(files.heapprofile, JSON.stringify(profile));
      });
    }
    if (options.snapshot) {
      await this.capture('the heap snapshot', lost, async () => {
        if (this.ended) throw this.ended;
        files.heapsnapshot = await this.takeSnapshot(`${stem}.heapsnapshot`);
      });
    }
    // Profiler.disable etc. only when the connection still works; the target keeps no state from us.
    if (!connection.isClosed) {
      if (options.cpu ?? true) await connection.send('Profiler.disable').catch(() => undefined);
      if (options.heap || options.snapshot) await connection.send('HeapProfiler.disable').catch(() => undefined);
    }
    this.detaching = true;
    this.report('detaching', endpoint.openedInspector ? 'closing the inspector we opened' : 'disconnecting');
    const inspectorClosed = await detach(connection, endpoint);
    if (endpoint.openedInspector && !inspectorClosed) {
      warnings.push(
        isAlivePid(endpoint.pid)
          ? `could not confirm that the inspector we opened on port ${endpoint.port} closed again`
          : `pid ${endpoint.pid} exited while the inspector was being closed`,
      );
    }
    this.report('done', this.ended ? this.ended.message : 'done');
    return {
      files,
      ...(endpoint.pid !== undefined ? { pid: endpoint.pid } : {}),
      host: endpoint.host,
      port: endpoint.port,
      wsUrl: endpoint.wsUrl,
      openedInspector: endpoint.openedInspector,
      inspectorClosed,
      recordedMs,
      lost,
      warnings,
      ...(this.ended ? { error: this.ended } : {}),
    };
  }

  /** Runs one capture step; a failure is recorded as lost rather than thrown. */
  private async capture(what: string, lost: string[], step: () => Promise<void>): Promise<void> {
    if (this.ended?.code === 'cancelled') {
      // Stop the profiler anyway (best effort), so the target doesn't keep sampling.
      await step().catch(() => undefined);
      return;
    }
    try {
      await step();
    } catch (error) {
      if (error instanceof ConnectionClosedError) this.ended ??= await this.endError();
      const mapped = error instanceof AttachError ? error : this.ended ?? mapError(error, this.endpoint, what);
      lost.push(`${what}: ${lostReason(what, mapped)}`);
    }
  }

  /** Streams the snapshot to disk chunk by chunk; it is never held whole in memory. */
  private async takeSnapshot(file: string): Promise<string> {
    const { connection } = this;
    this.report('snapshot', 'taking a heap snapshot');
    const fd = openSync(file, 'w');
    let failed = true;
    const offChunk = connection.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => {
      writeSync(fd, chunk);
    });
    const offProgress = connection.on('HeapProfiler.reportHeapSnapshotProgress', ({ done, total }) => {
      this.report('snapshot', `heap snapshot: ${done} of ${total}`, done, total);
    });
    const onAbort = (): void => connection.dispose();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // A snapshot of a big heap takes long: no timeout, but a closed connection or cancel ends it.
      await connection.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true, captureNumericValue: false }, { timeoutMs: 0 });
      failed = false;
      return file;
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
      offChunk();
      offProgress();
      closeSync(fd);
      if (failed) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    }
  }

  /** Why the connection closed under us: the target exited (checked for a moment: its socket closes just before it dies), or not. */
  private async endError(): Promise<AttachError> {
    if (this.options.signal?.aborted) return new AttachError('cancelled', 'cancelled by the user; nothing was written');
    const pid = this.endpoint.pid;
    if (pid !== undefined && !(await stillAliveAfter(pid, 500))) return new AttachError('target-exited', `pid ${pid} exited during the capture`);
    return new AttachError('connection-lost', `the connection to the target (${this.endpoint.host}:${this.endpoint.port}) closed during the capture; did it exit?`);
  }
}

function lostReason(what: string, error: AttachError): string {
  if (error.code === 'target-exited' || error.code === 'connection-lost') {
    return `${error.message}, so the target never answered the request for ${what}`;
  }
  return error.message;
}

/**
 * Disconnects. When we opened the inspector, first asks the target to close it (the one piece of
 * code FlameLens evaluates in a target) and confirms it no longer answers. Returns whether it is closed.
 */
async function detach(connection: Connection | undefined, endpoint: Endpoint): Promise<boolean> {
  if (!endpoint.openedInspector) {
    connection?.dispose();
    return false;
  }
  let conn = connection;
  if (!conn || conn.isClosed) {
    // Reconnect just to close it (e.g. the first connect failed after SIGUSR1 opened it).
    conn = await WebSocketTransport.connect(endpoint.wsUrl, { timeoutMs: 2000 })
      .then((t) => new Connection(t))
      .catch(() => undefined);
  }
  if (conn && !conn.isClosed) {
    // Closing the inspector while a session is still connected can crash the target (nodejs/node#18761;
    // seen here as an occasional SIGSEGV right after detach). So the target only schedules the close,
    // answers, and we disconnect at once: when the timer fires no session is left, which is the plain
    // inspector.close() path any program may take. process.getBuiltinModule exists from Node 20.16/22.3;
    // `require` comes from the command-line API.
    await conn
      .send('Runtime.evaluate', { expression: CLOSE_INSPECTOR_EXPRESSION, includeCommandLineAPI: true, silent: true }, { timeoutMs: 3000 })
      .catch(() => undefined);
    conn.dispose();
  }
  connection?.dispose();
  // Closed means nothing listens on the port any more (not merely "doesn't answer HTTP right now"),
  // and the target is still there: a target that died did not get "left as found".
  const deadline = Date.now() + CLOSE_DELAY_MS + 5000;
  while (Date.now() < deadline) {
    if (endpoint.pid !== undefined && !isAlive(endpoint.pid)) return false;
    if (!(await stillListening(endpoint))) return endpoint.pid === undefined || isAlive(endpoint.pid);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function stillListening(endpoint: Endpoint): Promise<boolean> {
  if (endpoint.pid !== undefined && process.platform === 'linux') {
    const sockets = await listeningSocketsOf(endpoint.pid).catch(() => []);
    return sockets.some((s) => s.port === endpoint.port);
  }
  return !(await connectionRefused(endpoint.host, endpoint.port));
}

function connectionRefused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** How long the target waits before closing its inspector: time for our session to disconnect first. */
export const CLOSE_DELAY_MS = 1000;

export const CLOSE_INSPECTOR_EXPRESSION =
  "(() => { const inspector = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('inspector') : require('inspector'); " +
  `setTimeout(() => inspector.close(), ${CLOSE_DELAY_MS}).unref(); return 'closing'; })()`;

function mapError(error: unknown, endpoint: Endpoint, doing: string): AttachError {
  if (error instanceof AttachError) return error;
  if (error instanceof ConnectionClosedError) {
    if (endpoint.pid !== undefined && !isAlive(endpoint.pid)) {
      return new AttachError('target-exited', `pid ${endpoint.pid} exited while ${doing}`, { cause: error });
    }
    return new AttachError('connection-lost', `the connection to the target closed while ${doing}`, { cause: error });
  }
  return new AttachError('protocol', `${doing}: ${(error as Error).message}`, { cause: error });
}

async function stillAliveAfter(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

function isAlivePid(pid: number | undefined): boolean {
  return pid === undefined || isAlive(pid);
}

function defaultBaseName(endpoint: Endpoint): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
  return `flamelens-${endpoint.pid ?? endpoint.port}-${stamp}`;
}

function describeTarget(target: AttachTarget): string {
  if ('pid' in target) return `looking up pid ${target.pid}`;
  if ('host' in target) return `asking ${target.host}:${target.port} for its inspector targets`;
  return `attaching to ${target.wsUrl}`;
}

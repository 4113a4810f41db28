// Attach to a running Node process over the DevTools protocol, record a CPU profile and/or a
// sampling heap profile, optionally take a heap snapshot, write them to files, and leave the target
// as it was found: an inspector FlameLens opened (SIGUSR1) is closed again by the last FlameLens
// session to leave it; one that was open stays open. Every way a capture can end (stop, duration,
// cancel, a failed write, a lost connection, the target exiting) goes through the same detach.
import { randomUUID } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import { AttachError } from './attach-errors';
import { isAlive, resolveEndpoint, throwIfAborted } from './attach-endpoint';
import type { AttachTarget, Endpoint } from './attach-endpoint';
import { CLOSE_DELAY_MS, isLeaveAnswer, joinExpression, leaveExpression } from './attach-marker';
import { describeFsError, fallbackPath, prepareOutputFolder, removeIfEmpty, StreamedFile, writeFileWhole } from './attach-output';
import type { OutputFolder } from './attach-output';
import { Connection } from './inspector/connection';
import { ConnectionClosedError } from './inspector/errors';
import { WebSocketTransport } from './inspector/transport';
import { listeningSocketsOf } from './processes';
import { closeLateInspector, setLateInspectorWatcher, watchIfSignalled } from './late-inspector';

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
  /** Where files go: created if missing, and proven writable before the target is touched. */
  outDir: string;
  /** File name stem; default `flamelens-<pid|port>-<timestamp>`. */
  baseName?: string;
  /** Cancels: stops everything, writes nothing, leaves the target as found (also while attaching). */
  signal?: AbortSignal;
  onProgress?: (progress: AttachProgress) => void;
  /** How long to wait for a signalled process to open its inspector (ms). Default 5000. */
  openTimeoutMs?: number;
}

/** 'waiting': the target is busy (e.g. writing a heap snapshot) and FlameLens waits for it before it can leave it as found. */
export type AttachPhase = 'resolving' | 'connecting' | 'recording' | 'stopping' | 'snapshot' | 'detaching' | 'waiting' | 'done';

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
  /**
   * The inspector FlameLens opened (this session, or an overlapping one that left first) was closed
   * by us as its last FlameLens user, and no longer listens: the target is back as it was.
   */
  inspectorClosed: boolean;
  /**
   * Other FlameLens sessions still attached when we left: the inspector stays open for them, and the
   * last of them closes it (when FlameLens opened it). 0 normally.
   */
  otherSessions: number;
  /** The target ended (process.exit() or an empty event loop) during the capture; what was recorded before is saved. */
  targetExited: boolean;
  /** Recording time, ms (until the target's exit, when it exited). */
  recordedMs: number;
  /** What was asked for and not captured, and why. */
  lost: string[];
  warnings: string[];
  /**
   * Why the capture ended early or not as asked: 'target-exited' (with files when the target asked
   * to exit and what it had recorded was saved), 'connection-lost', 'cancelled', or
   * 'output-unwritable' (a file could not be written where asked; see `files` for where it went).
   */
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
  // Before the target is touched: a folder we cannot write must not fail the capture after we opened its inspector.
  const output = prepareOutputFolder(options.outDir);
  let endpoint: Endpoint;
  try {
    endpoint = await resolveEndpoint(target, {
      signal: options.signal,
      openTimeoutMs: options.openTimeoutMs,
      report: (m) => report('resolving', m),
    });
  } catch (error) {
    removeIfEmpty(output);
    watchIfSignalled(error);
    throw error;
  }

  const token = randomUUID();
  let connection: Connection | undefined;
  let exiting: Promise<void>;
  try {
    throwIfAborted(options.signal);
    report('connecting', `connecting to ${endpoint.wsUrl}`);
    const transport = await WebSocketTransport.connect(endpoint.wsUrl, { signal: options.signal }).catch((error: Error) => {
      throwIfAborted(options.signal);
      throw new AttachError('connect-failed', `${error.message}; is the target still running with its inspector open?`, { cause: error });
    });
    connection = new Connection(transport);
    // Registered first, so that from now on an overlapping FlameLens session leaving never closes the inspector under us.
    await connection
      .send('Runtime.evaluate', { expression: joinExpression(token, process.pid, endpoint.openedInspector), includeCommandLineAPI: true, silent: true, returnByValue: true }, { timeoutMs: 5000 })
      .catch((error: unknown) => {
        if (error instanceof ConnectionClosedError) throw error;
      });
    ({ exiting } = await watchForExit(connection));
    await startRecording(connection, options);
    throwIfAborted(options.signal);
  } catch (error) {
    // A failed attach leaves the target as found.
    const left = await detach(connection, endpoint, token, (m) => report('waiting', m));
    removeIfEmpty(output);
    const mapped = mapError(error, endpoint, 'attaching');
    if (left.mayBeOpen) mapped.message += `; the inspector FlameLens opened on port ${endpoint.port} may still be open`;
    throw mapped;
  }
  report('recording', `recording pid ${endpoint.pid ?? '?'} on ${endpoint.host}:${endpoint.port}`);
  return new Session(connection, endpoint, options, { output, token, exiting });
}

/**
 * Resolves once the target has ended (process.exit(), or nothing left to run) and waits for the
 * debugger to disconnect — which it would do for ever. Node tells us with
 * NodeRuntime.waitingForDisconnect; other inspectors by destroying the main execution context.
 * The target still answers commands while it waits, so what was recorded can be saved.
 */
async function watchForExit(connection: Connection): Promise<{ exiting: Promise<void> }> {
  let exited!: () => void;
  const exiting = new Promise<void>((resolve) => (exited = resolve));
  connection.on('NodeRuntime.waitingForDisconnect', () => exited());
  try {
    await connection.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true }, { timeoutMs: 5000 });
  } catch (error) {
    if (error instanceof ConnectionClosedError) throw error;
    const mainContexts = new Set<number>();
    connection.on('Runtime.executionContextCreated', ({ context }) => {
      if ((context.auxData as { isDefault?: boolean } | undefined)?.isDefault) mainContexts.add(context.id);
    });
    connection.on('Runtime.executionContextDestroyed', ({ executionContextId }) => {
      if (mainContexts.has(executionContextId)) exited();
    });
    await connection.send('Runtime.enable').catch((e: unknown) => {
      if (e instanceof ConnectionClosedError) throw e;
    });
  }
  return { exiting };
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

interface SessionContext {
  output: OutputFolder;
  /** This session's entry in the target's register of FlameLens sessions. */
  token: string;
  /** Resolves when the target ends and waits for us to disconnect. */
  exiting: Promise<void>;
}

class Session implements AttachSession {
  readonly finished: Promise<AttachResult>;
  private stopRequested!: () => void;
  private readonly startedAt = Date.now();
  private ended: AttachError | undefined;
  /** The target asked to exit and waits for us: save, then disconnect at once. */
  private targetExiting = false;
  /** Files that could not go where asked (and where they went instead, if anywhere). */
  private readonly outputProblems: string[] = [];
  /** Set once we disconnect on purpose, so our own close isn't taken for the target's. */
  private detaching = false;

  constructor(
    private readonly connection: Connection,
    private readonly endpoint: Endpoint,
    private readonly options: AttachOptions,
    private readonly context: SessionContext,
  ) {
    const stopped = new Promise<void>((resolve) => (this.stopRequested = resolve));
    void context.exiting.then(() => (this.targetExiting = true));
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
    const { endpoint, connection } = this;
    const files: AttachFiles = {};
    const lost: string[] = [];
    const warnings: string[] = [];
    let recordedMs = 0;
    try {
      recordedMs = await this.record(stopped, files, lost);
    } catch (error) {
      // Not expected (each step records its own failure), but whatever it was, the target is still left as found.
      this.ended ??= mapError(error, endpoint, 'recording');
    }

    this.detaching = true;
    let inspectorClosed = false;
    let otherSessions = 0;
    if (this.targetExiting) {
      // It is waiting for us to go: no leave call (its register ends with it), just disconnect.
      this.report('detaching', 'disconnecting so the exiting target can end');
      connection.dispose();
      if (endpoint.pid !== undefined && !(await goneWithin(endpoint.pid, 5000))) {
        warnings.push(`pid ${endpoint.pid} said it was exiting but still runs 5 s after we disconnected`);
      }
    } else {
      this.report('detaching', endpoint.openedInspector ? 'closing the inspector we opened' : 'disconnecting');
      const left = await detach(connection, endpoint, this.context.token, (message) => this.report('waiting', message));
      inspectorClosed = left.closed;
      otherSessions = left.others;
      if (left.mayBeOpen && left.busy) {
        warnings.push(
          `the target was still busy after ${BUSY_GIVE_UP_MS / 1000} s without progress, so the inspector FlameLens opened on port ${endpoint.port} ` +
            'may still be open; attaching again with FlameLens once it is idle closes it when that session ends',
        );
      } else if (left.mayBeOpen) {
        warnings.push(`could not confirm that the inspector FlameLens opened on port ${endpoint.port} closed again`);
      } else if (left.targetGone && this.ended?.code !== 'target-exited') {
        // (Having exited earlier, during the capture, it is the capture's error already.)
        warnings.push(`pid ${endpoint.pid} exited while FlameLens was leaving it; its inspector ended with it`);
      }
    }

    if (Object.keys(files).length === 0) removeIfEmpty(this.context.output);
    // A failed write decides the outcome over the target's own exit (which is then a warning).
    const exited = this.exitError(files, recordedMs);
    const error = this.ended ?? this.outputError() ?? exited;
    if (exited && error !== exited) warnings.push(exited.message);
    this.report('done', error ? error.message : 'done');
    return {
      files,
      ...(endpoint.pid !== undefined ? { pid: endpoint.pid } : {}),
      host: endpoint.host,
      port: endpoint.port,
      wsUrl: endpoint.wsUrl,
      openedInspector: endpoint.openedInspector,
      inspectorClosed,
      otherSessions,
      targetExited: this.targetExiting,
      recordedMs,
      lost,
      warnings,
      ...(error ? { error } : {}),
    };
  }

  /** Waits for the end of recording, then stops the profilers and writes the files; returns the recording time. */
  private async record(stopped: Promise<void>, files: AttachFiles, lost: string[]): Promise<number> {
    const { options, connection } = this;
    const cpu = options.cpu ?? true;
    const wantsRecording = cpu || !!options.heap;
    const closedEarly = new Promise<void>((resolve) =>
      connection.onClose(() => {
        if (this.detaching) return resolve();
        void this.endError().then((error) => {
          this.ended ??= error;
          resolve();
        });
      }),
    );
    // A cancel at any point until the files are written means none are (one already written is removed again).
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<void>((resolve) => {
      onAbort = () => {
        this.ended ??= new AttachError('cancelled', 'cancelled by the user; nothing was written');
        resolve();
      };
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const timer = options.durationMs !== undefined && wantsRecording ? setTimeout(this.stopRequested, options.durationMs) : undefined;

    try {
      if (wantsRecording) await Promise.race([stopped, closedEarly, cancelled, this.context.exiting]);
    } finally {
      clearTimeout(timer);
    }
    const recordedMs = Date.now() - this.startedAt;
    try {
      await this.saveAll(files, lost);
    } finally {
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
    if (this.ended?.code === 'cancelled') discard(files);
    return recordedMs;
  }

  /** Stops the profilers and writes their files, then takes the snapshot if asked. */
  private async saveAll(files: AttachFiles, lost: string[]): Promise<void> {
    const { options, connection } = this;
    const cpu = options.cpu ?? true;
    if (this.targetExiting) this.report('stopping', 'the target is exiting: saving what was recorded');
    else if (!this.ended) this.report('stopping', 'stopping the profilers');

    const stem = path.join(this.context.output.dir, options.baseName ?? defaultBaseName(this.endpoint));
    if (cpu) {
      await this.capture('the CPU profile', lost, async () => {
        const { profile } = await connection.send('Profiler.stop', undefined, { timeoutMs: 60_000 });
        if (this.ended) return;
        files.cpuprofile = this.save('the CPU profile', `${stem}.cpuprofile`, JSON.stringify(profile));
      });
    }
    if (options.heap) {
      await this.capture('the heap profile', lost, async () => {
        const { profile } = await connection.send('HeapProfiler.stopSampling', undefined, { timeoutMs: 60_000 });
        if (this.ended) return;
        files.heapprofile = this.save('the heap profile', `${stem}.heapprofile`, JSON.stringify(profile));
      });
    }
    if (options.snapshot && this.targetExiting) {
      lost.push('the heap snapshot: the target was exiting, so none was taken');
    } else if (options.snapshot) {
      await this.capture('the heap snapshot', lost, async () => {
        if (this.ended) throw this.ended;
        files.heapsnapshot = await this.takeSnapshot(`${stem}.heapsnapshot`);
      });
    }
    // Profiler.disable etc. only when the connection still works and the target is not waiting to exit.
    // After a cancel they are not awaited: queued behind a snapshot still being written, they would
    // only delay the leave, which detach() waits for.
    if (!connection.isClosed && !this.targetExiting) {
      const disable = (method: 'Profiler.disable' | 'HeapProfiler.disable'): Promise<unknown> =>
        connection.send(method, undefined, { timeoutMs: this.ended ? 0 : undefined }).catch(() => undefined);
      const disabled = [cpu && disable('Profiler.disable'), (options.heap || options.snapshot) && disable('HeapProfiler.disable')];
      if (!this.ended) await Promise.all(disabled);
    }
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

  /** Writes a file where asked, or else into a fresh temporary folder: what was recorded is not lost to a bad folder. */
  private save(what: string, file: string, data: string): string {
    try {
      writeFileWhole(file, data);
      return file;
    } catch (error) {
      const reason = describeFsError(error);
      let fallback: string;
      try {
        fallback = fallbackPath(file);
        writeFileWhole(fallback, data);
      } catch (again) {
        const message = `could not write ${what} to ${file} (${reason}), nor to a temporary folder (${describeFsError(again)})`;
        this.outputProblems.push(message);
        throw new AttachError('output-unwritable', message, { cause: error });
      }
      this.outputProblems.push(`could not write ${what} to ${file} (${reason}); saved it to ${fallback} instead`);
      return fallback;
    }
  }

  /** Streams the snapshot to disk chunk by chunk; it is never held whole in memory. */
  private async takeSnapshot(file: string): Promise<string> {
    const { connection } = this;
    this.report('snapshot', 'taking a heap snapshot');
    let stream: StreamedFile;
    try {
      stream = new StreamedFile(file);
    } catch (error) {
      const fallback = fallbackPath(file);
      stream = new StreamedFile(fallback);
      this.outputProblems.push(`could not write the heap snapshot to ${file} (${describeFsError(error)}); saved it to ${fallback} instead`);
    }
    const offChunk = connection.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => stream.write(chunk));
    const offProgress = connection.on('HeapProfiler.reportHeapSnapshotProgress', ({ done, total }) => {
      this.report('snapshot', `heap snapshot: ${done} of ${total}`, done, total);
    });
    // A snapshot of a big heap takes long: no timeout, but a closed connection or cancel ends the wait.
    const taking = connection.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true, captureNumericValue: false }, { timeoutMs: 0 });
    taking.catch(() => undefined);
    // A cancel stops the wait but keeps the connection: V8 cannot stop a snapshot midway, and a
    // session that disconnects now loses every command queued behind it, the leave that closes the
    // inspector included. detach() waits for the snapshot to end instead.
    let onAbort!: () => void;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => reject(new AttachError('cancelled', 'cancelled by the user; nothing was written'));
    });
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([taking, cancelled]);
    } catch (error) {
      stream.abort();
      throw error;
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
      offChunk();
      offProgress();
    }
    try {
      stream.commit();
    } catch (error) {
      const message = `could not write the heap snapshot to ${stream.file} (${describeFsError(error)})`;
      this.outputProblems.push(message);
      throw new AttachError('output-unwritable', message, { cause: error });
    }
    return stream.file;
  }

  /** Why the connection closed under us: the target exited (checked for a moment: its socket closes just before it dies), or not. */
  private async endError(): Promise<AttachError> {
    if (this.options.signal?.aborted) return new AttachError('cancelled', 'cancelled by the user; nothing was written');
    const pid = this.endpoint.pid;
    if (pid !== undefined && (await goneWithin(pid, 500))) return new AttachError('target-exited', `pid ${pid} exited during the capture`);
    return new AttachError('connection-lost', `the connection to the target (${this.endpoint.host}:${this.endpoint.port}) closed during the capture; did it exit?`);
  }

  /** The target ended by itself while we recorded: said plainly, with what was saved. */
  private exitError(files: AttachFiles, recordedMs: number): AttachError | undefined {
    if (!this.targetExiting) return undefined;
    const who = this.endpoint.pid !== undefined ? `pid ${this.endpoint.pid}` : `the target at ${this.endpoint.host}:${this.endpoint.port}`;
    const saved = Object.keys(files).length > 0;
    return new AttachError(
      'target-exited',
      saved
        ? `${who} exited while recording; saved the ${formatSeconds(recordedMs)} recorded before it exited`
        : `${who} exited while recording; nothing was captured`,
    );
  }

  private outputError(): AttachError | undefined {
    return this.outputProblems.length > 0 ? new AttachError('output-unwritable', this.outputProblems.join('; ')) : undefined;
  }
}

/** Removes files already written by a capture that was then cancelled. */
function discard(files: AttachFiles): void {
  for (const key of Object.keys(files) as Array<keyof AttachFiles>) {
    const file = files[key];
    delete files[key];
    if (file === undefined) continue;
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
}

function lostReason(what: string, error: AttachError): string {
  if (error.code === 'target-exited' || error.code === 'connection-lost') {
    return `${error.message}, so the target never answered the request for ${what}`;
  }
  return error.message;
}

interface Left {
  /** The inspector FlameLens opened is confirmed closed (we were its last FlameLens session). */
  closed: boolean;
  /** FlameLens sessions still attached, for which it stays open. */
  others: number;
  /** It should have closed and we could not confirm it did. */
  mayBeOpen: boolean;
  /** The target exited (before or while we left): its inspector ended with it. */
  targetGone?: boolean;
  /** The target stayed busy (a heap snapshot, a long synchronous task) past BUSY_GIVE_UP_MS and never answered the leave. */
  busy?: boolean;
}

/** A target that is not busy answers the leave at once; past this, we say we are waiting. */
const LEAVE_ANSWER_MS = 3000;
/**
 * How long a busy target may go without a sign of progress (snapshot chunks or progress) before
 * we give up on the leave. A 400 MB snapshot showed gaps of up to 9 s between its events.
 */
const BUSY_GIVE_UP_MS = 60_000;

/**
 * Disconnects, after unregistering from the target's list of FlameLens sessions. The last session
 * to leave an inspector FlameLens opened has the target close it, and confirms it no longer listens.
 */
async function detach(connection: Connection | undefined, endpoint: Endpoint, token: string, report?: (message: string) => void): Promise<Left> {
  let conn = connection;
  if ((!conn || conn.isClosed) && endpoint.openedInspector) {
    // Reconnect just to leave (e.g. the first connect failed after SIGUSR1 opened it).
    conn = await WebSocketTransport.connect(endpoint.wsUrl, { timeoutMs: 2000 })
      .then((t) => new Connection(t))
      .catch(() => undefined);
  }
  let answer: unknown;
  let busy = false;
  if (conn && !conn.isClosed) {
    // The target only schedules the close and answers; we disconnect at once, so when its timer
    // fires no session is left (closing with one attached can crash it, nodejs/node#18761).
    ({ answer, busy } = await leave(conn, endpoint, token, report));
    conn.dispose();
  }
  connection?.dispose();
  if (isLeaveAnswer(answer) && !answer.closing) return { closed: false, others: answer.others, mayBeOpen: false };
  // Without an answer, whether we opened it decides.
  if (!isLeaveAnswer(answer) && !endpoint.openedInspector) return { closed: false, others: 0, mayBeOpen: false };
  const state = await confirmClosed(endpoint);
  // A target that ended took its inspector with it: nothing may be open.
  if (state === 'gone') return { closed: false, others: 0, mayBeOpen: false, targetGone: true };
  return { closed: state === 'closed', others: 0, mayBeOpen: state !== 'closed', ...(busy ? { busy } : {}) };
}

/** Leaves an inspector FlameLens opened and found again later (late-inspector.ts), as a session that opened it would. */
export async function closeOpenedInspector(endpoint: Endpoint): Promise<'closed' | 'others' | 'open' | 'gone'> {
  const left = await detach(undefined, endpoint, randomUUID());
  return left.targetGone ? 'gone' : left.closed ? 'closed' : left.others > 0 ? 'others' : 'open';
}

// By default a late inspector is watched for here (the extension host outlives any attach).
setLateInspectorWatcher((pid) => void closeLateInspector(pid, closeOpenedInspector));

/**
 * Sends the leave and waits for its answer. A target writing a heap snapshot (or in a long
 * synchronous task) answers only when done, and a disconnect drops the queued leave with it, so
 * we wait for as long as it shows progress, and give up after BUSY_GIVE_UP_MS without any.
 */
async function leave(conn: Connection, endpoint: Endpoint, token: string, report?: (message: string) => void): Promise<{ answer: unknown; busy: boolean }> {
  const answered = conn
    .send(
      'Runtime.evaluate',
      { expression: leaveExpression(token, endpoint.openedInspector), includeCommandLineAPI: true, silent: true, returnByValue: true },
      { timeoutMs: 0 },
    )
    .then(
      (evaluated): { value: unknown } => ({ value: evaluated.result.value }),
      (): { value: unknown } => ({ value: undefined }),
    );
  let lastSign = Date.now();
  const sign = (): void => void (lastSign = Date.now());
  const offs = [conn.on('HeapProfiler.addHeapSnapshotChunk', sign), conn.on('HeapProfiler.reportHeapSnapshotProgress', sign)];
  try {
    const first = await within(answered, LEAVE_ANSWER_MS);
    if (first) return { answer: first.value, busy: false };
    const who = endpoint.pid !== undefined ? `pid ${endpoint.pid}` : `the target at ${endpoint.host}:${endpoint.port}`;
    report?.(
      `${who} is busy (writing a heap snapshot, which V8 cannot stop midway, or in a long synchronous task): ` +
        `waiting for it, to leave it as found (giving up after ${BUSY_GIVE_UP_MS / 1000} s without progress)…`,
    );
    for (;;) {
      const later = await within(answered, 500);
      if (later) return { answer: later.value, busy: false };
      if (Date.now() - lastSign > BUSY_GIVE_UP_MS) return { answer: undefined, busy: true };
    }
  } finally {
    for (const off of offs) off();
  }
}

/** The promise's value, or undefined when it has not settled within `ms` (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * 'closed': nothing listens on the port any more (not merely "doesn't answer HTTP right now"), and
 * the target still runs; 'gone': the target exited; 'open': it still listens after the close was due.
 */
async function confirmClosed(endpoint: Endpoint): Promise<'closed' | 'gone' | 'open'> {
  const deadline = Date.now() + CLOSE_DELAY_MS + 5000;
  const gone = (): boolean => endpoint.pid !== undefined && !isAlive(endpoint.pid);
  while (Date.now() < deadline) {
    if (gone()) return 'gone';
    if (!(await stillListening(endpoint))) return gone() ? 'gone' : 'closed';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return gone() ? 'gone' : 'open';
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

export { CLOSE_DELAY_MS } from './attach-marker';

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

/** True once the process is gone, waiting up to `ms` for it to go. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
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

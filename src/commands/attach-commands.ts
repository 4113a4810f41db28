// Attach to Node Process… and Take Heap Snapshot: pick a running Node process (or type a
// host:port / ws:// URL), record through the DevTools protocol (src/capture/attach.ts), show
// "$(record) FlameLens pid 123 0:12" while recording, then open the flame graph like a launched
// capture. The target is left as found: an inspector we opened is closed again.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { attach, type AttachResult, type AttachSession, type AttachTarget } from '../capture/attach';
import { AttachError } from '../capture/attach-errors';
import { parseAttachTarget } from '../capture/attach-parse';
import { describeProcess, listNodeProcesses, UnsupportedPlatformError, type NodeProcessInfo } from '../capture/processes';
import { readConfig } from '../config';
import { timeStamp } from '../capture/time-stamp';
import { showErrorWithLog, type Log } from '../log';
import type { ProfilePanels } from '../views/profile-panel';
import { attachableProcesses, fileSlug, processDisplayName, processRow } from './attach-items';
import { outputBase, sessionFolder } from './output-folder';
import { services } from './services';
import { openRecordedProfile, RecordingLifecycle, type RecordingSummary } from './recording-lifecycle';

export const attachCommandId = 'flamelens.attachToProcess';
export const stopAttachCommandId = 'flamelens.stopAttachedRecording';
export const snapshotCommandId = 'flamelens.takeHeapSnapshot';
const attachRecordingContextKey = 'flamelens.attachRecording';

/** One row of the process quick pick. */
export interface ProcessPickItem extends vscode.QuickPickItem {
  process?: NodeProcessInfo;
  /** The "Enter host:port or ws:// URL…" row. */
  manual?: true;
}

/** Arguments the commands accept (all optional; the palette passes none). */
export interface AttachCommandArgs {
  /** Skip the quick pick: attach to this pid… */
  pid?: number;
  /** …or to this "host:port" / "ws://…" / pid text. */
  target?: string;
  /** Record this long, then stop (default: the flamelens.duration setting; 0 = until Stop). */
  durationMs?: number;
}

/** What a finished attach capture produced. */
export interface AttachOutcome {
  result: AttachResult;
  /** The file whose flame graph was opened. */
  opened?: string;
}

/** A started attach capture (recording); `finished` settles once files are written and opened. */
export interface AttachRun {
  pid?: number;
  host: string;
  port: number;
  openedInspector: boolean;
  finished: Promise<AttachOutcome>;
}

export interface Chosen {
  target: AttachTarget;
  /** For titles and file names: "server.js", or "127.0.0.1:9229". */
  name: string;
  cwd?: string;
}

export class AttachService implements vscode.Disposable {
  private readonly lifecycle: RecordingLifecycle<AttachResult>;
  /** The session recording now (disposing the service stops it). */
  private active: AttachSession | undefined;

  constructor(
    private readonly panels: ProfilePanels,
    private readonly log: Log,
  ) {
    this.lifecycle = new RecordingLifecycle(
      {
        id: 'flamelens.attachRecording',
        name: vscode.l10n.t('FlameLens attached recording'),
        command: stopAttachCommandId,
        tooltip: vscode.l10n.t('FlameLens is recording an attached process — click to stop and open the flame graph'),
        contextKey: attachRecordingContextKey,
      },
      panels,
      log,
    );
  }

  get isRecording(): boolean {
    return this.lifecycle.isRecording;
  }

  /** Attach to Node Process…: resolves once recording started (undefined when the user cancelled or attaching failed). */
  async attachCommand(args: AttachCommandArgs = {}): Promise<AttachRun | undefined> {
    if (!(await this.lifecycle.makeRoom())) return undefined;
    const chosen = await chooseTarget(args, vscode.l10n.t('FlameLens: attach to which Node.js process?'));
    if (!chosen) return undefined;
    const config = readConfig();
    const durationMs = args.durationMs ?? (config.duration > 0 ? config.duration * 1000 : undefined);
    const outDir = sessionFolder(config.outputDirectory, `attach-${fileSlug(chosen.name)}`, chosen.cwd);
    const controller = new AbortController();
    this.log.info(`attaching to ${describe(chosen)}; profiles go to ${outDir}`);
    let session: AttachSession;
    try {
      session = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('FlameLens: attaching to {0}', describe(chosen)), cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return attach(chosen.target, {
            cpu: true,
            heap: config.recordHeap,
            intervalUs: config.cpuSamplingInterval,
            ...(durationMs && durationMs > 0 ? { durationMs } : {}),
            outDir,
            baseName: `${fileSlug(chosen.name)}-${'pid' in chosen.target ? chosen.target.pid : 'remote'}`,
            signal: controller.signal,
            onProgress: (p) => {
              if (p.phase === 'resolving' || p.phase === 'connecting') progress.report({ message: p.message });
            },
          });
        },
      );
    } catch (err) {
      if (err instanceof AttachError && err.code === 'cancelled') return undefined;
      void this.showAttachError(err, chosen);
      return undefined;
    }
    const name = describeSession(chosen, session);
    this.active = session;
    const finished = this.lifecycle
      .track({
        name,
        statusLabel: name,
        ended: session.finished,
        stop: () => session.stop(),
        summarize: (result) => this.summarize(name, result),
      })
      .then((f): AttachOutcome => {
        if (this.active === session) this.active = undefined;
        return { result: f.result, ...(f.opened ? { opened: f.opened } : {}) };
      });
    return { pid: session.pid, host: session.host, port: session.port, openedInspector: session.openedInspector, finished };
  }

  /** Stop Attached Recording: the files are written and opened; the target keeps running. */
  async stop(): Promise<AttachOutcome | undefined> {
    const finished = await this.lifecycle.stop();
    if (!finished) {
      void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens is not recording an attached process.'));
      return undefined;
    }
    return { result: finished.result, ...(finished.opened ? { opened: finished.opened } : {}) };
  }

  /** What the lifecycle reports about an attach session. */
  private summarize(name: string, result: AttachResult): RecordingSummary {
    const closedNote = inspectorNote(result);
    const lost = result.lost.length > 0 ? ` ${vscode.l10n.t('Not captured: {0}.', result.lost.join('; '))}` : '';
    const main = result.files.cpuprofile ?? result.files.heapprofile;
    const why = result.error?.message ?? (result.lost.join('; ') || vscode.l10n.t('nothing was recorded'));
    const ended = result.error ? ` (${result.error.message})` : '';
    const warnings = result.warnings.length > 0 ? ` ${result.warnings.join('; ')}.` : '';
    const title = (file: string) => (file.endsWith('.cpuprofile') ? vscode.l10n.t('{0} (CPU)', name) : vscode.l10n.t('{0} (heap)', name));
    const heap = result.files.cpuprofile && result.files.heapprofile ? result.files.heapprofile : undefined;
    return {
      files: Object.values(result.files).filter((f): f is string => typeof f === 'string'),
      problems: [...result.lost, ...result.warnings],
      problemsInDone: true,
      main: main ? { path: main, title: title(main) } : undefined,
      nothing: vscode.l10n.t('FlameLens: no profile from {0}: {1}.{2}', name, why, closedNote),
      // {2}: the error that ended it, in brackets; {3}: the further notes, each a sentence of its own.
      done: vscode.l10n.t('FlameLens: Profiled {0} — {1} s recorded{2}.{3}', name, (result.recordedMs / 1000).toFixed(1), ended, `${closedNote}${lost}${warnings}`),
      action: heap
        ? {
            label: vscode.l10n.t('Open Heap Profile'),
            run: () => openRecordedProfile(this.panels, this.log, heap, title(heap)).catch((err: Error) => showErrorWithLog(this.log, vscode.l10n.t('FlameLens: {0}', err.message))),
          }
        : undefined,
    };
  }

  private async showAttachError(err: unknown, chosen: Chosen): Promise<void> {
    const message = vscode.l10n.t('FlameLens: could not attach to {0}: {1}', describe(chosen), (err as Error).message);
    const byPort = vscode.l10n.t('Attach by Port…');
    const another = vscode.l10n.t('Pick Another Process…');
    let actions: string[] = [];
    if (err instanceof AttachError) {
      if (err.code === 'port-in-use' || err.code === 'no-sigusr1-handler' || err.code === 'inspector-not-opened' || err.code === 'unsupported-platform' || err.code === 'connect-failed') actions = [byPort];
      else if (err.code === 'pid-not-found' || err.code === 'not-node' || err.code === 'self' || err.code === 'permission-denied' || err.code === 'target-exited') actions = [another];
    }
    const choice = await showErrorWithLog(this.log, message, ...actions);
    if (choice === byPort) {
      const text = await askForTarget();
      if (text) await this.attachCommand({ target: text });
    } else if (choice === another) {
      await this.attachCommand();
    }
  }

  dispose(): void {
    // Ending the extension host ends the connection; the target keeps running either way.
    void this.active?.stop();
    this.active = undefined;
    this.lifecycle.dispose();
  }
}

/** Result of Take Heap Snapshot. */
export interface SnapshotRun {
  file: string;
  pid?: number;
  result: AttachResult;
}

/** Take Heap Snapshot: streams a .heapsnapshot to `<outDir>/<name>-<pid>-<time>.heapsnapshot` with a cancellable progress notification. */
export async function takeHeapSnapshot(args: AttachCommandArgs, log: Log): Promise<SnapshotRun | undefined> {
  const chosen = await chooseTarget(args, vscode.l10n.t('FlameLens: take a heap snapshot of which Node.js process?'));
  if (!chosen) return undefined;
  const config = readConfig();
  const outDir = outputBase(config.outputDirectory, chosen.cwd);
  const pidPart = 'pid' in chosen.target ? `-${chosen.target.pid}` : '';
  const baseName = `${fileSlug(chosen.name)}${pidPart}-${timeStamp()}`;
  const controller = new AbortController();
  log.info(`heap snapshot of ${describe(chosen)} to ${outDir}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('FlameLens: heap snapshot of {0}', describe(chosen)), cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      const session = await attach(chosen.target, {
        cpu: false,
        heap: false,
        snapshot: true,
        outDir,
        baseName,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'snapshot' && p.done !== undefined && p.total) {
            const pct = Math.min(100, (100 * p.done) / p.total);
            progress.report({ message: `${pct.toFixed(0)}%`, increment: pct - reported });
            reported = pct;
          } else if (p.phase !== 'done') {
            progress.report({ message: p.message });
          }
        },
      });
      return session.finished;
    },
  ).then(
    (r) => r,
    (err: unknown) => {
      if (!(err instanceof AttachError && err.code === 'cancelled')) {
        void showErrorWithLog(log, vscode.l10n.t('FlameLens: could not take a heap snapshot of {0}: {1}', describe(chosen), (err as Error).message));
      }
      return undefined;
    },
  );
  if (!result) return undefined;
  const file = result.files.heapsnapshot;
  if (!file) {
    if (result.error?.code !== 'cancelled') {
      void showErrorWithLog(log, vscode.l10n.t('FlameLens: no heap snapshot of {0}: {1}', describe(chosen), result.error?.message ?? result.lost.join('; ')));
    }
    return undefined;
  }
  const closedNote = inspectorNote(result);
  log.info(`heap snapshot saved: ${file}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: saved {0}.{1}', path.basename(file), closedNote));
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'flamelens.snapshotEditor');
  return { file, pid: result.pid, result };
}

/** The process quick pick (or the args' pid/target), then the input box for host:port when asked for. */
export async function chooseTarget(args: AttachCommandArgs, title: string): Promise<Chosen | undefined> {
  if (typeof args.pid === 'number') {
    const info = await describeProcess(args.pid).catch(() => undefined);
    return info ? fromProcess(info) : { target: { pid: args.pid }, name: `pid ${args.pid}` };
  }
  if (typeof args.target === 'string') return fromText(args.target);
  let processes: NodeProcessInfo[] = [];
  let unsupported = false;
  try {
    processes = attachableProcesses(await listNodeProcesses());
  } catch (err) {
    if (!(err instanceof UnsupportedPlatformError)) throw err;
    unsupported = true;
  }
  const items: ProcessPickItem[] = processes.map((p) => ({ ...processRow(vscode.l10n, p), process: p }));
  items.push({
    label: `$(plug) ${vscode.l10n.t('Enter host:port or ws:// URL…')}`,
    detail: unsupported
      ? vscode.l10n.t('Listing processes is Linux-only: start the target with --inspect and enter its address')
      : vscode.l10n.t('A process started with --inspect, possibly on another machine or in a container'),
    manual: true,
  });
  const picked = await services.pickOne(items, { title, matchOnDescription: true, matchOnDetail: true, placeHolder: vscode.l10n.t('Type to filter by pid, command or folder') });
  if (!picked) return undefined;
  if (picked.process) return fromProcess(picked.process);
  const text = await askForTarget();
  return text ? fromText(text) : undefined;
}

function fromProcess(p: NodeProcessInfo): Chosen {
  return { target: { pid: p.pid }, name: processDisplayName(p.argv), cwd: p.cwd || undefined };
}

function fromText(text: string): Chosen | undefined {
  const parsed = parseAttachTarget(text);
  if ('error' in parsed) {
    void vscode.window.showErrorMessage(vscode.l10n.t('FlameLens: {0}', parsed.error));
    return undefined;
  }
  const t = parsed.target;
  return { target: t, name: 'pid' in t ? `pid ${t.pid}` : 'port' in t ? `${t.host}:${t.port}` : 'inspector' };
}

async function askForTarget(): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('FlameLens: attach to an inspector'),
    prompt: vscode.l10n.t('PID, HOST:PORT of a process started with --inspect, or its ws:// URL'),
    value: '127.0.0.1:9229',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseAttachTarget(value);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  return text?.trim() || undefined;
}

/** "server.js (pid 123)", "pid 123", "127.0.0.1:9229". */
function describe(chosen: Chosen, pid?: number): string {
  const p = 'pid' in chosen.target ? chosen.target.pid : pid;
  return p === undefined || chosen.name.startsWith('pid ') ? chosen.name : `${chosen.name} (pid ${p})`;
}

function describeSession(chosen: Chosen, session: AttachSession): string {
  return describe(chosen, session.pid);
}

/** What became of the inspector, for the closing message: closed, kept for another FlameLens session, or maybe still open. */
function inspectorNote(result: AttachResult): string {
  if (result.otherSessions > 0) return ` ${vscode.l10n.t('Inspector left open for the other FlameLens session still attached (the last one closes it).')}`;
  if (result.inspectorClosed) return ` ${vscode.l10n.t('Inspector closed again.')}`;
  if (result.openedInspector && !result.targetExited && result.warnings.length > 0) return ` ${vscode.l10n.t('The inspector FlameLens opened may still be open.')}`;
  return '';
}

// One lifecycle for every recording the extension makes (a launched program, an attach session):
// the "already recording" prompt, the status-bar item (elapsed time, click to stop, "saving…"),
// one stop however often it is asked for, and — once the recording ended by itself or was
// stopped — the files logged, the main profile opened beside the code and a closing message.
import * as vscode from 'vscode';
import { RecordingStatus, type RecordingStatusOptions } from './recording-status';
import { loadProfile } from '../views/load-profile';
import type { ProfilePanels } from '../views/profile-panel';
import { showErrorWithLog, showLogLabel, timed, type Log } from '../log';
import { completionNotice } from './recording-notice';

/** What a finished recording left, as the lifecycle reports it. */
export interface RecordingSummary {
  /** Every file written, for the log. */
  files: string[];
  /** Lost threads, warnings: logged. */
  problems: string[];
  /** The profile to open first and its panel title; undefined when nothing was recorded. */
  main?: { path: string; title: string };
  /** The error shown when there is no main profile. */
  nothing: string;
  /** The message shown once the main profile is open. */
  done: string;
  /** A button on that message. */
  action?: { label: string; run: () => unknown };
  /** `done` already words every problem (else the first ones are appended to it). */
  problemsInDone?: boolean;
  /** Why the recording ended early (shown as an error besides the profile). */
  error?: string;
}

/** A started recording handed to the lifecycle. */
export interface Recording<R> {
  /** For "FlameLens is already recording NAME." */
  name: string;
  /** Shown in the status bar before the elapsed time (e.g. "pid 123"). */
  statusLabel?: string;
  /** Asks the recording to stop and save; `ended` settles afterwards. */
  stop(): Promise<unknown>;
  /** Settles with what was recorded, whether the recording ended by itself or was stopped. */
  ended: Promise<R>;
  summarize(result: R): RecordingSummary;
}

/** A tracked recording's end: what was recorded and the file opened (undefined when none could be). */
export interface Finished<R> {
  result: R;
  opened?: string;
}

interface Running<R> {
  recording: Recording<R>;
  /** When it started (ms since the epoch): the status bar's timer counts from it. */
  startedAt: number;
  stopping?: Promise<unknown>;
  finished: Promise<Finished<R>>;
}

export class RecordingLifecycle<R> implements vscode.Disposable {
  private running: Running<R> | undefined;
  private last: Promise<Finished<R>> | undefined;
  private readonly status: RecordingStatus;

  constructor(
    statusOptions: RecordingStatusOptions,
    private readonly panels: ProfilePanels,
    private readonly log: Log,
  ) {
    this.status = new RecordingStatus(statusOptions);
  }

  get isRecording(): boolean {
    return this.running !== undefined;
  }

  /** The running or most recent recording's end. */
  lastFinished(): Promise<Finished<R>> | undefined {
    return this.running?.finished ?? this.last;
  }

  /** Before starting another: asks to stop the one recording now. True when nothing records any more. */
  async makeRoom(): Promise<boolean> {
    const running = this.running;
    if (!running) return true;
    const stopIt = vscode.l10n.t('Stop It');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('FlameLens is already recording {0}.', running.recording.name), stopIt, vscode.l10n.t('Cancel'));
    if (choice !== stopIt) return false;
    await this.stop();
    return true;
  }

  /** Shows the recording in the status bar until it ends, then reports and opens what it left. */
  track(recording: Recording<R>): Promise<Finished<R>> {
    const startedAt = Date.now();
    this.status.show(startedAt, recording.statusLabel);
    const entry: Running<R> = {
      recording,
      startedAt,
      finished: recording.ended.then(async (result) => {
        this.release(entry);
        return { result, opened: await this.report(recording.summarize(result)) };
      }),
    };
    entry.finished.catch(() => this.release(entry));
    this.running = entry;
    this.last = entry.finished;
    return entry.finished;
  }

  /**
   * Stops the recording (once, however often asked) — only `which` when given — and resolves when it
   * was reported; undefined when nothing (or another recording) records.
   */
  async stop(which?: Recording<R>): Promise<Finished<R> | undefined> {
    const running = this.running;
    if (!running || (which && running.recording !== which)) return undefined;
    if (!running.stopping) {
      this.status.saving();
      const stopping = running.recording.stop();
      running.stopping = stopping;
      // A stop that failed (a folder it could not write to…) leaves the recording running: back to
      // its timer, and Stop can be tried again, rather than "saving…" and "already recording" for ever.
      stopping.catch(() => {
        if (this.running !== running || running.stopping !== stopping) return;
        running.stopping = undefined;
        this.status.show(running.startedAt, running.recording.statusLabel);
      });
    }
    await running.stopping;
    return running.finished;
  }

  private release(entry: Running<R>): void {
    if (this.running !== entry) return;
    this.running = undefined;
    this.status.hide();
  }

  /** Logs the files, opens the main profile and says how it went; returns the path opened. */
  private async report(summary: RecordingSummary): Promise<string | undefined> {
    for (const file of summary.files) this.log.info(`profile: ${file}`);
    for (const problem of summary.problems) this.log.warn(problem);
    if (summary.error) void showErrorWithLog(this.log, summary.error);
    const main = summary.main;
    if (!main) {
      void showErrorWithLog(this.log, summary.nothing);
      return undefined;
    }
    try {
      await openRecordedProfile(this.panels, this.log, main.path, main.title);
    } catch (err) {
      void showErrorWithLog(this.log, vscode.l10n.t('FlameLens: could not open {0}: {1}', main.path, (err as Error).message));
      return undefined;
    }
    const notice = completionNotice(summary.done, summary.problems, vscode.l10n, summary.problemsInDone);
    const action = summary.action;
    const buttons = [...(action ? [action.label] : []), ...(notice.severity === 'warning' ? [showLogLabel] : [])];
    const shown =
      notice.severity === 'warning' ? vscode.window.showWarningMessage(notice.message, ...buttons) : vscode.window.showInformationMessage(notice.message, ...buttons);
    void shown.then((choice) => {
      if (choice === showLogLabel) this.log.show(true);
      else if (choice !== undefined) void action?.run();
    });
    return main.path;
  }

  dispose(): void {
    // The services end their own recordings; this only drops the status item.
    this.running = undefined;
    this.status.dispose();
  }
}

/** Opens a recorded profile's flame graph, beside the source the user profiled from when one is open. */
export async function openRecordedProfile(panels: ProfilePanels, log: Log, file: string, title: string): Promise<void> {
  const uri = vscode.Uri.file(file);
  const profile = await timed(log, `loaded ${file}`, () => loadProfile(uri));
  const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
  panels.show({ profile, title, source: file }, { kind: 'file', uri: uri.toString() }, column);
}

// The preLaunchTask and postDebugTask of a launch configuration (or compound) that FlameLens runs
// itself, in its terminal (node-terminal configurations, or any when js-debug is missing): the
// debugger runs them for the launches it starts, so these are run the way it would — found by
// label or identifier, the program starting only after the task ended with exit code 0.
import * as vscode from 'vscode';
import { findTask, taskRefName, type TaskRef } from './capture-plan';
import type { Log } from '../log';

/** A preLaunchTask that could not run or failed: the program is not started. */
export class TaskFailed extends Error {}

/**
 * Runs the task `ref` of `folder` and waits for it to end. Throws TaskFailed when no such task
 * exists or it exits non-zero. A background task (a watcher) is started and not waited for: VS Code
 * tells extensions when its process ends, not when its problem matcher goes idle.
 */
export async function runTask(ref: TaskRef, folder: vscode.WorkspaceFolder, log: Log): Promise<void> {
  const name = taskRefName(ref);
  const tasks = await vscode.tasks.fetchTasks();
  const task = findTask(
    tasks.map((t) => ({ name: t.name, source: t.source, definition: t.definition, folder: typeof t.scope === 'object' ? t.scope.uri.fsPath : undefined, task: t })),
    ref,
    folder.uri.fsPath,
  )?.task;
  if (!task) throw new TaskFailed(vscode.l10n.t('the task "{0}" was not found (in tasks.json, or provided by an extension)', name));
  log.info(`running task "${name}"${task.isBackground ? ' (a background task: not waited for)' : ''}`);
  // Listening before it starts: a quick task can end before executeTask's promise settles.
  const ends: TaskEnd[] = [];
  let wake: (() => void) | undefined;
  const onEnd = (e: TaskEnd) => {
    ends.push(e);
    wake?.();
  };
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  const listeners = [
    vscode.tasks.onDidEndTaskProcess((e) => onEnd({ execution: e.execution, exitCode: e.exitCode, process: true })),
    // A task with no process (a custom execution) only ends.
    vscode.tasks.onDidEndTask((e) => onEnd({ execution: e.execution, exitCode: undefined, process: false })),
  ];
  try {
    let execution: vscode.TaskExecution;
    try {
      execution = await vscode.tasks.executeTask(task);
    } catch (err) {
      // (An already running task, a task type whose extension is gone.)
      throw new TaskFailed(vscode.l10n.t('the task "{0}" did not start: {1}', name, (err as Error).message));
    }
    if (task.isBackground) return;
    const mine = () => ends.filter((e) => e.execution === execution);
    // A task that does not end (a server without isBackground) would hold the launch for ever:
    // after a second a notification says what is awaited, and cancels it.
    let cancelled = false;
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    let waiting: Thenable<void> | undefined;
    const notify = setTimeout(() => {
      waiting = vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('FlameLens: waiting for the task "{0}" before the program starts', name), cancellable: true },
        (_progress, token) => {
          const sub = token.onCancellationRequested(() => {
            cancelled = true;
            execution.terminate();
            wake?.();
          });
          return ended.then(() => sub.dispose());
        },
      );
    }, 1000);
    try {
      while (!mine().some((e) => e.process) && !cancelled) {
        if (mine().length === 0) {
          await next();
          continue;
        }
        // The task ended with no process exit seen: it may come just after, else there is none.
        await Promise.race([next(), new Promise((r) => setTimeout(r, 200))]);
        if (!mine().some((e) => e.process)) break;
      }
    } finally {
      clearTimeout(notify);
      markEnded();
      await waiting;
    }
    if (cancelled) throw new TaskFailed(vscode.l10n.t('the task "{0}" was cancelled', name));
    const exitCode = mine().find((e) => e.process)?.exitCode;
    if (exitCode !== undefined && exitCode !== 0) throw new TaskFailed(vscode.l10n.t('the task "{0}" failed (exit code {1})', name, exitCode));
    log.info(`task "${name}" ended${exitCode === undefined ? '' : ` (exit code ${exitCode})`}`);
  } finally {
    listeners.forEach((l) => l.dispose());
  }
}

interface TaskEnd {
  execution: vscode.TaskExecution;
  exitCode: number | undefined;
  process: boolean;
}

// FlameLens's log: one LogOutputChannel ("FlameLens" in the Output view) created in activate and
// handed to the services. It records what was run, where profiles went, load timings and errors;
// error notifications offer "Show Log" to open it.
import * as vscode from 'vscode';
import { escapeNotificationLines } from './model/escape-text';

/** The part of a LogOutputChannel the services write to. */
export type Log = Pick<vscode.LogOutputChannel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'show'>;

export const logChannelName = 'FlameLens';
export const showLogCommandId = 'flamelens.showLog';
export const showLogLabel = 'Show Log';

export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(logChannelName, { log: true });
}

/**
 * An error notification with a "Show Log" button; the message is logged too. Error messages quote
 * profile text, file names and other processes' command lines: escaped here too, line by line, so
 * none can become a command link or an escape sequence (escaping is idempotent).
 */
export function showErrorWithLog(log: Log, rawMessage: string, ...actions: string[]): Thenable<string | undefined> {
  const message = escapeNotificationLines(rawMessage);
  log.error(message);
  return vscode.window.showErrorMessage(message, ...actions, showLogLabel).then((choice) => {
    if (choice !== showLogLabel) return choice;
    log.show(true);
    return undefined;
  });
}

/** Runs `fn` and logs how long `what` took (or that it failed, and after how long). */
export async function timed<T>(log: Log, what: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    const value = await fn();
    log.info(`${what}: ${(performance.now() - start).toFixed(0)} ms`);
    return value;
  } catch (err) {
    log.warn(`${what} failed after ${(performance.now() - start).toFixed(0)} ms: ${(err as Error).message}`);
    throw err;
  }
}

/**
 * A command's handler that never throws at VS Code: a failure becomes an error notification (with
 * Show Log) and the result `undefined`; otherwise the handler's result is returned (the integration
 * tests read it from executeCommand).
 */
export function reportErrors<A extends unknown[], R>(log: Log, name: string, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      void showErrorWithLog(log, vscode.l10n.t('FlameLens: {0} failed: {1}', name, (err as Error).message));
      return undefined;
    }
  };
}

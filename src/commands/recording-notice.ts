// The notification a finished recording ends with, once its profile is open. When something went
// wrong beside that profile (a thread that saved nothing, only npm profiled while the program it
// ran was not, a child still running), it is a warning that says what, not a success message
// with the reason in the log alone: the opened profile may be the wrong process's.
import type { Translator } from '../translator';
import { escapeNotificationLines } from '../model/escape-text';

export interface CompletionNotice {
  severity: 'info' | 'warning';
  message: string;
}

/** Problems quoted in the notification; the log lists them all. */
const quotedProblems = 2;

/**
 * `done` is the recording's closing message; `problems` what went wrong beside it (already in
 * `done` when `problemsInDone`, as attach words them). Problems quote process command lines and
 * file names: the whole message is escaped for a notification.
 */
export function completionNotice(done: string, problems: readonly string[], l10n: Translator, problemsInDone = false): CompletionNotice {
  if (problems.length === 0) return { severity: 'info', message: escapeNotificationLines(done) };
  if (problemsInDone) return { severity: 'warning', message: escapeNotificationLines(done) };
  // Each a sentence of its own: the launcher words them as clauses ("process 12 could not save…").
  const quoted = problems.slice(0, quotedProblems).map((p) => `${p.charAt(0).toUpperCase()}${p.slice(1)}${/[.!?]$/.test(p) ? '' : '.'}`);
  const more = problems.length - quoted.length;
  const rest = more > 0 ? ` ${more === 1 ? l10n.t('1 more problem is in the log.') : l10n.t('{0} more problems are in the log.', more)}` : '';
  return { severity: 'warning', message: escapeNotificationLines(`${done} ${quoted.join(' ')}${rest}`) };
}

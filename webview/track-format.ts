// How a load run's tracks are named and their values written (webview/timeline.ts draws them).
// No DOM: the browser tests compute the expected readouts with it.
import * as l10n from '@vscode/l10n';
import type { LoadTrackKind } from '../src/protocol';

/** A track's name; its values are per second of the load run. */
export function trackLabel(kind: LoadTrackKind): string {
  switch (kind) {
    case 'rps':
      return l10n.t('Requests/s');
    case 'p99':
      return l10n.t('p99 latency');
    case 'loopDelay':
      return l10n.t('Event-loop delay p99');
    case 'errors':
      return l10n.t('Errors/s');
  }
}

/** The kinds a page draws (a newer host may send others: they are left out). */
export const trackKinds: readonly LoadTrackKind[] = ['rps', 'p99', 'loopDelay', 'errors'];

/** A track's value as shown ("1,234 req/s", "12.5 ms", "3 errors"); '—' when there is none. */
export function formatTrackValue(kind: LoadTrackKind, v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  switch (kind) {
    case 'rps':
      return l10n.t('{0} req/s', Math.round(v).toLocaleString('en-US'));
    case 'p99':
    case 'loopDelay':
      return l10n.t('{0} ms', v.toFixed(v < 10 ? 2 : 1));
    case 'errors':
      return Math.round(v) === 1 ? l10n.t('1 error') : l10n.t('{0} errors', Math.round(v).toLocaleString('en-US'));
  }
}

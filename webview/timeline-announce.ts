// What the timeline's live region says when the keyboard cursor moves (webview/timeline.ts): the
// time at the cursor, then each load-run track's value for that second of the run, or — for a
// profile recorded without a run — each lane's share of that moment of the area. Only finite
// numbers are read out. No DOM: the browser tests compute the expected text with it.
import * as l10n from '@vscode/l10n';
import type { LoadTrackKind, TimelineLane } from '../src/protocol';
import { laneLabel } from './category-label';
import { formatPercent } from './format';
import { formatTrackValue, trackLabel } from './track-format';

export interface CursorReadout {
  /** The cursor's place as shown ("1.20 s"). */
  at: string;
  /** The area's lanes at the cursor: each one's value (µs or bytes) in that bucket. */
  lanes: { lane: TimelineLane; value: number | undefined }[];
  /** Each track's value for the run's second at the cursor (null: none there). */
  tracks: { kind: LoadTrackKind; value: number | null | undefined }[];
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function cursorAnnouncement(r: CursorReadout): string {
  if (r.tracks.length > 0) {
    const values = r.tracks.filter((t) => finite(t.value)).map((t) => l10n.t('{0} {1}', trackLabel(t.kind), formatTrackValue(t.kind, t.value)));
    return values.length > 0 ? l10n.t('{0}: {1}', r.at, values.join(', ')) : l10n.t('{0}: outside the load run', r.at);
  }
  const lanes = r.lanes.filter((l) => finite(l.value) && l.value > 0);
  const all = lanes.reduce((a, l) => a + l.value!, 0);
  if (!(all > 0)) return l10n.t('{0}: no samples', r.at);
  return l10n.t('{0}: {1}', r.at, lanes.map((l) => l10n.t('{0} {1}', laneLabel(l.lane), formatPercent(l.value!, all))).join(', '));
}

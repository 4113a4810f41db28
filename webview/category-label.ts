// What the legends, tooltips and the timeline call frame categories and timeline lanes, in the
// page's language: functions, not tables, so each call reads the translations configureL10n loaded
// (a module-level table would be made before they are). No DOM: the browser tests compute expected
// text with it.
import * as l10n from '@vscode/l10n';
import type { TimelineLane } from '../src/protocol';
import type { FrameCategory } from '../src/model/types';

/** A frame category as the legend and the tooltip name it. */
export function categoryLabel(category: FrameCategory): string {
  switch (category) {
    case 'user':
      return l10n.t('Your code');
    case 'node_modules':
      return 'node_modules';
    case 'node':
      return l10n.t('Node internals');
    case 'native':
      return l10n.t('Native / V8');
    case 'meta':
      return l10n.t('Idle / GC / program');
  }
}

/** A lane of the timeline's area as its key, label and live region name it: a frame category's name, but GC and idle. */
export function laneLabel(lane: TimelineLane): string {
  if (lane === 'gc') return l10n.t('GC');
  if (lane === 'idle') return l10n.t('Idle / program');
  return categoryLabel(lane);
}

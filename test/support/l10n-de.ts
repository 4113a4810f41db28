// A German test bundle for the flame-graph page's browser tests: what a bundle.l10n.de.json would hold for
// the messages the tests look for. Each message is checked against the English bundle
// (l10n/bundle.l10n.json, exported from the sources), so a message renamed in the code fails here rather
// than leaving a test that silently sees English.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as l10n from '@vscode/l10n';

const german: Record<string, string> = {
  // Frame categories and timeline lanes (webview/category-label.ts).
  'Your code': 'Eigener Code',
  'Node internals': 'Node-Interna',
  'Native / V8': 'Nativ / V8',
  'Idle / GC / program': 'Leerlauf / GC / Programm',
  'Idle / program': 'Leerlauf / Programm',
  GC: 'Speicherbereinigung',
  // The timeline strip.
  '{0} s': '{0} Sek.',
  'Timeline of {0}: {1}.{2}{3}': 'Zeitleiste über {0}: {1}.{2}{3}',
  ' The arrow keys move a cursor that reads out what ran at that time.': ' Die Pfeiltasten bewegen einen Cursor, der vorliest, was zu der Zeit lief.',
  " The arrow keys move a cursor that reads out the load run's values at that time.": ' Die Pfeiltasten bewegen einen Cursor, der die Werte des Lastlaufs zu der Zeit vorliest.',
  ' Drag, or press Shift with the arrow keys, to select a range; Escape clears it.': ' Ziehen (oder Umschalt mit den Pfeiltasten) wählt einen Bereich; Escape hebt ihn auf.',
  'Showing {0} only': 'Nur {0}',
  'Time range {0}; clear it': 'Zeitbereich {0}; aufheben',
  '{0}: no samples': '{0}: keine Stichproben',
  '{0}: outside the load run': '{0}: außerhalb des Lastlaufs',
  'Flame chart': 'Flammendiagramm',
  'Flame chart: calls as they happened, time from left to right. Ctrl+wheel or + and − zoom, drag, Shift+wheel or the arrow keys pan, 0 shows the whole range.': 'Flammendiagramm: Aufrufe, wie sie geschahen, Zeit von links nach rechts. Strg+Mausrad oder + und − zoomen, Ziehen, Umschalt+Mausrad oder die Pfeiltasten verschieben, 0 zeigt den ganzen Bereich.',
  '{0} calls over {1}. Hover for details; click opens the source.': '{0} Aufrufe in {1}. Zeigen für Details; ein Klick öffnet die Quelle.',
  '{0} calls over {1} (the shortest left out). Hover for details; click opens the source.': '{0} Aufrufe in {1} (die kürzesten ausgelassen). Zeigen für Details; ein Klick öffnet die Quelle.',
  // Load-run tracks.
  'Requests/s': 'Anfragen/s',
  'p99 latency': 'p99-Latenz',
  'Event-loop delay p99': 'Event-Loop-Verzögerung p99',
  'Errors/s': 'Fehler/s',
  '{0} req/s': '{0} Anf./s',
  '{0} errors': '{0} Fehler',
  '1 error': '1 Fehler',
  '{0} per second of the load run: {1}': '{0} je Sekunde des Lastlaufs: {1}',
  // The toolbar, legend, heading, details, table, search, sandwich and SVG export of the main view.
  Icicle: 'Eiszapfen',
  'Left-heavy': 'Schwere links',
  'Hide node_modules': 'node_modules ausblenden',
  'Fold dependency frames into their callers': 'Rahmen von Abhängigkeiten in ihre Aufrufer falten',
  'Hide Node internals': 'Node-Interna ausblenden',
  'Hide idle/GC': 'Leerlauf/GC ausblenden',
  'Group by package': 'Nach Paket gruppieren',
  'Merge recursion': 'Rekursion zusammenfassen',
  'Search match': 'Suchtreffer',
  'CPU profile': 'CPU-Profil',
  '{0} samples': '{0} Stichproben',
  '{0} functions': '{0} Funktionen',
  'Showing {0} of {1} functions': '{0} von {1} Funktionen',
  'Click a frame (or press Enter on it) to zoom in and open its source; Alt+click only zooms. Escape resets.':
    'Ein Klick auf einen Rahmen (oder Enter darauf) zoomt hinein und öffnet seine Quelle; Alt+Klick zoomt nur. Escape setzt zurück.',
  'no match': 'kein Treffer',
  'matched {0} · {1}': 'Treffer {0} · {1}',
  '{0}, {1} of the total': '{0}, {1} des Ganzen',
  'Sandwich: {0}': 'Sandwich von {0}',
  'Sandwich view': 'Sandwich-Ansicht',
  Callers: 'Aufrufer',
  Callees: 'Aufgerufene',
  Close: 'Schließen',
  'Callers of the selected function': 'Aufrufer der gewählten Funktion',
  'Callees of the selected function': 'Von der gewählten Funktion Aufgerufene',
  '{0} — FlameLens flame graph': '{0} — FlameLens-Flammengrafik',
  'Self: {0} ({1})': 'Selbst: {0} ({1})',
  '(no source)': '(keine Quelle)',
};

/** The German test bundle; throws when a message is not (or no longer) one of the sources' messages. */
export function germanBundle(): Record<string, string> {
  const english = JSON.parse(readFileSync(path.resolve(__dirname, '../../l10n/bundle.l10n.json'), 'utf8')) as Record<string, string>;
  const stale = Object.keys(german).filter((message) => !(message in english));
  if (stale.length > 0) throw new Error(`not messages of l10n/bundle.l10n.json: ${JSON.stringify(stale)}`);
  return { ...german };
}

/** `message` as the German bundle says it, with `{n}` filled in as @vscode/l10n fills it. */
export function de(message: string, ...args: (string | number)[]): string {
  const template = german[message];
  if (template === undefined) throw new Error(`no German for ${JSON.stringify(message)}`);
  return template.replace(/{(\d+)}/g, (m, i: string) => (args[Number(i)] === undefined ? m : String(args[Number(i)])));
}

/**
 * Runs `make` with the German bundle loaded into this process's @vscode/l10n, as the page loads it, and
 * English again after: the expected text of the webview's own formatters (track-format.ts, …) in German.
 */
export function withGerman<T>(make: () => T): T {
  l10n.config({ contents: germanBundle() });
  try {
    return make();
  } finally {
    l10n.config({ contents: {} });
  }
}

// Reads and prints the JSON-lines file that fileReporter.ts writes inside the extension host.
import { existsSync, readFileSync } from 'node:fs';
import type { MochaEvent } from '../fileReporter';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export function readEvents(file: string): MochaEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as MochaEvent];
      } catch {
        return []; // a line still being written
      }
    });
}

export function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

export function printEvent(e: MochaEvent): void {
  if (e.event === 'pass') console.log(`  ✓ ${e.title} (${e.durationMs} ms)`);
  else if (e.event === 'fail') console.log(`  ✗ ${e.title}\n${indent(e.error, '      ')}`);
  else if (e.event === 'pending') console.log(`  - ${e.title} (skipped)`);
}

/** Totals from mocha's end event, or counted from the events when the run never ended. */
export function countEvents(events: readonly MochaEvent[]): Counts & { ended: boolean } {
  const end = events.find((e): e is Extract<MochaEvent, { event: 'end' }> => e.event === 'end');
  if (end) return { passed: end.passes, failed: end.failures, skipped: end.pending, ended: true };
  return {
    passed: events.filter((e) => e.event === 'pass').length,
    failed: events.filter((e) => e.event === 'fail').length,
    skipped: events.filter((e) => e.event === 'pending').length,
    ended: false,
  };
}

/** The title of the test that started last without finishing, if any. */
export function runningTest(events: readonly MochaEvent[]): string | undefined {
  const last = [...events].reverse().find((e) => e.event === 'test' || e.event === 'pass' || e.event === 'fail' || e.event === 'pending');
  return last?.event === 'test' ? last.title : undefined;
}

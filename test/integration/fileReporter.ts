// A mocha reporter for runs inside VS Code's extension host, whose stdout nobody reads: it appends one JSON
// line per event to a file that the runner outside tails, so results show up live and survive a hang.
import Mocha from 'mocha';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One line of the results file. `title` is the full title ("suite test"). */
export type MochaEvent =
  | { event: 'start'; total: number }
  | { event: 'test'; title: string }
  | { event: 'pass'; title: string; durationMs: number }
  | { event: 'fail'; title: string; durationMs: number; error: string }
  | { event: 'pending'; title: string }
  | { event: 'end'; passes: number; failures: number; pending: number; durationMs: number };

const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_TEST_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } =
  Mocha.Runner.constants;

export class FileReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const file = (options.reporterOptions as { output?: string } | undefined)?.output;
    if (!file) throw new Error('FileReporter needs reporterOptions.output');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
    const write = (e: MochaEvent): void => appendFileSync(file, JSON.stringify(e) + '\n');
    const started = Date.now();

    runner.once(EVENT_RUN_BEGIN, () => write({ event: 'start', total: runner.total }));
    runner.on(EVENT_TEST_BEGIN, (t) => write({ event: 'test', title: t.fullTitle() }));
    runner.on(EVENT_TEST_PASS, (t) => write({ event: 'pass', title: t.fullTitle(), durationMs: t.duration ?? 0 }));
    runner.on(EVENT_TEST_PENDING, (t) => write({ event: 'pending', title: t.fullTitle() }));
    // Hook failures ("before all" hook …) arrive here too, with the hook as the "test".
    runner.on(EVENT_TEST_FAIL, (t, err: Error) =>
      write({ event: 'fail', title: t.fullTitle(), durationMs: t.duration ?? 0, error: err?.stack ?? String(err) }),
    );
    runner.once(EVENT_RUN_END, () => {
      const s = this.stats;
      write({ event: 'end', passes: s.passes, failures: s.failures, pending: s.pending, durationMs: Date.now() - started });
    });
  }
}

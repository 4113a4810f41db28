// npm run test:unit: the unit test files two at a time (most of their time is spent waiting on the
// real processes they start), then the few whose assertions are about timing one at a time, so that
// no other test's processes compete with them for the CPU. On CI's 2-core machine this takes the
// phase from ~12 to ~8 minutes.
// Extra arguments go to both runs (e.g. --test-name-pattern=…).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const unit = path.join(root, 'test', 'unit');

/**
 * Files whose tests compare measured times (a load run's latency percentiles, where a timeline's
 * tracks fall, the self times of two timed programs), or give a signalled program a deadline to
 * end (the agent's signal tests): under a second test process they failed now and then on 2 cores.
 */
const timing = new Set(['load/driver.test.ts', 'load/profile-tracks.test.ts', 'cli/record-npm.test.ts', 'capture/agent.test.ts', 'capture/agent-signals.test.ts']);

const files = readdirSync(unit, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(path.join(unit, d.name)).filter((f) => f.endsWith('.test.ts')).map((f) => `${d.name}/${f}`))
  .sort();
for (const f of timing) if (!files.includes(f)) throw new Error(`scripts/test-unit.mjs: ${f} is not a unit test file any more; update the timing list`);

const extra = process.argv.slice(2);
function run(list, concurrency) {
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...extra, ...list.map((f) => path.join('test', 'unit', f))];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

const parallel = run(
  files.filter((f) => !timing.has(f)),
  2,
);
const serial = run([...timing], 1);
process.exit(parallel || serial);

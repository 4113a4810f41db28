// One measurement in a fresh process (spawned by bench/ingest.ts, run as a bundle so no
// TypeScript loader sits in the way): prints JSON with the wall time of the operation and the
// peak RSS above the idle baseline.
//   floor: fs.readFileSync(file, 'utf8') + JSON.parse — what any JSON-based viewer must pay.
//   ours:  fs.readFileSync(file) + parseProfile + toFlameTree + lineTable — ingest, end to end.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseProfile } from '../src/model/import';
import { toFlameTree } from '../src/model/flame';
import { lineTable } from '../src/model/tables';

const [mode, file] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
// Linux: writing 5 to clear_refs resets the peak-RSS mark (VmHWM), so the peak measured below
// belongs to the operation alone, not to start-up.
const canResetPeak = resetPeak();
const baseline = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
let keep: unknown;
let nodes = 0;
let samples = 0;
const t0 = performance.now();
if (mode === 'floor') {
  keep = JSON.parse(readFileSync(file!, 'utf8'));
} else {
  const profile = parseProfile(readFileSync(file!));
  const tree = toFlameTree(profile);
  const lines = lineTable(profile);
  keep = { profile, tree, lines };
  nodes = profile.nodeCount;
  samples = profile.sampleCount;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
// The true peak of the process, including transient garbage.
const peak = canResetPeak ? peakRss() : process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ ms, cpuMs, peakBytes: peak - baseline, nodes, samples, kept: keep !== undefined })}\n`);

function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

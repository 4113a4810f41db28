// Ingest benchmark. For each profile:
//   floor = fs.readFileSync(utf8) + JSON.parse      (the least any JSON-based importer pays)
//   ours  = fs.readFileSync + parseProfile + toFlameTree + lineTable
// Time: a fresh process per side runs the operation N times back to back; we report the median
// of runs 2..N (the steady state of a long-lived extension host) and the first, cold run (before the JIT has
// compiled our code — JSON.parse is native and has no such start-up). CPU time is reported too:
// on a busy machine it is steadier than wall time.
// Memory: a fresh process per side runs the operation once; peak RSS above the idle baseline,
// as a multiple of the file size.
// Targets (from the issue): ours ≤ 1.5 × floor and peak ≤ 3 × file size.
// Missing large profiles are captured first (bench/capture-large.ts). Not part of `npm test`.
//   npm run bench                     all sizes
//   BENCH_RUNS=3 npm run bench        fewer runs per process
//   npm run bench -- file.cpuprofile  specific files
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ensureCaptures } from './capture-large';

const root = path.resolve(__dirname, '..');
const workerOut = path.join(root, 'out', 'bench', 'ingest-worker.js');

interface TimeRun {
  ms: number[];
  cpuMs: number[];
  nodes: number;
  samples: number;
}

interface MemRun {
  peakBytes: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function child<T>(args: string[]): T {
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', workerOut, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as T;
}

async function main(): Promise<void> {
  await esbuild.build({ entryPoints: [path.join(root, 'bench', 'ingest-worker.ts')], outfile: workerOut, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args.map((f) => path.resolve(f)) : [path.join(root, 'test', 'fixtures', 'small-webpack-1000us.cpuprofile'), ...ensureCaptures()].sort((a, b) => statSync(a).size - statSync(b).size);
  let ok = true;
  console.log('| profile | size | nodes | samples | JSON.parse median (ms) | ours median (ms) | ratio | CPU ratio | cold: JSON.parse / ours (ms) | cold ratio | peak JSON.parse | peak ours |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const file of files) {
    const size = statSync(file).size;
    const runs = String(Math.max(2, Number(process.env.BENCH_RUNS ?? (size > 100e6 ? 3 : size > 20e6 ? 5 : 9))));
    const floor = child<TimeRun>(['time', 'floor', file, runs]);
    const ours = child<TimeRun>(['time', 'ours', file, runs]);
    const floorMem = child<MemRun>(['mem', 'floor', file]).peakBytes / size;
    const oursMem = child<MemRun>(['mem', 'ours', file]).peakBytes / size;
    // Steady state: the median of the runs after the first (cold) one.
    const floorMs = median(floor.ms.slice(1));
    const oursMs = median(ours.ms.slice(1));
    const ratio = oursMs / floorMs;
    const cpuRatio = median(ours.cpuMs.slice(1)) / median(floor.cpuMs.slice(1));
    const coldRatio = ours.ms[0]! / floor.ms[0]!;
    const pass = ratio <= 1.5 && oursMem <= 3;
    ok &&= pass;
    console.log(
      `| ${path.basename(file)} | ${(size / 1e6).toFixed(1)} MB | ${ours.nodes} | ${ours.samples} | ${floorMs.toFixed(0)} | ${oursMs.toFixed(0)} | ${ratio.toFixed(2)}× | ${cpuRatio.toFixed(2)}× | ${floor.ms[0]!.toFixed(0)} / ${ours.ms[0]!.toFixed(0)} | ${coldRatio.toFixed(2)}× | ${floorMem.toFixed(2)}× | ${oursMem.toFixed(2)}× |${pass ? '' : ' ✗'}`,
    );
  }
  console.log(ok ? '\nAll within targets (median ratio ≤ 1.5×, peak ≤ 3× file size).' : '\nSome profiles miss the targets (✗).');
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

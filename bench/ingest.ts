// Ingest benchmark: for each profile, the median over fresh processes of
//   floor = fs.readFileSync(utf8) + JSON.parse      (the least any JSON-based importer pays)
//   ours  = fs.readFileSync + parseProfile + toFlameTree + lineTable
// and the peak RSS of each above the process's idle baseline, as a multiple of the file size.
// Targets (from the issue): ours ≤ 1.5 × floor and peak ≤ 3 × file size at every size.
// Missing large profiles are captured first (bench/capture-large.ts). Not part of `npm test`.
//   npm run bench                     all sizes
//   BENCH_RUNS=3 npm run bench        fewer runs
//   npm run bench -- file.cpuprofile  specific files
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ensureCaptures } from './capture-large';

const root = path.resolve(__dirname, '..');
const workerOut = path.join(root, 'out', 'bench', 'ingest-worker.js');

interface Run {
  ms: number;
  cpuMs: number;
  peakBytes: number;
  nodes: number;
  samples: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function measure(mode: 'floor' | 'ours', file: string): Run {
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', workerOut, mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Run;
}

async function main(): Promise<void> {
  await esbuild.build({ entryPoints: [path.join(root, 'bench', 'ingest-worker.ts')], outfile: workerOut, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args.map((f) => path.resolve(f)) : [path.join(root, 'test', 'fixtures', 'small-webpack-1000us.cpuprofile'), ...ensureCaptures()];
  const rows: string[] = [];
  let ok = true;
  console.log('| profile | size | nodes | samples | JSON.parse (ms) | ours (ms) | ratio | CPU-time ratio | peak JSON.parse | peak ours |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const file of files) {
    const size = statSync(file).size;
    const runs = Number(process.env.BENCH_RUNS ?? (size > 100e6 ? 3 : 5));
    const floor: Run[] = [];
    const ours: Run[] = [];
    // Interleave so machine noise hits both sides alike.
    for (let i = 0; i < runs; i++) {
      floor.push(measure('floor', file));
      ours.push(measure('ours', file));
    }
    const floorMs = median(floor.map((r) => r.ms));
    const oursMs = median(ours.map((r) => r.ms));
    const ratio = oursMs / floorMs;
    const cpuRatio = median(ours.map((r) => r.cpuMs)) / median(floor.map((r) => r.cpuMs));
    const floorMem = median(floor.map((r) => r.peakBytes)) / size;
    const oursMem = median(ours.map((r) => r.peakBytes)) / size;
    const pass = ratio <= 1.5 && oursMem <= 3;
    ok &&= pass;
    const row = `| ${path.basename(file)} | ${(size / 1e6).toFixed(1)} MB | ${ours[0]!.nodes} | ${ours[0]!.samples} | ${floorMs.toFixed(0)} | ${oursMs.toFixed(0)} | ${ratio.toFixed(2)}× | ${cpuRatio.toFixed(2)}× | ${floorMem.toFixed(2)}× | ${oursMem.toFixed(2)}× |${pass ? '' : ' ✗'}`;
    rows.push(row);
    console.log(row);
  }
  console.log(ok ? '\nAll within targets (ratio ≤ 1.5×, peak ≤ 3× file size).' : '\nSome profiles miss the targets (✗).');
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

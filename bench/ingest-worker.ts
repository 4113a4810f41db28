// Measurements in a fresh process (spawned by bench/ingest.ts, run as an esbuild bundle so no
// TypeScript loader sits in the way). Prints one JSON line.
//   floor:   fs.readFileSync(file, 'utf8') + JSON.parse — what any JSON-based viewer must pay.
//   ours:    the file streamed into parseProfileStream (parse-file.ts, what the parse worker and the
//            CLI run) + toFlameTree + lineTable — ingest, end to end. BENCH_WINDOW sets the window.
//   parse:   ours without the tree and line table: the parse worker's share.
//   whole:   fs.readFileSync(file) + parseProfile + toFlameTree + lineTable — ingest from the whole
//            bytes, as before the streamed parse (and still for remote files).
//   worker-path / worker-bytes (mem only): the extension's parse worker (out/bench/parse-worker.js,
//            warmed on a small fixture first, as the extension keeps it) given the file's path, or
//            its bytes read here and transferred — the peak of the whole process, both threads.
//   scanner: the same, always through the byte scanner; object: always through JSON.parse +
//            the object walk (parse-object.ts). They show where the size threshold belongs.
//   sourcemap: ours, then the source-map step with the real fs reader (the profile's scripts
//            are usually not on this disk, as for any profile from another machine).
// `time <mode> <file> <runs>`: the wall and CPU time of each of `runs` back-to-back runs (the
// first one is cold: our code has not been compiled by the JIT yet; JSON.parse is native).
// `mem <mode> <file>`: one run; the peak RSS above the idle baseline.
// `splits <mode> <file>`: one cold run, the time of each step (read, parse, tree, lines).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseProfile } from '../src/model/import';
import { parsePlainFile } from '../src/parse/parse-file';
import { toFlameTree } from '../src/model/flame';
import { lineTable } from '../src/model/tables';
import { applySourceMaps } from '../src/model/sourcemap';
import { fsSourceReader } from '../src/fs-source-reader';
import type { Profile } from '../src/model/types';
import { disposeParseWorker, parseFileInWorker, parseInWorker } from '../src/parse/parse-in-worker';
import path from 'node:path';

const [what, mode, file, runsArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;

let nodes = 0;
let samples = 0;

const windowBytes = process.env.BENCH_WINDOW ? Number(process.env.BENCH_WINDOW) : undefined;

function parseAsMode(): Profile {
  if (mode === 'ours' || mode === 'parse') return parsePlainFile(file!, windowBytes === undefined ? {} : { windowBytes });
  const objectPathMaxBytes = mode === 'scanner' ? -1 : mode === 'object' ? Infinity : undefined;
  return parseProfile(readFileSync(file!), objectPathMaxBytes === undefined ? {} : { objectPathMaxBytes });
}

function once(): unknown {
  if (mode === 'floor') return JSON.parse(readFileSync(file!, 'utf8'));
  const profile = parseAsMode();
  nodes = profile.nodeCount;
  samples = profile.sampleCount;
  if (mode === 'parse') return profile;
  const tree = toFlameTree(profile);
  const lines = lineTable(profile);
  return { profile, tree, lines };
}

async function main(): Promise<void> {
  if (what === 'time') {
    const ms: number[] = [];
    const cpuMs: number[] = [];
    // No forced gc() between runs: a full collection each time keeps flushing the JIT's work.
    for (let i = 0; i < Number(runsArg ?? 5); i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const kept = once();
      ms.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
      if (kept === undefined) throw new Error('nothing parsed');
    }
    process.stdout.write(`${JSON.stringify({ ms, cpuMs, nodes, samples })}\n`);
  } else if (what === 'splits') {
    // Where a cold open goes: each step, timed on its first and only call (streamed, the read is
    // part of the parse).
    const t0 = performance.now();
    const bytes = mode === 'whole' ? readFileSync(file!) : undefined;
    const t1 = performance.now();
    const profile = bytes ? parseProfile(bytes) : parseAsMode();
    const t2 = performance.now();
    const tree = toFlameTree(profile);
    const t3 = performance.now();
    const lines = lineTable(profile);
    const t4 = performance.now();
    if (tree.frames.length + lines.length < 0) throw new Error('unreachable');
    process.stdout.write(`${JSON.stringify({ read: t1 - t0, parse: t2 - t1, tree: t3 - t2, lines: t4 - t3 })}\n`);
  } else if (what === 'sourcemap') {
    // The step alone, on an ingested profile; one run per process (its cache is per step anyway).
    const profile = parseProfile(readFileSync(file!));
    const t0 = performance.now();
    const mapped = await applySourceMaps(profile, fsSourceReader);
    const ms = performance.now() - t0;
    process.stdout.write(`${JSON.stringify({ ms, notes: mapped.notes.length - profile.notes.length })}\n`);
  } else {
    const viaWorker = mode === 'worker-path' || mode === 'worker-bytes';
    const script = path.join(__dirname, 'parse-worker.js');
    if (viaWorker) await parseFileInWorker(script, path.join(__dirname, '..', '..', 'test', 'fixtures', 'small-marked-1000us.cpuprofile'), 'warm-up');
    gc?.();
    // Linux: writing 5 to clear_refs resets the peak-RSS mark (VmHWM), so the peak measured below
    // belongs to the operation alone, not to start-up.
    const canResetPeak = resetPeak();
    const baseline = process.memoryUsage().rss;
    const name = path.basename(file!);
    const kept = !viaWorker ? once() : mode === 'worker-path' ? await parseFileInWorker(script, file!, name) : await parseInWorker(script, new Uint8Array(readFileSync(file!)), name);
    if (viaWorker) disposeParseWorker();
    // The true peak of the process, including transient garbage.
    const peak = canResetPeak ? peakRss() : process.resourceUsage().maxRSS * 1024;
    process.stdout.write(`${JSON.stringify({ peakBytes: peak - baseline, kept: kept !== undefined })}\n`);
  }
}

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

void main();

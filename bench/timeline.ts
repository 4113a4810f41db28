// Timeline benchmark: what the timeline costs the extension host on a large profile. A synthetic
// CPU profile (NODES nodes, SAMPLES samples; defaults 300k and 3M) is built, parsed, and then
//   series = timelineSeries (sent with init)
//   slice  = sliceProfile over the middle half (what a range selection costs before the views)
//   block  = the longest stretch without a yield when the host cuts that slice in chunks
//            (sliceProfileInChunks): how long the extension host is unresponsive
//   views  = treeAndTable of that slice (what every setOptions already pays)
// Medians of RUNS (default 5), in ms and as a ratio of the parse of the same file in the same run.
//   node --import tsx bench/timeline.ts [NODES] [SAMPLES]
import { parseProfile } from '../src/model/import';
import { timelineSeries } from '../src/model/timeline';
import { sampleSpan, sliceProfile, sliceProfileInChunks } from '../src/model/time-slice';
import { treeAndTable } from '../src/webview-page/payload';

const nodeCount = Number(process.argv[2] ?? 300_000);
const sampleCount = Number(process.argv[3] ?? 3_000_000);
const runs = Number(process.env.RUNS ?? 5);

/** A deterministic tree: each node's parent a little before it, frames from a few thousand functions. */
function syntheticProfile(): Buffer {
  let seed = 42;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const kids: number[][] = Array.from({ length: nodeCount }, () => []);
  for (let i = 1; i < nodeCount; i++) kids[Math.max(0, i - 1 - Math.floor(rand() * Math.min(i, 50)))]!.push(i + 1);
  const urls = ['file:///app/src/main.js', 'file:///app/node_modules/lib/index.js', 'node:internal/fs', ''];
  const nodes = kids.map((children, i) => {
    const f = i === 0 ? 0 : 1 + (Math.imul(i, 2654435761) >>> 0) % 3000;
    const url = i === 0 ? '' : urls[f % urls.length]!;
    const name = i === 0 ? '(root)' : url === '' ? (f % 7 === 0 ? '(garbage collector)' : `builtin${f}`) : `fn${f}`;
    return { id: i + 1, callFrame: { functionName: name, scriptId: '1', url, lineNumber: f % 500, columnNumber: 0 }, hitCount: 0, children };
  });
  const samples = new Array<number>(sampleCount);
  const timeDeltas = new Array<number>(sampleCount);
  for (let i = 0; i < sampleCount; i++) {
    samples[i] = 1 + Math.floor(rand() * nodeCount);
    timeDeltas[i] = 900 + Math.floor(rand() * 200);
  }
  return Buffer.from(JSON.stringify({ nodes, startTime: 0, endTime: sampleCount * 1000, samples, timeDeltas }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time<T>(run: () => T): [number, T] {
  const t = performance.now();
  const out = run();
  return [performance.now() - t, out];
}

/** The longest time between two yields of a chunked slice. */
async function longestBlock(run: (pause: () => Promise<void>) => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  await run(async () => {
    longest = Math.max(longest, performance.now() - last);
    await new Promise((resolve) => setImmediate(resolve));
    last = performance.now();
  });
  return Math.max(longest, performance.now() - last);
}

async function main(): Promise<void> {
const bytes = syntheticProfile();
const parse: number[] = [];
const series: number[] = [];
const slice: number[] = [];
const views: number[] = [];
const block: number[] = [];
for (let r = 0; r < runs; r++) {
  const [parseMs, p] = time(() => parseProfile(bytes));
  const span = sampleSpan(p)!;
  const [seriesMs] = time(() => timelineSeries(p));
  const quarter = (span.end - span.start) / 4;
  const [sliceMs, s] = time(() => sliceProfile(p, span.start + quarter, span.end - quarter));
  const [viewsMs] = time(() => treeAndTable(s));
  block.push(await longestBlock((pause) => sliceProfileInChunks(p, span.start + quarter, span.end - quarter, pause)));
  parse.push(parseMs);
  series.push(seriesMs);
  slice.push(sliceMs);
  views.push(viewsMs);
}
const base = median(parse);
console.log(`synthetic profile: ${(bytes.length / 1e6).toFixed(0)} MB, ${nodeCount.toLocaleString('en-US')} nodes, ${sampleCount.toLocaleString('en-US')} samples; medians of ${runs}`);
for (const [name, xs] of [['parse', parse], ['series', series], ['slice', slice], ['slice: block', block], ['views of slice', views]] as const) {
  console.log(`${name.padEnd(16)} ${median(xs).toFixed(0).padStart(7)} ms  ${(median(xs) / base).toFixed(2)}× parse`);
}
}

void main();

// The standalone report's range data (src/webview-page/report-range.ts) for filtered views, against
// the unfiltered view and a plain JSON.parse of the same file, measured in the same run (medians).
// A filtered view's data follows the filters' node map (applyViewOptionsMapped), so it costs the
// filters once more and a pass over the profile's nodes per bucket.
// Run: `node --import tsx bench/report-range.ts [FILE.cpuprofile …]` (default: bench/data's tsc profiles).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildInitMessage, reportExtras } from '../src/cli/html-report';
import { parseProfile } from '../src/model/import';
import { defaultViewOptions, type ViewOptions } from '../src/protocol';

const dataDir = path.join(__dirname, 'data');
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['tsc-dts-50us.cpuprofile', 'tsc-checkjs-10000us.cpuprofile'].map((f) => path.join(dataDir, f)).filter((f) => existsSync(f));
const runs = 3;
const views: [string, Partial<ViewOptions>][] = [
  ['unfiltered', {}],
  ['hide node_modules', { hideNodeModules: true }],
  ['hide internals + idle, merge recursion', { hideInternals: true, hideMeta: true, mergeRecursion: true }],
  ['hide node_modules, bottom-up', { hideNodeModules: true, invert: true }],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

for (const file of files) {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  const profile = parseProfile(bytes);
  const parse = median(Array.from({ length: runs }, () => time(() => JSON.parse(text))));
  console.log(`${path.basename(file)}: ${(bytes.length / 1e6).toFixed(1)} MB, ${profile.nodeCount} nodes; JSON.parse ${parse.toFixed(0)} ms`);
  let base = 0;
  for (const [label, o] of views) {
    const options = { ...defaultViewOptions, ...o };
    const init = buildInitMessage(profile, label, options);
    let size = 0;
    const ms = median(
      Array.from({ length: runs }, () =>
        time(() => {
          size = JSON.stringify(reportExtras(profile, init, options).range ?? null).length;
        }),
      ),
    );
    if (!base) base = ms;
    console.log(`  ${label.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ×${(ms / parse).toFixed(2)} JSON.parse  ×${(ms / base).toFixed(2)} unfiltered  ${(size / 1024).toFixed(0)} KB`);
  }
}

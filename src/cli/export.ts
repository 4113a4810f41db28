// `flamelens export FILE --format pprof|speedscope|folded|svg|html`: the whole profile (source-mapped)
// in a format other tools read. The converters are pure (src/export/); this file reads, gzips and writes.
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs, UsageError } from './args';
import { loadProfileParts } from './analyze';
import { profileLoadFlags, profileLoadHelp, profileLoadOptions, profileLoadValues } from './load-options';
import { buildInitMessage, findWebviewAssetDir, webviewAssetDirs, writeHtmlReport } from './html-report';
import { InputError } from './analyze';
import { loadSvgRenderer } from './svg-renderer';
import { loadWebviewAssets } from '../webview-page/assets';
import { fileTarget, info, out, refuseInputAsOutput, warn, writeFileAtomic } from './io';
import { encodePprof } from '../export/pprof';
import { speedscopeJson, toSpeedscope } from '../export/speedscope';
import { foldedChunks, foldedUnits, type FoldedUnit } from '../export/folded';
import type { Profile } from '../model/types';
import { formatValue } from '../model/format';
import { defaultExportFileName, exportFormats, svgExportFormat, type ViewExportFormat } from '../export/formats';
import { captureTimeRange, sliceTimeRange } from '../capture-time-range';

export const exportHelp = `Usage: flamelens export FILE… --format FORMAT [-o OUT] [options]

Writes a profile (.cpuprofile, .heapprofile, pprof; .gz too) in another format, source-mapped:
  pprof        gzip'd profile.proto for go tool pprof, Grafana Pyroscope, Datadog
               (CPU: samples/count + cpu/nanoseconds; heap: objects/count + space/bytes;
               one location per function and source line)
  speedscope   speedscope's JSON file format; several FILEs (the threads of a capture)
               become one file with one profile each
  folded       folded stacks for flamegraph.pl / inferno: "root;…;leaf count" per line
  svg          the flame graph as one SVG file (d3-flame-graph's drawing, frame details as
               tooltips): opens offline in browsers and vector editors
  html         the standalone FlameLens flame graph page

Options:
  --format F            pprof | speedscope | folded | svg | html (required)
  -o, --out OUT         where to write ("-" = stdout for speedscope, folded and svg); default: FILE
                        with the format's extension (.pb.gz, .speedscope.json, .folded, .svg, .html),
                        also the name in OUT when OUT is a folder or ends in /
  --unit U              folded counts: samples or us (CPU; default samples), bytes or samples
                        (heap; default bytes)
${profileLoadHelp}
  -h, --help            show this help

Exit codes: 0 written, 2 usage error or unreadable/invalid profile.`;

// The converters' formats, and SVG, which d3-flame-graph draws (see svg-renderer.ts).
const formats: ViewExportFormat[] = [...exportFormats.map((f) => f.format), svgExportFormat.format];

export async function exportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(
    argv.map((a) => (a === '-o' ? '--out' : a)),
    { values: ['format', 'out', 'unit', ...profileLoadValues], flags: [...profileLoadFlags] },
  );
  if (args.flags.has('help')) {
    out(exportHelp);
    return 0;
  }
  const format = args.values.get('format') as ViewExportFormat | undefined;
  if (format === undefined) throw new UsageError(`export needs --format (${formats.join(', ')})`);
  if (!formats.includes(format)) throw new UsageError(`unknown --format "${format}" (use ${formats.join(', ')})`);
  const files = args.positionals;
  if (files.length === 0) throw new UsageError('export needs a profile file');
  if (files.length > 1 && format !== 'speedscope') throw new UsageError(`--format ${format} takes one profile file (only speedscope combines several)`);
  const unit = args.values.get('unit');
  if (unit !== undefined && format !== 'folded') throw new UsageError('--unit applies to --format folded only');
  const loadOptions = profileLoadOptions(args);
  const load = (file: string) => loadProfileParts(file, loadOptions);
  const defaultName = defaultExportFileName(path.basename(files[0]!), format);
  const given = args.values.get('out');
  const target = given === undefined ? path.join(path.dirname(files[0]!), defaultName) : fileTarget(given, defaultName, '-o');
  refuseInputAsOutput(target, files, '-o');
  if (target === '-' && (format === 'pprof' || format === 'html')) throw new UsageError(`-o - (stdout) is for text formats; give --format ${format} a file`);

  const profiles: Profile[] = [];
  // The recording the first profile was cut from (--from/--to): pprof's start time is the slice's.
  let firstWhole: Profile | undefined;
  for (const file of files) {
    const { profile, whole } = await load(file);
    profiles.push(profile);
    firstWhole ??= whole;
  }
  const first = profiles[0]!;
  // A comparison (a difference pprof) keeps its baseline only where it is drawn.
  if (format !== 'svg' && format !== 'html') {
    profiles.forEach((p, i) => {
      if (p.baseTotalValue) warn(`${files[i]!} is a comparison (a difference profile): the ${format} file holds its new profile only, without the baseline`);
    });
  }
  let data: string | Uint8Array | Iterable<string>;
  switch (format) {
    case 'pprof': {
      const whole = firstWhole ?? first;
      data = gzipSync(encodePprof(first, { startedAtMs: sliceTimeRange(captureTimeRange(files[0]!, whole), whole, first).startMs }));
      break;
    }
    case 'speedscope':
      data = speedscopeJson(toSpeedscope(files.map((f, i) => ({ name: path.basename(f), profile: profiles[i]! })), path.basename(files[0]!), 'flamelens'));
      break;
    case 'folded': {
      const units = foldedUnits(first);
      if (unit !== undefined && !units.includes(unit as FoldedUnit)) {
        throw new UsageError(`--unit ${unit} does not fit a ${first.kind === 'cpu' ? 'CPU' : 'heap'} profile (use ${units.join(' or ')})`);
      }
      // In chunks: a deep profile's folded text can be several times the profile's size.
      data = foldedChunks(first, (unit as FoldedUnit | undefined) ?? units[0]!);
      break;
    }
    case 'svg': {
      const renderer = loadSvgRenderer(webviewAssetDirs());
      const assets = findWebviewAssetDir();
      if (!renderer || !assets) throw new InputError('the SVG renderer is not built (dist/svg-export.js or dist/webview.css is missing; run `npm run build`)');
      // The tree the flame-graph view and the HTML report draw (same pruning), with their tooltip lines.
      const title = path.basename(files[0]!);
      const init = buildInitMessage(first, title);
      const { unit, total, diff } = init.summary;
      // A CPU profile whose samples carry no time is weighed by sample count (the model's note says
      // so), so only a profile with no samples, or samples of no size, has nothing to draw.
      if (!(total > 0)) {
        const why = first.sampleCount > 0 ? `'s ${first.sampleCount} samples add up to ${formatValue(0, unit)}` : ' has no samples';
        throw new InputError(`${files[0]!}${why}: there is no flame graph to draw (its other formats can still be exported)`);
      }
      data = await renderer.renderFlameGraphSvg({ tree: init.tree, context: { unit, total, diff }, title, styleSheet: loadWebviewAssets(assets).style });
      break;
    }
    case 'html':
      writeHtmlReport(target, first, path.basename(files[0]!));
      info(`wrote ${target}`);
      return 0;
  }
  if (target === '-') {
    // Text formats only (checked above); out() keeps control characters in names inert on a terminal.
    if (typeof data === 'string') out(data);
    else if (data instanceof Uint8Array) out(Buffer.from(data).toString('utf8'));
    else for (const chunk of data) out(chunk);
    return 0;
  }
  writeFileAtomic(target, data);
  info(`wrote ${target}`);
  return 0;
}

// `flamelens report FILE`: hotspots of an existing profile, as text, JSON or an HTML flame graph.
import * as path from 'node:path';
import { intOption, parseArgs, UsageError, type ParsedArgs } from './args';
import { hotspots, InputError, inputErrorOf, loadProfileFile, type Hotspots } from './analyze';
import { renderSnapshotSummary } from './attach';
import { writeHtmlReport } from './html-report';
import { renderHotspots } from './text';
import { fileTarget, out, info, refuseInputAsOutput } from './io';
import { SnapshotError, summarizeSnapshotFile } from '../heap/summarize';
import { cliRaiseHint, readIfPipe, type InputBytes } from '../input-file';
import { escapeControlText } from '../model/escape-text';
import { heapSnapshotMessage } from '../model/import';
import { ProfileError } from '../model/types';
import { profileLoadFlags, profileLoadHelp, profileLoadOptions, profileLoadValues } from './load-options';
import { defaultViewOptions } from '../protocol';
import { defaultExportFileName } from '../export/formats';

export const reportHelp = `Usage: flamelens report FILE [options]

Prints the hottest functions and source lines of a profile: a .cpuprofile (DevTools / Node
--cpu-prof / FlameLens), a v8-profiler-next export, a .heapprofile, or a pprof (.pb.gz, .pprof);
gzip-compressed files (.gz) are read too. Locations are mapped through source maps when the scripts have them.
A heap snapshot (.heapsnapshot, .gz too) is summarized instead: objects, self and retained size per
constructor, largest retained first (--json: the summary with the top N constructors).

Options:
  --top N               rows per table (default 10)
  --json                print machine-readable JSON instead of tables (shape below)
  --hide-node-modules   charge dependency code to the app function that called it
  --hide-internals      charge Node.js internals (node:…) to their caller
  --html OUT            also write a standalone HTML flame graph to OUT (a folder, or a path
                        ending in /: FILE's name with .html, in it)
${profileLoadHelp}
  -h, --help            show this help

JSON shape (all times in µs for CPU profiles, bytes for heap profiles; percentages of total):
  { "file", "kind": "cpu"|"heap", "unit": "us"|"bytes", "format", "total", "idle", "sampleCount",
    "uncountedSamples"? (heap: samples whose node is not in the tree, in no count; see the notes),
    "functions": [{ "name", "url", "file", "line", "column", "category", "package"?,
                    "self", "selfPercent", "total", "totalPercent", "samples" }],
    "lines": [{ "url", "file", "line", "function", "self", "selfPercent" }],
    "notes": [string] }
  "file" fields are relative to the working directory when inside it; "line" is 1-based.

Text output shows control characters in names and urls escaped (\\x1b, \\n, \\u202e); --json keeps
them exactly (as JSON \\u escapes). --html writes the whole file or nothing (temporary file + rename).

Exit codes: 0 success, 2 usage error, unreadable/invalid profile or an --html file that cannot be
written (the cause is named: ENOTDIR, EACCES, ENOSPC…).`;

export interface ReportJson extends Hotspots {
  file: string;
}

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['top', 'html', ...profileLoadValues],
    flags: ['json', 'hide-node-modules', 'hide-internals', ...profileLoadFlags],
  });
  if (args.flags.has('help')) {
    out(reportHelp);
    return 0;
  }
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length !== 1) {
    throw new UsageError(file === undefined ? 'report needs a profile file' : 'report takes one profile file');
  }
  const top = intOption(args, 'top', 10);
  const view = {
    ...defaultViewOptions,
    hideNodeModules: args.flags.has('hide-node-modules'),
    hideInternals: args.flags.has('hide-internals'),
  };
  const givenHtml = args.values.get('html');
  const html = givenHtml === undefined ? undefined : fileTarget(givenHtml, defaultExportFileName(path.basename(file), 'html'), '--html');
  const load = profileLoadOptions(args);
  // A pipe (/dev/stdin, a shell's <(…)) can be read only once, and a snapshot is told from a
  // profile by reading it: read it here, once, and give both readers its bytes.
  const input = await readPipeOnce(file, load.maxSize);
  if (input) load.input = input;
  // (With --html the profile path goes first: it tells a snapshot from its first member, and refuses it.)
  if (/\.heapsnapshot(?:\.gz)?$/i.test(file) && html === undefined) {
    // A profile saved under a snapshot's name is reported as the profile it is (told by content).
    const code = await reportSnapshot(file, args, top, input?.bytes);
    if (code !== 'profile') return code;
  }
  if (html !== undefined) refuseInputAsOutput(html, [file], '--html');
  const profile = await loadProfileFile(file, load).catch((error: unknown) => {
    // A snapshot under another name is told apart by its contents.
    if (error instanceof InputError && error.message.endsWith(heapSnapshotMessage)) return undefined;
    throw error;
  });
  if (!profile) {
    if (html !== undefined) throw new UsageError('--html draws the flame graph of a CPU or heap profile; a heap snapshot has no stacks to draw (open it in VS Code with FlameLens for its table)');
    const code = await reportSnapshot(file, args, top, input?.bytes);
    if (code === 'profile') throw new InputError(`${file} could not be read as a profile or as a heap snapshot`);
    return code;
  }
  const h = hotspots(profile, { top, cwd: process.cwd(), view });
  if (args.flags.has('json')) {
    const json: ReportJson = { file, ...h };
    out(JSON.stringify(json, null, 2));
  } else {
    out(renderHotspots(h, `${file} (${h.kind === 'cpu' ? 'CPU profile' : 'heap profile'})`));
  }
  if (html !== undefined) {
    writeHtmlReport(html, profile, path.basename(file), view, path.resolve(file));
    info(`wrote ${html}`);
  }
  return 0;
}

/** A pipe's or device's bytes (un-gzipped, within the size limit); undefined for a file read by path. */
async function readPipeOnce(file: string, maxSize: number | undefined): Promise<InputBytes | undefined> {
  try {
    return await readIfPipe(file, { raiseHint: cliRaiseHint, ...(maxSize !== undefined ? { maxSize } : {}) });
  } catch (error) {
    if (error instanceof ProfileError) throw new InputError(error.message.startsWith(file) ? error.message : `${file}: ${error.message}`);
    throw inputErrorOf(error, file);
  }
}

/**
 * `report X.heapsnapshot`: what `attach --snapshot` prints of the snapshot it takes; 'profile' when
 * the file is a CPU or sampling heap profile instead (nothing printed: the caller reports it).
 */
async function reportSnapshot(file: string, args: ParsedArgs, top: number, input: Uint8Array | undefined): Promise<number | 'profile'> {
  const maxSize = profileLoadOptions(args).maxSize;
  let summary;
  try {
    // A big snapshot takes long (460 MB: about a minute): say on stderr what is being read, parsed, computed.
    summary = await summarizeSnapshotFile(file, { raiseHint: cliRaiseHint, onProgress: info, ...(maxSize !== undefined ? { maxSize } : {}), ...(input ? { input } : {}) });
  } catch (error) {
    if (error instanceof SnapshotError && error.profileKind !== undefined) return 'profile';
    if (error instanceof SnapshotError) {
      process.stderr.write(`flamelens report: ${escapeControlText(error.message)}\n`);
      return 2;
    }
    throw error;
  }
  if (args.flags.has('json')) out(JSON.stringify({ file, ...summary, constructors: summary.constructors.slice(0, top) }, null, 2));
  else out(renderSnapshotSummary(summary, top, `${file} (heap snapshot)`));
  return 0;
}

// `flamelens attach TARGET`: profile an already running Node.js process over the inspector, and
// `flamelens snapshot-diff A B`: what grew between two heap snapshots.
import { constants } from 'node:os';
import * as path from 'node:path';
import { intOption, parseArgs, parseDuration, sizeOption, UsageError } from './args';
import { displayLocation, hotspots, loadProfileFile } from './analyze';
import { renderHotspots, table } from './text';
import { info, out, warn } from './io';
import { attach } from '../capture/attach';
import type { AttachOptions, AttachResult, AttachTarget } from '../capture/attach';
import { AttachError } from '../capture/attach-errors';
import { parseAttachTarget } from '../capture/attach-parse';
import { listNodeProcesses, UnsupportedPlatformError } from '../capture/processes';
import { diffSnapshots } from '../heap/diff';
import type { ConstructorGrowth, SnapshotDiff } from '../heap/diff';
import { SnapshotError, summarizeSnapshotFile } from '../heap/summarize';
import type { SnapshotSummary } from '../heap/types';
import { formatValue } from '../model/format';
import { escapeControlText } from '../model/escape-text';
import { cliRaiseHint } from '../input-file';
import { timeStamp } from '../capture/time-stamp';

export const attachHelp = `Usage: flamelens attach TARGET [options]
       flamelens attach --list

Profiles a Node.js process that is already running. TARGET is one of
  PID                    a process id (Linux). If the process has no inspector open, FlameLens
                         opens it (SIGUSR1, like \`node inspect -p PID\`; sent only to a node
                         executable that handles SIGUSR1), and closes it again after
  HOST:PORT              an inspector opened with --inspect=HOST:PORT (e.g. 127.0.0.1:9229)
  ws://HOST:PORT/ID      an inspector WebSocket URL, as printed by "Debugger listening on …"

Options:
  --cpu                  record a CPU profile (the default when nothing else is asked for)
  --heap                 record a sampling heap profile
  --snapshot             take a heap snapshot (after recording, if --cpu/--heap are also given)
  --duration TIME        record for TIME (10s, 500ms, 2m; a bare number is seconds);
                         without it, record until Ctrl+C
  --interval TIME        CPU sampling interval (default 1ms; a bare number is µs)
  --out DIR              where to write (default flamelens-profiles/<date>-<time>)
  --top N                rows per table (default 10)
  --list                 list running Node.js processes and their inspectors (Linux)
  -h, --help             show this help

Ctrl+C stops recording and writes the files; a second Ctrl+C cancels without writing. SIGTERM
or SIGHUP cancels like a second Ctrl+C. Either way FlameLens first leaves the target as it found it;
a target that is busy (V8 cannot stop a heap snapshot midway) is waited for, with a message, until
it can close the inspector FlameLens opened (up to 60 s without progress).
A target whose main thread is blocked in a synchronous call opens its inspector only once free:
if that is after FlameLens stopped waiting (5 s), a detached FlameLens process closes it as soon
as it opens (watching for 15 minutes).
The output folder is created and checked before the target is touched. If the target exits while
recording (process.exit(), or nothing left to run), what was recorded until then is saved and
FlameLens disconnects at once so the target can end.
The only code FlameLens runs in the target is one small call when it connects and one when it
leaves: they keep a count of the FlameLens sessions attached (a hidden global), so that the last
one to leave closes an inspector FlameLens opened, and overlapping attaches never close it under
each other. While it holds an inspector it opened, a timer there (once a second, it never keeps
the target alive) closes it if every attaching FlameLens process is gone (killed, crashed).

Exit codes: 0 success (also when the target exited during recording and what it recorded before
was saved); 2 usage error, the process could not be attached (not found, not Node.js, no SIGUSR1
handler, permission denied, inspector port in use…), or the output folder could not be written (a
profile recorded by then is saved to a temporary folder, named in the message); 3 nothing was
captured (the target exited or the connection dropped); 130 cancelled (Ctrl+C twice); 143
terminated (SIGTERM); 129 hung up (SIGHUP).`;

export const snapshotDiffHelp = `Usage: flamelens snapshot-diff BEFORE.heapsnapshot AFTER.heapsnapshot [options]

Summarizes both heap snapshots by constructor and lists what grew from BEFORE to AFTER, then
what shrank (what a fix freed).

Options:
  --by size|count        sort by self-size growth (default) or object-count growth
  --top N                rows (default 15)
  --json                 print the diff as JSON: "growth" (the top N constructors that grew, most
                         growth first) and "shrank" (the top N that only shrank, most first)
  --max-size SIZE        refuse snapshots larger than SIZE once un-gzipped (e.g. 8GB; default: an
                         eighth of the machine's memory, at most 2 GB)
  -h, --help             show this help

Gzip-compressed snapshots (.heapsnapshot.gz) are read too.

Exit codes: 0 success; 2 usage error or unreadable snapshot.`;

export async function attachCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['duration', 'interval', 'out', 'top'], flags: ['cpu', 'heap', 'snapshot', 'list'] });
  if (args.flags.has('help')) {
    out(attachHelp);
    return 0;
  }
  if (args.flags.has('list')) return listCommand();
  if (args.positionals.length !== 1) {
    throw new UsageError(args.positionals.length === 0 ? 'attach needs a target: PID, HOST:PORT or ws:// URL' : 'attach takes one target');
  }
  const target = parseTarget(args.positionals[0]!);
  const heap = args.flags.has('heap');
  const snapshot = args.flags.has('snapshot');
  const cpu = args.flags.has('cpu') || (!heap && !snapshot);
  const durationText = args.values.get('duration');
  const durationMs = durationText === undefined ? undefined : parseDuration(durationText, 's', '--duration');
  const intervalText = args.values.get('interval');
  const intervalUs = intervalText === undefined ? 1000 : Math.max(1, Math.round(parseDuration(intervalText, 'us', '--interval') * 1000));
  const top = intOption(args, 'top', 10);
  const outDir = args.values.get('out') ?? defaultOutDir();
  const cwd = process.cwd();

  const controller = new AbortController();
  let shownPercent = -1;
  /** The target is busy and we wait for it to leave it as found. */
  let waiting = false;
  const options: AttachOptions = {
    cpu,
    heap,
    snapshot,
    intervalUs,
    outDir,
    signal: controller.signal,
    ...(durationMs !== undefined ? { durationMs } : {}),
    onProgress: (p) => {
      if (p.phase === 'resolving' || p.phase === 'connecting') info(p.message);
      else if (p.phase === 'waiting') {
        // Ends a snapshot progress line cut short by a cancel.
        if (process.stderr.isTTY && shownPercent >= 0 && shownPercent < 100) process.stderr.write('\n');
        waiting = true;
        info(p.message);
      } else if (p.phase === 'snapshot' && p.done !== undefined && p.total) {
        const percent = Math.floor((p.done / p.total) * 100);
        if (percent === shownPercent) return;
        shownPercent = percent;
        // A progress line that rewrites itself on a terminal; only the end when piped.
        if (process.stderr.isTTY) process.stderr.write(`\rflamelens: heap snapshot ${percent}%${percent === 100 ? '\n' : ''}`);
        else if (percent === 100) info('heap snapshot taken');
      }
    },
  };

  // Ctrl+C: first stops and writes, second cancels; SIGTERM and SIGHUP cancel at once. Installed
  // before attaching, so an early signal cancels the attach cleanly instead of killing us with the
  // target's inspector open. Whatever arrives while we leave the target only gets a word.
  let session: Awaited<ReturnType<typeof attach>> | undefined;
  let interrupts = 0;
  let cancelledBy: NodeJS.Signals | undefined;
  const cancel = (by: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // Exiting now would leave the inspector FlameLens opened listening: the leave has to finish.
      if (waiting) info('still waiting for the target to finish (see above); killing FlameLens now would leave the inspector it opened listening');
      else info('leaving the target as found first (a few seconds at most)…');
      return;
    }
    cancelledBy = by;
    controller.abort();
  };
  const onSigint = (): void => {
    interrupts++;
    if (session && interrupts === 1) {
      info('stopping…  (Ctrl+C again to cancel without writing)');
      void session.stop();
    } else cancel('SIGINT');
  };
  const onSigterm = (): void => cancel('SIGTERM');
  const onSighup = (): void => cancel('SIGHUP');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);
  let result: AttachResult;
  try {
    try {
      session = await attach(target, options);
    } catch (error) {
      if (error instanceof AttachError) {
        if (error.code === 'cancelled') {
          fail(`${cancelMessage(cancelledBy)}; the target was left as found`);
          return cancelExitCode(cancelledBy);
        }
        fail(error.message);
        return 2;
      }
      throw error;
    }
    const kinds = [cpu && 'CPU profile', heap && 'heap profile'].filter(Boolean).join(' and ');
    if (kinds) {
      const until = durationMs !== undefined ? `for ${formatValue(durationMs * 1000, 'us')}` : 'until Ctrl+C';
      info(`recording ${kinds} of ${describe(session)} ${until}`);
    }
    result = await session.finished;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSighup);
  }

  for (const w of result.warnings) warn(w);
  if (result.otherSessions > 0) {
    const others = result.otherSessions === 1 ? '1 other FlameLens session' : `${result.otherSessions} other FlameLens sessions`;
    info(`left the inspector on ${result.host}:${result.port} open for ${others} still attached; the last to finish closes it`);
  } else if (result.inspectorClosed) {
    if (result.openedInspector) info(`inspector closed again (pid ${result.pid} is as we found it)`);
    else info(`closed the inspector an earlier FlameLens session opened (pid ${result.pid} is as FlameLens found it)`);
  }
  const written = Object.values(result.files);
  if (result.error) {
    if (result.error.code === 'cancelled') {
      fail(`${cancelMessage(cancelledBy)}; nothing was written`);
      return cancelExitCode(cancelledBy);
    }
    // The target ending by itself after we saved what it recorded is news, not a failure.
    if (result.error.code === 'target-exited' && written.length > 0) info(result.error.message);
    else fail(result.error.message);
  }
  for (const l of result.lost) fail(l, '  lost ');
  for (const file of written) info(`wrote ${displayLocation(path.resolve(file), cwd)}`);

  if (result.files.cpuprofile) {
    const profile = await loadProfileFile(result.files.cpuprofile);
    out(renderHotspots(hotspots(profile, { top, cwd }), `CPU profile of ${describeResult(result)}`));
  }
  if (result.files.heapprofile) {
    const profile = await loadProfileFile(result.files.heapprofile);
    if (result.files.cpuprofile) out('');
    out(renderHotspots(hotspots(profile, { top, cwd }), `Heap profile of ${describeResult(result)}`));
  }
  if (result.files.heapsnapshot) {
    info('summarizing the heap snapshot…');
    const summary = await summarizeSnapshotFile(result.files.heapsnapshot).catch((error: unknown) => {
      warn(`could not summarize the snapshot: ${(error as Error).message}`);
      return undefined;
    });
    if (summary) {
      if (written.length > 1) out('');
      out(renderSnapshotSummary(summary, top, `Heap snapshot of ${describeResult(result)}`));
    }
  }
  if (result.error?.code === 'output-unwritable') return 2;
  return written.length === 0 ? 3 : 0;
}

/**
 * An error line of attach: `flamelens attach: …`, or an indented detail. Messages can quote a
 * target's command line or executable path, so this is the one place to escape them.
 */
function fail(message: string, prefix = 'flamelens attach: '): void {
  process.stderr.write(`${prefix}${escapeControlText(message)}\n`);
}

function cancelMessage(by: NodeJS.Signals | undefined): string {
  if (by === 'SIGTERM') return 'terminated (SIGTERM): cancelled';
  if (by === 'SIGHUP') return 'hung up (SIGHUP): cancelled';
  return 'cancelled';
}

/** 128 + the signal's number, as a shell reports a process that signal ended: 130, 143, 129. */
function cancelExitCode(by: NodeJS.Signals | undefined): number {
  return 128 + (constants.signals[by ?? 'SIGINT'] ?? 2);
}

export async function snapshotDiffCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['by', 'top', 'max-size'], flags: ['json'] });
  if (args.flags.has('help')) {
    out(snapshotDiffHelp);
    return 0;
  }
  if (args.positionals.length !== 2) throw new UsageError('snapshot-diff needs two heap snapshots: BEFORE AFTER');
  const by = args.values.get('by') ?? 'size';
  if (by !== 'size' && by !== 'count') throw new UsageError(`--by must be size or count, got "${by}"`);
  const top = intOption(args, 'top', 15);
  const [before, after] = args.positionals as [string, string];
  let summaries: SnapshotSummary[];
  try {
    // One after the other: each parse holds a whole snapshot in memory.
    const maxSize = sizeOption(args, 'max-size');
    // A big snapshot takes long (460 MB: 55 s here): say on stderr what is being read, parsed, computed.
    const read = { raiseHint: cliRaiseHint, onProgress: info, ...(maxSize !== undefined ? { maxSize } : {}) };
    summaries = [await summarizeSnapshotFile(before, read), await summarizeSnapshotFile(after, read)];
  } catch (error) {
    if (error instanceof SnapshotError) {
      process.stderr.write(`flamelens snapshot-diff: ${escapeControlText(error.message)}\n`);
      return 2;
    }
    throw error;
  }
  const diff = diffSnapshots(summaries[0]!, summaries[1]!, by);
  // As the text's sections: "growth" holds only what grew (unchanged constructors are in neither list).
  if (args.flags.has('json')) out(JSON.stringify({ before, after, ...diff, growth: grewOf(diff).slice(0, top), shrank: shrankOf(diff).slice(0, top) }, null, 2));
  else out(renderSnapshotDiff(diff, top, `${before} → ${after}`));
  return 0;
}

/** PID, HOST:PORT, [IPv6]:PORT or ws:// URL. */
export function parseTarget(text: string): AttachTarget {
  const parsed = parseAttachTarget(text);
  if ('error' in parsed) throw new UsageError(parsed.error);
  return parsed.target;
}

export function renderSnapshotSummary(summary: SnapshotSummary, top: number, title: string): string {
  const b = (v: number): string => formatValue(v, 'bytes');
  // The title holds file names: one line, escaped (a newline in a name would forge a CI log line).
  const lines = [escapeControlText(title), `${b(summary.totalSize)} in ${summary.objectCount.toLocaleString('en-US')} objects`, ''];
  lines.push(summary.hasRetainedSizes ? 'Top constructors by retained size:' : 'Top constructors by self size:');
  lines.push(
    table(
      ['count', 'self', 'retained', 'constructor'],
      summary.constructors.slice(0, top).map((c) => [c.count.toLocaleString('en-US'), b(c.selfSize), c.retainedSize === undefined ? '-' : b(c.retainedSize), c.name]),
      new Set([0, 1, 2]),
    ),
  );
  for (const n of summary.notes) lines.push(`note: ${escapeControlText(n)}`);
  return lines.join('\n');
}

export function renderSnapshotDiff(diff: SnapshotDiff, top: number, title: string): string {
  const signed = (v: number, text: string): string => (v > 0 ? `+${text}` : text);
  const lines = [escapeControlText(title), `heap ${signed(diff.totalSizeDelta, formatValue(diff.totalSizeDelta, 'bytes'))}, objects ${signed(diff.objectCountDelta, diff.objectCountDelta.toLocaleString('en-US'))}`];
  const section = (heading: string, rows: readonly ConstructorGrowth[]) => {
    lines.push('', heading);
    if (rows.length === 0) lines.push('  (none)');
    else {
      lines.push(
        table(
          ['count', 'Δ count', 'self', 'Δ self', 'constructor'],
          rows.slice(0, top).map((g) => [g.countAfter.toLocaleString('en-US'), signed(g.countDelta, g.countDelta.toLocaleString('en-US')), formatValue(g.selfSizeAfter, 'bytes'), signed(g.selfSizeDelta, formatValue(g.selfSizeDelta, 'bytes')), g.name]),
          new Set([0, 1, 2, 3]),
        ),
      );
    }
  };
  // What grew (the leak), then what shrank (what a fix freed); unchanged constructors are neither.
  section('Growth by constructor:', grewOf(diff));
  section('Shrank by constructor:', shrankOf(diff));
  return lines.join('\n');
}

const grew = (g: ConstructorGrowth) => g.selfSizeDelta > 0 || g.countDelta > 0;

/** The constructors that grew in size or count, most growth first. */
function grewOf(diff: SnapshotDiff): ConstructorGrowth[] {
  return diff.growth.filter(grew);
}

/** The constructors that only shrank, most first (growth is sorted most growth first). */
function shrankOf(diff: SnapshotDiff): ConstructorGrowth[] {
  return diff.growth.filter((g) => !grew(g) && (g.selfSizeDelta < 0 || g.countDelta < 0)).reverse();
}

async function listCommand(): Promise<number> {
  let processes;
  try {
    processes = await listNodeProcesses();
  } catch (error) {
    if (error instanceof UnsupportedPlatformError) {
      process.stderr.write(`flamelens attach: ${escapeControlText(error.message)}\n`);
      return 2;
    }
    throw error;
  }
  const rows = processes
    .filter((p) => !p.isSelf)
    .map((p) => [String(p.pid), p.inspector ? `${p.inspector.host}:${p.inspector.port}` : '-', truncate(p.commandLine, 100)]);
  if (rows.length === 0) out('no other Node.js processes are running');
  else out(table(['pid', 'inspector', 'command'], rows, new Set([0])));
  return 0;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describe(session: { pid?: number; host: string; port: number }): string {
  return session.pid !== undefined ? `pid ${session.pid}` : `${session.host}:${session.port}`;
}

function describeResult(result: AttachResult): string {
  return result.pid !== undefined ? `pid ${result.pid}` : `${result.host}:${result.port}`;
}

function defaultOutDir(): string {
  return path.join('flamelens-profiles', `${timeStamp()}`);
}

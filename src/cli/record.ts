// `flamelens record -- <command…>`: runs a program with the capture agent, then reports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants as osConstants } from 'node:os';
import { intOption, parseArgs, parseDuration, UsageError } from './args';
import { hotspots, loadProfileFile, displayLocation, InputError, type Hotspots } from './analyze';
import { writeHtmlReport } from './html-report';
import { renderHotspots, location } from './text';
import { ensureWritableDir, info, out, report, warn } from './io';
import { claimNewFolder, removeEmptyFolders } from '../fs-output';
import { escapeControlText } from '../model/escape-text';
import { startCapture, type CaptureHandle, type CaptureResult, type CapturedProfile } from '../capture/launcher';
import { formatValue } from '../model/format';
import type { Profile } from '../model/types';
import { defaultViewOptions } from '../protocol';
import { pushFileQuietly, pushOptionsHelp, pushSettings, pushValueOptions, takeRepeated } from './push';
import { timeStamp } from '../capture/time-stamp';
import { isPackageManagerProcess } from '../capture/session';

export const recordHelp = `Usage: flamelens record [options] -- <command> [args…]

Runs <command> with the FlameLens agent preloaded into every Node.js process and worker thread
it starts (through NODE_OPTIONS), then prints the hottest functions and source lines (mapped
through source maps) and writes one profile per thread plus an HTML flame graph for each.
The program keeps stdin, stdout and stderr; FlameLens writes its report and messages to stderr
only, so \`flamelens record -- node gen.js > out.json\` captures the program's output alone.

Options:
  --cpu                 record a CPU profile (the default)
  --heap                record a sampling heap profile instead; with --cpu, both
  --interval TIME       CPU sampling interval: 100us (default), 50us, 1ms; a bare number is µs
  --duration TIME       stop recording after TIME (10s, 500ms, 2m; a bare number is seconds)
                        and report then; the program keeps running (Ctrl+C or kill its pid to end it)
  --stop-after-duration with --duration: then end the program (SIGTERM; SIGKILL 10 s later)
  --wait TIME           after the program exits, wait up to TIME (default 30s) for child processes
                        still running to save their profiles
  --out DIR             where to write (default flamelens-profiles/<date>-<time>)
  --top N               rows per table (default 10)
  --hide-node-modules   in the tables, charge dependency code to the app function calling it
  --hide-internals      in the tables, charge Node.js internals to their caller
  --no-html             do not write HTML flame graphs
${pushOptionsHelp}
  -h, --help            show this help

The command may also be one quoted shell command line: flamelens record -- "npm run build".
Profiles are saved when each process or thread ends (normally, process.exit(), uncaught
exception, SIGINT/SIGTERM/SIGHUP/SIGUSR2) or when --duration elapses. A process killed with SIGKILL
cannot save and is listed as missing. Ctrl+C stops the program as usual and keeps its profile
(the program gets it once); a signal sent to flamelens alone is passed on to the program.

Exit codes: the program's own exit code (128 + signal number when a signal ended it; 0 when
--stop-after-duration ended it); 2 usage error, the command could not start or --out cannot be
written (checked before the program starts); 3 the program succeeded but no profile was written.
A failed --push is a warning: the profiles stay in --out and the exit code stays the program's.`;

/** How long a program stopped by --stop-after-duration gets between SIGTERM and SIGKILL. */
const stopGraceMs = 10_000;

/**
 * A new folder per run under ./flamelens-profiles, with the topmost folder made for it: another run
 * started in the same second must not share it (it would wait for and report that run's programs).
 */
function defaultOutDir(): { dir: string; created?: string } {
  const base = path.join('flamelens-profiles', `${timeStamp()}`);
  return claimNewFolder(base) ?? { dir: base };
}

interface Analysed {
  captured: CapturedProfile;
  profile: Profile;
  hot: Hotspots;
  /** Non-meta time or bytes: how much there is to look at. */
  busy: number;
}

export async function recordCommand(argv: string[]): Promise<number> {
  const valueOptions = ['interval', 'duration', 'out', 'top', 'wait', 'push', 'label', ...pushValueOptions];
  const labels = takeRepeated(argv, 'label', new Set(valueOptions));
  const args = parseArgs(labels.rest, {
    values: valueOptions,
    flags: ['cpu', 'heap', 'no-html', 'hide-node-modules', 'hide-internals', 'stop-after-duration'],
    stopAtPositional: true,
  });
  if (args.flags.has('help')) {
    out(recordHelp);
    return 0;
  }
  const command = args.rest;
  if (command.length === 0) throw new UsageError('record needs a command to run, after --');
  const heap = args.flags.has('heap');
  const cpu = args.flags.has('cpu') || !heap;
  const intervalText = args.values.get('interval');
  const intervalUs = intervalText === undefined ? 100 : parseDuration(intervalText, 'us', '--interval') * 1000;
  if (intervalUs < 1) throw new UsageError('--interval must be at least 1us');
  const durationText = args.values.get('duration');
  const durationMs = durationText === undefined ? undefined : parseDuration(durationText, 's', '--duration');
  const stopAfterDuration = args.flags.has('stop-after-duration');
  if (stopAfterDuration && durationMs === undefined) throw new UsageError('--stop-after-duration needs --duration');
  const waitText = args.values.get('wait');
  const waitMs = waitText === undefined ? 30_000 : parseDuration(waitText, 's', '--wait');
  const outOption = args.values.get('out');
  const pushUrl = args.values.get('push');
  // The push target is checked before anything runs; nothing is sent without --push.
  const push = pushUrl !== undefined ? pushSettings(pushUrl, args, labels.values) : undefined;
  if (push === undefined && (labels.values.length > 0 || pushValueOptions.some((o) => args.values.has(o)))) {
    throw new UsageError('--app, --label, --token, --basic-auth, --tenant and --timeout go with --push URL');
  }
  const top = intOption(args, 'top', 10);
  const view = {
    ...defaultViewOptions,
    hideNodeModules: args.flags.has('hide-node-modules'),
    hideInternals: args.flags.has('hide-internals'),
  };
  const cwd = process.cwd();
  // One argument with spaces is a shell command line ("npm run build"); otherwise an argv.
  const only = command.length === 1 ? command[0] : undefined;
  // (Unless it names a file: an executable whose path has a space is run as it is.)
  const shellLine = only !== undefined && /\s/.test(only) && !fs.existsSync(only) ? only : undefined;

  const kinds = [cpu ? `CPU (${formatValue(intervalUs, 'us')} sampling)` : '', heap ? 'heap' : ''].filter(Boolean).join(' + ');
  // Before anything runs: an --out that cannot be written fails now, with its real cause.
  const claimed = outOption === undefined ? defaultOutDir() : undefined;
  const outDir = outOption ?? claimed!.dir;
  // The default folder (and flamelens-profiles/ when it was missing) was made just now, so it is ours too.
  const createdOut = ensureWritableDir(outDir) ?? claimed?.created;
  // A run that writes no profile (a command that cannot start, a program that exits first) leaves no empty folder.
  const dropIfEmpty = () => removeEmptyFolders(outDir, createdOut);
  info(`recording ${kinds} of \`${command.join(' ')}\` into ${displayLocation(path.resolve(outDir), cwd)}/`);
  const handle = await startCapture({
    command: shellLine ?? command,
    cwd,
    outDir,
    cpu,
    heap,
    intervalUs,
    durationMs,
    stdio: 'inherit',
    waitForOthersMs: waitMs,
    onWaiting: (pids) => info(`waiting for ${plural(pids.length, 'child process', 'child processes')} (pid ${pids.join(', ')}) to save ${pids.length === 1 ? 'its profile' : 'their profiles'}…`),
  }).catch((e: unknown) => {
    dropIfEmpty();
    throw e;
  });
  // Ctrl+C in a terminal reaches the program too (same process group): let it end and save, and
  // stay alive to report. A signal that reached us alone is passed on, once (see signal-relay.ts).
  const relay = (signal: NodeJS.Signals) => void handle.relaySignal(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, relay);
  const lifecycle = await runUntilReport(handle, durationMs, stopAfterDuration).catch((e: unknown) => {
    for (const s of signals) process.removeListener(s, relay);
    dropIfEmpty();
    throw e;
  });
  const result = lifecycle.result;
  if (lifecycle.state === 'running') {
    info(`recording stopped after ${formatValue((durationMs ?? 0) * 1000, 'us')}; ${plural(result.profiles.length, 'profile', 'profiles')} written`);
  } else {
    for (const s of signals) process.removeListener(s, relay);
    const ended = lifecycle.state === 'stopped' ? `was stopped (${result.signal ?? `exit code ${result.exitCode}`}) after the duration` : result.signal ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`;
    info(`program ${ended}; ${plural(result.profiles.length, 'profile', 'profiles')} written`);
  }

  const analysed: Analysed[] = [];
  for (const captured of result.profiles) {
    try {
      const profile = await loadProfileFile(captured.path, { shownAs: displayLocation(captured.path, cwd) });
      const hot = hotspots(profile, { top, cwd, view });
      const idle = hot.idle;
      analysed.push({ captured, profile, hot, busy: hot.total - idle });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      warn(`could not read ${captured.label}'s profile: ${e.message}`);
    }
  }

  // The busiest main thread of the program is the one to show in full: not npm's own (with
  // `npm run x`, npm spends more time starting than a short program runs).
  const byKind = (k: 'cpu' | 'heap') => analysed.filter((a) => a.captured.kind === k);
  for (const kind of ['cpu', 'heap'] as const) {
    const list = byKind(kind);
    if (list.length === 0) continue;
    const mains = list.filter((a) => a.captured.isMainThread);
    const programs = mains.filter((a) => !isPackageManagerProcess(a.captured.argv));
    const primary = (programs.length > 0 ? programs : mains.length > 0 ? mains : list).reduce((a, b) => (b.busy > a.busy ? b : a));
    report('');
    report(renderHotspots(primary.hot, `== ${primary.captured.label}: ${kind === 'cpu' ? 'CPU' : 'heap'} ==`));
    const others = list.filter((a) => a !== primary);
    if (others.length > 0) {
      report('');
      report(`Other ${kind === 'cpu' ? 'threads and processes' : 'heap profiles'} (hottest function of each):`);
      for (const o of others) {
        // A function: (garbage collector) and (program) are not, and can top a short process.
        const f = o.hot.functions.find((x) => x.category !== 'meta') ?? o.hot.functions[0];
        const hotText = f ? `${escapeControlText(f.name)} ${f.selfPercent.toFixed(1)}% at ${escapeControlText(location(f.file, f.line))}` : '(no samples)';
        report(`  ${escapeControlText(o.captured.label)}: ${formatValue(o.hot.total, o.hot.unit)}, ${hotText}`);
      }
    }
  }

  report('');
  if (result.profiles.length === 0) {
    report('No profile was written.');
    if (lifecycle.state !== 'running') dropIfEmpty();
  } else report(`Files written (${escapeControlText(displayLocation(result.sessionDir, cwd))}/):`);
  for (const a of analysed) {
    const shown = displayLocation(a.captured.path, cwd);
    let htmlNote = '';
    if (!args.flags.has('no-html')) {
      const htmlPath = a.captured.path.replace(/\.(cpuprofile|heapprofile)$/, (_m, ext: string) => `.${ext === 'cpuprofile' ? 'cpu' : 'heap'}.html`);
      try {
        writeHtmlReport(htmlPath, a.profile, `${a.captured.label} — ${a.captured.kind}`, view);
        htmlNote = `  →  ${displayLocation(htmlPath, cwd)}`;
      } catch (e) {
        warn(`no HTML flame graph for ${shown}: ${(e as Error).message}`);
      }
    }
    report(`  ${escapeControlText(shown)}  (${escapeControlText(a.captured.label)}, ${formatValue(a.captured.durationMs * 1000, 'us')})${escapeControlText(htmlNote)}`);
  }
  for (const p of result.problems) warn(p);
  if (push !== undefined) {
    for (const a of analysed) {
      const failed = await pushFileQuietly(a.captured.path, a.profile, push);
      if (failed !== undefined) warn(failed);
    }
  }

  if (lifecycle.state === 'running') {
    // The report is out; the program is the user's to end (Ctrl+C reaches it, or its pid).
    info(`the program (pid ${handle.pid}) is still running: press Ctrl+C or run \`kill ${handle.pid}\` to stop it`);
    const final = await handle.done.finally(() => {
      for (const s of signals) process.removeListener(s, relay);
    });
    const ended = final.signal ? `was ended by ${final.signal}` : `exited with code ${final.exitCode}`;
    const reported = new Set(result.profiles.map((p) => p.path));
    const later = final.profiles.filter((p) => !reported.has(p.path));
    info(`program ${ended}${later.length > 0 ? `; ${plural(later.length, 'more profile', 'more profiles')} written since the report:` : ''}`);
    for (const p of later) report(`  ${displayLocation(p.path, cwd)}  (${p.label})`);
    return programExitCode(final, result.profiles.length + later.length);
  }
  if (lifecycle.state === 'stopped' && (result.signal === 'SIGTERM' || result.signal === 'SIGKILL' || result.exitCode === 128 + 15)) {
    return result.profiles.length > 0 ? 0 : 3; // ended as asked
  }
  return programExitCode(result, result.profiles.length);
}

/**
 * The launched program's outcome, up to the moment to report: its end, or the end of --duration
 * ('running': it goes on; 'stopped': --stop-after-duration ended it).
 */
async function runUntilReport(
  handle: CaptureHandle,
  durationMs: number | undefined,
  stopAfterDuration: boolean,
): Promise<{ state: 'ended' | 'running' | 'stopped'; result: CaptureResult }> {
  if (durationMs === undefined) return { state: 'ended', result: await handle.done };
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<'elapsed'>((resolve) => (timer = setTimeout(() => resolve('elapsed'), durationMs)));
  const first = await Promise.race([handle.done, elapsed]).finally(() => clearTimeout(timer));
  if (first !== 'elapsed') return { state: 'ended', result: first };
  await handle.stop(10_000, 'duration');
  if (!stopAfterDuration) {
    // It may have ended meanwhile: then report as usual.
    if (handle.child.exitCode !== null || handle.child.signalCode !== null) return { state: 'ended', result: await handle.done };
    return { state: 'running', result: handle.collect() };
  }
  handle.kill('SIGTERM');
  const killTimer = setTimeout(() => {
    warn(`the program did not end within ${stopGraceMs / 1000} s of SIGTERM: sending SIGKILL`);
    handle.kill('SIGKILL');
  }, stopGraceMs);
  const result = await handle.done.finally(() => clearTimeout(killTimer));
  return { state: 'stopped', result };
}

function programExitCode(result: CaptureResult, profiles: number): number {
  if (result.signal) return 128 + (osConstants.signals[result.signal] ?? 0);
  if (result.exitCode !== 0) return result.exitCode ?? 1;
  if (profiles === 0) {
    warn('no profile was written');
    return 3;
  }
  return 0;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

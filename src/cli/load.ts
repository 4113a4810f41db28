// `flamelens load --url URL … -- <server command…>`: starts a server with the capture agent
// (recording from its start), waits until it answers, warms it up, drives the measured load and
// cuts the server's CPU profiles to it (the whole recording kept beside them), and reports latency, throughput, thresholds, the baseline
// deltas and the server's hottest functions. The run itself lives in src/load/ as data.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants as osConstants } from 'node:os';
import { intOption, numberOption, parseArgs, parseDuration, UsageError, type ParsedArgs } from './args';
import { displayLocation, InputError } from './analyze';
import { renderHotspots } from './text';
import { ensureWritableDir, fileTarget, info, out, quote, warn, writeFileAtomic } from './io';
import { claimNewFolder, removeEmptyFolders } from '../fs-output';
import { parseTarget } from './attach';
import type { Progress, RequestSpec } from '../load/driver';
import { asLoadRun, compareRuns, externalToolFailed, requestScale, runPassed, type LoadConfig, type LoadRun } from '../load/run';
import { loadRunOf, runLoadSession, serverAllocators, serverHotspots, type LoadSessionResult } from '../load/session';
import { grownFromProfiles } from '../load/baseline-profiles';
import { renderLoadJson, renderLoadMarkdown, renderLoadText } from '../load/render';
import { planStages } from '../load/stages';
import { checkTargets, parseTargetUrl, shownUrl } from '../load/targets';
import { parseThreshold } from '../load/thresholds';
import { timeStamp } from '../capture/time-stamp';

export const loadHelp = `Usage: flamelens load --url URL [options] -- <server command…>
       flamelens load --url URL [options] --attach PID|HOST:PORT
       flamelens load [--url URL] [options] --load-cmd "CMD" (-- <server command…> | --attach TARGET)

Starts the server with the FlameLens agent recording, waits until URL answers, drives a
warm-up, then the measured load (autocannon); the server's CPU profiles are cut to the measured
load (the whole recording is kept as *.full.cpuprofile: code V8 optimised during the warm-up
keeps its own names that way). Prints latency percentiles (from every response, merged in an HDR histogram),
throughput, errors, the thresholds' verdicts and the server's hottest functions during the
load; writes load-run.json, load-run.md and the server's profiles into --out.

Load:
  --url URL             a URL to load (repeatable: connections take them in turn); loopback only
                        unless --allow-remote
  --method M            HTTP method (default GET)
  --header 'K: V'       a request header (repeatable)
  --body STR|@FILE      the request body, or the contents of FILE
  --connections N       concurrent connections (default 10, at most 10000)
  --pipelining N        requests in flight per connection (default 1)
  --rate RPS            a fixed rate over all connections (latency corrected for coordinated
                        omission: a late response counts the requests it held back)
  --duration TIME       measured load (default 10s; a bare number is seconds)
  --stage TIME:N        instead of --duration: TIME at N connections; repeat for a ramp, run in order
  --warmup TIME         load first, left out of the report (default 2s; 0 for none)
  --warmup-url URL      what the warm-up loads (repeatable; default: the --url list)
  --timeout TIME        a request slower than this counts as a timeout, with this as its
                        latency (default 10s); requests in flight when a stage ends are
                        waited for, up to this long
  --ready-timeout TIME  how long the server may take to answer at all (default 30s)
  --allow-remote        allow a URL that is not this machine (a load run floods its target)

Server and load source:
  --attach PID|HOST:PORT
                        record a server that already runs (through its inspector, opened with
                        SIGUSR1 for a PID and closed again after) instead of starting one; it
                        is recorded during the measured load only and left running. Its
                        event-loop delay, CPU and heap are not measured (no agent in it)
  --load-cmd "CMD"      let an external tool drive the measured load instead (k6, wrk,
                        autocannon…; run through the shell, its exit ends the phase, its output
                        goes into the report). FlameLens then has no latency of its own: latency,
                        requests and throughput are null, and thresholds on them break — unless
                        CMD is autocannon with --json, whose result is read (its p97.5 stands in
                        for p95). --duration, if given, caps it; --url (if given) is waited for
                        and warmed up first

Gates:
  --threshold EXPR      k6-style: p50|p90|p95|p99|p999|max|mean <|<=|>|>= TIME (ms, s, us; bare
                        is ms), errors<PCT% (errors, timeouts and non-2xx of all requests), rps>N
                        (answered requests per second; repeatable); a broken one exits 1
  --baseline RUN.json   a previous run (load-run.json or --json): latency and throughput deltas and
                        the functions whose self time per request grew
  --fail-above PCT      with --baseline: exit 1 when p95 or p99 grew, or req/s dropped, by more
                        than PCT percent

Recording and output:
  --heap                record a sampling heap profile too
  --interval TIME       CPU sampling interval (default 100us)
  --out DIR             where to write (default flamelens-profiles/load-<date>-<time>)
  --json FILE           also write the run as JSON to FILE (a folder: load-run.json in it)
  --markdown FILE       also write a markdown report to FILE (for a CI job summary; a folder:
                        load-run.md in it)
  --top N               functions listed (default 10)
  -h, --help            show this help

Exit codes: 0 the run finished and every gate held; 1 a threshold broke, --fail-above was
exceeded, the --load-cmd tool failed (non-zero exit), or the server exited during the load (what
was measured and recorded until then is still reported and written); 2 usage error, unreadable input, a server that could not start or
never answered, or a URL whose port another process already holds; 130 cancelled (Ctrl+C; 143 SIGTERM, 129 SIGHUP) after reporting what was
measured. Every run stops by itself: the load is bounded by --warmup, --duration/--stage and
--timeout (a --load-cmd tool ends when it does, or at --duration if given). A gate never passes
on nothing: with no request made, or none answered, every threshold it could not measure breaks.`;

/** Options that may be given several times (args.ts keeps one value per name). */
const repeatable = ['url', 'warmup-url', 'header', 'stage', 'threshold'] as const;
type Repeatable = (typeof repeatable)[number];

/** Takes the repeatable options out of argv (up to `--`), returning their values and the rest. */
export function extractRepeatable(argv: readonly string[]): { lists: Record<Repeatable, string[]>; rest: string[] } {
  const lists = Object.fromEntries(repeatable.map((r) => [r, [] as string[]])) as Record<Repeatable, string[]>;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    const name = m?.[1] as Repeatable | undefined;
    if (m && name !== undefined && (repeatable as readonly string[]).includes(name)) {
      const value = m[2] ?? argv[++i];
      if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      lists[name].push(value);
      continue;
    }
    rest.push(a);
  }
  return { lists, rest };
}

function parseHeader(text: string): [string, string] {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`--header "${text}": expected 'Name: value'`);
  const value = text.slice(i + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new UsageError(`--header "${name}": the value may not hold line breaks`);
  return [name, value];
}

function readBody(text: string | undefined): string | Buffer | undefined {
  if (text === undefined || !text.startsWith('@')) return text;
  const file = text.slice(1);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`--body ${text}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function readBaseline(file: string): LoadRun {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`--baseline ${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot read (${code})` : 'not JSON'}`);
  }
  const run = asLoadRun(data);
  if (!run) throw new InputError(`--baseline ${file}: not a FlameLens load run (write one with \`flamelens load --json FILE\`)`);
  return run;
}

/** A new folder per run (see record's) under ./flamelens-profiles, with the topmost folder made for it. */
function defaultOutDir(): { dir: string; created?: string } {
  const base = path.join('flamelens-profiles', `load-${timeStamp()}`);
  return claimNewFolder(base) ?? { dir: base };
}

function durationOption(args: ParsedArgs, name: string, fallbackMs: number, allowZero = false): number {
  const text = args.values.get(name);
  if (text === undefined) return fallbackMs;
  if (allowZero && /^\s*0+(\.0*)?\s*[a-zµ]*\s*$/.test(text)) return 0;
  return parseDuration(text, 's', `--${name}`);
}

export async function loadCommand(argv: string[]): Promise<number> {
  const { lists, rest } = extractRepeatable(argv);
  const args = parseArgs(rest, {
    values: ['method', 'body', 'connections', 'pipelining', 'rate', 'duration', 'warmup', 'timeout', 'ready-timeout', 'baseline', 'fail-above', 'interval', 'out', 'json', 'markdown', 'top', 'attach', 'load-cmd'],
    flags: ['heap', 'allow-remote'],
    stopAtPositional: true,
  });
  if (args.flags.has('help')) {
    out(loadHelp);
    return 0;
  }
  const command = args.rest;
  const attachText = args.values.get('attach');
  const attachTarget = attachText !== undefined ? parseTarget(attachText) : undefined;
  const loadCmd = args.values.get('load-cmd');
  if (loadCmd !== undefined && loadCmd.trim() === '') throw new UsageError('--load-cmd needs a command');
  // With an external tool against a running server, nothing needs a URL of ours.
  if (lists.url.length === 0 && !(attachTarget && loadCmd !== undefined)) throw new UsageError('load needs at least one --url');
  if (attachTarget && command.length > 0) throw new UsageError('give either --attach TARGET or a server command after --, not both');
  if (!attachTarget && command.length === 0) throw new UsageError('load needs the server command to start, after -- (e.g. -- node server.js), or --attach PID|HOST:PORT');
  const urls = lists.url.map((u) => parseTargetUrl(u, '--url'));
  const warmupUrls = lists['warmup-url'].map((u) => parseTargetUrl(u, '--warmup-url'));
  const allowRemote = args.flags.has('allow-remote');
  checkTargets(urls, allowRemote, '--url');
  checkTargets(warmupUrls, allowRemote, '--warmup-url');
  const method = (args.values.get('method') ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`--method: "${method}" is not an HTTP method`);
  const headers = Object.fromEntries(lists.header.map(parseHeader));
  const connections = intOption(args, 'connections', 10);
  const pipelining = intOption(args, 'pipelining', 1);
  const rateText = args.values.get('rate');
  const rate = rateText === undefined ? undefined : intOption(args, 'rate', 1);
  const durationMs = durationOption(args, 'duration', 10_000);
  if (lists.stage.length > 0 && args.values.has('duration')) throw new UsageError('give either --duration or --stage, not both');
  const stages = planStages(lists.stage, durationMs, connections);
  for (const s of stages) {
    if (s.connections < urls.length) throw new UsageError(`${s.connections} connections cannot take ${urls.length} URLs in turn: use at least ${urls.length}`);
  }
  const warmupMs = durationOption(args, 'warmup', 2000, true);
  const timeoutMs = durationOption(args, 'timeout', 10_000);
  const readyTimeoutMs = durationOption(args, 'ready-timeout', 30_000);
  const thresholds = lists.threshold.map(parseThreshold);
  const failAbove = numberOption(args, 'fail-above');
  const baselineFile = args.values.get('baseline');
  if (failAbove !== undefined && baselineFile === undefined) throw new UsageError('--fail-above needs --baseline');
  const intervalText = args.values.get('interval');
  const intervalUs = intervalText === undefined ? 100 : parseDuration(intervalText, 'us', '--interval') * 1000;
  if (intervalUs < 1) throw new UsageError('--interval must be at least 1us');
  const top = intOption(args, 'top', 10);
  const body = readBody(args.values.get('body'));
  const baseline = baselineFile !== undefined ? readBaseline(baselineFile) : undefined;
  const outOption = args.values.get('out');
  const claimed = outOption === undefined ? defaultOutDir() : undefined;
  const outDir = outOption ?? claimed!.dir;
  const cwd = process.cwd();
  const createdOut = ensureWritableDir(outDir) ?? claimed?.created;
  // --json/--markdown are checked before the run too: an unwritable one must not cost the run.
  const givenJson = args.values.get('json');
  const givenMd = args.values.get('markdown');
  const jsonOut = givenJson === undefined ? undefined : fileTarget(givenJson, 'load-run.json');
  const mdOut = givenMd === undefined ? undefined : fileTarget(givenMd, 'load-run.md');
  const createdElsewhere = [jsonOut, mdOut].flatMap((f) => {
    if (f === undefined || f === '-') return [];
    const dir = path.dirname(path.resolve(f));
    try {
      return [{ dir, created: ensureWritableDir(dir) }];
    } catch (e) {
      removeEmptyFolders(outDir, createdOut);
      throw e;
    }
  });
  // A run that fails before it measured anything leaves no empty folders behind.
  const dropEmptyFolders = () => {
    removeEmptyFolders(outDir, createdOut);
    for (const c of createdElsewhere) removeEmptyFolders(c.dir, c.created);
  };

  const config: LoadConfig = {
    urls: urls.map(shownUrl),
    method,
    headerNames: Object.keys(headers),
    bodyBytes: body === undefined ? 0 : Buffer.byteLength(body),
    connections,
    pipelining,
    ...(rate !== undefined ? { rate } : {}),
    warmupMs,
    warmupUrls: (warmupUrls.length > 0 ? warmupUrls : urls).map(shownUrl),
    stages,
    ...(command.length > 0 ? { command } : {}),
    ...(attachText !== undefined ? { attach: attachText } : {}),
    ...(loadCmd !== undefined ? { loadCommand: loadCmd } : {}),
  };
  // The requests go to the URLs as given (the config, which reports show, has their credentials hidden).
  const spec: RequestSpec = { urls: urls.map((u) => u.href), method, headers, ...(body !== undefined ? { body } : {}), pipelining, ...(rate !== undefined ? { rate } : {}), timeoutS: timeoutMs / 1000 };

  // Ctrl+C (or SIGTERM/SIGHUP sent to flamelens): stop the load, keep what was measured and recorded.
  const abort = new AbortController();
  let cancelled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    cancelled ??= signal;
    abort.abort(signal === 'SIGINT' ? 'cancelled (Ctrl+C)' : `cancelled (${signal})`);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);

  const heap = args.flags.has('heap');
  const only = command.length === 1 ? command[0] : undefined;
  // (Unless it names a file: an executable whose path has a space is run as it is.)
  const shellLine = only !== undefined && /\s/.test(only) && !fs.existsSync(only) ? only : undefined;
  if (attachTarget) info(`recording ${attachText} (already running) during the measured load only, into ${displayLocation(path.resolve(outDir), cwd)}/; it is left running`);
  else info(`starting \`${command.join(' ')}\` (recording into ${displayLocation(path.resolve(outDir), cwd)}/; reported over the measured load only)`);
  // Live progress on a terminal only (numbers alone: nothing to escape); CI logs get the summary.
  let progressShown = false;
  const progress = process.stderr.isTTY
    ? (p: Progress) => {
        progressShown = true;
        const left = Math.max(0, (p.totalMs - p.elapsedMs) / 1000);
        process.stderr.write(`\r\x1b[Kflamelens: ${(p.elapsedMs / 1000).toFixed(0)} s, ${left.toFixed(0)} s left — ${p.rps} req/s, p99 ${p.p99.toFixed(1)} ms, ${p.errors} errors`);
      }
    : undefined;
  let session: LoadSessionResult;
  try {
    session = await runLoadSession(
      {
        ...(attachTarget
          ? { attach: { target: attachTarget, targetText: attachText!, outDir, heap, intervalUs } }
          : { capture: { command: shellLine ?? command, cwd, outDir, cpu: true, heap, intervalUs, waitForOthersMs: 5000 } }),
        ...(urls[0] ? { readyUrl: urls[0] } : {}),
        readyTimeoutMs,
        spec,
        warmupUrls: (warmupUrls.length > 0 ? warmupUrls : urls).map((u) => u.href),
        warmupMs,
        stages,
        ...(loadCmd !== undefined ? { loadCommand: { command: loadCmd, cwd, ...(args.values.has('duration') ? { maxMs: durationMs } : {}) } } : {}),
        signal: abort.signal,
      },
      {
        warmingUp: (ms) => info(`warming up for ${ms / 1000} s (${attachTarget ? 'not recorded' : 'not reported'})`),
        warn,
        measuring: () => {
          if (loadCmd !== undefined) {
            info(`measuring while \`${loadCmd}\` drives the load${args.values.has('duration') ? ` (at most ${durationMs / 1000} s)` : ''}`);
            return;
          }
          const totalMs = stages.reduce((a, s) => a + s.durationMs, 0);
          info(`measuring for ${totalMs / 1000} s${stages.length > 1 ? ` in ${stages.length} stages` : ''} at ${stages.map((s) => s.connections).join(' → ')} connection${stages.length === 1 && stages[0]!.connections === 1 ? '' : 's'}${rate !== undefined ? `, ${rate} req/s` : ''}`);
        },
        ...(progress ? { onProgress: progress } : {}),
        waiting: (n, upToMs) => {
          if (progressShown) process.stderr.write('\n');
          progressShown = false;
          info(`waiting for ${n} request${n === 1 ? '' : 's'} still in flight (at most ${upToMs / 1000} s, --timeout; an unanswered one counts as a timeout)`);
        },
      },
    );
    if (progressShown) process.stderr.write('\n');
  } catch (e) {
    dropEmptyFolders();
    // Cancelled before there was anything to report (while attaching or starting): still the
    // documented 128 + signal, not a failure's 2.
    if (cancelled === undefined || e instanceof UsageError) throw e;
    if (progressShown) process.stderr.write('\n');
    info(`${(e as Error).message}; nothing was measured`);
    return 128 + (osConstants.signals[cancelled] ?? 2);
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
  const { recorded } = session;
  for (const n of recorded.notes) info(n);

  // The server's profile during the load: its busiest main thread; with --heap, who allocated.
  const best = await serverHotspots(recorded, top, cwd);
  // What each profile covers: the measured load, or (cancelled before it) only the start and warm-up;
  // a launched server's heap profile cannot be cut to the measured phase (its samples carry no time).
  const cpuSpan = session.measured ? 'during the measured load' : 'start and warm-up only, no load was measured';
  const heapSpan = !session.measured ? cpuSpan : session.mode === 'attached' ? 'allocations during the measured load' : 'allocations over the whole run, warm-up included';
  const hotText = best.best ? renderHotspots(best.best.hot, `== server: ${best.best.label}, ${cpuSpan} ==`) : undefined;
  const allocators = await serverAllocators(recorded, top, cwd);
  const heapText = allocators.heaviest ? renderHotspots(allocators.heaviest.hot, `== server: ${allocators.heaviest.label}, ${heapSpan} ==`) : undefined;
  const extraProblems = heap && !allocators.heaviest && recorded.profiles.length > 0 ? ['--heap: the server left no heap profile'] : [];
  const run = loadRunOf(session, { config, thresholds, hot: best, allocators, problems: extraProblems });
  if (baseline && baselineFile !== undefined) {
    run.baseline = compareRuns(baseline, run, baselineFile, failAbove);
    // The full profiles when the baseline's are still on disk; else the two top-N lists (above).
    const grown = best.best ? await grownFromProfiles(baseline, baselineFile, best.best.profile, cwd, requestScale(baseline, run)) : undefined;
    if (grown) run.baseline.grown = grown;
    run.baseline.grownFrom = grown ? 'profiles' : 'topFunctions';
  }

  out(renderLoadText(run));
  if (hotText) out(`\n${hotText}`);
  if (heapText) out(`\n${heapText}`);
  const jsonPath = path.join(outDir, 'load-run.json');
  const mdPath = path.join(outDir, 'load-run.md');
  writeFileAtomic(jsonPath, renderLoadJson(run));
  writeFileAtomic(mdPath, renderLoadMarkdown(run));
  if (jsonOut !== undefined) writeFileAtomic(jsonOut, renderLoadJson(run));
  if (mdOut !== undefined) writeFileAtomic(mdOut, renderLoadMarkdown(run));
  out('');
  out(`Files written:`);
  for (const f of [jsonPath, mdPath, ...(jsonOut ? [jsonOut] : []), ...(mdOut ? [mdOut] : []), ...run.profiles]) out(`  ${displayLocation(path.resolve(f), cwd)}`);

  if (cancelled) {
    warn(`${run.cutShort ?? 'cancelled'}: ${coverage(run)}`);
    return 128 + (osConstants.signals[cancelled] ?? 2);
  }
  if (run.cutShort) {
    warn(`${run.cutShort}: ${coverage(run)}${session.lastOutput.length > 0 ? '; the server\'s last output:' : ''}`);
    quote(session.lastOutput);
    return 1;
  }
  if (!runPassed(run)) {
    const broken = run.thresholds.filter((t) => !t.ok).map((t) => `${t.expr} (${t.note ?? `actual ${t.actual} ${t.unit}`})`);
    const tool = run.external && externalToolFailed(run) ? `the load command ${run.external.signal ? `was ended by ${run.external.signal}` : `exited with code ${run.external.exitCode}`}` : '';
    warn([broken.length > 0 ? `threshold broken: ${broken.join(', ')}` : '', run.baseline?.regressions.length ? `regression against the baseline: ${run.baseline.regressions.join(', ')}` : '', tool].filter(Boolean).join('; '));
    return 1;
  }
  return 0;
}

/** What the report of a run cut short covers. */
function coverage(run: LoadRun): string {
  return run.loadMeasured === false ? 'it ended before the measured load began, so nothing was measured' : `the results above cover the ${(run.durationMs / 1000).toFixed(1)} s measured until then`;
}

// The `flamelens` command: dispatches to record / report / diff / attach and turns errors into
// messages and exit codes. User mistakes never print a stack trace (set FLAMELENS_DEBUG=1 to see
// one for internal errors).
import { UsageError } from './args';
import { InputError } from './analyze';
import { recordCommand, recordHelp } from './record';
import { reportCommand, reportHelp } from './report';
import { diffCommand, diffHelp } from './diff';
import { exportCommand, exportHelp } from './export';
import { pushCommand, pushHelp, PushError } from './push';
import { loadCommand, loadHelp } from './load';
import { attachCommand, attachHelp, snapshotDiffCommand, snapshotDiffHelp } from './attach';
import { spawn } from 'node:child_process';
import { AttachError } from '../capture/attach-errors';
import { closeOpenedInspector } from '../capture/attach';
import { closeLateInspector, setLateInspectorWatcher } from '../capture/late-inspector';
import { SnapshotError } from '../heap/summarize';
import { CaptureError } from '../capture/launcher';
import { exitCodeAfterOutput, guardStandardStreams, OutputError, outputErrorCodes, describeFsError, quote } from './io';
import { escapeControlText, escapeControlTextKeepNewlines } from '../model/escape-text';
// The bundle inlines the version alone (esbuild keeps only the JSON fields imported).
import { version } from '../../package.json';

export const mainHelp = `FlameLens — CPU and heap profiles of Node.js programs, in the terminal.

Usage:
  flamelens record [options] -- <command…>   run a program and profile it (+ workers and children)
  flamelens report FILE [options]            hotspots of a .cpuprofile / .heapprofile (.gz too);
                                             a .heapsnapshot's largest constructors
  flamelens diff BASE NEW [options]          regressions and improvements between two profiles
  flamelens attach TARGET [options]          profile an already running Node.js process (PID, host:port)
  flamelens snapshot-diff BEFORE AFTER       what grew between two .heapsnapshot files
  flamelens export FILE --format F [-o OUT]  write as pprof, speedscope, folded stacks or HTML
  flamelens push FILE --server URL --app N   send a profile to Grafana Pyroscope
  flamelens load --url URL [options] -- <cmd> drive HTTP load at a server, profile it meanwhile
  flamelens <command> --help                 options of one command
  flamelens --version                        the version of FlameLens

Exit codes:
  0   success
  1   diff: a regression above --fail-above; load: a broken threshold or regression, or the
      server exited during the load
  2   usage error, unreadable or invalid profile, command that cannot start, output that
      cannot be written (read-only or full disk, a file where a folder should be…)
  3   record: the program succeeded but no profile was written; attach: nothing was captured
  130 attach: cancelled (second Ctrl+C); load: cancelled (Ctrl+C), after reporting
  143 attach: terminated (SIGTERM); 129: hung up (SIGHUP) — the target is left as found
  70  internal error (a bug in FlameLens)
  record otherwise exits with the recorded program's own exit code (128 + n for signal n).
Output cut short by its reader (\`flamelens report x | head\`) is not an error: flamelens stops
writing and exits with the command's own code.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help?: string }> = {
  record: { run: recordCommand, help: recordHelp },
  report: { run: reportCommand, help: reportHelp },
  diff: { run: diffCommand, help: diffHelp },
  attach: { run: attachCommand, help: attachHelp },
  'snapshot-diff': { run: snapshotDiffCommand, help: snapshotDiffHelp },
  export: { run: exportCommand, help: exportHelp },
  push: { run: pushCommand, help: pushHelp },
  load: { run: loadCommand, help: loadHelp },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`flamelens ${version}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const help = topic !== undefined ? commands[topic]?.help : undefined;
    process.stdout.write(`${help ?? mainHelp}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === lateInspectorCommand) return watchLateInspector(rest);
  const command = commands[name];
  if (!command) {
    process.stderr.write(`flamelens: unknown command "${escapeControlText(name)}"\n\n${mainHelp}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // Messages may quote profile text (names, urls, file names): shown escaped, on one line.
    if (e instanceof UsageError) {
      process.stderr.write(`flamelens ${name}: ${escapeControlText(e.message)}\nRun \`flamelens ${name} --help\` for usage.\n`);
      return 2;
    }
    if (e instanceof InputError || e instanceof CaptureError || e instanceof AttachError || e instanceof SnapshotError || e instanceof OutputError || e instanceof PushError) {
      // A failed start quotes the program's last output: its lines stay lines, each escaped.
      const quoted = e instanceof CaptureError ? e.quoted : [];
      process.stderr.write(`flamelens ${name}: ${escapeControlText(e instanceof CaptureError ? e.summary : e.message)}\n`);
      quote(quoted);
      if (e instanceof CaptureError) for (const line of e.after) process.stderr.write(`flamelens ${name}: ${escapeControlText(line)}\n`);
      return 2;
    }
    // A file-system refusal that escaped a command's own handling is still the user's to fix.
    const fsError = e as NodeJS.ErrnoException;
    if (typeof fsError?.code === 'string' && outputErrorCodes.has(fsError.code) && typeof fsError.syscall === 'string') {
      const where = typeof fsError.path === 'string' ? ` ${fsError.path}` : '';
      process.stderr.write(`flamelens ${name}: cannot ${fsError.syscall}${escapeControlText(where)}: ${describeFsError(fsError)}\n`);
      return 2;
    }
    // A debug stack trace keeps its lines; a plain message is one line.
    const detail = process.env.FLAMELENS_DEBUG
      ? escapeControlTextKeepNewlines((e as Error).stack ?? String(e))
      : escapeControlText((e as Error).message ?? String(e));
    process.stderr.write(`flamelens ${name}: internal error: ${detail}\n`);
    return 70;
  }
}

/** Not in the help: the detached process that closes an inspector a target opens after `attach` gave up on it. */
const lateInspectorCommand = '__close-late-inspector';

async function watchLateInspector([pidArg]: string[]): Promise<number> {
  const pid = Number(pidArg);
  if (!Number.isInteger(pid) || pid <= 0) return 2;
  await closeLateInspector(pid, closeOpenedInspector, { keepAlive: true });
  return 0;
}

/** The CLI exits with its error at once: a process of its own watches the target (late-inspector.ts). */
function watchInDetachedProcess(pid: number): void {
  // Node flags carry over (a loader, in tests), but not this run's inspector or profiler.
  const nodeArgs = process.execArgv.filter((a) => !/^--(inspect|debug|cpu-prof|heap-prof|prof)/.test(a));
  try {
    spawn(process.execPath, [...nodeArgs, process.argv[1]!, lateInspectorCommand, String(pid)], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // Cannot start it (out of processes): the error already says the inspector may open later.
  }
}

// Run when bundled as dist/cli.js (not when imported by tests).
if (require.main === module) {
  setLateInspectorWatcher(watchInDetachedProcess);
  guardStandardStreams();
  main(process.argv.slice(2)).then(
    (code) => {
      // A failed write to stdout is reported by an 'error' event on a later tick: wait for it.
      setImmediate(() => {
        process.exitCode = exitCodeAfterOutput(code);
      });
    },
    (e: unknown) => {
      process.stderr.write(`flamelens: internal error: ${escapeControlText((e as Error).message)}\n`);
      process.exitCode = 70;
    },
  );
}

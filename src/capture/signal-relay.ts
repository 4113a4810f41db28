// Passes a signal the launcher received on to the launched program — but only when the program
// could not have received it itself. The program runs in the launcher's process group, so Ctrl+C in
// a terminal (or `kill -INT -PGID`) reaches both; sending it again would look like a second
// Ctrl+C, which many programs treat as "quit now, skip the cleanup". A signal sent to the
// launcher's pid alone (`kill PID`) reaches only the launcher and must be passed on once.
//
// Node cannot tell who sent a signal, so the evidence comes from the programs: each agent notes
// every SIGINT/SIGTERM/SIGHUP it gets in `<pid>.signals` (see ./session.ts). The rule:
//   - a target in another process group never got a group signal: forward at once;
//   - otherwise wait for a note of this signal from any recorded process (it was a group signal:
//     do not forward) or for the targets to end; a process still running JavaScript (busy, its
//     event loop not yet turned) gets more time; after that, forward once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signalsFilePid } from './session';

export interface SignalRelayOptions {
  /** Live processes the signal is for (the launched program, or the processes still awaited). */
  targets: () => number[];
  /** Processes whose agents could note the signal (for the "still busy" check). */
  recorded: () => number[];
  /** Wait this long for a note before forwarding (default 1000 ms)… */
  graceMs?: number;
  /** …or up to this long while a recorded process is busy running JavaScript (default 5000 ms). */
  busyGraceMs?: number;
}

export type RelayOutcome = 'received' | 'forwarded' | 'ended';

/** Notes older than this before the launcher's own receipt belong to an earlier signal. */
const noteSlackMs = 500;
const pollMs = 25;

export class SignalRelay {
  /** "pid:line" of notes already explained by an earlier signal. */
  private readonly consumed = new Set<string>();

  constructor(
    private readonly sessionDir: string,
    private readonly options: SignalRelayOptions,
  ) {}

  /** Decides, and forwards if needed. `receivedAt`: epoch ms when the launcher got the signal. */
  async relay(signal: NodeJS.Signals, receivedAt = Date.now()): Promise<RelayOutcome> {
    const targets = this.options.targets();
    if (targets.length === 0) return 'ended';
    const ownGroup = processGroup('self');
    const outside = targets.filter((pid) => {
      const g = processGroup(pid);
      return g !== undefined && ownGroup !== undefined && g !== ownGroup;
    });
    for (const pid of outside) sendSignal(pid, signal);
    const inside = targets.filter((pid) => !outside.includes(pid));
    if (inside.length === 0) return 'forwarded';

    const grace = receivedAt + (this.options.graceMs ?? 1000);
    const busyGrace = receivedAt + (this.options.busyGraceMs ?? 5000);
    for (;;) {
      if (this.takeNotes(signal, receivedAt - noteSlackMs)) return 'received';
      const live = inside.filter(isAlive);
      if (live.length === 0) return 'ended';
      const now = Date.now();
      if (now >= busyGrace || (now >= grace && !this.options.recorded().some(isRunning))) {
        for (const pid of live) sendSignal(pid, signal);
        return 'forwarded';
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** True when some process noted `signal` at or after `since`; marks those notes as explained. */
  private takeNotes(signal: NodeJS.Signals, since: number): boolean {
    let names: string[];
    try {
      names = fs.readdirSync(this.sessionDir);
    } catch {
      return false;
    }
    let found = false;
    for (const name of names) {
      const pid = signalsFilePid(name);
      if (pid === undefined) continue;
      let lines: string[];
      try {
        lines = fs.readFileSync(path.join(this.sessionDir, name), 'utf8').split('\n');
      } catch {
        continue;
      }
      lines.forEach((line, i) => {
        const [sig, at] = line.split(' ');
        const key = `${pid}:${i}`;
        if (sig !== signal || Number(at) < since || this.consumed.has(key)) return;
        this.consumed.add(key);
        found = true;
      });
    }
    return found;
  }
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** True while `pid` exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Fields of /proc/<pid>/stat after the command name (Linux); undefined elsewhere. */
function procStat(pid: number | 'self'): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process group of `pid` where the system tells (Linux), else undefined. */
export function processGroup(pid: number | 'self'): number | undefined {
  const f = procStat(pid);
  return f?.[2] === undefined ? undefined : Number(f[2]);
}

/** A process whose main thread is running (not sleeping in its event loop) — Linux only. */
function isRunning(pid: number): boolean {
  return procStat(pid)?.[0] === 'R';
}

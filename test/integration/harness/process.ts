// Small process and timing helpers shared by the code-server runner.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';

/** A free TCP port on 127.0.0.1 (asked from the OS, then released for the caller to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with `message` (plus the time limit) if `work` takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${Math.round(ms / 1000)} s)`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Signals a whole process group, ignoring one that is already gone. */
export function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * SIGKILLs the processes whose working folder is `dir` or inside it, and says which: what a spec's
 * terminals and tasks started there and left running (its workbench is gone) would otherwise take
 * CPU from the specs after it on a 2-core machine. Processes whose command line contains `keep`
 * stay: code-server starts its shared helpers (pty host, file watcher) in the first workspace
 * opened. Linux (/proc); elsewhere it finds none.
 */
export function killProcessesIn(dir: string, keep: string): string[] {
  const killed: string[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return killed;
  }
  for (const pid of pids) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (command.includes(keep)) continue;
      process.kill(Number(pid), 'SIGKILL');
      killed.push(`${pid} ${command.slice(0, 160)}`);
    } catch {
      // gone already, or not ours to read
    }
  }
  return killed;
}

// Shared by the `flamelens load` tests: a free loopback port, the bundled CLI run as users run it,
// and reading back a run's JSON.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { spawnSync } from 'node:child_process';
import type { LoadRun } from '../../src/load/run';

/** A port free a moment ago (the server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node cli.js load …args` in `cwd`, to its end. */
export function runLoad(cli: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [cli, 'load', ...args], { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function readRun(file: string): LoadRun {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LoadRun;
}

/** Whether every number in the run is finite (JSON would turn NaN/Infinity into null silently). */
export function allFinite(run: LoadRun): boolean {
  let ok = true;
  JSON.stringify(run, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) ok = false;
    return v;
  });
  return ok;
}

// A real load run's session folder, as `flamelens load` leaves it: the bundled CLI starts
// test/fixtures/load/server.js with the agent on a free loopback port, loads /hot for two short
// stages and writes load-run.json beside the server's profile and the agent's sidecar.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadRun } from '../../src/load/run';
import { buildBundles, scratchDir } from './capture-helpers';
import { freePort, readRun, runLoad } from './load-helpers';

export interface LoadRunFolder {
  dir: string;
  /** The bundled CLI (dist-like folder with the webview beside it, for --html). */
  cli: string;
  runFile: string;
  run: LoadRun;
  /** The server's CPU profile, in the session folder. */
  profile: string;
}

export async function recordLoadRun(name: string): Promise<LoadRunFolder> {
  const { cli } = await buildBundles();
  const dir = scratchDir(name);
  fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'load', 'server.js'), path.join(dir, 'server.js'));
  const port = await freePort();
  const r = runLoad(cli, ['--url', `http://127.0.0.1:${port}/hot`, '--warmup', '500ms', '--stage', '2s:2', '--stage', '2s:4', '--out', 'out', '--', 'node', 'server.js'], dir, { PORT: String(port) });
  if (r.status !== 0) throw new Error(`flamelens load exited ${r.status}: ${r.stderr}`);
  const runFile = path.join(dir, 'out', 'load-run.json');
  const run = readRun(runFile);
  const profile = run.profiles.find((p) => p.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`the run lists no CPU profile: ${run.profiles.join(', ')}`);
  return { dir, cli, runFile, run, profile };
}

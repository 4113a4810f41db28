// Throwaway copies of the fixture workspace (test/integration/workspace), so tests never dirty the repo.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';

export const FIXTURE_WORKSPACE = path.resolve(__dirname, '..', 'workspace');

/**
 * Copies the fixture workspace to `dest` and records a real CPU profile of its busy.js there
 * (busy.cpuprofile, captured with the machine's `node --cpu-prof`), so the profile's script URLs point at
 * the copy's own busy.js.
 */
export function createWorkspace(dest: string): string {
  cpSync(FIXTURE_WORKSPACE, dest, { recursive: true });
  execFileSync(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir', dest, '--cpu-prof-name', 'busy.cpuprofile', path.join(dest, 'busy.js')],
    { cwd: dest, stdio: 'ignore', timeout: 30_000 },
  );
  if (!existsSync(path.join(dest, 'busy.cpuprofile'))) throw new Error(`node --cpu-prof wrote no profile in ${dest}`);
  return dest;
}

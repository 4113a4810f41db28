// Stages of a load run in k6's spirit: `30s:50` is 30 seconds at 50 connections; a ramp is a
// sequence of stages, run in order (autocannon has none of its own).
import { parseDuration, UsageError } from '../cli/args';

export interface Stage {
  durationMs: number;
  connections: number;
}

/** Most connections one run opens (also the VS Code setting's limit): beyond it the driver's own memory, not the server, is measured. */
export const maxConnections = 10_000;

/** `DURATION:CONNECTIONS`, e.g. `30s:50`, `500ms:2`, `1m:100` (a bare duration is in seconds). */
export function parseStage(text: string): Stage {
  const m = /^\s*([^:]+):\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--stage: cannot read "${text}" (expected DURATION:CONNECTIONS, e.g. 30s:50)`);
  const durationMs = parseDuration(m[1]!, 's', `--stage "${text}"`);
  const connections = Number(m[2]);
  if (!Number.isInteger(connections) || connections < 1 || connections > maxConnections) {
    throw new UsageError(`--stage "${text}": connections must be a whole number from 1 to ${maxConnections}`);
  }
  return { durationMs, connections };
}

/** The stages to run: the --stage list, or one stage of `durationMs` at `connections`. */
export function planStages(stageTexts: readonly string[], durationMs: number, connections: number): Stage[] {
  if (stageTexts.length > 0) return stageTexts.map(parseStage);
  if (connections > maxConnections) throw new UsageError(`--connections must be at most ${maxConnections}, got ${connections}`);
  return [{ durationMs, connections }];
}

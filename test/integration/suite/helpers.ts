// Helpers shared by the integration suites (each *.test.ts here is bundled on its own, with this
// module inside; esbuild does not make this file a suite).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FlameLensTestApi } from '../../../src/extension';

export const EXTENSION_ID = 'flamelens.flamelens';

/** The activated extension's test API. */
export async function api(): Promise<FlameLensTestApi> {
  const ext = vscode.extensions.getExtension<FlameLensTestApi>(EXTENSION_ID);
  assert.ok(ext);
  return ext.activate();
}

/** Polls `probe` every 100 ms until it returns something other than undefined or false. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A `node` for target programs: the one on PATH, else the extension host's own runtime (run as Node). */
export function nodeExecutable(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return process.execPath;
}

/**
 * Answers FlameLens's quick picks with `choose` (given the rows the user would see) through the
 * test API's services seam, until the returned function restores the real quick pick.
 */
export function answerQuickPicks<T extends vscode.QuickPickItem>(t: FlameLensTestApi, choose: (items: readonly T[]) => T | undefined): () => void {
  const original = t.services.pickOne;
  t.services.pickOne = ((items: readonly T[]) => Promise.resolve(choose(items))) as FlameLensTestApi['services']['pickOne'];
  return () => {
    t.services.pickOne = original;
  };
}

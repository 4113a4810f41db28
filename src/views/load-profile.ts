// Reads a profile file through vscode.workspace.fs (so remote and virtual workspaces work):
// gunzip, parse, source-map (the sources it names are read from disk, as the CLI reads them).
// Big files show progress; parse errors become one clear message.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { createFsSourceReader } from '../fs-source-reader';
import { defaultMaxInputSize, maybeGunzip } from '../model/gunzip';
import { formatSize } from '../model/size';
import { parseProfile } from '../model/import';
import { applySourceMaps } from '../model/sourcemap';
import { ProfileError, type Profile } from '../model/types';
import { parseInWorker } from '../parse/parse-in-worker';
import { locationPath } from '../profile-location';

/** Files above this size get a progress notification while they load. */
const progressThresholdBytes = 8 * 1024 * 1024;
/** Files above this size are parsed in the (kept-warm) worker thread when the worker bundle is there. */
const workerThresholdBytes = 256 * 1024;
let parseWorkerScript: string | undefined;

/** Where dist/parse-worker.js is (set once by activate); without it every parse runs inline. */
export function useParseWorker(script: string | undefined): void {
  parseWorkerScript = script;
}

/** A profile file that could not be loaded; the message is for the user. */
export class ProfileLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileLoadError';
  }
}

/** file:// URL or absolute path → Uri; undefined for node:, http:, relative paths and ''. */
export function locationToUri(location: string): vscode.Uri | undefined {
  const file = locationPath(location);
  return file === undefined ? undefined : vscode.Uri.file(file);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function parse(bytes: Uint8Array, name: string): Promise<Profile> {
  if (parseWorkerScript && bytes.byteLength >= workerThresholdBytes) {
    try {
      return await parseInWorker(parseWorkerScript, bytes, name);
    } catch (err) {
      if (err instanceof ProfileError) throw err;
      // A missing or crashed worker: parse here instead.
    }
  }
  // Inline, the parse is synchronous: let pending UI messages through before it.
  await yieldToEventLoop();
  return parseProfile(maybeGunzip(bytes), { fileName: name });
}

async function decode(uri: vscode.Uri, bytes: Uint8Array): Promise<Profile> {
  const name = uri.path.split('/').pop() ?? uri.toString();
  let profile: Profile;
  try {
    profile = await parse(bytes, name);
  } catch (err) {
    if (err instanceof ProfileError) throw new ProfileLoadError(err.message.includes(name) ? err.message : `${name}: ${err.message}`);
    throw new ProfileLoadError(`${name}: ${(err as Error).message}`);
  }
  await yieldToEventLoop();
  return applySourceMaps(profile, createFsSourceReader({ maxFileSize: readConfig().sourceMaps.maxFileSize }));
}

/**
 * A profile file parsed as it is (worker for big files, no source maps): for callers that need only
 * its header (start and end time), never to show it.
 */
export async function parseProfileFile(file: string): Promise<Profile> {
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(file));
  return parse(bytes, file.split(/[\\/]/).pop() ?? file);
}

export async function loadProfile(uri: vscode.Uri): Promise<Profile> {
  let bytes: Uint8Array;
  // Refuse before reading what could not be parsed anyway (gzip input is capped as it inflates).
  const limit = defaultMaxInputSize();
  const size = await vscode.workspace.fs.stat(uri).then((s) => s.size, () => undefined);
  if (size !== undefined && size > limit) {
    const name = uri.path.split('/').pop() ?? uri.toString();
    throw new ProfileLoadError(vscode.l10n.t("{0} is {1}, past the {2} FlameLens reads (an eighth of this machine's memory, at most 2 GB).", name, formatSize(size), formatSize(limit)));
  }
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (err) {
    throw new ProfileLoadError(vscode.l10n.t('Cannot read {0}: {1}', uri.fsPath || uri.toString(), (err as Error).message));
  }
  if (bytes.byteLength < progressThresholdBytes) return decode(uri, bytes);
  const mb = (bytes.byteLength / (1024 * 1024)).toFixed(0);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('FlameLens: reading {0} ({1} MB)…', uri.path.split('/').pop() ?? '', mb) },
    () => decode(uri, bytes),
  );
}

// Reads a profile file through vscode.workspace.fs (so remote and virtual workspaces work):
// gunzip, parse, source-map (the sources it names are read from disk, as the CLI reads them).
// A big local file is not read here at all: the parse worker streams it from its path, so the
// host never holds its bytes. Big files show progress; parse errors become one clear message.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { createFsSourceReader } from '../fs-source-reader';
import { defaultMaxInputSize } from '../model/gunzip';
import { formatSize } from '../model/size';
import { objectPathMaxBytes } from '../model/import';
import { applySourceMaps } from '../model/sourcemap';
import { ProfileError, type Profile } from '../model/types';
import { parseProfileBytes } from '../parse/parse-bytes';
import { parseFileInWorker, parseInWorker } from '../parse/parse-in-worker';
import { locationPath } from '../profile-location';

/** Files above this size get a progress notification while they load. */
const progressThresholdBytes = 8 * 1024 * 1024;
/** Files above this size are parsed in the (kept-warm) worker thread when the worker bundle is there. */
const workerThresholdBytes = 256 * 1024;
/**
 * Local files above this size are sent to the worker by path and streamed there: the size from
 * which the model's scanner (which can read through a window) takes over from JSON.parse.
 */
const pathThresholdBytes = objectPathMaxBytes;
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

const readBytes = (uri: vscode.Uri): Thenable<Uint8Array> => vscode.workspace.fs.readFile(uri);

export type ParseRoute = 'worker-path' | 'worker-bytes' | 'inline';
let lastRoute: ParseRoute | undefined;

/** How the last profile that parsed was read (the integration suite checks big local files go by path). */
export function lastParseRoute(): ParseRoute | undefined {
  return lastRoute;
}

/**
 * Parses the file at `uri` (`size` bytes, when known): a big local file by its path in the worker,
 * other big ones by their bytes in the worker (transferred: the host's copy is gone after), small
 * ones here. When the worker is missing or fails other than on the profile itself, the file is
 * read again and parsed here.
 */
async function parse(uri: vscode.Uri, size: number | undefined, name: string, read = readBytes): Promise<Profile> {
  const script = parseWorkerScript;
  if (script && uri.scheme === 'file' && size !== undefined && size > pathThresholdBytes) {
    try {
      const profile = await parseFileInWorker(script, uri.fsPath, name);
      lastRoute = 'worker-path';
      return profile;
    } catch (err) {
      if (err instanceof ProfileError) throw err;
      // A missing or crashed worker, or a file the worker could not open: read it here instead.
    }
  }
  let bytes = await read(uri);
  if (script && bytes.byteLength >= workerThresholdBytes) {
    try {
      const profile = await parseInWorker(script, bytes, name);
      lastRoute = 'worker-bytes';
      return profile;
    } catch (err) {
      if (err instanceof ProfileError) throw err;
      // A missing or crashed worker: parse here instead (the bytes went to the worker; read again).
      if (bytes.byteLength === 0) bytes = await read(uri);
    }
  }
  // Inline, the parse is synchronous: let pending UI messages through before it.
  await yieldToEventLoop();
  const profile = parseProfileBytes(bytes, { fileName: name });
  lastRoute = 'inline';
  return profile;
}

async function decode(uri: vscode.Uri, size: number | undefined): Promise<Profile> {
  const name = uri.path.split('/').pop() ?? uri.toString();
  let profile: Profile;
  try {
    profile = await parse(uri, size, name, readOrExplain);
  } catch (err) {
    if (err instanceof ProfileLoadError) throw err;
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
  const uri = vscode.Uri.file(file);
  const size = await statSize(uri);
  return parse(uri, size, file.split(/[\\/]/).pop() ?? file);
}

const statSize = (uri: vscode.Uri): Thenable<number | undefined> => vscode.workspace.fs.stat(uri).then((s) => s.size, () => undefined);

/** Reads the file for an inline or by-bytes parse; a read error becomes the user's message. */
async function readOrExplain(uri: vscode.Uri): Promise<Uint8Array> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (err) {
    throw new ProfileLoadError(vscode.l10n.t('Cannot read {0}: {1}', uri.fsPath || uri.toString(), (err as Error).message));
  }
}

export async function loadProfile(uri: vscode.Uri): Promise<Profile> {
  // Refuse before reading what could not be parsed anyway (gzip input is capped as it inflates).
  const limit = defaultMaxInputSize();
  const size = await statSize(uri);
  if (size !== undefined && size > limit) {
    const name = uri.path.split('/').pop() ?? uri.toString();
    throw new ProfileLoadError(vscode.l10n.t("{0} is {1}, past the {2} FlameLens reads (an eighth of this machine's memory, at most 2 GB).", name, formatSize(size), formatSize(limit)));
  }
  if (size === undefined || size < progressThresholdBytes) return decode(uri, size);
  const mb = (size / (1024 * 1024)).toFixed(0);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('FlameLens: reading {0} ({1} MB)…', uri.path.split('/').pop() ?? '', mb) },
    () => decode(uri, size),
  );
}

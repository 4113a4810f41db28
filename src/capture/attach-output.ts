// Where an attach capture writes. The folder is created and proven writable before the target is
// touched (a failure then leaves nothing open behind); files are written whole or not at all
// (fs-output.ts); and a profile that cannot be written where asked goes to a temporary folder
// rather than being lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AttachError } from './attach-errors';
import { describeFsError, probeWritableDir, removeEmptyFolders } from '../fs-output';

export { describeFsError, StreamedFile, writeFileWhole } from '../fs-output';

export interface OutputFolder {
  readonly dir: string;
  /** The topmost folder we created (mkdir -p), if any: removed again when nothing was written. */
  readonly created: string | undefined;
}

/** Creates `dir` and writes and removes a probe file in it; throws AttachError('output-unwritable'). */
export function prepareOutputFolder(dir: string): OutputFolder {
  const resolved = path.resolve(dir);
  try {
    return { dir: resolved, created: probeWritableDir(resolved) };
  } catch (error) {
    throw new AttachError(
      'output-unwritable',
      `cannot write to the output folder ${resolved}: ${describeFsError(error)}; nothing was attached — choose a folder you can write to`,
      { cause: error },
    );
  }
}

/** Removes the folders prepareOutputFolder created, innermost first, while they are empty. */
export function removeIfEmpty(folder: OutputFolder): void {
  removeEmptyFolders(folder.dir, folder.created);
}

/** A fresh private folder under the system temp folder for a file that could not go where asked. */
export function fallbackPath(file: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flamelens-attach-'));
  return path.join(dir, path.basename(file));
}

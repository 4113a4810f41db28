// The SourceReader both front ends use for source mapping (the CLI and the extension host, which
// runs where the workspace's files are): profile locations are file:// URLs or paths on this machine.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SourceReader } from './model/sourcemap';

/** Reads local files for source mapping; anything remote (node:, http:, …) is simply not available. */
export const fsSourceReader: SourceReader = {
  async read(location: string): Promise<string | undefined> {
    let file = location;
    if (location.startsWith('file://')) file = fileURLToPath(location);
    else if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) return undefined;
    try {
      return await fs.promises.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

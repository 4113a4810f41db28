// The options every command that reads profiles shares (documented in each command's help):
// --no-source-maps, --max-source-size (largest script or map read for source mapping) and
// --max-size (largest profile, once un-gzipped).
import { parseSize } from '../model/size';
import { sizeOption, UsageError, type ParsedArgs } from './args';
import type { LoadOptions } from './analyze';

/** Their lines in a command's --help (options column 24 wide). */
export const profileLoadHelp = `  --no-source-maps      keep generated (compiled) locations
  --max-source-size SIZE
                        skip scripts and source maps larger than SIZE when source mapping
                        (default 8MB; e.g. 512KB, 32MB). Only regular files are read, and
                        mapping stops after 10 s: the rest keep generated locations (noted)
  --max-size SIZE       refuse profiles larger than SIZE once un-gzipped (e.g. 8GB; default: an
                        eighth of the machine's memory, at most 2 GB)`;

export const profileLoadFlags = ['no-source-maps'] as const;
export const profileLoadValues = ['max-source-size', 'max-size'] as const;

/** The LoadOptions the flags ask for. */
export function profileLoadOptions(args: ParsedArgs): LoadOptions {
  const options: LoadOptions = { sourceMaps: !args.flags.has('no-source-maps') };
  const maxSize = sizeOption(args, 'max-size');
  if (maxSize !== undefined) options.maxSize = maxSize;
  const text = args.values.get('max-source-size');
  if (text !== undefined) {
    const size = parseSize(text);
    if (size === undefined) throw new UsageError(`--max-source-size: cannot read "${text}" (examples: 512KB, 8MB, 1GB)`);
    options.maxSourceSize = size;
  }
  return options;
}

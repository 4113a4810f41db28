// The options every command that reads profiles shares (documented in each command's help):
// --no-source-maps, --max-source-size (largest script or map read for source mapping),
// --max-size (largest profile, once un-gzipped), --from/--to and --sample-type (which of a pprof's).
import { parseSize } from '../model/size';
import { parseDuration, sizeOption, UsageError, type ParsedArgs } from './args';
import type { LoadOptions } from './analyze';

/** Their lines in a command's --help (options column 24 wide). */
export const profileLoadHelp = `  --no-source-maps      keep generated (compiled) locations
  --max-source-size SIZE
                        skip scripts and source maps larger than SIZE when source mapping
                        (default 8MB; e.g. 512KB, 32MB). Only regular files are read, and
                        mapping stops after 10 s: the rest keep generated locations (noted)
  --max-size SIZE       refuse profiles larger than SIZE once un-gzipped (e.g. 8GB; default: an
                        eighth of the machine's memory, at most 2 GB)
  --from TIME, --to TIME
                        only the samples between these times, counted from the first sample
                        (e.g. --from 1.2s --to 3400ms; CPU profiles that kept their samples)
  --sample-type T       pprof input: which sample type to read (e.g. cpu, alloc_space,
                        inuse_space; default: the profile's own default)`;

export const profileLoadFlags = ['no-source-maps'] as const;
export const profileLoadValues = ['max-source-size', 'max-size', 'from', 'to', 'sample-type'] as const;

/** The LoadOptions the flags ask for. */
export function profileLoadOptions(args: ParsedArgs): LoadOptions {
  const options: LoadOptions = { sourceMaps: !args.flags.has('no-source-maps') };
  const sampleType = args.values.get('sample-type');
  if (sampleType !== undefined) options.sampleType = sampleType;
  const maxSize = sizeOption(args, 'max-size');
  if (maxSize !== undefined) options.maxSize = maxSize;
  const text = args.values.get('max-source-size');
  if (text !== undefined) {
    const size = parseSize(text);
    if (size === undefined) throw new UsageError(`--max-source-size: cannot read "${text}" (examples: 512KB, 8MB, 1GB)`);
    options.maxSourceSize = size;
  }
  const from = timeOption(args, 'from');
  const to = timeOption(args, 'to');
  if (from !== undefined || to !== undefined) {
    if (from !== undefined && to !== undefined && !(to > from)) throw new UsageError(`--to must be later than --from (got ${args.values.get('from')} and ${args.values.get('to')})`);
    options.timeRange = { ...(from !== undefined ? { fromMs: from } : {}), ...(to !== undefined ? { toMs: to } : {}) };
  }
  return options;
}

/** --from/--to: a time since the first sample, in ms ("0" and "0s" included; a bare number is seconds). */
function timeOption(args: ParsedArgs, name: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  if (/^0*(\.0*)?\s*(us|µs|ms|s|m)?$/.test(text.trim()) && /0/.test(text)) return 0;
  return parseDuration(text, 's', `--${name}`);
}

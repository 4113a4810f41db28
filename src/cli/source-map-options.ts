// The source-mapping options `report` and `diff` share: --no-source-maps and --max-source-size
// (documented in each command's help).
import { parseSize } from '../fs-source-reader';
import { UsageError, type ParsedArgs } from './args';
import type { LoadOptions } from './analyze';

export const sourceMapFlags = ['no-source-maps'] as const;
export const sourceMapValues = ['max-source-size'] as const;

/** The LoadOptions the flags ask for. */
export function sourceMapOptions(args: ParsedArgs): Pick<LoadOptions, 'sourceMaps' | 'maxSourceSize'> {
  const text = args.values.get('max-source-size');
  if (text === undefined) return { sourceMaps: !args.flags.has('no-source-maps') };
  const size = parseSize(text);
  if (size === undefined) throw new UsageError(`--max-source-size: cannot read "${text}" (examples: 512KB, 8MB, 1GB)`);
  return { sourceMaps: !args.flags.has('no-source-maps'), maxSourceSize: size };
}

// A small command-line parser: `--flag`, `--name value`, `--name=value`, positionals, and `--`
import { parseSize } from '../model/size';
// ending option parsing. Unknown options are usage errors, never silently ignored.

/** A mistake in how the command was called: reported with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** Options that take a value. */
  values?: readonly string[];
  /** Options that are on/off. */
  flags?: readonly string[];
  /** Stop parsing at the first positional (the rest is a command line to run). */
  stopAtPositional?: boolean;
}

export interface ParsedArgs {
  values: Map<string, string>;
  flags: Set<string>;
  positionals: string[];
  /** Everything after `--` (or after the first positional with stopAtPositional). */
  rest: string[];
  /** True when `--` was given. */
  sawDashDash: boolean;
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  const valueNames = new Set(spec.values ?? []);
  const flagNames = new Set([...(spec.flags ?? []), 'help']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!; // i < argv.length
    if (a === '--') return { values, flags, positionals, rest: argv.slice(i + 1), sawDashDash: true };
    if (a === '-h') {
      flags.add('help');
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (valueNames.has(name)) {
        const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
        values.set(name, value);
      } else if (flagNames.has(name)) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        flags.add(name);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) throw new UsageError(`unknown option ${a}`);
    if (spec.stopAtPositional) return { values, flags, positionals, rest: argv.slice(i), sawDashDash: false };
    positionals.push(a);
  }
  return { values, flags, positionals, rest: [], sawDashDash: false };
}

/** A positive integer option such as --top. */
export function intOption(args: ParsedArgs, name: string, fallback: number): number {
  const text = args.values.get(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number, got "${text}"`);
  return n;
}

/** A non-negative number option such as --fail-above. */
export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || text.trim() === '') throw new UsageError(`--${name} must be a number ≥ 0, got "${text}"`);
  return n;
}

const durationUnits = { us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000 } as const;
type DurationUnit = keyof typeof durationUnits;

/**
 * A duration such as "100us", "0.5ms", "10s", "2m", in milliseconds. A bare number is taken in
 * `bareUnit`.
 */
export function parseDuration(text: string, bareUnit: 'us' | 'ms' | 's', what: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(us|µs|ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${what}: cannot read "${text}" (examples: 100us, 1ms, 10s)`);
  // The pattern only lets a known unit (or none) through as group 2.
  const ms = Number(m[1]) * durationUnits[(m[2] as DurationUnit | undefined) ?? bareUnit];
  if (!(ms > 0)) throw new UsageError(`${what} must be more than zero, got "${text}"`);
  return ms;
}

/** A size option such as --max-size: "500MB", "4GB", "1.5g", or bytes (K/M/G/T are powers of 1024). */
export function sizeOption(args: ParsedArgs, name: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const bytes = parseSize(text);
  if (bytes === undefined || !(bytes > 0)) throw new UsageError(`--${name}: cannot read "${text}" as a size (examples: 500MB, 4GB)`);
  return bytes;
}

// `flamelens diff BASE NEW`: what got slower (or allocates more) between two profiles of the same
// program, by function and by source line, with an optional CI gate.
import { intOption, numberOption, parseArgs, UsageError } from './args';
import { InputError, displayLocation, loadProfileFile, round } from './analyze';
import { renderFunctionDeltas, renderLineDeltas } from './text';
import { out } from './io';
import { escapeControlText } from '../model/escape-text';
import { profileLoadFlags, profileLoadHelp, profileLoadOptions, profileLoadValues } from './load-options';
import { baseScale, busyTotal, diffFunctions, diffLines, movedScripts, type FunctionDelta, type LineDelta } from '../model/diff';
import { formatValue } from '../model/format';
import { ProfileError, type Profile } from '../model/types';

export const diffHelp = `Usage: flamelens diff BASE NEW [options]

Compares two profiles of the same program (both CPU or both heap): the functions and source
lines whose self time (or self bytes) grew the most, and those that shrank. Functions are
matched by name, file and line — not by V8's ids — so captures of separate runs compare; a
script found only in BASE is matched with NEW's at the same relative path in another folder
(two checkouts or build folders), and a note says so.

Options:
  --top N               rows per table (default 10)
  --fail-above PCT      exit 1 when a function regressed by more than PCT percent of the base
                        profile's busy total (see rule below)
  --normalize           scale BASE to NEW's busy total first (time minus (idle)), so only
                        shifts in proportion count
  --json                print machine-readable JSON instead of tables
${profileLoadHelp}
  -h, --help            show this help

Regression rule for --fail-above: for every function (V8's pseudo-frames such as (idle),
(program) and (garbage collector) excluded), compute
    (self in NEW − self in BASE) / busy total of BASE × 100
where the busy total is BASE's total minus its (idle) time. If any function exceeds PCT, the
command fails. Example: BASE busy 800 ms, parse() went from 100 ms to 180 ms → +10%;
--fail-above 5 fails, --fail-above 12 passes.

JSON shape: { "base": { "file", "total", "busy" }, "new": { "file", "total", "busy" },
  "kind", "unit", "failAbove": number|null, "failed": boolean, "movedScripts": { BASE path: NEW path },
  "functions": [{ "name", "url", "file", "line", "before", "after", "delta", "percentOfBase" }],
  "lines": [{ "url", "file", "line", "before", "after", "delta", "percentOfBase" }] }
  functions/lines hold the largest changes either way (regressions are positive deltas), at most
  2×top each; percentOfBase is null when BASE has no busy time. Values are µs (CPU) or bytes (heap).

Exit codes: 0 no regression above the threshold (or no threshold), 1 regression above
--fail-above, 2 usage error or unreadable/invalid/mismatched profiles (including times that are
not finite), or --fail-above with a BASE that has no busy time (nothing to take a percentage of).`;

/**
 * The gate must be able to fail: totals or deltas that are not finite numbers, or (with
 * --fail-above) a base with no busy time to take a percentage of, are input errors (exit 2),
 * never a pass. The importer already refuses such values; this keeps the CI gate closed even so.
 */
function checkGateInputs(base: Profile, next: Profile, baseBusy: number, functions: readonly FunctionDelta[], baseFile: string, newFile: string, failAbove: number | undefined, normalize: boolean): void {
  const totals: [string, number][] = [
    [`${baseFile}: total`, base.totalValue[0] ?? 0],
    [`${baseFile}: busy total`, baseBusy],
    [`${newFile}: total`, next.totalValue[0] ?? 0],
  ];
  for (const [what, v] of totals) {
    if (!Number.isFinite(v) || v < 0) throw new InputError(`${what} is ${v}, not a usable amount; the profile is corrupt and cannot be compared.`);
  }
  const broken = functions.find((d) => !Number.isFinite(d.selfDelta) || !Number.isFinite(d.totalDelta));
  if (broken) throw new InputError(`the change of ${broken.frame.functionName} is ${broken.selfDelta}, not a number; a profile is corrupt and cannot be compared.`);
  if (failAbove !== undefined && !(baseBusy > 0)) {
    throw new InputError(`--fail-above needs a base profile with busy time, but ${baseFile} has none (total ${base.totalValue[0] ?? 0}, all of it idle or empty), so no change can be measured as a percentage of it.`);
  }
  // Fails closed: an empty NEW profile (a capture that recorded nothing) would "improve" everything,
  // and under --normalize scale the base to nothing, so no function could ever grow.
  const nextBusy = busyTotal(next);
  if (normalize && !(nextBusy > 0)) {
    const what = (next.totalValue[0] ?? 0) > 0 ? `has no busy time (total ${next.totalValue[0]}, all of it idle)` : `is empty (total ${next.totalValue[0] ?? 0})`;
    throw new InputError(`--normalize scales the base to the new profile's busy time, but ${newFile} ${what}; record it again, or compare without --normalize.`);
  }
  if (failAbove !== undefined && !(nextBusy > 0)) {
    throw new InputError(`--fail-above needs a new profile with busy time, but ${newFile} has none (total ${next.totalValue[0] ?? 0}, all of it idle or empty): it recorded nothing to judge, so the gate cannot pass.`);
  }
}

/** Says when scripts were matched across folders (the program ran from another checkout). */
function movedNote(base: Profile, next: Profile): string[] {
  const moved = [...movedScripts(base, next)];
  if (moved.length === 0) return [];
  const [from, to] = moved[0]!;
  const more = moved.length > 1 ? ` and ${moved.length - 1} more script${moved.length === 2 ? '' : 's'}` : '';
  return [`note: base scripts at other paths compared as the new ones: ${escapeControlText(from)} as ${escapeControlText(to)}${more}`];
}

export async function diffCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['top', 'fail-above', ...profileLoadValues],
    flags: ['json', 'normalize', ...profileLoadFlags],
  });
  if (args.flags.has('help')) {
    out(diffHelp);
    return 0;
  }
  const [baseFile, newFile] = args.positionals;
  if (baseFile === undefined || newFile === undefined || args.positionals.length !== 2) throw new UsageError('diff needs two profile files: BASE NEW');
  const top = intOption(args, 'top', 10);
  const failAbove = numberOption(args, 'fail-above');
  const load = profileLoadOptions(args);
  const [base, next] = await Promise.all([loadProfileFile(baseFile, load), loadProfileFile(newFile, load)]);
  if (base.kind !== next.kind) throw new InputError(`cannot compare a ${base.kind} profile (${baseFile}) with a ${next.kind} profile (${newFile})`);
  const options = { normalize: args.flags.has('normalize') };
  let functions: FunctionDelta[];
  let lines: LineDelta[];
  try {
    functions = diffFunctions(base, next, options).filter((d) => d.frame.category !== 'meta');
    lines = diffLines(base, next, options);
  } catch (e) {
    if (e instanceof ProfileError) throw new InputError(e.message);
    throw e;
  }
  const baseBusy = busyTotal(base);
  checkGateInputs(base, next, baseBusy, functions, baseFile, newFile, failAbove, options.normalize);
  // Shares of the base as compared: with --normalize the deltas are against the scaled base, so is the share.
  const comparedBusy = baseBusy * baseScale(base, next, options);
  const pctOf = (v: number) => (comparedBusy > 0 ? (v / comparedBusy) * 100 : 0);
  // In the JSON a share of nothing is null (as the text leaves the column blank), not 0 %.
  const shareOfBase = (v: number) => (comparedBusy > 0 ? round(pctOf(v), 3) : null);
  const worst = functions.reduce<FunctionDelta | undefined>((w, d) => (d.selfDelta > (w?.selfDelta ?? 0) ? d : w), undefined);
  // Fails closed: a comparison that is not a clear "at most the limit" (NaN included) fails.
  const failed = failAbove !== undefined && worst !== undefined && !(pctOf(worst.selfDelta) <= failAbove);
  const cwd = process.cwd();
  const regressions = functions.filter((d) => d.selfDelta > 0).slice(0, top);
  const improvements = functions.filter((d) => d.selfDelta < 0).slice(0, top);
  const lineUp = lines.filter((d) => d.delta > 0).slice(0, top);
  const lineDown = lines.filter((d) => d.delta < 0).slice(0, top);

  if (args.flags.has('json')) {
    out(
      JSON.stringify(
        {
          base: { file: baseFile, total: base.totalValue[0], busy: baseBusy },
          new: { file: newFile, total: next.totalValue[0], busy: busyTotal(next) },
          kind: next.kind,
          // Scripts matched across folders (two checkouts): BASE's path → NEW's.
          movedScripts: Object.fromEntries(movedScripts(base, next)),
          unit: next.unit,
          failAbove: failAbove ?? null,
          failed,
          functions: [...regressions, ...improvements].map((d) => ({
            name: d.frame.functionName,
            url: d.frame.url,
            file: displayLocation(d.frame.url, cwd),
            line: d.frame.line,
            before: d.selfBefore,
            after: d.selfAfter,
            delta: d.selfDelta,
            percentOfBase: shareOfBase(d.selfDelta),
          })),
          lines: [...lineUp, ...lineDown].map((d) => ({
            url: d.url,
            file: displayLocation(d.url, cwd),
            line: d.line,
            before: d.before,
            after: d.after,
            delta: d.delta,
            percentOfBase: shareOfBase(d.delta),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    const unit = next.unit;
    const what = next.kind === 'cpu' ? 'self time' : 'self bytes';
    out(
      [
        `base ${escapeControlText(baseFile)}: ${formatValue(base.totalValue[0] ?? 0, unit)} (${formatValue(baseBusy, unit)} busy)`,
        `new  ${escapeControlText(newFile)}: ${formatValue(next.totalValue[0] ?? 0, unit)} (${formatValue(busyTotal(next), unit)} busy)`,
        ...movedNote(base, next),
        '',
        renderFunctionDeltas(`Regressions by function (${what}):`, regressions, unit, comparedBusy, cwd),
        '',
        renderFunctionDeltas(`Improvements by function (${what}):`, improvements, unit, comparedBusy, cwd),
        '',
        renderLineDeltas(`Regressions by line:`, lineUp, unit, comparedBusy, cwd),
        '',
        renderLineDeltas(`Improvements by line:`, lineDown, unit, comparedBusy, cwd),
      ].join('\n'),
    );
    if (failAbove !== undefined) {
      out(
        failed && worst
          ? `\nFAIL: ${escapeControlText(worst.frame.functionName)} grew by ${pctOf(worst.selfDelta).toFixed(1)}% of the base (limit ${failAbove}%)`
          : `\nOK: no function grew by more than ${failAbove}% of the base`,
      );
    }
  }
  return failed ? 1 : 0;
}

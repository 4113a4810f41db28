// The CLI's argument parsing: options, `--`, durations, and the errors users see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intOption, numberOption, parseArgs, parseDuration, UsageError } from '../../../src/cli/args';

const spec = { values: ['top', 'out'], flags: ['json', 'heap'] };

test('options, values in both spellings, positionals and --', () => {
  const a = parseArgs(['a.cpuprofile', '--top', '5', '--json', '--out=x y', 'b', '--', '--not-an-option', 'z'], spec);
  assert.deepEqual(a.positionals, ['a.cpuprofile', 'b']);
  assert.equal(a.values.get('top'), '5');
  assert.equal(a.values.get('out'), 'x y');
  assert.ok(a.flags.has('json'));
  assert.ok(!a.flags.has('heap'));
  assert.deepEqual(a.rest, ['--not-an-option', 'z']);
  assert.equal(a.sawDashDash, true);
  assert.equal(intOption(a, 'top', 10), 5);
  assert.equal(intOption(parseArgs([], spec), 'top', 10), 10);
});

test('record-style parsing stops at the command, so its own options are left alone', () => {
  const a = parseArgs(['--heap', 'node', '--inspect', 'app.js'], { ...spec, stopAtPositional: true });
  assert.ok(a.flags.has('heap'));
  assert.deepEqual(a.rest, ['node', '--inspect', 'app.js']);
  assert.equal(a.sawDashDash, false);
});

test('mistakes are UsageErrors that name the option', () => {
  const cases: [string[], RegExp][] = [
    [['--nope'], /unknown option --nope/],
    [['-x'], /unknown option -x/],
    [['--top'], /--top needs a value/],
    [['--top', '--json'], /--top needs a value/],
    [['--json=1'], /--json takes no value/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseArgs(argv, spec), (e: unknown) => e instanceof UsageError && message.test(e.message));
  assert.throws(() => intOption(parseArgs(['--top', '0'], spec), 'top', 1), /positive whole number/);
  assert.throws(() => intOption(parseArgs(['--top', '2.5'], spec), 'top', 1), /positive whole number/);
  assert.ok(parseArgs(['-h'], spec).flags.has('help'));
});

test('durations in µs, ms, s and minutes, with a unit for bare numbers', () => {
  assert.equal(parseDuration('100us', 'us', 'x'), 0.1);
  assert.equal(parseDuration('250µs', 'us', 'x'), 0.25);
  assert.equal(parseDuration('1ms', 'us', 'x'), 1);
  assert.equal(parseDuration('1.5s', 'ms', 'x'), 1500);
  assert.equal(parseDuration('2m', 's', 'x'), 120_000);
  assert.equal(parseDuration('50', 'us', 'x'), 0.05);
  assert.equal(parseDuration('10', 's', 'x'), 10_000);
  assert.throws(() => parseDuration('fast', 's', '--duration'), /--duration: cannot read "fast"/);
  assert.throws(() => parseDuration('0', 's', '--duration'), /more than zero/);
  assert.throws(() => parseDuration('-1s', 's', '--duration'), UsageError);
});

test('percentages accept a trailing %', () => {
  assert.equal(numberOption(parseArgs(['--top', '5%'], spec), 'top'), 5);
  assert.equal(numberOption(parseArgs([], spec), 'top'), undefined);
  assert.throws(() => numberOption(parseArgs(['--top', 'lots'], spec), 'top'), /must be a number/);
});

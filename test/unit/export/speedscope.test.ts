// The speedscope export against speedscope's own published schema (file-format-schema.json from
// the `speedscope` package), checked by a small validator for the JSON Schema keywords that
// schema uses, plus the numbers: weights add up to the profile, stacks match the call tree, and a
// CPU profile's samples come in the order they were taken (speedscope's Time Order view), checked
// against the .cpuprofile's own samples/timeDeltas read here independently of the importer.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { speedscopeJson, toSpeedscope, type SpeedscopeFile, type SpeedscopeSampledProfile } from '../../../src/export/speedscope';
import { parseProfile } from '../../../src/model/import';
import { functionTable } from '../../../src/model/tables';
import { sliceProfile } from '../../../src/model/time-slice';
import { applyViewOptionsMapped, defaultViewOptions } from '../../../src/model/view';
import type { Profile } from '../../../src/model/types';
import { assertClose, readFixture, removeDir, runNode, tempDir } from '../../support/model-helpers';
import { busyFunction, repoRoot } from '../../support/capture-helpers';

type Schema = {
  $ref?: string;
  type?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  definitions?: Record<string, Schema>;
};

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/speedscope/dist/release/file-format-schema.json'), 'utf8')) as Schema;

/** Errors of `value` against `s` (draft-07 subset: $ref, type, const, enum, properties, required, items, anyOf). */
function validate(value: unknown, s: Schema, at = '$', errors: string[] = []): string[] {
  if (errors.length > 20) return errors;
  if (s.$ref !== undefined) {
    const name = decodeURIComponent(s.$ref.replace('#/definitions/', ''));
    const target = schema.definitions?.[name];
    if (!target) throw new Error(`schema has no ${s.$ref}`);
    return validate(value, target, at, errors);
  }
  if (s.anyOf) {
    if (!s.anyOf.some((alt) => validate(value, alt, at, []).length === 0)) errors.push(`${at}: matches none of anyOf`);
    return errors;
  }
  if (s.const !== undefined && value !== s.const) errors.push(`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  if (s.type !== undefined) {
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    if (actual !== s.type && !(s.type === 'integer' && Number.isInteger(value))) {
      errors.push(`${at}: is ${actual}, expected ${s.type}`);
      return errors;
    }
  }
  if (s.type === 'object' && typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in obj)) errors.push(`${at}: missing "${key}"`);
    for (const [key, v] of Object.entries(obj)) {
      const prop = s.properties?.[key];
      if (prop) validate(v, prop, `${at}.${key}`, errors);
      else if (s.additionalProperties === false) errors.push(`${at}: unexpected "${key}"`);
    }
  }
  if (s.type === 'array' && Array.isArray(value) && s.items) {
    for (let i = 0; i < value.length; i++) validate(value[i], s.items, `${at}[${i}]`, errors);
  }
  return errors;
}

const fileSchema: Schema = { $ref: '#/definitions/FileFormat.File' };

test('speedscope export: the CPU, heap and multi-thread files validate against file-format-schema.json', () => {
  for (const names of [['small-webpack-1000us.cpuprofile'], ['heap-webpack-16k.heapprofile'], ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile']]) {
    const file = toSpeedscope(names.map((n) => ({ name: n, profile: parseProfile(readFixture(n)) })), names[0]!);
    const json = JSON.parse(speedscopeJson(file)) as unknown;
    assert.deepEqual(validate(json, fileSchema), [], names.join(' + '));
    assert.equal(file.profiles.length, names.length, 'one profile per input profile (thread)');
  }
});

test('speedscope validator control: a file without weights or with a bad unit is rejected', () => {
  const file = JSON.parse(speedscopeJson(toSpeedscope([{ name: 'x', profile: parseProfile(readFixture('small-marked-1000us.cpuprofile')) }], 'x'))) as Record<string, unknown> & SpeedscopeFile;
  const noWeights = structuredClone(file) as unknown as { profiles: Record<string, unknown>[] };
  delete noWeights.profiles[0]!.weights;
  assert.ok(validate(noWeights, fileSchema).length > 0);
  const badUnit = structuredClone(file) as unknown as { profiles: Record<string, unknown>[] };
  badUnit.profiles[0]!.unit = 'µs';
  assert.ok(validate(badUnit, fileSchema).length > 0);
});

test('speedscope export: weights in µs / bytes add up to the profile total, stacks are the call paths, frames carry file/line/col', () => {
  for (const name of ['small-webpack-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
    const p = parseProfile(readFixture(name));
    const file = toSpeedscope([{ name, profile: p }], name);
    const prof = file.profiles[0]!;
    assert.equal(prof.unit, p.kind === 'cpu' ? 'microseconds' : 'bytes');
    assert.equal(prof.samples.length, prof.weights.length);
    assertClose(prof.weights.reduce((a, b) => a + b, 0), p.totalValue[0]!, `${name}: weights sum to the total`);
    assertClose(prof.endValue - prof.startValue, p.totalValue[0]!, `${name}: value range is the total`);
    // The heaviest stack (weights summed per stack: a CPU profile's samples come as runs in time
    // order) is the node with the most self value, with its full stack root first.
    let heaviest = 1;
    for (let i = 1; i < p.nodeCount; i++) if (p.selfValue[i]! > p.selfValue[heaviest]!) heaviest = i;
    const path: string[] = [];
    for (let n = heaviest; n > 0; n = p.nodeParent[n]!) path.unshift(p.frames[p.nodeFrame[n]!]!.functionName);
    const perStack = new Map<string, number>();
    prof.samples.forEach((s, k) => perStack.set(s.join(','), (perStack.get(s.join(',')) ?? 0) + prof.weights[k]!));
    const top = [...perStack].reduce((a, b) => (b[1] > a[1] ? b : a));
    assert.deepEqual(top[0].split(',').map((f) => file.shared.frames[Number(f)]!.name), path);
    // Frames with a location keep it (1-based line and column, as speedscope expects).
    const located = p.frames.find((f) => f.url !== '' && f.line > 0 && f.column > 0)!;
    assert.ok(file.shared.frames.some((f) => f.name === located.functionName && f.file === located.url && f.line === located.line && f.col === located.column), `${name}: ${located.functionName} keeps file/line/col`);
  }
});

// ---- Time order: the export against the .cpuprofile's own samples and timeDeltas ----

interface RawCpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A frame as "name|url|line|col" (1-based, 0 = none), from the raw callFrame or the exported frame. */
const rawFrameKey = (cf: RawCpuProfile['nodes'][number]['callFrame']): string =>
  `${cf.functionName === '' ? '(anonymous)' : cf.functionName}|${cf.url}|${cf.lineNumber >= 0 ? cf.lineNumber + 1 : 0}|${cf.columnNumber >= 0 ? cf.columnNumber + 1 : 0}`;

function exportedStack(file: SpeedscopeFile, stack: readonly number[]): string[] {
  return stack.map((i) => {
    const f = file.shared.frames[i]!;
    return `${f.name}|${f.file ?? ''}|${f.line ?? 0}|${f.col ?? 0}`;
  });
}

/**
 * The profile's samples as recorded: each sample's stack (frame keys, the root's child first) and
 * the interval it stands for, cut to [from, to): from sample i's time (startTime + the running sum
 * of timeDeltas, on a clock that never runs backwards) to the next sample's, the last until endTime.
 */
function rawSamples(raw: RawCpuProfile, from = -Infinity, to = Infinity): { stack: string[]; from: number; to: number }[] {
  const byId = new Map(raw.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of raw.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): string[] => {
    const out: string[] = [];
    for (let n: number | undefined = id; n !== undefined && parent.has(n); n = parent.get(n)) out.unshift(rawFrameKey(byId.get(n)!.callFrame));
    return out;
  };
  const times: number[] = [];
  let ts = raw.startTime;
  let clock = -Infinity;
  for (const d of raw.timeDeltas) {
    ts += d;
    clock = Math.max(clock, ts);
    times.push(clock);
  }
  const end = Math.max(raw.endTime, clock);
  const out: { stack: string[]; from: number; to: number }[] = [];
  for (let i = 0; i < raw.samples.length; i++) {
    const a = Math.max(times[i]!, from);
    const b = Math.min(i + 1 < times.length ? times[i + 1]! : end, to);
    if (b > a) out.push({ stack: stackOf(raw.samples[i]!), from: a, to: b });
  }
  return out;
}

/**
 * Expands the exported runs back into the recorded samples: walking the samples in time order, each
 * one lies in the current run (same stack), which ends exactly where a sample ends; every run is
 * used up; neighbouring runs differ (the merge is complete). Returns how many samples were merged.
 */
function assertTimeOrder(file: SpeedscopeFile, prof: SpeedscopeSampledProfile, samples: { stack: string[]; from: number; to: number }[], what: string): number {
  assert.equal(prof.unit, 'microseconds');
  assert.equal(prof.samples.length, prof.weights.length);
  let run = 0;
  let left = prof.weights[0]!;
  let at = samples[0]!.from;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    assert.ok(run < prof.samples.length, `${what}: sample ${i} at ${s.from} lies past the last run`);
    assert.equal(s.from, at, `${what}: sample ${i} starts where the one before ended`);
    assert.deepEqual(exportedStack(file, prof.samples[run]!), s.stack, `${what}: sample ${i} (at ${s.from - samples[0]!.from} µs) has its recorded stack`);
    left -= s.to - s.from;
    at = s.to;
    assert.ok(left >= -1e-6, `${what}: run ${run} is shorter than its samples`);
    if (Math.abs(left) <= 1e-6) {
      run++;
      left = prof.weights[run] ?? 0;
    }
  }
  assert.equal(run, prof.samples.length, `${what}: every run stands for recorded samples`);
  // speedscope's time axis: the recording's own clock, from the first sample to the end.
  assert.equal(prof.startValue, samples[0]!.from, `${what}: startValue is the first sample's time`);
  assert.equal(prof.endValue, samples[samples.length - 1]!.to, `${what}: endValue is the end of the last sample`);
  for (let k = 1; k < prof.samples.length; k++) {
    assert.notDeepEqual(prof.samples[k], prof.samples[k - 1], `${what}: runs ${k - 1} and ${k} have the same stack (not merged)`);
  }
  return samples.length - prof.samples.length;
}

/**
 * What speedscope's Left Heavy and Sandwich views add up, per function (self: the leaf; total: on
 * the stack, once per sample however often it recurses), equals FlameLens's function table.
 */
function assertFunctionTotals(file: SpeedscopeFile, prof: SpeedscopeSampledProfile, p: Profile, what: string): void {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  prof.samples.forEach((stack, k) => {
    const keys = exportedStack(file, stack);
    self.set(keys[keys.length - 1]!, (self.get(keys[keys.length - 1]!) ?? 0) + prof.weights[k]!);
    for (const key of new Set(keys)) total.set(key, (total.get(key) ?? 0) + prof.weights[k]!);
  });
  const key = (f: number) => {
    const fr = p.frames[f]!;
    return `${fr.functionName}|${fr.url}|${fr.line}|${fr.column}`;
  };
  let checked = 0;
  for (const row of functionTable(p)) {
    if (row.frame === p.nodeFrame[0] || row.total <= 0) continue; // the root is no frame in speedscope
    assertClose(self.get(key(row.frame)) ?? 0, row.self, `${what}: self of ${key(row.frame)}`);
    assertClose(total.get(key(row.frame)) ?? 0, row.total, `${what}: total of ${key(row.frame)}`);
    checked++;
  }
  assert.equal(total.size, checked, `${what}: the export has no function the table lacks`);
  assertClose(prof.weights.reduce((a, b) => a + b, 0), p.totalValue[0]!, `${what}: weights add up to the profile`);
}

test('speedscope export of a CPU profile: its samples in time order (stack and time of each), merged into runs, totals as FlameLens\'s', () => {
  for (const name of ['small-webpack-1000us.cpuprofile', 'small-marked-1000us.cpuprofile']) {
    const raw = JSON.parse(readFixture(name).toString('utf8')) as RawCpuProfile;
    const p = parseProfile(readFixture(name));
    const file = toSpeedscope([{ name, profile: p }], name);
    const prof = file.profiles[0]!;
    const samples = rawSamples(raw);
    const merged = assertTimeOrder(file, prof, samples, name);
    // small-webpack: 2175 samples in 1572 runs of one node; small-marked: 599 in 453.
    assert.ok(merged > 0.2 * samples.length, `${name}: ${samples.length} samples → ${prof.samples.length} runs`);
    assertFunctionTotals(file, prof, p, name);
  }
});

test('speedscope export of a --from/--to slice: the samples of the range only, in time order, cut at its ends', () => {
  const name = 'small-webpack-1000us.cpuprofile';
  const raw = JSON.parse(readFixture(name).toString('utf8')) as RawCpuProfile;
  const p = parseProfile(readFixture(name));
  const first = p.sampleTimes![0]!;
  // Bounds inside samples (not on a sample time), so the first and last samples are cut.
  const [from, to] = [first + 250_000.5, first + 900_000.25];
  const slice = sliceProfile(p, from, to);
  const file = toSpeedscope([{ name, profile: slice }], name);
  const prof = file.profiles[0]!;
  const samples = rawSamples(raw, from, to);
  assert.ok(samples[0]!.from === from && samples[samples.length - 1]!.to === to);
  assert.ok(assertTimeOrder(file, prof, samples, 'slice') > 0);
  assertFunctionTotals(file, prof, slice, 'slice');
  assertClose(prof.endValue - prof.startValue, to - from, 'the range');
});

test('speedscope export of a filtered view (Export Profile… with filters on): the source\'s samples in time order, each on its view node, totals as the view\'s', () => {
  const name = 'small-webpack-1000us.cpuprofile';
  const p = parseProfile(readFixture(name));
  const { view, nodeMap } = applyViewOptionsMapped(p, { ...defaultViewOptions, hideNodeModules: true, hideInternals: true, hideMeta: true });
  assert.equal(view.sampleNodes, undefined, 'the view itself keeps no sample sequence');
  const file = toSpeedscope([{ name, profile: view, sequenceFrom: { source: p, nodeMap } }], name);
  const prof = file.profiles[0]!;
  // Expected: each source sample's duration on the view node it maps to (dropped ones left out),
  // consecutive equal stacks merged.
  const key = (f: number) => {
    const fr = view.frames[f]!;
    return `${fr.functionName}|${fr.url}|${fr.line > 0 ? fr.line : 0}|${fr.column > 0 ? fr.column : 0}`;
  };
  const stackOf = (n: number): string => {
    const path: string[] = [];
    for (let x = n; x > 0; x = view.nodeParent[x]!) path.push(key(view.nodeFrame[x]!));
    return (n === 0 ? [key(view.nodeFrame[0]!)] : path.reverse()).join(' > ');
  };
  const times = p.sampleTimes!;
  const nodes = p.sampleNodes!;
  const want: { stack: string; weight: number }[] = [];
  let dropped = 0;
  for (let i = 0; i < nodes.length; i++) {
    const d = (i + 1 < nodes.length ? times[i + 1]! : Math.max(times[i]!, p.endTime)) - times[i]!;
    const n = nodeMap[nodes[i]!]!;
    if (n < 0) dropped++;
    if (n < 0 || d === 0) continue;
    const stack = stackOf(n);
    const last = want[want.length - 1];
    if (last && last.stack === stack) last.weight += d;
    else want.push({ stack, weight: d });
  }
  assert.ok(dropped > 0, 'hideMeta drops the idle/program/GC samples');
  assert.deepEqual(
    prof.samples.map((st) => exportedStack(file, st).join(' > ')),
    want.map((w) => w.stack),
  );
  prof.weights.forEach((w, k) => assertClose(w, want[k]!.weight, `run ${k}`));
  // Time order, not one sample per node: some stack comes back after others ran.
  const seen = new Set<string>();
  let again = 0;
  for (const st of prof.samples) {
    const k = st.join(',');
    if (seen.has(k)) again++;
    seen.add(k);
  }
  assert.ok(again > 100, `${again} stacks come back later in the sequence`);
  assertFunctionTotals(file, prof, view, 'filtered view');
});

test('speedscope export of a real `node --cpu-prof` recording: ping, pong, ping, pong… as they ran, not one block each', () => {
  const dir = tempDir('flamelens-speedscope-');
  try {
    writeFileSync(
      path.join(dir, 'app.js'),
      `${busyFunction('ping', 60)}${busyFunction('pong', 60)}for (let round = 0; round < 3; round++) { ping(); pong(); }\n`,
    );
    const [file] = runNode(['--cpu-prof', '--cpu-prof-interval', '500', '--cpu-prof-dir', dir, 'app.js'], dir, dir);
    assert.ok(file, 'node wrote a .cpuprofile');
    const bytes = readFileSync(file);
    const raw = JSON.parse(bytes.toString('utf8')) as RawCpuProfile;
    const p = parseProfile(bytes);
    const out = toSpeedscope([{ name: 'app', profile: p }], 'app');
    const prof = out.profiles[0]!;
    const samples = rawSamples(raw);
    assert.ok(assertTimeOrder(out, prof, samples, 'recording') > samples.length / 2, `${samples.length} samples → ${prof.samples.length} runs`);
    assertFunctionTotals(out, prof, p, 'recording');
    // Time Order shows the calls in turn: the runs in ping or pong, one label per stretch.
    const turns: string[] = [];
    for (const stack of prof.samples) {
      const names = stack.map((f) => out.shared.frames[f]!.name);
      const label = names.includes('ping') ? 'ping' : names.includes('pong') ? 'pong' : undefined;
      if (label && turns[turns.length - 1] !== label) turns.push(label);
    }
    assert.deepEqual(turns, ['ping', 'pong', 'ping', 'pong', 'ping', 'pong']);
  } finally {
    removeDir(dir);
  }
});

test('speedscope export without a sample sequence stays aggregated: one sample per node with self value (heap profile)', () => {
  const name = 'heap-webpack-16k.heapprofile';
  const p = parseProfile(readFixture(name));
  const prof = toSpeedscope([{ name, profile: p }], name).profiles[0]!;
  let nodes = 0;
  for (let i = 0; i < p.nodeCount; i++) if (p.selfValue[i]! > 0) nodes++;
  assert.equal(prof.samples.length, nodes);
  assert.equal(prof.startValue, 0);
  assertClose(prof.endValue, p.totalValue[0]!, 'bytes');
});

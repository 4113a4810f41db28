// The speedscope export against speedscope's own published schema (file-format-schema.json from
// the `speedscope` package), checked by a small validator for the JSON Schema keywords that
// schema uses, plus the numbers: weights add up to the profile, stacks match the call tree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { speedscopeJson, toSpeedscope, type SpeedscopeFile } from '../../../src/export/speedscope';
import { parseProfile } from '../../../src/model/import';
import { assertClose, readFixture } from '../../support/model-helpers';
import { repoRoot } from '../../support/capture-helpers';

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
    // The heaviest sample is the node with the most self value, with its full stack root first.
    let heaviest = 1;
    for (let i = 1; i < p.nodeCount; i++) if (p.selfValue[i]! > p.selfValue[heaviest]!) heaviest = i;
    const path: string[] = [];
    for (let n = heaviest; n > 0; n = p.nodeParent[n]!) path.unshift(p.frames[p.nodeFrame[n]!]!.functionName);
    const k = prof.weights.indexOf(Math.max(...prof.weights));
    assert.deepEqual(prof.samples[k]!.map((f) => file.shared.frames[f]!.name), path);
    // Frames with a location keep it (1-based line and column, as speedscope expects).
    const located = p.frames.find((f) => f.url !== '' && f.line > 0 && f.column > 0)!;
    assert.ok(file.shared.frames.some((f) => f.name === located.functionName && f.file === located.url && f.line === located.line && f.col === located.column), `${name}: ${located.functionName} keeps file/line/col`);
  }
});

// pprof (profile.proto: Go's runtime/pprof, `@datadog/pprof`, Pyroscope, FlameLens's own export)
// into the Profile model. Input arrives un-gzip'd (gunzip.ts). One sample type is chosen: by
// option, else the profile's default_sample_type, else the first time-valued type (CPU/wall),
// else the first `space` type (heap). Each sample's stack becomes a path in the call tree and the
// leaf Line's line number an entry of the node's line table, so hot lines survive the trip.
// Negative values are legal in pprof: a difference profile (`pprof -diff_base`, `-base`) holds the
// baseline's samples negated, and Go's pprof shows them as decreases. Here they become the
// baseline of a comparison profile (baseSelfValue), with a note; values past 2^53 get a note too.
import { Profile as PprofProfile, type Location } from 'pprof-format';
import { ProfileBuilder } from './builder';
import { makeFrame } from './frames';
import type { Profile } from './types';
import { ProfileError } from './types';

export interface PprofParseOptions {
  /** Sample type to load: its type (`cpu`, `alloc_space`) or `type/unit`. */
  sampleType?: string;
}

/** A sample type of a pprof, for a picker. */
export interface PprofSampleType {
  type: string;
  unit: string;
}

const timeUnits: Record<string, number> = { nanoseconds: 1e-3, microseconds: 1, milliseconds: 1e3, seconds: 1e6 };

/**
 * Whether `bytes` is a protobuf message whose top-level fields are Profile fields: 'ok', 'truncated'
 * (well-formed fields up to the end, where one is cut off), 'corrupt' (several well-formed fields,
 * then bytes that are none) or 'no'. Walking the wire format tells pprof from JSON reliably: no
 * JSON text forms a valid sequence of these fields.
 */
export function sniffPprof(bytes: Uint8Array): 'ok' | 'truncated' | 'corrupt' | 'no' {
  const walk = walkPprofFields(bytes);
  if (walk.fields === 0) return 'no';
  if (walk.stop === 'end') return 'ok';
  if (walk.stop === 'cut') return 'truncated';
  // Three well-formed fields from byte 0 are about 1 in 5000 for random bytes, and never JSON.
  return walk.fields >= corruptAfterFields ? 'corrupt' : 'no';
}

const corruptAfterFields = 3;

/** How far `bytes` reads as top-level Profile fields: their count, and where and why the walk stopped. */
export function walkPprofFields(bytes: Uint8Array): { fields: number; at: number; stop: 'end' | 'cut' | 'bad' } {
  let pos = 0;
  let fields = 0;
  while (pos < bytes.length) {
    const at = pos;
    const key = bytes[pos++]!;
    if (!isPprofKey(key)) return { fields, at, stop: 'bad' };
    const wire = key & 7;
    let n = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) return { fields, at, stop: 'cut' };
      const b = bytes[pos++]!;
      if (shift < 49) n += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (shift > 70) return { fields, at, stop: 'bad' };
      if (b < 0x80) break;
    }
    if (wire === 2) {
      if (pos + n > bytes.length) return { fields, at, stop: 'cut' };
      pos += n;
    }
    fields++;
  }
  return { fields, at: pos, stop: 'end' };
}

/** Whether `key` is the one-byte key of a Profile field (what a pprof's first byte must be). */
export function isPprofKey(key: number): boolean {
  const field = key >> 3;
  const wire = key & 7;
  // Fields 1-6, 11 and 13 (packed) are length-delimited; 7-10, 12, 14, 15 and 13 (unpacked) varints.
  const delimited = field <= 6 || field === 11 || field === 13;
  const varint = (field >= 7 && field <= 10) || field === 12 || field >= 13;
  return field !== 0 && field <= 15 && ((wire === 2 && delimited) || (wire === 0 && varint));
}

/** The sample types of a pprof, for a picker (the bytes must be a pprof, un-gzip'd). */
export function pprofSampleTypes(bytes: Uint8Array): PprofSampleType[] {
  const pb = decode(bytes);
  const s = stringsOf(pb);
  return pb.sampleType.map((t) => ({ type: s(t.type, 'a sample type'), unit: s(t.unit, 'a sample unit') }));
}

export function parsePprof(bytes: Uint8Array, options: PprofParseOptions = {}): Profile {
  const pb = decode(bytes);
  const s = stringsOf(pb);
  const types = pb.sampleType.map((t) => ({ type: s(t.type, 'a sample type'), unit: s(t.unit, 'a sample unit') }));
  if (types.length === 0) {
    throw new ProfileError('invalid-structure', 'Not a usable pprof: it declares no sample types, so its samples have no meaning.');
  }
  const period = num(pb.period);
  const periodUnit = pb.periodType ? s(pb.periodType.unit, 'the period unit') : '';
  // A heap pprof (sampled by bytes: Go's, pprof-nodejs's) also counts objects; FlameLens shows heap
  // profiles in bytes, so its count types are not read as times.
  const heapPprof = periodUnit === 'bytes' || (types.some((t) => t.unit === 'bytes') && !types.some((t) => timeUnits[t.unit] !== undefined));
  const usable = (t: PprofSampleType) => !heapPprof || t.unit === 'bytes';
  const chosen = chooseSampleType(types, options.sampleType, num(pb.defaultSampleType) > 0 ? s(pb.defaultSampleType, 'default_sample_type') : '', usable);
  const { type, unit } = types[chosen]!;
  const timeScale = timeUnits[unit];
  // Counts (e.g. samples/count as the only type) are worth count × period when the period is a time.
  const countScale = unit === 'count' && timeUnits[periodUnit] !== undefined && period > 0 ? period * timeUnits[periodUnit]! : undefined;
  const kind = unit === 'bytes' ? 'heap' : 'cpu';
  const scale = kind === 'heap' ? 1 : (timeScale ?? countScale ?? 1);
  const notes: string[] = [];
  if (types.length > 1) notes.push(`pprof sample type ${type}/${unit} of ${types.map((t) => `${t.type}/${t.unit}`).join(', ')}.`);
  if (kind === 'cpu' && timeScale === undefined && countScale === undefined) notes.push(`The pprof values are ${unit}, shown here as µs.`);
  // Sample counts: a count type, preferring one named like the chosen type (alloc_space ↔ alloc_objects).
  const prefix = type.includes('_') ? type.slice(0, type.indexOf('_') + 1) : '';
  let countIndex = types.findIndex((t) => t.unit === 'count' && prefix !== '' && t.type.startsWith(prefix));
  if (countIndex < 0) countIndex = types.findIndex((t) => t.unit === 'count');

  const functions = new Map<number, { name: string; file: string; start: number }>();
  for (const f of pb.function) {
    functions.set(num(f.id), { name: s(f.name, 'a function name'), file: s(f.filename, 'a file name'), start: num(f.startLine) });
  }
  const locations = new Map<number, Location>();
  for (const l of pb.location) locations.set(num(l.id), l);

  const startUs = num(pb.timeNanos) / 1000;
  const b = new ProfileBuilder({ kind, unit: kind === 'heap' ? 'bytes' : 'us', format: 'pprof', startTime: 0, endTime: 0, notes });
  const frameOf = new Map<number, number>();
  const frameFor = (functionId: number): number => {
    let frame = frameOf.get(functionId);
    if (frame === undefined) {
      const f = functions.get(functionId);
      if (!f) throw new ProfileError('invalid-structure', `Not a valid pprof: a location refers to function ${functionId}, which is not in the profile.`);
      frame = b.frame(makeFrame(f.name, f.file, f.start, 0));
      frameOf.set(functionId, frame);
    }
    return frame;
  };
  let total = 0;
  let sampleCount = 0;
  // Difference profiles (pprof -diff_base, -base) hold negative values: the baseline's samples,
  // negated. They become the baseline of a comparison, as FlameLens's own diffs have one.
  let negative = 0;
  let markedBase = 0;
  let imprecise = 0;
  const frames: number[] = [];
  for (const sample of pb.sample) {
    if (sample.value.length !== types.length) {
      throw new ProfileError('invalid-structure', `Not a valid pprof: a sample has ${sample.value.length} values for ${types.length} sample types.`);
    }
    const raw = sample.value[chosen]!;
    const rawCount = countIndex >= 0 ? sample.value[countIndex]! : 0;
    if (!isSafe(raw) || !isSafe(rawCount)) imprecise++;
    // Dividing by 1000 keeps whole ns counts exact in µs (× 1e-3 gives 70675.99999… for 70676000).
    const value = scale === 1e-3 ? num(raw) / 1000 : num(raw) * scale;
    const count = num(rawCount);
    if (value === 0 && count <= 0) continue;
    // Leaf first in pprof; within a location, inlined functions come before their caller.
    frames.length = 0;
    let leafLine = 0;
    for (const id of sample.locationId) {
      const l = locations.get(num(id));
      if (!l) throw new ProfileError('invalid-structure', `Not a valid pprof: a sample refers to location ${num(id)}, which is not in the profile.`);
      for (const line of l.line) {
        if (frames.length === 0) leafLine = num(line.line);
        frames.push(frameFor(num(line.functionId)));
      }
    }
    let node = 0;
    for (let k = frames.length - 1; k >= 0; k--) node = b.addNode(node, frames[k]!);
    if (value < 0) {
      negative++;
      if (sample.label.some((l) => s(l.key, 'a label key') === 'pprof::base' && s(l.str, 'a label value') === 'true')) markedBase++;
      b.addBaseSelf(node, -value);
      continue;
    }
    // A merged difference (pprof -base) can net a positive value against more base samples.
    const samples = count > 0 ? count : 0;
    b.addSelf(node, value, samples);
    if (leafLine > 0) b.addLine(node, leafLine, value);
    total += value;
    sampleCount += samples;
  }
  if (negative > 0) {
    const by = markedBase === negative ? '`pprof -diff_base` writes' : '`pprof -base` and `-diff_base` write';
    b.note(`This pprof is a difference profile (${negative} sample${negative === 1 ? ' has a negative value' : 's have negative values'}, as ${by}): read as a comparison whose baseline is the negative samples. Tables and exports show the new profile (the other samples); the flame graph shows the change.`);
  }
  if (imprecise > 0) {
    b.note(`${imprecise} sample${imprecise === 1 ? ' has' : 's have'} a value beyond 2^53 (9,007,199,254,740,991), which a JavaScript number cannot hold exactly: rounded to the nearest one it holds (within 1 part in 10^15).`);
  }
  const durationUs = num(pb.durationNanos) / 1000;
  const header = kind === 'heap' ? { startTime: 0, endTime: total } : { startTime: startUs, endTime: startUs + (durationUs > 0 ? durationUs : total) };
  const p = b.finish();
  return { ...p, ...header, sampleCount };
}

function decode(bytes: Uint8Array): PprofProfile {
  const sniff = sniffPprof(bytes);
  if (sniff === 'truncated') throw new ProfileError('truncated', 'The pprof profile ends in the middle of a record: it was probably cut off while being written or copied.');
  if (sniff === 'corrupt') {
    const walk = walkPprofFields(bytes);
    throw new ProfileError('invalid-structure', `The file starts as a pprof profile (profile.proto: ${walk.fields} well-formed records), but byte ${walk.at} (0x${bytes[walk.at]!.toString(16).padStart(2, '0')}) begins no record a profile can hold: it is corrupt (damaged while being written or copied, or saved as text). Export or download it again.`);
  }
  if (sniff === 'no') throw new ProfileError('unknown-format', 'This is not a pprof profile (profile.proto).');
  try {
    return PprofProfile.decode(bytes);
  } catch (err) {
    throw new ProfileError('invalid-structure', `Not a valid pprof: ${(err as Error).message}.`);
  }
}

/** Looks up string-table entries, failing clearly on an index past the table. */
function stringsOf(pb: PprofProfile): (index: number | bigint, what: string) => string {
  const table = pb.stringTable.strings;
  if (table.length === 0 || table[0] !== '') {
    throw new ProfileError('invalid-structure', 'Not a valid pprof: its string table must start with the empty string.');
  }
  return (index, what) => {
    const i = num(index);
    const v = table[i];
    if (v === undefined) {
      throw new ProfileError('invalid-structure', `Not a valid pprof: ${what} is string ${i}, but the string table has only ${table.length} entries.`);
    }
    return v;
  };
}

function chooseSampleType(types: readonly PprofSampleType[], wanted: string | undefined, defaultType: string, usable: (t: PprofSampleType) => boolean): number {
  const names = (list: readonly PprofSampleType[]) => list.map((t) => `${t.type}/${t.unit}`).join(', ');
  if (wanted !== undefined && wanted !== '') {
    const i = types.findIndex((t) => t.type === wanted || `${t.type}/${t.unit}` === wanted);
    if (i < 0) {
      throw new ProfileError('invalid-structure', `The pprof has no sample type "${wanted}"; it has ${names(types)}.`);
    }
    if (!usable(types[i]!)) {
      const bytes = types.filter(usable);
      throw new ProfileError(
        'invalid-structure',
        `The pprof's sample type ${names([types[i]!])} counts objects of a heap profile, which FlameLens shows in bytes; choose ${bytes.length ? names(bytes) : 'a type in bytes'}.`,
      );
    }
    return i;
  }
  const byDefault = defaultType === '' ? -1 : types.findIndex((t) => t.type === defaultType && usable(t));
  if (byDefault >= 0) return byDefault;
  const time = types.findIndex((t) => timeUnits[t.unit] !== undefined);
  if (time >= 0) return time;
  const space = types.findIndex((t) => usable(t) && (t.type.includes('space') || t.unit === 'bytes'));
  if (space >= 0) return space;
  const any = types.findIndex(usable);
  if (any < 0) throw new ProfileError('invalid-structure', `Not a usable pprof: a heap profile with no sample type in bytes (it has ${names(types)}).`);
  return any;
}

/** Whether a decoded int64 (see num) is a number a double holds exactly. */
function isSafe(v: number | bigint): boolean {
  if (typeof v !== 'bigint') return Number.isSafeInteger(v);
  const n = BigInt.asIntN(64, v);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER);
}

/** A decoded varint as a number; 64-bit values are int64 in profile.proto (negatives arrive as 2^64 − x). */
function num(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : v;
}

// pprof export (profile.proto, what `go tool pprof`, Grafana Pyroscope and Datadog read), encoded
// with `pprof-format`. The call tree becomes one Sample per (node, source line): the leaf Location
// is (function, line) from the node's line table, so per-line views in pprof match FlameLens's hot
// lines; callers sit at their function's own line (V8 does not record call sites). The result is
// uncompressed: callers gzip it (node:zlib in the CLI and extension host), keeping this module pure.
import {
  Function as PprofFunction,
  Line,
  Location,
  Mapping,
  Profile as PprofProfile,
  Sample,
  StringTable,
  ValueType,
} from 'pprof-format';
import type { Profile } from '../model/types';

export interface PprofExportOptions {
  /** Wall-clock start of the capture in ms since the epoch (pprof `time_nanos`); omitted when unknown. */
  startedAtMs?: number;
  /**
   * Sampling interval: µs between CPU samples, or bytes between heap samples (pprof `period`).
   * Default for CPU: the recorded time divided by the sample count; for heap: none.
   */
  samplingInterval?: number;
}

/** The profile as a pprof message; `encodePprof` turns it into bytes. */
export function toPprof(p: Profile, options: PprofExportOptions = {}): PprofProfile {
  const strings = new StringTable();
  const str = (s: string): number => strings.dedup(s);
  const cpu = p.kind === 'cpu';
  // Heap profiles without a per-sample list have no object counts: leave that sample type out.
  let sampleTotal = 0;
  for (let i = 0; i < p.nodeCount; i++) sampleTotal += p.selfSamples[i]!;
  const withCounts = cpu || sampleTotal > 0;
  const sampleType = cpu
    ? [vt(str, 'samples', 'count'), vt(str, 'cpu', 'nanoseconds')]
    : withCounts
      ? [vt(str, 'objects', 'count'), vt(str, 'space', 'bytes')]
      : [vt(str, 'space', 'bytes')];

  const functions: PprofFunction[] = [];
  const functionId = new Int32Array(p.frames.length); // 0 = not yet written
  const fn = (frame: number): number => {
    if (functionId[frame] === 0) {
      const f = p.frames[frame]!;
      const id = functions.length + 1;
      // No system_name: pprof takes a function whose name equals its system name for a mangled
      // C++ symbol and "simplifies" it, dropping <…> and (…) from names that hold < > [ ] or ::,
      // so V8's <instance_members_initializer> became an empty name (listed as the mapping).
      functions.push(new PprofFunction({ id, name: str(f.functionName), filename: str(f.url), startLine: f.line }));
      functionId[frame] = id;
    }
    return functionId[frame]!;
  };
  const locations: Location[] = [];
  const locationId = new Map<number, number>();
  const loc = (frame: number, line: number): number => {
    // frame < 2^22 and line < 2^31 keep this key an exact integer.
    const key = frame * 0x80000000 + Math.max(0, line);
    let id = locationId.get(key);
    if (id === undefined) {
      id = locations.length + 1;
      const column = line === p.frames[frame]!.line ? p.frames[frame]!.column : 0;
      locations.push(new Location({ id, mappingId: 1, line: [new Line({ functionId: fn(frame), line: Math.max(0, line), column })] }));
      locationId.set(key, id);
    }
    return id;
  };
  // Location of each node as a caller (its function's own line), filled on first use. Stacks are
  // walked per sample rather than cached per node, so memory stays linear in the tree size.
  const callerLoc = new Int32Array(p.nodeCount);
  const stackOf = (node: number, leaf: number): number[] => {
    const stack = [leaf];
    for (let n = p.nodeParent[node]!; n > 0; n = p.nodeParent[n]!) {
      if (callerLoc[n] === 0) {
        const f = p.nodeFrame[n]!;
        callerLoc[n] = loc(f, p.frames[f]!.line);
      }
      stack.push(callerLoc[n]!);
    }
    return stack;
  };

  const samples: Sample[] = [];
  const emit = (node: number, line: number, count: number, value: number): void => {
    const v = cpu ? [count, Math.round(value * 1000)] : withCounts ? [count, Math.round(value)] : [Math.round(value)];
    if (v.every((x) => x === 0)) return;
    // Self value on the root itself (e.g. frames hidden by a filter) keeps the root as its frame.
    samples.push(new Sample({ locationId: stackOf(node, loc(p.nodeFrame[node]!, line)), value: v }));
  };
  for (let i = 0; i < p.nodeCount; i++) {
    const self = p.selfValue[i]!;
    const count = p.selfSamples[i]!;
    if (self === 0 && count === 0) continue;
    const k0 = p.lineStart[i]!;
    const k1 = p.lineStart[i + 1]!;
    if (self === 0 || k1 === k0) {
      emit(i, p.frames[p.nodeFrame[i]!]!.line, Math.round(count), self);
      continue;
    }
    // Whole sample counts split over the lines by value (largest remainder), so counts still sum up.
    const counts = splitCount(Math.round(count), p.lineValue.subarray(k0, k1), self);
    for (let k = k0; k < k1; k++) emit(i, p.lineNumber[k]!, counts[k - k0]!, p.lineValue[k]!);
  }

  const durationUs = Math.max(0, p.endTime - p.startTime);
  const interval = options.samplingInterval ?? (cpu && p.sampleCount > 0 ? Math.max(1, Math.round(durationUs / p.sampleCount)) : 0);
  return new PprofProfile({
    sampleType,
    sample: samples,
    // One mapping that says symbols are already resolved, so pprof never tries to symbolize addresses.
    mapping: [new Mapping({ id: 1, filename: str(p.format), hasFunctions: true, hasFilenames: true, hasLineNumbers: true })],
    location: locations,
    function: functions,
    stringTable: strings,
    ...(options.startedAtMs !== undefined ? { timeNanos: BigInt(Math.round(options.startedAtMs)) * 1_000_000n } : {}),
    ...(cpu ? { durationNanos: Math.round(durationUs * 1000) } : {}),
    periodType: cpu ? vt(str, 'cpu', 'nanoseconds') : vt(str, 'space', 'bytes'),
    period: cpu ? interval * 1000 : interval,
    defaultSampleType: str(cpu ? 'cpu' : 'space'),
  });
}

/** profile.proto bytes (not gzip'd). */
export function encodePprof(p: Profile, options: PprofExportOptions = {}): Uint8Array {
  return toPprof(p, options).encode();
}

function vt(str: (s: string) => number, type: string, unit: string): ValueType {
  return new ValueType({ type: str(type), unit: str(unit) });
}

/** Splits `count` into whole parts in proportion to `values` (which sum to `total`). */
function splitCount(count: number, values: ArrayLike<number>, total: number): number[] {
  const parts = new Array<number>(values.length);
  const rests: { k: number; rest: number }[] = [];
  let given = 0;
  for (let k = 0; k < values.length; k++) {
    const exact = total > 0 ? (count * values[k]!) / total : 0;
    parts[k] = Math.floor(exact);
    given += parts[k]!;
    rests.push({ k, rest: exact - parts[k]! });
  }
  rests.sort((a, b) => b.rest - a.rest || a.k - b.k);
  for (let j = 0; given < count && j < rests.length; j++, given++) parts[rests[j]!.k]!++;
  return parts;
}

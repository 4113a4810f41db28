// The legacy "head" CPU profile: what v8-profiler-next writes unless told setGenerateType(1) (so
// what most production services that use it write), and Chrome before version 57. One nested tree
// under `head` — each node its own functionName/url/scriptId, 1-based lineNumber/columnNumber, a
// hitCount, lineTicks (or positionTicks) [{line, hitCount}] with 1-based lines — then `samples`
// (node ids) and `timestamps` (µs, absolute), with startTime/endTime in seconds (v8-profiler-next
// writes them cut to whole seconds). It is rewritten here as the flat profile v8-profiler-next
// writes with setGenerateType(1) (same numbering), which the CPU parser reads with all its checks;
// the tree is walked with an explicit stack, so no stack depth limits it.
import { ProfileError } from './types';

/** Thrown by the heap-tree parsers when a `head` tree turns out to be a legacy CPU profile. */
export class LegacyCpuProfile extends ProfileError {
  constructor() {
    super('unknown-format', 'This is a CPU profile in the legacy "head" format (v8-profiler-next\'s default, or Chrome before version 57).');
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(what: string): never {
  throw new ProfileError('invalid-structure', `Not a usable legacy CPU profile: ${what}.`);
}

interface FlatNode {
  id: number;
  callFrame: { functionName: string; scriptId: number; url: string; lineNumber: number; columnNumber: number; lineTicks?: { line: number; hitCount: number }[] };
  hitCount: number;
  children: number[];
}

/** The legacy profile `text` as the current flat format (JSON text), or a ProfileError saying what is wrong. */
export function legacyCpuToFlat(text: string): string {
  let top: unknown;
  try {
    top = JSON.parse(text);
  } catch {
    // The scanner already read it as JSON; only memory could fail here.
    invalid('its JSON could not be read whole');
  }
  if (!isObject(top) || !isObject(top.head)) invalid('no "head" node');
  const nodes: FlatNode[] = [];
  const seen = new Set<number>();
  const stack: Json[] = [top.head];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const id = node.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) invalid(`a node's id is ${JSON.stringify(id) ?? 'missing'}`);
    if (seen.has(id)) invalid(`node id ${id} appears twice`);
    seen.add(id);
    const children = node.children === undefined ? [] : node.children;
    if (!Array.isArray(children)) invalid(`the children of node ${id} are not an array`);
    const ticks = Array.isArray(node.lineTicks) ? node.lineTicks : Array.isArray(node.positionTicks) ? node.positionTicks : undefined;
    const flat: FlatNode = {
      id,
      callFrame: {
        functionName: typeof node.functionName === 'string' ? node.functionName : '',
        scriptId: typeof node.scriptId === 'number' ? node.scriptId : Number(node.scriptId) || 0,
        url: typeof node.url === 'string' ? node.url : '',
        lineNumber: typeof node.lineNumber === 'number' ? node.lineNumber : 0,
        columnNumber: typeof node.columnNumber === 'number' ? node.columnNumber : 0,
      },
      hitCount: typeof node.hitCount === 'number' ? node.hitCount : 0,
      children: [],
    };
    if (ticks) {
      flat.callFrame.lineTicks = ticks.filter(isObject).map((t) => ({ line: Number(t.line), hitCount: Number(t.hitCount ?? t.ticks) }));
    }
    nodes.push(flat);
    // Children in order, visited in preorder (the order V8 writes its flat nodes in).
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (!isObject(child)) invalid(`a child of node ${id} is not an object`);
      stack.push(child);
    }
    for (const child of children as Json[]) flat.children.push(child.id as number);
  }

  const flat: Json = { typeId: 'CPU', nodes };
  for (const key of ['uid', 'title']) if (top[key] !== undefined) flat[key] = top[key];
  const samples = top.samples;
  const timestamps = top.timestamps;
  if (Array.isArray(samples) && Array.isArray(timestamps) && samples.length !== timestamps.length && samples.length > 0 && timestamps.length > 0) {
    invalid(`it has ${samples.length} samples but ${timestamps.length} timestamps; there must be one timestamp per sample (the dump was cut or altered)`);
  }
  if (Array.isArray(samples) && Array.isArray(timestamps) && samples.length === timestamps.length && samples.length > 0) {
    const times = timestamps.map(Number);
    if (!times.every(Number.isFinite)) invalid('a timestamp is not a number');
    // startTime/endTime are seconds, and v8-profiler-next cuts them to whole ones: the samples'
    // own times bound the profile unless the stated ones are finer and still enclose them.
    const first = times[0]!;
    const last = times[times.length - 1]!;
    const statedStart = Number(top.startTime) * 1e6;
    const statedEnd = Number(top.endTime) * 1e6;
    const start = Number.isFinite(statedStart) && statedStart <= first && first - statedStart < 1e6 && !Number.isInteger(Number(top.startTime)) ? statedStart : first;
    const end = Number.isFinite(statedEnd) && statedEnd >= last ? statedEnd : last;
    const deltas = new Array<number>(times.length);
    let previous = start;
    for (let i = 0; i < times.length; i++) {
      deltas[i] = times[i]! - previous;
      previous = times[i]!;
    }
    flat.samples = samples;
    flat.timeDeltas = deltas;
    flat.startTime = start;
    flat.endTime = end;
  } else {
    // No samples: the hit counts are what there is (the CPU parser says so in a note).
    const start = Number(top.startTime) * 1e6;
    const end = Number(top.endTime) * 1e6;
    const from = Number.isFinite(start) ? start : 0;
    flat.startTime = from;
    flat.endTime = Number.isFinite(end) && end >= from ? end : from;
  }
  return JSON.stringify(flat);
}

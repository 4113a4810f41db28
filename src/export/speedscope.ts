// speedscope's file format (https://www.speedscope.app/file-format-schema.json): one "sampled"
// profile per input profile (per thread of a capture), sharing one frame table. Each call-tree
// node with self value becomes one sample (its stack, root first) weighted by that value, so
// speedscope's left-heavy and sandwich views add up to FlameLens's totals.
import type { Frame, Profile } from '../model/types';

export interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}

export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: 'microseconds' | 'bytes';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeSampledProfile[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

export interface NamedProfile {
  /** Shown in speedscope's profile picker, e.g. "main thread" or the file name. */
  name: string;
  profile: Profile;
}

export function toSpeedscope(profiles: readonly NamedProfile[], name: string, exporter = 'flamelens'): SpeedscopeFile {
  const frames: SpeedscopeFrame[] = [];
  const frameIndex = new Map<string, number>();
  const intern = (f: Frame): number => {
    const key = `${f.functionName}\u0000${f.url}\u0000${f.line}\u0000${f.column}`;
    let i = frameIndex.get(key);
    if (i === undefined) {
      i = frames.length;
      frames.push({
        name: f.functionName,
        ...(f.url !== '' ? { file: f.url } : {}),
        ...(f.line > 0 ? { line: f.line } : {}),
        ...(f.column > 0 ? { col: f.column } : {}),
      });
      frameIndex.set(key, i);
    }
    return i;
  };
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: profiles.map((np) => sampled(np, intern)),
    name,
    activeProfileIndex: 0,
    exporter,
  };
}

function sampled({ name, profile: p }: NamedProfile, intern: (f: Frame) => number): SpeedscopeSampledProfile {
  // Shared frame index per profile frame, interned on first use so unused frames stay out.
  const sharedIndex = new Int32Array(p.frames.length).fill(-1);
  const shared = (frame: number): number => {
    if (sharedIndex[frame]! < 0) sharedIndex[frame] = intern(p.frames[frame]!);
    return sharedIndex[frame]!;
  };
  // Stack of each node, root's children first; the root (node 0) is not a frame in speedscope.
  const stacks = new Array<number[] | undefined>(p.nodeCount);
  stacks[0] = [];
  const samples: number[][] = [];
  const weights: number[] = [];
  let total = 0;
  for (let i = 1; i < p.nodeCount; i++) {
    const stack = [...stacks[p.nodeParent[i]!]!, shared(p.nodeFrame[i]!)];
    // Parents precede children, so a node's stack is built before any child asks for it; drop
    // stacks of leaves early to keep memory at O(depth × inner nodes).
    if (p.childStart[i + 1]! > p.childStart[i]!) stacks[i] = stack;
    const self = p.selfValue[i]!;
    if (self <= 0) continue;
    samples.push(stack);
    weights.push(self);
    total += self;
  }
  if (p.selfValue[0]! > 0) {
    // Value on the root itself (frames hidden by a filter) stays visible as the root frame.
    samples.push([shared(p.nodeFrame[0]!)]);
    weights.push(p.selfValue[0]!);
    total += p.selfValue[0]!;
  }
  return { type: 'sampled', name, unit: p.unit === 'us' ? 'microseconds' : 'bytes', startValue: 0, endValue: total, samples, weights };
}

/** The file as JSON text. */
export function speedscopeJson(file: SpeedscopeFile): string {
  return JSON.stringify(file);
}

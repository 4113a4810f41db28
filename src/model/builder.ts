// Builds a valid Profile incrementally. Every transform (filters, focus, diff, sandwich, source
// maps) goes through it, so the invariants of types.ts hold in one place: node 0 is the root,
// parents precede children, siblings are unique by frame, totals are self + descendants and each
// node's line entries sum to its self value.
import type { Frame, Profile, ProfileFormat, ProfileKind, ValueUnit } from './types';

export interface ProfileHeader {
  readonly kind: ProfileKind;
  readonly unit: ValueUnit;
  readonly format: ProfileFormat;
  readonly startTime: number;
  readonly endTime: number;
  /** When omitted, finish() uses the sum of selfSamples. */
  readonly sampleCount?: number;
  readonly notes?: readonly string[];
}

export interface ProfileBuilderOptions {
  /** Frames to start from, keeping their indexes (transforms pass the input's frames). */
  readonly frames?: readonly Frame[];
  /** Frame of node 0: an index into `frames` or a frame to intern. Default: '(root)'. */
  readonly root?: number | Frame;
}

export const rootFrame: Frame = { functionName: '(root)', url: '', line: 0, column: 0, category: 'meta' };

/** Identity of a frame: same name + url + line + column = same frame (types.ts). */
export function frameKey(f: Frame): string {
  return `${f.functionName}\u0000${f.url}\u0000${f.line}\u0000${f.column}`;
}

// Child lookup key: parent * FRAME_SLOTS + frame stays an exact integer below 2^53 for
// up to 2^31 nodes and 2^22 frames; beyond that frames fall back to a string key.
const FRAME_SLOTS = 2 ** 22;

class Float64List {
  data = new Float64Array(64);
  length = 0;
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < n) size *= 2;
    const next = new Float64Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(v: number): void {
    this.ensure(this.length + 1);
    this.data[this.length++] = v;
  }
}

class Int32List {
  data = new Int32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export class ProfileBuilder {
  private readonly header: ProfileHeader;
  private readonly frameList: Frame[] = [];
  private readonly frameIndex = new Map<string, number>();
  private readonly parents = new Int32List();
  private readonly nodeFrames = new Int32List();
  private readonly self = new Float64List();
  private readonly samples = new Float64List();
  private base: Float64List | undefined;
  private readonly childIndex = new Map<number | string, number>();
  private readonly lineNode = new Int32List();
  private readonly lineNo = new Int32List();
  private readonly lineVal = new Float64List();
  private readonly extraNotes: string[] = [];
  private sampleCountOverride: number | undefined;

  constructor(header: ProfileHeader, options: ProfileBuilderOptions = {}) {
    this.header = header;
    for (const f of options.frames ?? []) {
      this.frameList.push(f);
      const key = frameKey(f);
      // Keep the first index for duplicates so lookups are stable.
      if (!this.frameIndex.has(key)) this.frameIndex.set(key, this.frameList.length - 1);
    }
    const root = options.root ?? rootFrame;
    const rootIndex = typeof root === 'number' ? root : this.frame(root);
    if (rootIndex < 0 || rootIndex >= this.frameList.length) throw new RangeError(`root frame ${rootIndex} out of range`);
    this.pushNode(-1, rootIndex);
  }

  /**
   * A builder with `p`'s header and frames (frame indexes stay valid) and `p`'s root frame;
   * `options` may replace the frames (same indexes, e.g. source-mapped) or the root.
   */
  static like(p: Profile, overrides: Partial<ProfileHeader> = {}, options: ProfileBuilderOptions = {}): ProfileBuilder {
    const header: ProfileHeader = {
      kind: p.kind,
      unit: p.unit,
      format: p.format,
      startTime: p.startTime,
      endTime: p.endTime,
      sampleCount: p.sampleCount,
      notes: p.notes,
      ...overrides,
    };
    return new ProfileBuilder(header, { frames: p.frames, root: p.nodeFrame[0], ...options });
  }

  /** Interns a frame and returns its index. */
  frame(f: Frame): number {
    const key = frameKey(f);
    const found = this.frameIndex.get(key);
    if (found !== undefined) return found;
    this.frameList.push(f);
    this.frameIndex.set(key, this.frameList.length - 1);
    return this.frameList.length - 1;
  }

  frameAt(index: number): Frame {
    const f = this.frameList[index];
    if (f === undefined) throw new RangeError(`frame ${index} out of range`);
    return f;
  }

  get nodeCount(): number {
    return this.parents.length;
  }

  parentOf(node: number): number {
    return this.parents.data[node];
  }

  frameOf(node: number): number {
    return this.nodeFrames.data[node];
  }

  /** The child of `parent` with `frame`, or -1. */
  findChild(parent: number, frame: number): number {
    return this.childIndex.get(childKey(parent, frame)) ?? -1;
  }

  /** Adds a child of `parent` for `frame`, or returns the existing child with that frame. */
  addNode(parent: number, frame: number): number {
    if (parent < 0 || parent >= this.parents.length) throw new RangeError(`parent ${parent} out of range`);
    if (frame < 0 || frame >= this.frameList.length) throw new RangeError(`frame ${frame} out of range`);
    const key = childKey(parent, frame);
    const existing = this.childIndex.get(key);
    if (existing !== undefined) return existing;
    const node = this.pushNode(parent, frame);
    this.childIndex.set(key, node);
    return node;
  }

  /** Adds self value (and samples) to a node. Without line entries it lands on the frame's line. */
  addSelf(node: number, value: number, samples = 0): void {
    this.self.data[node] += value;
    this.samples.data[node] += samples;
  }

  /** Records `value` of the node's self value on a 1-based line of its frame's url. */
  addLine(node: number, line: number, value: number): void {
    if (value === 0) return;
    this.lineNode.push(node);
    this.lineNo.push(line);
    this.lineVal.push(value);
  }

  /** Diff profiles: the baseline's self value of a node. */
  addBaseSelf(node: number, value: number): void {
    if (!this.base) {
      this.base = new Float64List();
      this.base.ensure(this.self.data.length);
      this.base.length = this.parents.length;
    }
    this.base.data[node] += value;
  }

  note(text: string): void {
    this.extraNotes.push(text);
  }

  setSampleCount(count: number): void {
    this.sampleCountOverride = count;
  }

  finish(): Profile {
    const n = this.parents.length;
    const nodeParent = this.parents.data.slice(0, n);
    const nodeFrame = this.nodeFrames.data.slice(0, n);
    const selfValue = this.self.data.slice(0, n);
    const selfSamples = this.samples.data.slice(0, n);
    const totalValue = selfValue.slice();
    for (let i = n - 1; i > 0; i--) totalValue[nodeParent[i]] += totalValue[i];

    const childStart = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) childStart[nodeParent[i] + 1]++;
    for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
    const childNodes = new Int32Array(Math.max(0, n - 1));
    const fill = childStart.slice(0, n);
    for (let i = 1; i < n; i++) childNodes[fill[nodeParent[i]]++] = i;

    const lines = this.buildLines(n, nodeFrame, selfValue);

    let baseSelfValue: Float64Array | undefined;
    let baseTotalValue: Float64Array | undefined;
    if (this.base) {
      baseSelfValue = this.base.data.slice(0, n);
      baseTotalValue = baseSelfValue.slice();
      for (let i = n - 1; i > 0; i--) baseTotalValue[nodeParent[i]] += baseTotalValue[i];
    }

    let sampleCount = this.sampleCountOverride ?? this.header.sampleCount;
    if (sampleCount === undefined) {
      sampleCount = 0;
      for (let i = 0; i < n; i++) sampleCount += selfSamples[i];
    }

    const profile: Profile = {
      kind: this.header.kind,
      unit: this.header.unit,
      format: this.header.format,
      frames: this.frameList.slice(),
      nodeCount: n,
      nodeFrame,
      nodeParent,
      childStart,
      childNodes,
      selfValue,
      totalValue,
      selfSamples,
      lineStart: lines.lineStart,
      lineNumber: lines.lineNumber,
      lineValue: lines.lineValue,
      startTime: this.header.startTime,
      endTime: this.header.endTime,
      sampleCount,
      notes: [...(this.header.notes ?? []), ...this.extraNotes],
      ...(baseSelfValue && baseTotalValue ? { baseSelfValue, baseTotalValue } : {}),
    };
    return profile;
  }

  private pushNode(parent: number, frame: number): number {
    this.parents.push(parent);
    this.nodeFrames.push(frame);
    this.self.push(0);
    this.samples.push(0);
    if (this.base) this.base.push(0);
    return this.parents.length - 1;
  }

  // Groups line entries by node (counting sort), merges equal lines, and scales them so they
  // sum to the node's self value; a node with self value but no entries gets its frame's line.
  private buildLines(n: number, nodeFrame: Int32Array, selfValue: Float64Array) {
    const m = this.lineNode.length;
    const counts = new Int32Array(n + 1);
    for (let k = 0; k < m; k++) counts[this.lineNode.data[k] + 1]++;
    for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
    const order = new Int32Array(m);
    const fill = counts.slice(0, n);
    for (let k = 0; k < m; k++) order[fill[this.lineNode.data[k]]++] = k;

    const lineStart = new Int32Array(n + 1);
    const outLine: number[] = [];
    const outValue: number[] = [];
    const byLine = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      lineStart[i] = outLine.length;
      const self = selfValue[i];
      if (self === 0) continue;
      byLine.clear();
      let sum = 0;
      for (let k = counts[i]; k < counts[i + 1]; k++) {
        const e = order[k];
        const line = this.lineNo.data[e];
        const v = this.lineVal.data[e];
        byLine.set(line, (byLine.get(line) ?? 0) + v);
        sum += v;
      }
      if (byLine.size === 0 || sum <= 0) {
        outLine.push(this.frameList[nodeFrame[i]].line);
        outValue.push(self);
        continue;
      }
      const scale = self / sum;
      const sorted = [...byLine.keys()].sort((a, b) => a - b);
      for (const line of sorted) {
        const v = (byLine.get(line) ?? 0) * scale;
        if (v === 0) continue;
        outLine.push(line);
        outValue.push(v);
      }
    }
    lineStart[n] = outLine.length;
    return { lineStart, lineNumber: Int32Array.from(outLine), lineValue: Float64Array.from(outValue) };
  }
}

function childKey(parent: number, frame: number): number | string {
  return frame < FRAME_SLOTS ? parent * FRAME_SLOTS + frame : `${parent}:${frame}`;
}

/**
 * Copies node `from` of `p` (self value, samples, baseline self and line entries) onto node `to` of `b`.
 * When `to` stands for another function (a hidden frame folded into its caller), the lines,
 * which belong to the hidden frame's file, are credited to the caller's own line instead:
 * a CPU profile does not record call sites, so the caller's declaration line is the only line
 * of the caller's file we know.
 */
export function copyValues(p: Profile, from: number, b: ProfileBuilder, to: number): void {
  const self = p.selfValue[from];
  b.addSelf(to, self, p.selfSamples[from]);
  // Diff profiles keep their baseline through every transform.
  if (p.baseSelfValue) b.addBaseSelf(to, p.baseSelfValue[from]);
  if (self === 0) return;
  if (b.frameOf(to) === p.nodeFrame[from] || sameFrame(b.frameAt(b.frameOf(to)), p.frames[p.nodeFrame[from]])) {
    for (let k = p.lineStart[from]; k < p.lineStart[from + 1]; k++) b.addLine(to, p.lineNumber[k], p.lineValue[k]);
  } else {
    b.addLine(to, b.frameAt(b.frameOf(to)).line, self);
  }
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.url === b.url && a.functionName === b.functionName && a.line === b.line;
}

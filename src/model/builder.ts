// Builds a valid Profile incrementally. Every transform (filters, focus, diff, sandwich, source
// maps, merge) goes through it: the builder keeps node 0 the root, parents before children and
// siblings unique by frame, and finish() hands the arrays to assembleProfile — the same code the
// importers finish with — for totals, line tables that sum to each self value, and the value checks.
import { assembleProfile } from './assemble';
import type { Frame, Profile, ProfileFormat, ProfileKind, ValueUnit } from './types';
import { IntList } from './scan';

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

export class ProfileBuilder {
  private readonly header: ProfileHeader;
  private readonly frameList: Frame[] = [];
  /** frameKey per frame, and an open-addressing hash of frame indexes keyed by it. */
  private readonly frameKeys: string[] = [];
  private frameSlots = new Int32Array(1024).fill(-1);
  private readonly parents = new IntList(64);
  private readonly nodeFrames = new IntList(64);
  private readonly self = new Float64List();
  private readonly samples = new Float64List();
  private base: Float64List | undefined;
  /**
   * Open-addressing hash of node indexes keyed by (parent, frame), read back from the node
   * arrays: no JS Map, whose 2^24-entry limit a large profile exceeds, and 4 bytes per slot.
   */
  private childSlots = new Int32Array(1024).fill(-1);
  private childCount = 0;
  private readonly lineNode = new IntList(64);
  private readonly lineNo = new IntList(64);
  private readonly lineVal = new Float64List();
  private readonly extraNotes: string[] = [];
  private sampleCountOverride: number | undefined;

  constructor(header: ProfileHeader, options: ProfileBuilderOptions = {}) {
    this.header = header;
    for (const f of options.frames ?? []) {
      const key = frameKey(f);
      // Keep the first index for duplicates so lookups are stable.
      const known = this.findFrame(key) >= 0;
      this.frameList.push(f);
      this.frameKeys.push(key);
      if (!known) this.indexFrame(this.frameList.length - 1);
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
    const found = this.findFrame(key);
    if (found >= 0) return found;
    this.frameList.push(f);
    this.frameKeys.push(key);
    this.indexFrame(this.frameList.length - 1);
    return this.frameList.length - 1;
  }

  private findFrame(key: string): number {
    const slots = this.frameSlots;
    const mask = slots.length - 1;
    for (let slot = hashString(key) & mask; ; slot = (slot + 1) & mask) {
      const f = slots[slot]!;
      if (f < 0 || this.frameKeys[f] === key) return f;
    }
  }

  private indexFrame(f: number): void {
    if ((this.frameList.length + 1) * 2 > this.frameSlots.length) {
      const old = this.frameSlots;
      this.frameSlots = new Int32Array(old.length * 2).fill(-1);
      for (let i = 0; i < old.length; i++) if (old[i]! >= 0) this.placeFrame(old[i]!);
    }
    this.placeFrame(f);
  }

  private placeFrame(f: number): void {
    const slots = this.frameSlots;
    const mask = slots.length - 1;
    let slot = hashString(this.frameKeys[f]!) & mask;
    while (slots[slot]! >= 0) slot = (slot + 1) & mask;
    slots[slot] = f;
  }

  frameAt(index: number): Frame {
    const f = this.frameList[index];
    if (f === undefined) throw new RangeError(`frame ${index} out of range`);
    return f;
  }

  get nodeCount(): number {
    return this.parents.length;
  }

  // Node ids passed to parentOf, frameOf and the add* methods below are ones this builder handed out: in range.
  parentOf(node: number): number {
    return this.parents.data[node]!;
  }

  frameOf(node: number): number {
    return this.nodeFrames.data[node]!;
  }

  /** The child of `parent` with `frame`, or -1. */
  findChild(parent: number, frame: number): number {
    const slots = this.childSlots;
    const mask = slots.length - 1;
    const parents = this.parents.data;
    const frames = this.nodeFrames.data;
    for (let slot = hashPair(parent, frame) & mask; ; slot = (slot + 1) & mask) {
      const node = slots[slot]!;
      if (node < 0 || (parents[node] === parent && frames[node] === frame)) return node;
    }
  }

  /** Adds a child of `parent` for `frame`, or returns the existing child with that frame. */
  addNode(parent: number, frame: number): number {
    if (parent < 0 || parent >= this.parents.length) throw new RangeError(`parent ${parent} out of range`);
    if (frame < 0 || frame >= this.frameList.length) throw new RangeError(`frame ${frame} out of range`);
    const existing = this.findChild(parent, frame);
    if (existing >= 0) return existing;
    const node = this.pushNode(parent, frame);
    if ((++this.childCount + 1) * 2 > this.childSlots.length) {
      const old = this.childSlots;
      this.childSlots = new Int32Array(old.length * 2).fill(-1);
      for (let i = 0; i < old.length; i++) if (old[i]! >= 0) this.placeChild(old[i]!);
    }
    this.placeChild(node);
    return node;
  }

  private placeChild(node: number): void {
    const slots = this.childSlots;
    const mask = slots.length - 1;
    let slot = hashPair(this.parents.data[node]!, this.nodeFrames.data[node]!) & mask;
    while (slots[slot]! >= 0) slot = (slot + 1) & mask;
    slots[slot] = node;
  }

  /** Adds self value (and samples) to a node. Without line entries it lands on the frame's line. */
  addSelf(node: number, value: number, samples = 0): void {
    this.self.data[node]! += value;
    this.samples.data[node]! += samples;
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
    this.base.data[node]! += value;
  }

  note(text: string): void {
    this.extraNotes.push(text);
  }

  setSampleCount(count: number): void {
    this.sampleCountOverride = count;
  }

  /** The Profile: assembled, and its values checked, by assembleProfile (as the importers' are). */
  finish(): Profile {
    const n = this.parents.length;
    const nodeParent = this.parents.data.slice(0, n);
    const nodeFrame = this.nodeFrames.data.slice(0, n);
    const selfValue = this.self.data.slice(0, n);
    const selfSamples = this.samples.data.slice(0, n);
    let sampleCount = this.sampleCountOverride ?? this.header.sampleCount;
    if (sampleCount === undefined) {
      sampleCount = 0;
      for (let i = 0; i < n; i++) sampleCount += selfSamples[i]!;
    }
    // Line entries grouped by node (a counting sort): the weights assembleProfile splits each
    // node's self value by.
    const m = this.lineNode.length;
    const nodeOf = this.lineNode.data;
    const tickStart = new Int32Array(n + 1);
    for (let k = 0; k < m; k++) tickStart[nodeOf[k]! + 1]!++;
    for (let i = 0; i < n; i++) tickStart[i + 1]! += tickStart[i]!;
    const fill = tickStart.slice(0, n);
    const tickLine = new Int32Array(m);
    const tickCount = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const at = fill[nodeOf[k]!]!++;
      tickLine[at] = this.lineNo.data[k]!;
      tickCount[at] = this.lineVal.data[k]!;
    }
    return assembleProfile({
      kind: this.header.kind,
      unit: this.header.unit,
      format: this.header.format,
      frames: this.frameList.slice(),
      parent: nodeParent,
      nodeFrame,
      selfValue,
      selfSamples,
      tickStart,
      tickLine,
      tickCount,
      ...(this.base ? { baseSelfValue: this.base.data.slice(0, n) } : {}),
      startTime: this.header.startTime,
      endTime: this.header.endTime,
      sampleCount,
      notes: [...(this.header.notes ?? []), ...this.extraNotes],
    });
  }

  private pushNode(parent: number, frame: number): number {
    this.parents.push(parent);
    this.nodeFrames.push(frame);
    this.self.push(0);
    this.samples.push(0);
    if (this.base) this.base.push(0);
    return this.parents.length - 1;
  }
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b, 0xc2b2ae35);
  return h ^ (h >>> 15);
}

/** FNV-1a over the UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/**
 * Copies node `from` of `p` (self value, samples, baseline self and line entries) onto node `to` of `b`.
 * When `to` stands for another function (a hidden frame folded into its caller), the lines,
 * which belong to the hidden frame's file, are credited to the caller's own line instead:
 * a CPU profile does not record call sites, so the caller's declaration line is the only line
 * of the caller's file we know.
 */
export function copyValues(p: Profile, from: number, b: ProfileBuilder, to: number): void {
  // `from` is a node of p (< nodeCount) and k runs over its own line entries: all indexes are in range.
  const self = p.selfValue[from]!;
  b.addSelf(to, self, p.selfSamples[from]);
  // Diff profiles keep their baseline through every transform.
  if (p.baseSelfValue) b.addBaseSelf(to, p.baseSelfValue[from]!);
  if (self === 0) return;
  if (b.frameOf(to) === p.nodeFrame[from] || sameFrame(b.frameAt(b.frameOf(to)), p.frames[p.nodeFrame[from]!]!)) {
    for (let k = p.lineStart[from]!; k < p.lineStart[from + 1]!; k++) b.addLine(to, p.lineNumber[k]!, p.lineValue[k]!);
  } else {
    b.addLine(to, b.frameAt(b.frameOf(to)).line, self);
  }
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.url === b.url && a.functionName === b.functionName && a.line === b.line;
}

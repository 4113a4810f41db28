// What the editor shows for a profile, computed without vscode so it can be tested on real
// profiles: per-line annotations ("12.4 ms · 3.1%" with a heat 0..1), per-function lens texts,
// hover details (callers, callees) and the function under the cursor. The index over the
// profile's line and function tables is built lazily, once, on the first file asked about.
import { escapeControlText, escapeMarkdown } from '../model/escape-text';

export { escapeMarkdown } from '../model/escape-text';
import { formatPercent, formatValue } from '../model/format';
import { functionTable, lineTable } from '../model/tables';
import type { Frame, Profile } from '../model/types';
import { normalizePath } from './paths';
import { locationPath } from '../profile-location';
import { englishText, type Translator } from '../translator';
import { remapLines, shiftLines, type LineEdit } from './line-shift';
import { matchLines } from './line-diff';

export interface LineAnnotation {
  /** 1-based line. */
  line: number;
  self: number;
  /** Share of the whole profile, 0..100. */
  percent: number;
  /** self relative to the profile's hottest line, 0..1. */
  heat: number;
  /** "12.4 ms · 3.1%" */
  text: string;
  /** Profile frame owning most of the line's value. */
  frame: number;
}

export interface FunctionLens {
  /** 1-based line where the function starts. */
  line: number;
  frame: number;
  name: string;
  self: number;
  total: number;
  /** "self 12.4 ms (3.1%) · total 40.2 ms (10.0%)" */
  text: string;
}

export interface CallEdge {
  name: string;
  url: string;
  line: number;
  value: number;
  /** "12.4 ms · 3.1%" */
  text: string;
}

export interface HoverInfo {
  line: LineAnnotation;
  functionName: string;
  functionLens: FunctionLens | undefined;
  /** Heaviest callers of the line's function, by time through that caller. */
  callers: CallEdge[];
  callees: CallEdge[];
  reveal: RevealTarget;
}

/** What the flame graph's `reveal` message needs. */
export interface RevealTarget {
  name: string;
  url: string;
  line: number;
}

export interface HotLineOptions {
  /** Lines and functions below this share of the profile (percent) are left out. */
  thresholdPercent: number;
}

interface FileIndex {
  lines: LineAnnotation[];
  /** Frames whose url is this file, ordered by start line. */
  frames: number[];
}

const maxEdges = 5;

export class HotLineIndex {
  private files: Map<string, FileIndex> | undefined;
  private functionTotals: Map<number, { self: number; total: number }> | undefined;
  readonly total: number;

  /** `l10n` words the lens texts (vscode.l10n in the extension). */
  constructor(
    readonly profile: Profile,
    private readonly l10n: Translator = englishText,
  ) {
    this.total = profile.totalValue[0] ?? 0;
  }

  /** Normalised paths of every file the profile has line data or functions for. */
  filePaths(): string[] {
    return [...this.index().keys()];
  }

  /** Annotations for the lines of `filePath` at or above the threshold, by line. */
  linesFor(filePath: string, options: HotLineOptions): LineAnnotation[] {
    const file = this.index().get(normalizePath(filePath));
    if (!file) return [];
    return file.lines.filter((l) => l.percent >= options.thresholdPercent);
  }

  /** Lens texts for the functions of `filePath` whose total is at or above the threshold. */
  functionsFor(filePath: string, options: HotLineOptions): FunctionLens[] {
    const file = this.index().get(normalizePath(filePath));
    if (!file) return [];
    const out: FunctionLens[] = [];
    for (const f of file.frames) {
      if (isModuleWrapper(this.profile.frames[f]!)) continue;
      const lens = this.lensOf(f);
      if (lens && lens.line > 0 && (lens.total / (this.total || 1)) * 100 >= options.thresholdPercent) out.push(lens);
    }
    return out;
  }

  /** Every function of `filePath` with a line, as reveal targets (the profile's lines). */
  functionStarts(filePath: string): RevealTarget[] {
    const file = this.index().get(normalizePath(filePath));
    if (!file) return [];
    const out: RevealTarget[] = [];
    for (const f of file.frames) {
      const frame = this.profile.frames[f]!;
      if (frame.line > 0) out.push({ name: frame.functionName, url: frame.url, line: frame.line });
    }
    return out;
  }

  /** The function whose start is the nearest at or above `line` (1-based) in `filePath`. */
  functionAt(filePath: string, line: number): RevealTarget | undefined {
    const file = this.index().get(normalizePath(filePath));
    if (!file) return undefined;
    let best: Frame | undefined;
    for (const f of file.frames) {
      const frame = this.profile.frames[f]!;
      if (frame.line > 0 && frame.line <= line && (!best || frame.line > best.line)) best = frame;
    }
    return best ? { name: best.functionName, url: best.url, line: best.line } : undefined;
  }

  /** Hover details for a 1-based line; undefined when the profile has nothing on it. */
  /** Whether the profile has anything in the file. */
  hasFile(filePath: string): boolean {
    return this.index().has(normalizePath(filePath));
  }

  hover(filePath: string, line: number): HoverInfo | undefined {
    const file = this.index().get(normalizePath(filePath));
    const ann = file?.lines.find((l) => l.line === line);
    if (!ann) return undefined;
    const frame = this.profile.frames[ann.frame]!;
    const { callers, callees } = this.edgesOf(ann.frame);
    return {
      line: ann,
      functionName: frame.functionName,
      functionLens: this.lensOf(ann.frame),
      callers,
      callees,
      reveal: { name: frame.functionName, url: frame.url, line: frame.line },
    };
  }

  private lensOf(f: number): FunctionLens | undefined {
    const t = this.totals().get(f);
    if (!t) return undefined;
    const frame = this.profile.frames[f]!;
    const { unit } = this.profile;
    return {
      line: frame.line,
      frame: f,
      name: frame.functionName,
      self: t.self,
      total: t.total,
      text: this.l10n.t('self {0} ({1}) · total {2} ({3})', formatValue(t.self, unit), formatPercent(t.self, this.total), formatValue(t.total, unit), formatPercent(t.total, this.total)),
    };
  }

  /**
   * Callers and callees of a frame, each summed over every node of the frame (recursive self-calls left out).
   * A call counts once per stack, as a recursive function's total does: with mutual recursion
   * (isEven → isOdd → isEven → …) the inner isOdd → isEven calls are inside the outer one's time.
   */
  private edgesOf(f: number): { callers: CallEdge[]; callees: CallEdge[] } {
    const p = this.profile;
    const callers = new Map<number, number>();
    const callees = new Map<number, number>();
    // Depth-first walk keeping how many calls g → f (callerActive[g]) and f → h (calleeActive[h]) are
    // on the current stack; ~node marks the end of a call's subtree.
    const callerActive = new Int32Array(p.frames.length);
    const calleeActive = new Int32Array(p.frames.length);
    const stack: number[] = p.nodeCount > 0 ? [0] : [];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (v < 0) {
        const i = ~v;
        const pf = p.nodeFrame[p.nodeParent[i]!]!;
        if (p.nodeFrame[i] === f) callerActive[pf]!--;
        else calleeActive[p.nodeFrame[i]!]!--;
        continue;
      }
      const parent = p.nodeParent[v]!;
      const pf = parent >= 0 ? p.nodeFrame[parent]! : -1;
      const cf = p.nodeFrame[v]!;
      if (pf >= 0 && cf === f && pf !== f) {
        if (callerActive[pf] === 0) callers.set(pf, (callers.get(pf) ?? 0) + p.totalValue[v]!);
        callerActive[pf]!++;
        stack.push(~v);
      } else if (pf === f && cf !== f) {
        if (calleeActive[cf] === 0) callees.set(cf, (callees.get(cf) ?? 0) + p.totalValue[v]!);
        calleeActive[cf]!++;
        stack.push(~v);
      }
      for (let c = p.childStart[v + 1]! - 1; c >= p.childStart[v]!; c--) stack.push(p.childNodes[c]!);
    }
    const edges = (m: Map<number, number>): CallEdge[] =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, maxEdges)
        .map(([frame, value]) => {
          const fr = p.frames[frame]!;
          return { name: fr.functionName, url: fr.url, line: fr.line, value, text: this.valueText(value) };
        });
    return { callers: edges(callers), callees: edges(callees) };
  }

  private valueText(value: number): string {
    return `${formatValue(value, this.profile.unit)} · ${formatPercent(value, this.total)}`;
  }

  private totals(): Map<number, { self: number; total: number }> {
    if (!this.functionTotals) {
      this.functionTotals = new Map();
      for (const row of functionTable(this.profile)) this.functionTotals.set(row.frame, { self: row.self, total: row.total });
    }
    return this.functionTotals;
  }

  private index(): Map<string, FileIndex> {
    if (this.files) return this.files;
    const files = new Map<string, FileIndex>();
    const fileOf = (url: string): FileIndex | undefined => {
      const local = locationPath(url);
      const p = local === undefined ? undefined : normalizePath(local);
      if (p === undefined) return undefined;
      let file = files.get(p);
      if (!file) {
        file = { lines: [], frames: [] };
        files.set(p, file);
      }
      return file;
    };
    // One annotation per file and line: a file can be named twice (a source map's path for the frames
    // it mapped there, the profile's file:// URL for the rest), so rows of one line are summed here.
    const perLine = new Map<FileIndex, Map<number, { self: number; frame: number; frameSelf: number }>>();
    for (const row of lineTable(this.profile)) {
      const file = fileOf(row.url);
      if (!file) continue;
      let lines = perLine.get(file);
      if (!lines) perLine.set(file, (lines = new Map()));
      const sum = lines.get(row.line);
      if (!sum) lines.set(row.line, { self: row.self, frame: row.frame, frameSelf: row.self });
      else {
        sum.self += row.self;
        if (row.self > sum.frameSelf) {
          sum.frame = row.frame;
          sum.frameSelf = row.self;
        }
      }
    }
    let hottest = 0;
    for (const lines of perLine.values()) for (const { self } of lines.values()) hottest = Math.max(hottest, self);
    for (const [file, lines] of perLine) {
      for (const [line, { self, frame }] of lines) {
        file.lines.push({
          line,
          self,
          percent: this.total > 0 ? (self / this.total) * 100 : 0,
          heat: hottest > 0 ? self / hottest : 0,
          text: this.valueText(self),
          frame,
        });
      }
    }
    this.profile.frames.forEach((frame, f) => {
      if (frame.category === 'meta' || frame.category === 'native') return;
      fileOf(frame.url)?.frames.push(f);
    });
    for (const file of files.values()) {
      file.lines.sort((a, b) => a.line - b.line);
      file.frames.sort((a, b) => this.profile.frames[a]!.line - this.profile.frames[b]!.line);
    }
    this.files = files;
    return files;
  }
}

/**
 * What a document went through since its hot lines were first placed: the edits of each change
 * event, and the line maps of its reopenings. Replayed onto another index of the same profile (a
 * timeline range picked or cleared, the profile current again after another), the annotations land
 * where the code is now instead of at the profile's old lines.
 */
export class DocumentHistory {
  private readonly steps: (readonly LineEdit[] | Int32Array)[] = [];
  private overflowed = false;

  /** `filePath`: as the profile names the file; `lineCount`: the document's lines when placing began. */
  constructor(
    readonly filePath: string,
    readonly lineCount: number,
    private readonly maxSteps = 20_000,
  ) {}

  /** False once more steps came than are kept: the history can no longer be replayed. */
  get replayable(): boolean {
    return !this.overflowed;
  }

  /** One change event's edits. Typing within one line repeats the same edit: it is kept once. */
  edited(edits: readonly LineEdit[]): void {
    const last = this.steps[this.steps.length - 1];
    if (last && !(last instanceof Int32Array) && sameEdits(last, edits) && edits.every((e) => e.insertedLines === 0 && e.startLine === e.endLine && !e.wholeLines)) return;
    this.record(edits);
  }

  /** A reopening: `at[i]` is where line i (0-based) went, -1 when it changed. */
  reopened(at: Int32Array): void {
    this.record(at);
  }

  /** The steps, oldest first. */
  replay(apply: (step: readonly LineEdit[] | Int32Array) => void): void {
    for (const step of this.steps) apply(step);
  }

  private record(step: readonly LineEdit[] | Int32Array): void {
    if (this.overflowed) return;
    if (this.steps.length >= this.maxSteps) {
      this.overflowed = true;
      this.steps.length = 0;
      return;
    }
    this.steps.push(step);
  }
}

function sameEdits(a: readonly LineEdit[], b: readonly LineEdit[]): boolean {
  return a.length === b.length && a.every((e, i) => {
    const f = b[i]!;
    return e.startLine === f.startLine && e.endLine === f.endLine && e.insertedLines === f.insertedLines && e.keepsTouchedLine === f.keepsTouchedLine && e.atLineStart === f.atLineStart && e.wholeLines === f.wholeLines;
  });
}

/**
 * One document's annotations, lenses and function starts, keyed by their current (1-based) line while the
 * user edits it (see line-shift.ts). It holds all of them, whatever the threshold, so that a change of
 * settings applies to where the code is now rather than starting over from the profile's lines.
 */
export class TrackedDocument {
  private lines = new Map<number, LineAnnotation>();
  private lenses = new Map<number, FunctionLens[]>();
  /** Frames of the file starting on each line (for the function at a position). */
  private starts = new Map<number, RevealTarget>();
  readonly history: DocumentHistory;

  /**
   * `history`: the document's, to replay onto this index (or a new one: `filePath` and `lineCount`,
   * the document's lines, with the profile's lines past its end left out).
   */
  constructor(index: HotLineIndex, history: DocumentHistory);
  constructor(index: HotLineIndex, filePath: string, lineCount: number);
  constructor(
    private readonly index: HotLineIndex,
    from: DocumentHistory | string,
    lineCount = 0,
  ) {
    const history = typeof from === 'string' ? new DocumentHistory(from, lineCount) : from;
    const { filePath } = history;
    for (const a of index.linesFor(filePath, { thresholdPercent: 0 })) if (a.line <= history.lineCount) this.lines.set(a.line, a);
    for (const l of index.functionsFor(filePath, { thresholdPercent: 0 })) {
      if (l.line <= history.lineCount) this.lenses.set(l.line, [...(this.lenses.get(l.line) ?? []), l]);
    }
    for (const target of index.functionStarts(filePath)) {
      if (target.line <= history.lineCount) if (!this.starts.has(target.line)) this.starts.set(target.line, target);
    }
    this.history = history.replayable ? history : new DocumentHistory(filePath, history.lineCount);
    history.replay((step) => (step instanceof Int32Array ? this.moveTo(step) : this.shift(step)));
  }

  /** The file as the profile names it. */
  get filePath(): string {
    return this.history.filePath;
  }

  /** Moves everything with the user's edits (lines they changed lose theirs). */
  edited(edits: readonly LineEdit[]): void {
    this.history.edited(edits);
    this.shift(edits);
  }

  /**
   * The document was closed with the text `before` and is open again with `after` (1 line per
   * entry): what it carries moves to where its line is now; lines changed meanwhile lose theirs.
   */
  reopened<T extends string | number>(before: ArrayLike<T>, after: ArrayLike<T>): void {
    const at = matchLines(before, after);
    this.history.reopened(at);
    this.moveTo(at);
  }

  /**
   * Where a line of the profile's file is now: its own place when it carries something, else the
   * nearest one above it that does, moved as that one moved. For opening a clicked frame's line.
   */
  currentLineOf(profileLine: number): number {
    let best: { origin: number; now: number } | undefined;
    const consider = (now: number, origin: number) => {
      if (origin <= profileLine && (!best || origin > best.origin)) best = { origin, now };
    };
    for (const [now, a] of this.lines) consider(now, a.line);
    for (const [now, target] of this.starts) consider(now, target.line);
    for (const [now, lenses] of this.lenses) for (const l of lenses) consider(now, l.line);
    return best ? Math.max(1, best.now + (profileLine - best.origin)) : profileLine;
  }

  private shift(edits: readonly LineEdit[]): void {
    this.lines = shiftLines(this.lines, edits);
    this.lenses = shiftLines(this.lenses, edits);
    this.starts = shiftLines(this.starts, edits);
  }

  private moveTo(at: Int32Array): void {
    const to = (line: number) => (line <= at.length && at[line - 1]! >= 0 ? at[line - 1]! + 1 : undefined);
    this.lines = remapLines(this.lines, to);
    this.lenses = remapLines(this.lenses, to);
    this.starts = remapLines(this.starts, to);
  }

  /** Whether anything is annotated (a closed document worth remembering). */
  get isEmpty(): boolean {
    return this.lines.size === 0 && this.lenses.size === 0 && this.starts.size === 0;
  }

  /** Annotated lines at or above the threshold (percent of the profile), by their current line. */
  shownLines(options: HotLineOptions): [number, LineAnnotation][] {
    return [...this.lines].filter(([, a]) => a.percent >= options.thresholdPercent);
  }

  /** The annotation shown on a current line, if any. */
  lineAt(line: number, options: HotLineOptions): LineAnnotation | undefined {
    const a = this.lines.get(line);
    return a && a.percent >= options.thresholdPercent ? a : undefined;
  }

  /** Lenses of functions whose total is at or above the threshold, by their current line. */
  shownLenses(options: HotLineOptions): [number, FunctionLens[]][] {
    const total = this.index.total || 1;
    const out: [number, FunctionLens[]][] = [];
    for (const [line, lenses] of this.lenses) {
      const shown = lenses.filter((l) => (l.total / total) * 100 >= options.thresholdPercent);
      if (shown.length > 0) out.push([line, shown]);
    }
    return out;
  }

  /** The function whose start is the nearest at or above a current line (1-based). */
  functionAt(line: number): RevealTarget | undefined {
    let best = 0;
    for (const start of this.starts.keys()) if (start <= line && start > best) best = start;
    return best > 0 ? this.starts.get(best) : undefined;
  }
}

/**
 * The module's top-level code: CommonJS wraps a file in an anonymous function V8 reports at line 1,
 * column 1 (ESM top level looks the same). Not a function the user wrote, so it gets no lens.
 */
export function isModuleWrapper(frame: Frame): boolean {
  return frame.functionName === '(anonymous)' && frame.line === 1 && frame.column === 1;
}

/** The gutter mark of a heat bucket (0 = coolest): a flame whose colour deepens with the heat, in media/. */
export function gutterIconFile(bucket: number): string {
  return `hot-${bucket + 1}.svg`;
}

/** Heat 0..1 → one of `buckets` intensity levels (0 = coolest). */
export function heatBucket(heat: number, buckets: number): number {
  if (!(heat > 0)) return 0;
  return Math.min(buckets - 1, Math.floor(Math.min(1, heat) * buckets));
}


/** A function name as inline code: escaped controls, backticks swapped so the span cannot end early. */
function codeName(name: string): string {
  return `\`${escapeControlText(name).replace(/`/g, "'")}\``;
}

/**
 * The hover's text: every piece of profile text in it escaped. It is rendered untrusted (no
 * command links); the reveal link is a separate, trusted markdown string (revealLinkMarkdown).
 */
export function hoverBodyMarkdown(info: HoverInfo, l10n: Translator = englishText): string {
  const out: string[] = [];
  out.push(l10n.t('**FlameLens** · line {0}: {1} self', info.line.line, escapeMarkdown(info.line.text)));
  out.push('');
  const name = codeName(info.functionName);
  out.push(info.functionLens ? l10n.t('in {0} — {1}', name, escapeMarkdown(info.functionLens.text)) : l10n.t('in {0}', name));
  const list = (title: string, edges: CallEdge[]) => {
    if (edges.length === 0) return;
    out.push('', title);
    for (const e of edges) out.push(`- ${codeName(e.name)} ${escapeMarkdown(e.text)}`);
  };
  list(l10n.t('Called from:'), info.callers);
  list(l10n.t('Calls:'), info.callees);
  return out.join('\n');
}

/**
 * A `command:` URI whose arguments cannot end the markdown link they sit in: encodeURIComponent
 * leaves `( ) ! ' *` as they are, and a `)` from a function name would close the link early.
 */
export function revealCommandUri(commandId: string, target: RevealTarget): string {
  const args = encodeURIComponent(JSON.stringify([target])).replace(/[()!'*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${commandId}?${args}`;
}

/** The trusted link (command URIs on): its translated label is escaped, so a translation cannot add a link of its own. */
export function revealLinkMarkdown(revealCommandUri: string, l10n: Translator = englishText): string {
  return `[${escapeMarkdown(l10n.t('Reveal in flame graph'))}](${revealCommandUri})`;
}

/** Body and link as one markdown text (for tests and plain renderers). */
export function hoverMarkdown(info: HoverInfo, revealCommandUri: string, l10n: Translator = englishText): string {
  return `${hoverBodyMarkdown(info, l10n)}\n\n${revealLinkMarkdown(revealCommandUri, l10n)}`;
}

// The editor side of hot lines: heat-coloured line backgrounds with an after-text
// ("12.4 ms · 3.1%"), a flame in the gutter, overview-ruler marks, per-function CodeLenses and
// hovers, for the current profile (see ProfileRegistry). Decoration types are created once and rebuilt only when the
// settings change; editors are updated only when their document or the profile changed.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { onConfigChange, readConfig, type FlameLensConfig } from '../config';
import type { ProfileEntry, ProfileRegistry } from '../views/profile-registry';
import { escapeControlText } from '../model/escape-text';
import type { Profile } from '../model/types';
import { HotLineIndex, TrackedDocument, type DocumentHistory, gutterIconFile, heatBucket, hoverBodyMarkdown, revealCommandUri, revealLinkMarkdown, type HotLineOptions, type RevealTarget } from './hotlines-model';
import { lineHashes } from './line-diff';
import { lineCountChange, lineEditsOf } from './line-shift';

export const revealCommandId = 'flamelens.revealInFlameGraph';
/** Heat buckets; each has its own decoration type because a type's colours are fixed. */
const heatColors = ['flamelens.hotLine1Background', 'flamelens.hotLine2Background', 'flamelens.hotLine3Background', 'flamelens.hotLine4Background'];
const updateDelayMs = 150;
/** Closed documents whose annotations are kept to follow them when reopened (most recent first out). */
const maxClosedDocuments = 64;
/**
 * Lines (4 bytes each) remembered across all closed documents; the longest closed are forgotten first, and a
 * larger document is not remembered at all: its annotations start over from the profile when it reopens.
 * Hashing and matching lines runs on the extension host's thread: 200,000 lines take about 0.3 s.
 */
const maxClosedLines = 200_000;
/** Profiles whose documents' histories are kept, to be replayed when one is current again. */
const maxProfilesTracked = 4;

/** A document closed while annotated: its lines then (hashed), to see where each went when it reopens. */
interface ClosedDocument {
  lines: Int32Array;
  history: DocumentHistory;
}

/**
 * What the user did to documents since a profile's hot lines were placed in them: each open document's
 * history, and the closed ones. Kept per profile (not per time range of it), so a range picked or the
 * profile current again replays them; a new profile (a new capture, after the fix) starts afresh.
 */
class ProfileDocuments {
  readonly open = new Map<string, DocumentHistory>();
  readonly closed = new Map<string, ClosedDocument>();
  closedLines = 0;

  forgetClosed(key: string): ClosedDocument | undefined {
    const closed = this.closed.get(key);
    if (!closed) return undefined;
    this.closed.delete(key);
    this.closedLines -= closed.lines.length;
    return closed;
  }

  close(key: string, lines: () => Int32Array): void {
    const history = this.open.get(key);
    if (!history) return;
    this.open.delete(key);
    this.forgetClosed(key);
    const hashed = lines();
    if (hashed.length > maxClosedLines) return;
    this.closed.set(key, { lines: hashed, history });
    this.closedLines += hashed.length;
    // Map order is insertion order: the first key is the longest closed.
    while (this.closed.size > maxClosedDocuments || this.closedLines > maxClosedLines) this.forgetClosed(this.closed.keys().next().value!);
  }
}

export class HotLines implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private decorationTypes: vscode.TextEditorDecorationType[] = [];
  private config: FlameLensConfig = readConfig();
  /** Shown unless the user chose Clear Hot Lines (or the setting is off). */
  private shown: boolean;
  private index: HotLineIndex | undefined;
  /** Per document, annotations keyed by their current line after the user's edits. */
  private readonly tracked = new Map<string, TrackedDocument>();
  /**
   * Per profile (most recently current last), its documents' histories. Closed documents are kept
   * by uri: the file may change before it is opened again (a checkout, a formatter, another editor),
   * and its annotations then follow its lines as they follow edits.
   */
  private readonly documents = new Map<Profile, ProfileDocuments>();
  private current: ProfileDocuments | undefined;
  /** Each document's real path, when it differs from its own (a symlinked folder): Node records the real one. */
  private readonly realPaths = new Map<string, string>();
  private readonly pendingDocs = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  /**
   * The lens provider, registered anew whenever the profile, the settings or shown/cleared change.
   * VS Code re-asks every provider of an editor when one is registered or removed, which is what
   * takes drawn lenses away: a provider that only starts answering with none was seen to leave them
   * (bf7d587). One is always registered: with no provider left for a document (no TypeScript
   * extension, say), VS Code keeps drawing its cached lenses for 30 s.
   */
  private lensProvider: vscode.Disposable | undefined;

  /** `extensionUri` locates the gutter icons in media/. */
  constructor(
    private readonly registry: ProfileRegistry,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.shown = this.config.hotLines.enabled;
    this.createDecorationTypes();
    this.setProfile(registry.current);
    this.disposables.push(
      this.lensesChanged,
      registry.onDidChangeCurrent((entry) => {
        this.setProfile(entry);
        this.updateAll();
      }),
      onConfigChange((config) => {
        const enabledChanged = config.hotLines.enabled !== this.config.hotLines.enabled;
        this.config = config;
        if (enabledChanged) this.shown = config.hotLines.enabled;
        // Tracked documents stay: they follow the user's edits, and the threshold applies when shown.
        this.clearDecorations();
        this.createDecorationTypes();
        this.updateAll();
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.updateEditor(e))),
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
      // A document closed while annotated takes its annotations back as it reopens, before any edit.
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (this.current?.closed.has(d.uri.toString())) this.trackedFor(d);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.documentClosed(d)),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, { provideHover: (d, p) => this.hover(d, p) }),
    );
    this.updateAll();
  }

  /** Show Hot Lines: turns annotations on (for this window). */
  show(): void {
    this.shown = true;
    this.updateAll();
    if (!this.index) void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: no profile is open yet. Record one or open a .cpuprofile to see hot lines.'));
  }

  /** Clear Hot Lines: removes every decoration, lens and hover until Show Hot Lines. */
  clear(): void {
    this.shown = false;
    this.updateAll();
  }

  get isShown(): boolean {
    return this.shown;
  }

  /** The annotations currently applied to a document (test API; empty when hidden). */
  annotationsFor(uri: vscode.Uri): { line: number; text: string; heat: number; bucket: number; gutterIcon: string }[] {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc || !this.active()) return [];
    return (this.trackedFor(doc)?.shownLines(this.options()) ?? []).map(([line, a]) => {
      const bucket = heatBucket(a.heat, heatColors.length);
      return { line, text: a.text, heat: a.heat, bucket, gutterIcon: this.gutterIcon(bucket).fsPath };
    });
  }

  /** The function under a position of a document, for Reveal in Flame Graph. */
  functionAt(document: vscode.TextDocument, position: vscode.Position): RevealTarget | undefined {
    return this.trackedFor(document)?.functionAt(position.line + 1);
  }

  private active(): boolean {
    return this.shown && this.index !== undefined;
  }

  /**
   * Where a line of the current profile's file is now, after the user's edits since the hot lines were
   * placed (the line itself when the file is not open or not annotated). Clicking a frame opens there.
   */
  currentLineOf(uri: vscode.Uri, line: number): number {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return (doc && this.trackedFor(doc)?.currentLineOf(line)) ?? line;
  }

  private setProfile(entry: ProfileEntry | undefined): void {
    this.index = entry ? new HotLineIndex(this.registry.profileOf(entry), vscode.l10n) : undefined;
    // Rebuilt from each document's history on first use: a time range of the same profile, or the
    // profile current again, puts its lines where the code is now.
    this.tracked.clear();
    if (!entry) {
      this.current = undefined;
      return;
    }
    const docs = this.documents.get(entry.profile) ?? new ProfileDocuments();
    this.documents.delete(entry.profile);
    this.documents.set(entry.profile, docs);
    while (this.documents.size > maxProfilesTracked) this.documents.delete(this.documents.keys().next().value!);
    this.current = docs;
  }

  private createDecorationTypes(): void {
    for (const t of this.decorationTypes) t.dispose();
    this.decorationTypes = heatColors.map((color, bucket) =>
      vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor(color),
        gutterIconPath: this.gutterIcon(bucket),
        gutterIconSize: 'contain',
        overviewRulerColor: new vscode.ThemeColor('flamelens.hotLineOverviewRuler'),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        after: { color: new vscode.ThemeColor('flamelens.hotLineForeground'), margin: '0 0 0 2em', fontStyle: 'normal' },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
  }

  private gutterIcon(bucket: number): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media', gutterIconFile(bucket));
  }

  private clearDecorations(): void {
    for (const editor of vscode.window.visibleTextEditors) for (const t of this.decorationTypes) editor.setDecorations(t, []);
  }

  private options(): HotLineOptions {
    return { thresholdPercent: this.config.hotLines.threshold };
  }

  /**
   * The document's tracked annotations (made on first use); undefined without a profile or a file.
   * `lineCount`: the document's lines as the profile's lines are placed (before the edit that
   * made the first use, when one did).
   */
  private trackedFor(doc: vscode.TextDocument, lineCount = doc.lineCount): TrackedDocument | undefined {
    if (!this.index || !this.current || doc.uri.scheme !== 'file') return undefined;
    const key = doc.uri.toString();
    let t = this.tracked.get(key);
    if (!t) {
      const history = this.current.open.get(key);
      const closed = history ? undefined : this.current.forgetClosed(key);
      if (history) {
        t = new TrackedDocument(this.index, history);
      } else if (closed) {
        t = new TrackedDocument(this.index, closed.history);
        t.reopened(closed.lines, linesOf(doc));
      } else {
        t = new TrackedDocument(this.index, this.profilePath(doc), lineCount);
      }
      this.current.open.set(key, t.history);
      this.tracked.set(key, t);
    }
    return t;
  }

  /** The path the profile knows the document by: its own, or its real path (opened through a symlink). */
  private profilePath(doc: vscode.TextDocument): string {
    const own = doc.uri.fsPath;
    if (this.index!.hasFile(own)) return own;
    let real = this.realPaths.get(own);
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(own);
      } catch {
        real = own;
      }
      this.realPaths.set(own, real);
    }
    return real;
  }

  private documentClosed(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.tracked.get(key);
    this.tracked.delete(key);
    this.realPaths.delete(doc.uri.fsPath);
    let lines: Int32Array | undefined;
    const hashed = () => (lines ??= linesOf(doc));
    for (const docs of this.documents.values()) {
      // Nothing annotated in it for the current profile: nothing to follow when it reopens.
      if (docs === this.current && t?.isEmpty) docs.open.delete(key);
      else if (doc.lineCount <= maxClosedLines) docs.close(key, hashed);
      else docs.open.delete(key);
    }
  }

  private updateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.updateEditor(editor);
    this.lensProvider?.dispose();
    this.lensProvider = vscode.languages.registerCodeLensProvider(
      { scheme: 'file' },
      { provideCodeLenses: (d) => this.codeLenses(d), onDidChangeCodeLenses: this.lensesChanged.event },
    );
  }

  private updateEditor(editor: vscode.TextEditor): void {
    const buckets: vscode.DecorationOptions[][] = heatColors.map(() => []);
    if (this.active()) {
      for (const [line, a] of this.trackedFor(editor.document)?.shownLines(this.options()) ?? []) {
        if (line > editor.document.lineCount) continue;
        const end = editor.document.lineAt(line - 1).range.end;
        buckets[heatBucket(a.heat, heatColors.length)]!.push({
          range: new vscode.Range(end, end),
          renderOptions: { after: { contentText: a.text } },
        });
      }
    }
    this.decorationTypes.forEach((t, i) => editor.setDecorations(t, buckets[i]!));
  }

  private documentChanged(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    if (e.contentChanges.length === 0) return;
    const eol = e.document.eol === vscode.EndOfLine.CRLF ? 2 : 1;
    const edits = lineEditsOf(e.contentChanges, e.document.lineCount, (line) => e.document.lineAt(line).text.length, eol);
    // The other profiles kept: their histories of this document take the edits, replayed when one is current again.
    for (const docs of this.documents.values()) if (docs !== this.current) docs.open.get(key)?.edited(edits);
    // A document never shown since the profile came (a background tab edited by a rename across
    // files, a refactoring) is tracked from this edit on: its profile lines describe the text before it.
    const t = this.tracked.get(key) ?? this.trackedFor(e.document, e.document.lineCount - lineCountChange(edits));
    if (!t) return;
    t.edited(edits);
    // Debounced: typing fires a change per key.
    this.pendingDocs.add(key);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flushPending(), updateDelayMs);
  }

  private flushPending(): void {
    const keys = new Set(this.pendingDocs);
    this.pendingDocs.clear();
    for (const editor of vscode.window.visibleTextEditors) if (keys.has(editor.document.uri.toString())) this.updateEditor(editor);
    this.lensesChanged.fire();
  }

  private codeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.active() || doc.uri.scheme !== 'file') return [];
    const out: vscode.CodeLens[] = [];
    for (const [line, lenses] of this.trackedFor(doc)?.shownLenses(this.options()) ?? []) {
      if (line > doc.lineCount) continue;
      const range = doc.lineAt(line - 1).range;
      for (const l of lenses) {
        const frame = this.index!.profile.frames[l.frame]!;
        out.push(
          new vscode.CodeLens(range, {
            title: `$(flame) ${l.text}`,
            tooltip: vscode.l10n.t('FlameLens: {0} — click to reveal it in the flame graph', escapeControlText(l.name)),
            command: revealCommandId,
            arguments: [{ name: frame.functionName, url: frame.url, line: frame.line } satisfies RevealTarget],
          }),
        );
      }
    }
    return out;
  }

  private hover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.active()) return undefined;
    const ann = this.trackedFor(doc)?.lineAt(position.line + 1, this.options());
    if (!ann) return undefined;
    const found = this.index!.hover(this.trackedFor(doc)!.filePath, ann.line);
    if (!found) return undefined;
    // The line as the editor numbers it now (the profile's own line moved with the user's edits).
    const info = { ...found, line: { ...found.line, line: position.line + 1 } };
    // Profile text goes only into the untrusted part; the trusted part is our link alone.
    const body = new vscode.MarkdownString(hoverBodyMarkdown(info, vscode.l10n));
    body.supportThemeIcons = false;
    body.supportHtml = false;
    const link = new vscode.MarkdownString(revealLinkMarkdown(revealCommandUri(revealCommandId, info.reveal), vscode.l10n));
    link.isTrusted = { enabledCommands: [revealCommandId] };
    link.supportThemeIcons = false;
    return new vscode.Hover([body, link]);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.documents.clear();
    this.current = undefined;
    this.lensProvider?.dispose();
    for (const t of this.decorationTypes) t.dispose();
    this.decorationTypes = [];
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function linesOf(doc: vscode.TextDocument): Int32Array {
  return lineHashes(doc.lineCount, (i) => doc.lineAt(i).text);
}

// Webview panels for profiles that are not a single file opened as an editor: captures and
// comparisons. One panel per source (shown again rather than duplicated); panels come back after
// a window reload through the serializer, which re-reads their source files.
import * as vscode from 'vscode';
import { diffProfiles } from '../model/diff';
import { mergeProfiles } from '../model/merge';
import type { Profile } from '../model/types';
import { loadProfile } from './load-profile';
import { controlPanel, type ProfileViewController } from './profile-controller';
import type { ProfileEntry, ProfileRegistry } from './profile-registry';
import { escapeNotificationText } from '../model/escape-text';
import { timed } from '../log';

export const profilePanelViewType = 'flamelens.profilePanel';

/** What a panel shows, by reference to files, so it can be rebuilt after a reload. */
export type PanelSource =
  | { kind: 'file'; uri: string }
  | { kind: 'diff'; base: string; next: string }
  /** Several threads' or processes' profiles under one root, one top-level frame per part (a load run's busy server threads). */
  | { kind: 'merged'; parts: { uri: string; label: string }[] };

const stateKey = 'flamelens.panelSources';

export function sourceKey(source: PanelSource): string {
  if (source.kind === 'file') return `file:${source.uri}`;
  if (source.kind === 'diff') return `diff:${source.base}\u0000${source.next}`;
  return `merged:${source.parts.map((p) => p.uri).join('\u0000')}`;
}

export async function loadPanelSource(source: PanelSource): Promise<Profile> {
  if (source.kind === 'file') return loadProfile(vscode.Uri.parse(source.uri));
  if (source.kind === 'merged') {
    const parts = await Promise.all(source.parts.map(async (p) => ({ label: p.label, profile: await loadProfile(vscode.Uri.parse(p.uri)) })));
    return mergeProfiles(parts);
  }
  const [base, next] = await Promise.all([loadProfile(vscode.Uri.parse(source.base)), loadProfile(vscode.Uri.parse(source.next))]);
  return diffProfiles(base, next);
}

export class ProfilePanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly open = new Map<string, { panel: vscode.WebviewPanel; controller: ProfileViewController }>();
  private readonly disposables: vscode.Disposable[] = [];
  private closing = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: ProfileRegistry,
    /** Remembers which source each panel title stands for, for the serializer. */
    private readonly memento: vscode.Memento,
  ) {
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(profilePanelViewType, this));
  }

  /** Shows `entry` in its panel, creating the panel if needed. Returns the panel. */
  show(entry: ProfileEntry, source: PanelSource, column: vscode.ViewColumn = vscode.ViewColumn.Active): vscode.WebviewPanel {
    const key = sourceKey(source);
    const existing = this.open.get(key);
    if (existing && existing.controller.entry.profile === entry.profile) {
      existing.panel.reveal(column);
      this.registry.setCurrent(entry);
      return existing.panel;
    }
    existing?.panel.dispose();
    const panel = vscode.window.createWebviewPanel(profilePanelViewType, entry.title, column);
    this.attach(panel, entry, source);
    return panel;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    const sources = this.memento.get<Record<string, PanelSource>>(stateKey, {});
    const source = sources[panel.title];
    if (!source) {
      panel.dispose();
      return;
    }
    try {
      const profile = await timed(this.registry.log, `restored ${panel.title}`, () => loadPanelSource(source));
      this.attach(panel, { profile, title: panel.title, source: sourceKey(source) }, source);
    } catch (err) {
      panel.dispose();
      void vscode.window.showWarningMessage(vscode.l10n.t('FlameLens: could not restore "{0}": {1}', escapeNotificationText(panel.title), escapeNotificationText((err as Error).message)));
    }
  }

  private attach(panel: vscode.WebviewPanel, entry: ProfileEntry, source: PanelSource): void {
    const key = sourceKey(source);
    const controller = controlPanel(panel, entry, this.extensionUri, this.registry, () => {
      if (this.open.get(key)?.panel === panel) this.open.delete(key);
      if (!this.closing) void this.forget(panel.title);
    });
    this.open.set(key, { panel, controller });
    void this.remember(panel.title, source);
  }

  private async remember(title: string, source: PanelSource): Promise<void> {
    const sources = { ...this.memento.get<Record<string, PanelSource>>(stateKey, {}), [title]: source };
    await this.memento.update(stateKey, sources);
  }

  private async forget(title: string): Promise<void> {
    const sources = { ...this.memento.get<Record<string, PanelSource>>(stateKey, {}) };
    delete sources[title];
    await this.memento.update(stateKey, sources);
  }

  dispose(): void {
    // Panels stay open across a window reload (the serializer brings them back), so they are not closed
    // here and their remembered sources are kept.
    this.closing = true;
    for (const { controller } of this.open.values()) controller.dispose();
    this.open.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

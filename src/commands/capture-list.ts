// The profiles of one capture (main thread, workers, child processes) in a quick pick — pid, thread,
// command line, duration — plus "All processes (merged)": every CPU profile under one root, one
// synthetic frame per process/thread (src/model/merge.ts).
import * as vscode from 'vscode';
import type { CapturedProfile } from '../capture/launcher';
import { mergeProfiles } from '../model/merge';
import type { Profile } from '../model/types';
import { loadProfile } from '../views/load-profile';
import { controlPanel, type ProfileViewController } from '../views/profile-controller';
import type { ProfilePanels } from '../views/profile-panel';
import type { ProfileRegistry } from '../views/profile-registry';
import { capturedProfileTitle, profilePickItem } from './capture-plan';
import { services } from './services';

export const showCaptureProfilesCommandId = 'flamelens.showCaptureProfiles';
/** Merged views are built from several files; they are not restored after a window reload. */
const mergedPanelViewType = 'flamelens.mergedProfile';

/** "pid 123 · worker 1 · node worker.js" */
export function mergeLabel(p: CapturedProfile): string {
  const thread = p.isMainThread ? 'main thread' : `worker ${p.threadId}`;
  const cmd = p.label.replace(/^(?:process \d+|worker \d+ of process \d+) \((.*)\)$/, '$1');
  return `pid ${p.pid} · ${thread} · ${cmd}`;
}

interface Item extends vscode.QuickPickItem {
  profile?: CapturedProfile;
  merged?: 'cpu' | 'heap';
}

export class CaptureProfileLists implements vscode.Disposable {
  private readonly panels = new Set<{ panel: vscode.WebviewPanel; controller: ProfileViewController }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly profilePanels: ProfilePanels,
    private readonly registry: ProfileRegistry,
  ) {}

  /**
   * Quick pick over a capture's profiles, with "All processes (merged)" first when there is more
   * than one CPU (or heap) profile.
   */
  async pick(profiles: readonly CapturedProfile[], name: string): Promise<Profile | undefined> {
    const items: Item[] = [];
    for (const kind of ['cpu', 'heap'] as const) {
      const n = profiles.filter((p) => p.kind === kind).length;
      if (n > 1) {
        items.push({
          label: `$(layers) ${kind === 'heap' ? vscode.l10n.t('All processes (merged, heap)') : vscode.l10n.t('All processes (merged)')}`,
          description: kind === 'cpu' ? vscode.l10n.t('{0} CPU profiles', n) : vscode.l10n.t('{0} heap profiles', n),
          detail: vscode.l10n.t('One flame graph, one top-level frame per process and thread'),
          merged: kind,
        });
      }
    }
    for (const p of profiles) items.push({ ...profilePickItem(vscode.l10n, p), profile: p });
    const picked = await services.pickOne(items, { title: vscode.l10n.t('FlameLens: profiles of {0}', name), matchOnDetail: true });
    if (!picked) return undefined;
    if (picked.merged) return this.openMerged(profiles.filter((p) => p.kind === picked.merged), name);
    if (picked.profile) return this.openOne(picked.profile, name);
    return undefined;
  }

  async openOne(p: CapturedProfile, name: string): Promise<Profile> {
    const uri = vscode.Uri.file(p.path);
    const profile = await loadProfile(uri);
    this.profilePanels.show({ profile, title: capturedProfileTitle(vscode.l10n, name, p), source: p.path }, { kind: 'file', uri: uri.toString() });
    return profile;
  }

  async openMerged(profiles: readonly CapturedProfile[], name: string): Promise<Profile> {
    const loaded = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('FlameLens: merging profiles') },
      () => Promise.all(profiles.map(async (p) => ({ label: mergeLabel(p), profile: await loadProfile(vscode.Uri.file(p.path)) }))),
    );
    const profile = mergeProfiles(loaded);
    const title = profile.kind === 'heap' ? vscode.l10n.t('{0} (all processes, heap)', name) : vscode.l10n.t('{0} (all processes)', name);
    const panel = vscode.window.createWebviewPanel(mergedPanelViewType, title, vscode.ViewColumn.Active);
    const source = profiles.map((p) => p.path).join(', ');
    const controller = controlPanel(panel, { profile, title, source }, this.extensionUri, this.registry, () => this.panels.delete(entry));
    const entry = { panel, controller };
    this.panels.add(entry);
    return profile;
  }

  dispose(): void {
    for (const { panel } of [...this.panels]) panel.dispose();
    this.panels.clear();
  }
}

// Registers the attach / heap-snapshot / multi-profile features: one call from activate().
// Commands return their results (executeCommand hands them back in-process), which is how the
// integration tests observe them; the palette ignores them.
import * as vscode from 'vscode';
import { collectSession } from '../capture/launcher';
import type { CaptureService } from './capture-session';
import type { ProfilePanels } from '../views/profile-panel';
import type { ProfileRegistry } from '../views/profile-registry';
import { SnapshotEditorProvider } from '../views/snapshot-editor';
import { AttachService, attachCommandId, snapshotCommandId, stopAttachCommandId, takeHeapSnapshot, type AttachCommandArgs } from './attach-commands';
import { CaptureProfileLists, showCaptureProfilesCommandId } from './capture-list';
import { compareHeapSnapshots, compareSnapshotsCommandId } from './snapshot-commands';
import { comparedPair } from './explorer-selection';
import { requireTrust } from './trust';
import { reportErrors, type Log } from '../log';

export interface AttachFeatureDeps {
  panels: ProfilePanels;
  registry: ProfileRegistry;
  capture: CaptureService;
  log: Log;
}

export interface AttachFeatures {
  attach: AttachService;
  lists: CaptureProfileLists;
  snapshots: SnapshotEditorProvider;
}

const asArgs = (a: unknown): AttachCommandArgs => (a && typeof a === 'object' && !(a instanceof vscode.Uri) ? (a as AttachCommandArgs) : {});

export function registerAttachFeatures(context: vscode.ExtensionContext, deps: AttachFeatureDeps): AttachFeatures {
  const attach = new AttachService(deps.panels, deps.log);
  const lists = new CaptureProfileLists(context.extensionUri, deps.panels, deps.registry);
  const snapshots = SnapshotEditorProvider.register(context.extensionUri);
  const register = <A extends unknown[], R>(id: string, name: string, fn: (...args: A) => Promise<R>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, reportErrors(deps.log, name, fn)));

  context.subscriptions.push(attach, lists, snapshots.disposable);
  register(attachCommandId, vscode.l10n.t('Attach to Node Process'), async (args?: unknown) =>
    requireTrust(vscode.l10n.t('Attach to Node Process')) ? attach.attachCommand(asArgs(args)) : undefined,
  );
  register(stopAttachCommandId, vscode.l10n.t('Stop Attached Recording'), () => attach.stop());
  register(snapshotCommandId, vscode.l10n.t('Take Heap Snapshot'), async (args?: unknown) => {
    if (!requireTrust(vscode.l10n.t('Take Heap Snapshot'))) return undefined;
    return takeHeapSnapshot(asArgs(args), deps.log);
  });
  register(compareSnapshotsCommandId, vscode.l10n.t('Compare Heap Snapshots'), (a?: unknown, b?: unknown) =>
    compareHeapSnapshots(context.extensionUri, ...comparedPair(a, b, (u): u is vscode.Uri => u instanceof vscode.Uri)),
  );
  register(showCaptureProfilesCommandId, vscode.l10n.t('Show Capture Profiles'), async (sessionDir?: unknown) => {
    let dir = typeof sessionDir === 'string' ? sessionDir : undefined;
    dir ??= (await deps.capture.lastOutcome())?.sessionDir;
    if (!dir) {
      void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: no capture yet. Profile a program first.'));
      return undefined;
    }
    const result = collectSession(dir);
    if (result.profiles.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('FlameLens: no profiles in {0}.', dir));
      return undefined;
    }
    const name = dir.split(/[\\/]/).pop() ?? dir;
    return lists.pick(result.profiles, name);
  });
  return { attach, lists, snapshots: snapshots.provider };
}

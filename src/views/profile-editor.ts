// The custom editor for *.cpuprofile, *.cpuprofile.gz and *.heapprofile: the document holds the
// parsed profile (read once, shared by every editor of the same file), each editor a controller.
import * as vscode from 'vscode';
import type { Profile } from '../model/types';
import { ProfileLoadError, loadProfile } from './load-profile';
import { controlPanel, webviewHtml, webviewOptions } from './profile-controller';
import type { ProfileEntry, ProfileRegistry } from './profile-registry';
import { escapeNotificationText } from '../model/escape-text';
import { showErrorWithLog, timed } from '../log';

export const profileEditorViewType = 'flamelens.profileEditor';

export class ProfileDocument implements vscode.CustomDocument {
  readonly entry: ProfileEntry | undefined;
  constructor(
    readonly uri: vscode.Uri,
    profile: Profile | undefined,
    /** Why the file could not be loaded (the editor shows it instead of a graph). */
    readonly error?: string,
  ) {
    this.entry = profile && { profile, title: uri.path.split('/').pop() ?? uri.toString(), source: uri.fsPath || uri.toString() };
  }

  dispose(): void {
    // Nothing held but memory; the profile goes with the document.
  }
}

export class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: ProfileRegistry,
  ) {}

  static register(extensionUri: vscode.Uri, registry: ProfileRegistry): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(profileEditorViewType, new ProfileEditorProvider(extensionUri, registry), {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  async openCustomDocument(uri: vscode.Uri): Promise<ProfileDocument> {
    try {
      return new ProfileDocument(uri, await timed(this.registry.log, `loaded ${uri.fsPath || uri.toString()}`, () => loadProfile(uri)));
    } catch (err) {
      // Thrown, the message would be replaced by VS Code's generic "could not be opened" page.
      if (err instanceof ProfileLoadError) return new ProfileDocument(uri, undefined, err.message);
      throw err;
    }
  }

  resolveCustomEditor(document: ProfileDocument, panel: vscode.WebviewPanel): void {
    if (!document.entry) {
      this.showError(panel, document.error ?? vscode.l10n.t('unknown error'));
      return;
    }
    controlPanel(panel, document.entry, this.extensionUri, this.registry);
  }

  /** The webview shows the message as its banner (it answers `ready` with nothing else); so does a notification. */
  private showError(panel: vscode.WebviewPanel, message: string): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'FlameLens');
    const sub = panel.webview.onDidReceiveMessage((m: { type?: unknown }) => {
      if (m?.type === 'ready') void panel.webview.postMessage({ type: 'error', message: vscode.l10n.t('FlameLens cannot show this file. {0}', message) });
    });
    panel.onDidDispose(() => sub.dispose());
    void showErrorWithLog(this.registry.log, vscode.l10n.t('FlameLens: {0}', escapeNotificationText(message)));
  }
}

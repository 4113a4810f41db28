// The custom editor for *.cpuprofile, *.cpuprofile.gz and *.heapprofile: the document holds the
// parsed profile (read once, shared by every editor of the same file), each editor a controller.
import * as vscode from 'vscode';
import type { Profile } from '../model/types';
import { loadProfile } from './load-profile';
import { ProfileViewController } from './profile-controller';
import type { ProfileEntry, ProfileRegistry } from './profile-registry';

export const profileEditorViewType = 'flamelens.profileEditor';

export class ProfileDocument implements vscode.CustomDocument {
  readonly entry: ProfileEntry;
  constructor(
    readonly uri: vscode.Uri,
    profile: Profile,
  ) {
    this.entry = { profile, title: uri.path.split('/').pop() ?? uri.toString(), source: uri.fsPath || uri.toString() };
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
    // A ProfileLoadError's message is what VS Code shows in the editor area.
    return new ProfileDocument(uri, await loadProfile(uri));
  }

  resolveCustomEditor(document: ProfileDocument, panel: vscode.WebviewPanel): void {
    const controller = new ProfileViewController(
      {
        webview: panel.webview,
        get visible() {
          return panel.visible;
        },
        onDidChangeViewState: panel.onDidChangeViewState,
        reveal: () => panel.reveal(),
      },
      document.entry,
      this.extensionUri,
      this.registry,
    );
    panel.onDidDispose(() => controller.dispose());
  }
}

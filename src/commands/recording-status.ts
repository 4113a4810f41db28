// The status-bar item shown while FlameLens records (a launched capture or an attach session):
// elapsed time, click to stop, and a context key that enables the Stop command.
import * as vscode from 'vscode';

export interface RecordingStatusOptions {
  id: string;
  name: string;
  command: string;
  tooltip: string;
  /** Context key set to true while recording (drives the Stop command's enablement). */
  contextKey: string;
}

export class RecordingStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private tick: NodeJS.Timeout | undefined;

  constructor(private readonly options: RecordingStatusOptions) {
    this.item = vscode.window.createStatusBarItem(options.id, vscode.StatusBarAlignment.Left, 100);
    this.item.name = options.name;
    this.item.command = options.command;
    this.item.tooltip = options.tooltip;
  }

  /** "$(record) FlameLens [label] m:ss", counting from `startedAt` (ms since the epoch). */
  show(startedAt: number, label?: string): void {
    const prefix = label ? vscode.l10n.t('$(record) FlameLens {0}', label) : vscode.l10n.t('$(record) FlameLens');
    const render = () => {
      const s = Math.floor((Date.now() - startedAt) / 1000);
      this.item.text = `${prefix} ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    };
    render();
    this.item.show();
    clearInterval(this.tick);
    this.tick = setInterval(render, 1000);
    void vscode.commands.executeCommand('setContext', this.options.contextKey, true);
  }

  /** Recording stopped, files still being written. */
  saving(): void {
    clearInterval(this.tick);
    this.tick = undefined;
    this.item.text = vscode.l10n.t('$(loading~spin) FlameLens saving…');
  }

  hide(): void {
    clearInterval(this.tick);
    this.tick = undefined;
    this.item.hide();
    void vscode.commands.executeCommand('setContext', this.options.contextKey, false);
  }

  dispose(): void {
    clearInterval(this.tick);
    this.item.dispose();
  }
}

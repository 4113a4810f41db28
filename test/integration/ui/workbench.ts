// Drives a real VS Code workbench (code-server in Chromium) for the UI end-to-end specs. One Workbench per
// spec: a fresh page (so a fresh extension host with FlameLens loaded from the repo) on a fresh workspace.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

const DEFAULT_TIMEOUT_MS = 30_000;
// The active group's active tab; its aria-label is the editor title (e.g. 'busy.js').
const ACTIVE_TAB = '.editor-group-container.active .tabs-container .tab.active';

export interface WaitOptions {
  timeoutMs?: number;
}

export interface WebviewOptions extends WaitOptions {
  /** Wait until this selector is visible inside the webview (default: any element in its body). */
  selector?: string;
  /** Which webview when several are open: index into the open ones, negative from the end (default -1). */
  index?: number;
}

// What page-side callbacks touch of the DOM (this tsconfig has no DOM lib; these functions run in the page).
interface PageGlobals {
  document: {
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
    activeElement: { tagName: string; blur(): void } | null;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Workbench {
  /** Lines written with log(), printed by the runner if the spec fails. */
  readonly logs: string[] = [];

  constructor(
    /** The Playwright page showing the workbench: use it directly for anything not covered here. */
    readonly page: Page,
    /** Absolute path of this spec's throwaway workspace folder (a copy of test/integration/workspace). */
    readonly workspace: string,
    /** Folder for screenshots and other artifacts (test-output/vscode). */
    readonly outputDir: string,
    /** Prefix for screenshot names, normally the spec's name. */
    readonly name: string,
  ) {}

  /** Waits for the workbench shell and status bar to be up. The runner calls it before the spec runs. */
  async ready(opts: WaitOptions = {}): Promise<void> {
    const timeout = opts.timeoutMs ?? 60_000;
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    await this.page.locator('.statusbar').waitFor({ state: 'visible', timeout });
    // The explorer lists the workspace once the remote file system answers.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout });
  }

  /**
   * Runs a command from the palette by its full title as shown there, e.g. 'FlameLens: Open Profile…'
   * (F1, type `>title`, pick the row whose label is exactly that title). Resolves once the palette has closed
   * or moved on to a follow-up prompt; it does not wait for the command's work to finish.
   */
  async runCommand(title: string, opts: WaitOptions = {}): Promise<void> {
    const row = await this.findPaletteRow(title, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    await this.waitForSettledQuickInput();
    await row.click();
    this.log(`ran command: ${title}`);
  }

  /**
   * Opens the palette on `>title` until a row labelled exactly `title` shows. Retries with a fresh palette:
   * an extension's commands appear only once the extension host has registered its contributions, and an
   * open palette does not refresh its list by itself.
   */
  private async findPaletteRow(title: string, timeout: number): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input');
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) })
      .first();
    const deadline = Date.now() + timeout;
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
      // The palette closes when focus moves (an editor or webview that was still opening takes it): retry
      // with a fresh palette instead of waiting out the default action timeout on a hidden input.
      const filled = await input.fill(`>${title}`, { timeout: 5_000 }).then(() => true, () => false);
      if (!filled && Date.now() < deadline) {
        this.log(`palette closed before "${title}" was typed; opening it again`);
        continue;
      }
      if (!filled) throw new Error(`the command palette kept closing before "${title}" could be typed`);
      const wait = Math.min(3_000 * attempt, Math.max(1, deadline - Date.now()));
      if (await row.waitFor({ state: 'visible', timeout: wait }).then(() => true, () => false)) return row;
      if (Date.now() >= deadline) {
        const shown = await this.quickInputRows();
        await this.closeQuickInput();
        throw new Error(`command "${title}" is not in the command palette; it shows: ${JSON.stringify(shown.slice(0, 10))}`);
      }
    }
  }

  /**
   * The titles of the commands the palette lists for `filter` (e.g. 'FlameLens:'), without running any;
   * closes the palette again.
   */
  async paletteCommands(filter: string, opts: WaitOptions = {}): Promise<string[]> {
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const input = this.page.locator('.quick-input-widget input');
    const labels = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name');
    const deadline = Date.now() + timeout;
    let titles: string[] = [];
    // Retried like runCommand, until some title contains the filter (commands register asynchronously).
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await this.focusWorkbench();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
      // Closed again by a focus change (see findPaletteRow): retry with a fresh palette.
      if (!(await input.fill(`>${filter}`, { timeout: 5_000 }).then(() => true, () => false)) && Date.now() < deadline) continue;
      const match = labels.filter({ hasText: filter }).first();
      const found = await match.waitFor({ state: 'visible', timeout: Math.min(3_000 * attempt, Math.max(1, deadline - Date.now())) }).then(() => true, () => false);
      // The list renders only rows in view; it is short for a filtered palette.
      titles = (await labels.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      if (found || Date.now() >= deadline) break;
    }
    await this.closeQuickInput();
    return titles;
  }

  /** Texts of the rows the quick input (palette or quick pick) currently shows. */
  async quickInputRows(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /**
   * Runs a command that shows a quick pick and picks the row containing `text`. A focus change (a panel
   * still settling from the previous step, a webview that just opened) can close the pick before it is
   * used, before or after its rows showed, which cancels the command: then the command is run again,
   * up to three times.
   */
  async runCommandAndPick(title: string, text: string | RegExp, opts: WaitOptions = {}): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: text }).first();
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(title, opts);
      const shown = await row.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
      if (attempt === 3) return this.pickQuickItem(text, opts);
      // Picked, or the pick closed under it (its row hidden again): then the command runs again.
      if (shown && (await this.pickQuickItem(text, { timeoutMs: 10_000 }).then(() => true, () => false))) return;
      this.log(`quick pick of ${title} closed before ${String(text)} was picked; running it again`);
      await this.closeQuickInput();
    }
  }

  /** In an open quick pick (e.g. one a command showed), picks the first row containing `text`. */
  async pickQuickItem(text: string | RegExp, opts: WaitOptions = {}): Promise<void> {
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: text }).first();
    try {
      await row.waitFor({ state: 'visible', timeout });
    } catch {
      throw new Error(`no quick pick row matching ${String(text)}; rows: ${JSON.stringify(await this.quickInputRows())}`);
    }
    // A list that re-renders under the pointer (a loaded machine) can hide the row mid-click: let it
    // settle and click the row found again, a few times, before giving up.
    for (let attempt = 1; ; attempt++) {
      try {
        await row.click({ timeout: 10_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
        await this.waitForSettledQuickInput();
        await row.waitFor({ state: 'visible', timeout });
      }
    }
  }

  /** Types into an open input box (e.g. showInputBox) and presses Enter. */
  async answerInput(text: string, opts: WaitOptions = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    await input.fill(text);
    await input.press('Enter');
  }

  /**
   * Answers the workbench's own file dialog (what showOpenDialog/showSaveDialog show in a browser: a quick
   * input holding a path) with an absolute path, and waits for it to close.
   */
  async answerFileDialog(absolutePath: string, opts: WaitOptions = {}): Promise<void> {
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input');
    await input.waitFor({ state: 'visible', timeout });
    // The dialog fills in its starting folder asynchronously and may overwrite a path typed too early
    // (then Enter answers "Please select a file"), so type, check the value held, and retry.
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      await input.fill(absolutePath);
      await this.page.waitForTimeout(500);
      if ((await input.inputValue()) !== absolutePath) continue;
      await input.press('Enter');
      if (await widget.waitFor({ state: 'hidden', timeout: 5_000 }).then(() => true, () => false)) {
        this.log(`file dialog: ${absolutePath}`);
        return;
      }
    }
    throw new Error(`the file dialog did not accept ${absolutePath}; it shows "${await input.inputValue().catch(() => '?')}"`);
  }

  /** Closes the palette/quick pick if one is open. */
  async closeQuickInput(): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
  }

  /**
   * Opens a workspace file by its path relative to the workspace (quick open, Ctrl+P) and waits until its
   * editor tab is the active one.
   */
  async openFile(relativePath: string, opts: WaitOptions = {}): Promise<void> {
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const base = path.basename(relativePath);
    const input = this.page.locator('.quick-input-widget input');
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(base)}\\s*$`) }) })
      .first();
    const deadline = Date.now() + timeout;
    // Quick open re-renders its list as file search results arrive, so a click can land on a row that
    // moved; wait for a settled list, and check the editor that opened (retrying if it is another one).
    for (;;) {
      await this.closeQuickInput();
      await this.focusWorkbench();
      await this.page.keyboard.press('Control+P');
      await input.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) });
      await input.fill(relativePath);
      const found = await row.waitFor({ state: 'visible', timeout: Math.max(1, deadline - Date.now()) }).then(() => true, () => false);
      if (!found) {
        const rows = await this.quickInputRows();
        await this.closeQuickInput();
        throw new Error(`quick open found no "${relativePath}"; rows: ${JSON.stringify(rows)}`);
      }
      await this.waitForSettledQuickInput();
      await row.click();
      const opened = await this.waitForActiveEditor(base, { timeoutMs: Math.min(5_000, Math.max(1, deadline - Date.now())) }).then(() => true, () => false);
      if (opened) break;
      if (Date.now() >= deadline) throw new Error(`opening ${relativePath} left "${await this.activeEditorTitle()}" active`);
      this.log(`openFile(${relativePath}): "${await this.activeEditorTitle()}" opened instead; retrying`);
    }
    this.log(`opened ${relativePath}`);
  }

  /** Waits until the quick input's rows stop changing (up to 3 s). */
  private async waitForSettledQuickInput(): Promise<void> {
    let last = JSON.stringify(await this.quickInputRows());
    for (const until = Date.now() + 3_000; Date.now() < until; ) {
      await this.page.waitForTimeout(250);
      const now = JSON.stringify(await this.quickInputRows());
      if (now === last) return;
      last = now;
    }
  }

  /** The title of the active editor tab (e.g. 'busy.js'), or undefined when no editor is open. */
  async activeEditorTitle(): Promise<string | undefined> {
    const tab = this.page.locator(ACTIVE_TAB).first();
    if ((await tab.count()) === 0) return undefined;
    return (await tab.getAttribute('aria-label')) ?? undefined;
  }

  /** Waits until the active editor tab's title contains `title` (string) or matches it (RegExp). */
  async waitForActiveEditor(title: string | RegExp, opts: WaitOptions = {}): Promise<void> {
    const label = typeof title === 'string' ? new RegExp(escapeRegExp(title)) : title;
    try {
      await this.page.waitForFunction(
        ({ selector, source, flags }) => {
          const tab = (globalThis as unknown as PageGlobals).document.querySelector(selector);
          return !!tab && new RegExp(source, flags).test(tab.getAttribute('aria-label') ?? '');
        },
        { selector: ACTIVE_TAB, source: label.source, flags: label.flags },
        { timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS },
      );
    } catch {
      throw new Error(`active editor is "${await this.activeEditorTitle()}", expected ${String(title)}`);
    }
  }

  /** The visible text of the active text editor (Monaco renders only lines in view). */
  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT_MS });
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * The content frame of an open webview (a webview panel or custom editor):
   * `iframe.webview` → `iframe#active-frame`. Doesn't wait; see waitForWebview.
   */
  webviewFrame(index = -1): FrameLocator {
    return this.page.locator('iframe.webview').nth(index).contentFrame().locator('iframe#active-frame').contentFrame();
  }

  /** Waits for a webview to show `selector` (default: anything in its body) and returns its frame. */
  async waitForWebview(opts: WebviewOptions = {}): Promise<FrameLocator> {
    const timeout = opts.timeoutMs ?? 30_000;
    const index = opts.index ?? -1;
    const started = Date.now();
    // The outer iframe appears first; its inner active-frame is swapped in once the content has loaded.
    await this.page.locator('iframe.webview').nth(index).waitFor({ state: 'attached', timeout });
    const frame = this.webviewFrame(index);
    const target = opts.selector ? frame.locator(opts.selector).first() : frame.locator('body *').first();
    try {
      await target.waitFor({ state: opts.selector ? 'visible' : 'attached', timeout: Math.max(1, timeout - (Date.now() - started)) });
    } catch {
      throw new Error(`webview did not show ${opts.selector ?? 'any content'} within ${timeout} ms`);
    }
    return frame;
  }

  /** Number of webview iframes currently in the page (hidden ones included). */
  async webviewCount(): Promise<number> {
    return this.page.locator('iframe.webview').count();
  }

  /** Texts of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast');
    return (await toasts.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Waits for a notification toast containing `text` and returns its locator (to click its buttons). */
  async waitForNotification(text: string | RegExp, opts: WaitOptions = {}): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
    try {
      await toast.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    } catch {
      throw new Error(`no notification matching ${String(text)}; shown: ${JSON.stringify(await this.notifications())}`);
    }
    return toast;
  }

  /** The status bar entry containing `text` (a Locator; wait on it or read it). */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar .statusbar-item').filter({ hasText: text }).first();
  }

  /** Presses a key chord in the workbench, e.g. 'Escape', 'Control+S'. */
  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  /** Saves a full-page PNG as <outputDir>/<spec name>-<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(this.outputDir, { recursive: true });
    const file = path.join(this.outputDir, `${this.name}-${name}.png`);
    await this.page.screenshot({ path: file });
    this.log(`screenshot ${file}`);
    return file;
  }

  /** Absolute path of a file in this spec's workspace. */
  workspacePath(relativePath: string): string {
    return path.join(this.workspace, relativePath);
  }

  log(message: string): void {
    this.logs.push(`${new Date().toISOString().slice(11, 23)} ${message}`);
  }

  private async focusWorkbench(): Promise<void> {
    // Keyboard shortcuts must reach the workbench window, not a focused webview iframe.
    await this.page.evaluate(() => {
      const active = (globalThis as unknown as PageGlobals).document.activeElement;
      if (active?.tagName === 'IFRAME') active.blur();
    });
  }
}

/**
 * A UI end-to-end spec: a file test/integration/ui/<name>.spec.ts exporting `run` (and optionally
 * `timeoutMs`, default 120 s). The runner gives each spec a fresh workbench on a fresh workspace.
 */
export interface UiSpecModule {
  run(ui: Workbench): Promise<void>;
  timeoutMs?: number;
  /** A spec that needs a server set up differently (e.g. honouring workspace trust) gets one of its own. */
  server?: UiServerOptions;
}

export interface UiServerOptions {
  /** Honour workspace trust: the workspace opens in Restricted Mode. */
  workspaceTrust?: boolean;
  /** User keybindings.json entries, e.g. to reach a command the palette hides. */
  keybindings?: unknown[];
}

/** The webview (of several) that shows `selector`. */
export async function webviewShowing(ui: Workbench, selector: string, timeout: number): Promise<FrameLocator> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const count = await ui.webviewCount();
    for (let i = 0; i < count; i++) {
      const frame = ui.webviewFrame(i);
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() > deadline) {
      const bodies: string[] = [];
      for (let i = 0; i < count; i++) bodies.push((await ui.webviewFrame(i).locator('body').innerText({ timeout: 2000 }).catch((e: Error) => e.message)).slice(0, 300));
      await ui.screenshot(`no-${selector.replace(/\W+/g, '-')}`);
      throw new Error(`no webview shows ${selector} (${count} webviews: ${JSON.stringify(bodies)})`);
    }
    await ui.page.waitForTimeout(500);
  }
}

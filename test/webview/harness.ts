// Shared set-up for the webview browser tests: builds dist/ if needed, turns a real profile
// into the messages the extension host would send, serves the webview page on 127.0.0.1 and
// opens it in Chromium (launched by test/support/chromium-suite.ts) with a stand-in webview API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseProfile } from '../../src/model/import';
import { toFlameTree } from '../../src/model/flame';
import { functionTable } from '../../src/model/tables';
import { applyViewOptions } from '../../src/model/view';
import { sliceProfile } from '../../src/model/time-slice';
import type { Profile } from '../../src/model/types';
import { defaultViewOptions } from '../../src/protocol';
import type { HostMessage, TablePayload, TreePayload, ViewFrame, ViewOptions, WebviewMessage } from '../../src/protocol';
import { flameChartMessage, initMessage, previewMessage, sandwichMessage, searchMessage, subtreeMessage, treeAndTable } from '../../src/webview-page/payload';
import type { InitMessage } from '../../src/webview-page/html';
import { servePage, useChromium, type ChromiumSuite, type PageServer } from '../support/chromium-suite';

// Browser globals, used only inside callbacks that Playwright runs in the page (the Node-side
// tsconfig has no DOM lib, and a shared declaration would be rewritten by the transpiler).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any, document: any, sessionStorage: any, requestAnimationFrame: any, MessageEvent: any;

export const repoRoot = path.resolve(__dirname, '../..');
export const distDir = path.join(repoRoot, 'dist');
export const outputDir = path.join(repoRoot, 'test-output/webview');
export const fixture = (name: string) => path.join(repoRoot, 'test/fixtures', name);

/** Builds dist/webview.{js,css} when missing or older than the webview sources. */
export function ensureBuilt(): void {
  const built = path.join(distDir, 'webview.js');
  const newest = Math.max(...readdirSync(path.join(repoRoot, 'webview')).map((f) => statSync(path.join(repoRoot, 'webview', f)).mtimeMs));
  if (!existsSync(built) || !existsSync(path.join(distDir, 'webview.css')) || statSync(built).mtimeMs < newest) {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  }
  mkdirSync(outputDir, { recursive: true });
}

export function loadProfile(name: string, edit?: (json: { nodes: { callFrame: { functionName: string } }[] }) => void): Profile {
  const bytes = readFileSync(fixture(name));
  if (!edit) return parseProfile(bytes);
  const json = JSON.parse(bytes.toString('utf8'));
  edit(json);
  return parseProfile(Buffer.from(JSON.stringify(json)));
}

// ---- What the extension host sends, built with the real model functions ----

export function viewFrames(p: Profile): ViewFrame[] {
  return p.frames.map((f) => ({ name: f.functionName, url: f.url, line: f.line, column: f.column, category: f.category, packageName: f.packageName }));
}

/** A pruned tree; FlameNode.frame indexes the profile's frames, so all of them are sent. */
export function treeOf(p: Profile, root = 0, maxNodes = 5000): TreePayload {
  return { root: toFlameTree(p, { root, maxNodes }).root, frames: viewFrames(p), total: p.totalValue[0]! };
}

export function tableOf(p: Profile): TablePayload {
  const rootFrame = p.nodeFrame[0];
  const rows = functionTable(p)
    .filter((r) => r.frame !== rootFrame)
    .map((r) => ({ frame: r.frame, self: r.self, total: r.total }));
  return { rows, frames: viewFrames(p) };
}

export function makeInit(p: Profile, title: string, options: ViewOptions = defaultViewOptions, maxNodes = 5000): InitMessage {
  const view = applyViewOptions(p, options);
  return {
    type: 'init',
    summary: { title, kind: p.kind, unit: p.unit, diff: p.baseTotalValue !== undefined, nodeCount: p.nodeCount, sampleCount: p.sampleCount, total: p.totalValue[0]!, notes: [...p.notes] },
    options,
    tree: treeOf(view, 0, maxNodes),
    table: tableOf(view),
  };
}

/**
 * Stand-in for the extension host (the real one needs VS Code): answers the webview's requests
 * from a real profile with the real host payload builders (src/webview-page/payload.ts) — or, when a
 * test needs a different prune size, with toFlameTree directly — and records every message.
 */
export class StandInHost {
  readonly received: WebviewMessage[] = [];
  readonly sent: HostMessage[] = [];
  private view: Profile;
  /** The profile restricted to the webview's timeline range (the whole profile when none), and the options on top. */
  private scoped: Profile;
  private options: ViewOptions = defaultViewOptions;

  constructor(
    private readonly profile: Profile,
    private readonly title: string,
    private readonly maxNodes?: number,
  ) {
    this.view = profile;
    this.scoped = profile;
  }

  handle(message: WebviewMessage): HostMessage[] {
    this.received.push(message);
    const replies = this.answer(message);
    this.sent.push(...replies);
    return replies;
  }

  /** The last tree and table drawn from (init or tree message). */
  lastTree(): { tree: TreePayload; table: TablePayload } {
    const last = this.sent.filter((m) => m.type === 'init' || m.type === 'tree').at(-1);
    if (!last || (last.type !== 'init' && last.type !== 'tree')) throw new Error('no tree sent yet');
    return { tree: last.tree, table: last.table };
  }

  private answer(message: WebviewMessage): HostMessage[] {
    const custom = this.maxNodes;
    switch (message.type) {
      case 'ready':
        this.view = this.profile;
        this.scoped = this.profile;
        this.options = defaultViewOptions;
        // As the extension's controller: a preview when the page asks for one, the init after it is painted.
        // With a custom prune size, the init straight away (the path of hosts that make no preview).
        if (custom) return [makeInit(this.profile, this.title, defaultViewOptions, custom)];
        if (message.preview) return [previewMessage(this.profile, this.view, this.title, defaultViewOptions, message.preview)];
        return [initMessage(this.profile, this.view, this.title, defaultViewOptions)];
      case 'previewPainted':
        return custom ? [] : [initMessage(this.profile, this.view, this.title, this.options)];
      case 'setOptions': {
        this.options = message.options;
        this.view = applyViewOptions(this.scoped, message.options);
        const payload = custom ? { tree: treeOf(this.view, 0, custom), table: tableOf(this.view) } : treeAndTable(this.view);
        return [{ type: 'tree', requestId: message.requestId, ...payload }];
      }
      case 'setRange': {
        this.scoped = message.range ? sliceProfile(this.profile, message.range.from, message.range.to) : this.profile;
        this.view = applyViewOptions(this.scoped, this.options);
        return [{ type: 'tree', requestId: message.requestId, ...treeAndTable(this.view) }];
      }
      case 'flameChart':
        return [flameChartMessage(this.profile, message.requestId, message.range, message.width)];
      case 'expand':
        if (custom) return [{ type: 'subtree', requestId: message.requestId, nodeId: message.nodeId, tree: treeOf(this.view, message.nodeId, custom) }];
        return [subtreeMessage(this.view, message.requestId, message.nodeId)];
      case 'sandwich':
        return [sandwichMessage(this.view, message.requestId, message.nodeId)];
      case 'search':
        return [searchMessage(this.view, message.requestId, message.term)];
      default:
        return [];
    }
  }
}

export type WebviewServer = PageServer;

/** Serves the flame-graph page (renderWebviewHtml) plus dist/webview.* on 127.0.0.1, like a webview's resource origin. */
export function startWebviewServer(): Promise<WebviewServer> {
  return servePage('webview', 'FlameLens test');
}

/**
 * A flame-graph webview suite's hooks: dist/ built, then Chromium and the page server (useChromium);
 * at the end, no page in `opened` (filled by the tests) saw a CSP violation or a page error.
 */
export function useWebviewSuite(ready: (suite: ChromiumSuite<WebviewServer>) => void, opened?: readonly WebviewPage<PageHost>[]): void {
  before(() => ensureBuilt());
  useChromium(ready, startWebviewServer);
  if (!opened) return;
  after(() => {
    for (const w of opened) {
      assert.deepEqual(w.violations, [], 'no Content-Security-Policy violations');
      assert.deepEqual(w.errors, [], 'no page errors');
    }
  });
}

/** A few of VS Code's theme variables (Dark/Light Modern), as a stand-in for what VS Code injects into webviews. */
export const themes = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1f1f1f', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-panel-border': '#2b2b2b', '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc',
      '--vscode-input-border': '#3c3c3c', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1', '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-focusBorder': '#0078d4',
      '--vscode-editorWidget-background': '#202020', '--vscode-charts-orange': '#d18616', '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-font-size': '13px',
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-editor-font-family': 'monospace',
      '--vscode-inputValidation-errorBackground': '#5a1d1d', '--vscode-inputValidation-errorBorder': '#be1100',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff', '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-panel-border': '#e5e5e5', '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-border': '#cecece', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8', '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-focusBorder': '#005fb8',
      '--vscode-editorWidget-background': '#f8f8f8', '--vscode-charts-orange': '#d18616', '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90', '--vscode-font-size': '13px',
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-editor-font-family': 'monospace',
      '--vscode-inputValidation-errorBackground': '#f2dede', '--vscode-inputValidation-errorBorder': '#be1100',
    },
  },
} as const;

export type ThemeName = keyof typeof themes;

/** What answers the page's messages: StandInHost, or a host whose answers wait (bench/webview.ts answers `ready` once its profile is parsed). */
export interface PageHost {
  handle(message: WebviewMessage): HostMessage[] | Promise<HostMessage[]>;
}

export interface WebviewPage<H extends PageHost = StandInHost> {
  page: Page;
  host: H;
  violations: string[];
  errors: string[];
}

/**
 * A fresh page with a stand-in `acquireVsCodeApi` (VS Code's webview API) that forwards posted
 * messages to `host` in Node and keeps getState/setState in sessionStorage, so state survives a
 * reload as it does in VS Code; CSP violations and page errors are collected. Not navigated yet.
 */
export async function newWebviewPage<H extends PageHost = StandInHost>(
  browser: Browser,
  host: H,
  theme: ThemeName = 'dark',
  viewport = { width: 1200, height: 900 },
  contextOptions: { deviceScaleFactor?: number } = {},
): Promise<WebviewPage<H>> {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const page = await context.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Replies travel as one JSON string: Playwright's own serialisation of a deep tree is very slow.
  await page.exposeFunction('__standInHost', async (message: WebviewMessage) => JSON.stringify(await host.handle(message)));
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
  const { bodyClass, vars } = themes[theme];
  await page.addInitScript(
    ({ bodyClass, vars }) => {
      const w = window as unknown as Record<string, unknown>;
      w.__posted = [];
      document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string; sample: string }) => {
        (w.__cspViolation as (t: string) => void)(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
      });
      document.addEventListener('DOMContentLoaded', () => {
        document.body.classList.add(bodyClass);
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      });
      w.acquireVsCodeApi = () => ({
        postMessage(message: unknown) {
          (w.__posted as unknown[]).push(message);
          (w.__standInHost as (m: unknown) => Promise<string>)(message).then((replies) => {
            for (const data of JSON.parse(replies) as unknown[]) window.dispatchEvent(new MessageEvent('message', { data }));
          });
        },
        getState() {
          const s = sessionStorage.getItem('vscode-state');
          return s ? JSON.parse(s) : undefined;
        },
        setState(state: unknown) {
          sessionStorage.setItem('vscode-state', JSON.stringify(state));
        },
      });
    },
    { bodyClass, vars: vars as Record<string, string> },
  );
  return { page, host, violations, errors };
}

/** Opens the webview page (see newWebviewPage) and waits for `readySelector`. */
export async function openWebview<H extends PageHost = StandInHost>(
  browser: Browser,
  server: WebviewServer,
  host: H,
  theme: ThemeName = 'dark',
  viewport = { width: 1200, height: 900 },
  /** What shows the page is up: drawn frames, or e.g. the banner when the host answers with an error. */
  readySelector = '.fl-graph[data-drawn]',
  contextOptions: { deviceScaleFactor?: number } = {},
): Promise<WebviewPage<H>> {
  const opened = await newWebviewPage(browser, host, theme, viewport, contextOptions);
  const { page, errors, violations } = opened;
  await page.goto(server.url);
  await page.waitForSelector(readySelector, { state: 'attached', timeout: 10_000 }).catch((e) => { throw new Error(`${e} errors=${errors.join(' | ')} violations=${violations.join(' | ')}`); });
  return opened;
}

export async function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted);
}

/** Waits two animation frames so d3's zero-length transitions have run. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Runs an action in the page and returns ms until two animation frames later (d3 draws synchronously). */
export async function timeInPage(page: Page, action: string): Promise<number> {
  return page.evaluate(async (code) => {
    const start = performance.now();
    new Function(code)();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - start;
  }, action);
}

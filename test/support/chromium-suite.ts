// Chromium for the browser tests (test/webview) and bench/webview.ts: one launch with the flags the
// suite needs, pages served on 127.0.0.1 as a webview's resource origin, and the two ways a page is
// opened outside the flame-graph harness (test/webview/harness.ts): a webview page whose posts are
// recorded, and a file:// page that may load nothing from the network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { HostMessage } from '../../src/protocol';
import { renderWebviewHtml } from '../../src/webview-page/html';

const distDir = path.resolve(__dirname, '../../dist');

/**
 * Debian's Chromium, headless. The flags keep a run self-contained and alike on a CI container:
 * --no-sandbox: the container runs as root, where Chromium's sandbox refuses to start;
 * --disable-gpu: no GPU there, so canvases are drawn in software, the same on every machine;
 * --disable-dev-shm-usage: a container's /dev/shm is small, and a large page would crash the renderer;
 * --disable-background-networking, --disable-component-update, --disable-sync, --no-first-run,
 * --disable-quic: none of the browser's own update, sync, first-run or QUIC traffic on an offline
 * machine, so a request a test records comes from the page under test.
 */
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * Debian builds of Chromium: `shell` is chromium-headless-shell, the old headless mode without the
 * browser's own UI (what Playwright runs headless by default), which the tests use: the same Blink,
 * V8 and Skia as the full browser at about 40% less CPU (test/webview/timeline.test.ts alone: 38–44
 * against 62–75 CPU-seconds), on a 2-core CI machine where the suite is CPU-bound. `full` is the
 * whole browser run headless, which bench/webview.ts keeps: its first-draw figures include the
 * browser machinery an Electron webview also has, and stay comparable with earlier runs.
 */
export const chromiumBuilds = {
  shell: { path: '/usr/bin/chromium-headless-shell', pkg: 'chromium-headless-shell' },
  full: { path: '/usr/bin/chromium', pkg: 'chromium' },
} as const;

export async function launchChromium(build: keyof typeof chromiumBuilds = 'shell'): Promise<Browser> {
  const { path: executablePath, pkg } = chromiumBuilds[build];
  // Said up front, with the fix: Playwright's own message names the path but not the package.
  if (!existsSync(executablePath)) throw new Error(`${executablePath} is missing: install Debian's ${pkg} (apt-get install ${pkg}; scripts/debian-packages.sh installs what the tests need).`);
  return chromium.launch({ executablePath, args: chromiumArgs });
}

export interface LoopbackServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The origin's root page. */
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 at a free port; `respond` answers each request by its parsed URL. */
export async function serveLoopback(respond: (url: URL, res: http.ServerResponse) => void): Promise<LoopbackServer> {
  const server = http.createServer((req, res) => respond(new URL(req.url ?? '/', 'http://127.0.0.1'), res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, url: `${origin}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The page bundles esbuild writes to dist/ (NAME.js + NAME.css), each a webview of its own. */
export type PageBundle = 'webview' | 'load' | 'snapshot';

export interface PageServer extends LoopbackServer {
  /** Translations the page is served with, as the host embeds vscode.l10n.bundle (none: English). */
  l10n?: Record<string, string>;
  /** A preview the page is served with, as the extension's controller embeds one (previewMessage; none: the page asks). */
  preview?: HostMessage;
  /** Where NAME.js and NAME.css are read from (none: dist/); bench/webview.ts serves the production build. */
  assetDir?: string;
}

/**
 * Serves the page renderWebviewHtml builds for `bundle`, and the bundle from dist/, on 127.0.0.1: the
 * page's CSP names that origin as a webview's names its resource origin. l10n, preview and assetDir are read
 * per request, so a test can set them before it opens a page.
 */
export async function servePage(bundle: PageBundle, title: string): Promise<PageServer> {
  // (and NAME-svg.js, which the flame-graph page loads when it saves an SVG)
  const asset = new RegExp(`^/dist/(${bundle}(?:-svg)?\\.(?:js|css)(?:\\.map)?)$`);
  // eslint-disable-next-line prefer-const -- assigned once the server listens; read per request
  let served: PageServer | undefined;
  const loopback = await serveLoopback((url, res) => {
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      const origin = served!.origin;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderWebviewHtml({ cspSource: origin, scriptUri: `${origin}/dist/${bundle}.js`, styleUri: `${origin}/dist/${bundle}.css`, nonce: `n${Date.now()}`, title, ...(served?.l10n ? { l10n: served.l10n } : {}), ...(served?.preview ? { preview: served.preview } : {}) }));
      return;
    }
    const file = asset.exec(url.pathname)?.[1];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/json' });
    res.end(readFileSync(path.join(served?.assetDir ?? distDir, file)));
  });
  served = { ...loopback };
  return served;
}

export interface ChromiumSuite<S> {
  browser: Browser;
  server: S;
}

/**
 * Hooks for a node:test suite: `before` launches Chromium (then starts `serve`'s server, when given)
 * and hands both to `ready`; `after` closes them. Hooks run in the order they are registered, so
 * set-up registered before this call (a build, a recorded run) still runs before the browser starts.
 */
export function useChromium(ready: (suite: ChromiumSuite<undefined>) => void): void;
export function useChromium<S extends { close(): Promise<void> }>(ready: (suite: ChromiumSuite<S>) => void, serve: () => Promise<S>): void;
export function useChromium<S extends { close(): Promise<void> }>(ready: (suite: ChromiumSuite<S | undefined>) => void, serve?: () => Promise<S>): void {
  let browser: Browser | undefined;
  let server: S | undefined;
  before(async () => {
    browser = await launchChromium();
    server = await serve?.();
    ready({ browser, server });
  });
  after(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  });
}

/** Records the Content-Security-Policy violations of `page`'s documents (from its next navigation on) in `violations`. */
export async function recordCspViolations(page: Page, violations: string[]): Promise<void> {
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
  // A string, so the transpiler can't add helpers the page doesn't have.
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(e.violatedDirective + ' ' + e.blockedURI));`);
}

export interface RecordingPage {
  page: Page;
  /** Content-Security-Policy directives the page violated. */
  violations: string[];
  errors: string[];
}

/**
 * Opens `url` (a servePage page) with a stand-in `acquireVsCodeApi` that keeps what the page posts in
 * `window.__posted` and answers nothing; waits for the page's `ready`.
 */
export async function openRecordingPage(browser: Browser, url: string, viewport?: { width: number; height: number }): Promise<RecordingPage> {
  const page = await browser.newPage(viewport ? { viewport } : {});
  const violations: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await recordCspViolations(page, violations);
  await page.addInitScript(`
    window.__posted = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });
  `);
  await page.goto(url);
  await page.waitForFunction('window.__posted.some((m) => m.type === "ready")', undefined, { timeout: 10_000 }).catch((e: Error) => {
    throw new Error(`${e.message}; errors: ${errors.join(' | ')}; CSP: ${violations.join(' | ')}`);
  });
  return { page, violations, errors };
}

export interface OfflineContext {
  context: BrowserContext;
  /** Every request that was not allowed (each one aborted). */
  network: string[];
}

export interface OfflineOptions extends BrowserContextOptions {
  /** URL prefixes the pages may load (default file:, for a report or a file opened from disk). */
  allow?: readonly string[];
  /** Where refused requests are recorded (default a new list). */
  network?: string[];
}

/** A browser context that aborts and records every request outside `allow`: its pages load nothing remote. */
export async function offlineContext(browser: Browser, options: OfflineOptions = {}): Promise<OfflineContext> {
  const { allow = ['file:'], network = [], ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allow.some((prefix) => url.startsWith(prefix))) return route.continue();
    network.push(url);
    return route.abort();
  });
  return { context, network };
}

export interface OfflinePage extends OfflineContext {
  page: Page;
  errors: string[];
}

export interface OfflinePageOptions extends OfflineOptions {
  /** Where page errors are recorded (default a new list). */
  errors?: string[];
  /** Runs on the new page before it loads `url` (init scripts, event handlers). */
  beforeLoad?: (page: Page) => Promise<void> | void;
}

/** Opens `url` (a file:// report or document, or a page on an allowed origin) in a new offlineContext. */
export async function openOfflinePage(browser: Browser, url: string, options: OfflinePageOptions = {}): Promise<OfflinePage> {
  const { errors = [], beforeLoad, ...offline } = options;
  const { context, network } = await offlineContext(browser, offline);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await beforeLoad?.(page);
  await page.goto(url);
  return { context, network, page, errors };
}

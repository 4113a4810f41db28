// Runs FlameLens's integration tests in a real VS Code: code-server (VS Code's workbench and Node extension
// host, installed by scripts/setup-code-server.sh) driven by Debian's Chromium through playwright-core.
//   phase 1  the mocha suite (test/integration/suite/*.test.ts) inside the extension host
//   phase 2  the UI end-to-end specs (test/integration/ui/*.spec.ts), each on a fresh workbench
// Exit code: number of failed tests (capped at 100); 1 for a harness error.
//
//   node --import tsx test/integration/run-code-server.ts [--only mocha|ui] [--grep TEXT] [--no-build]
//        [--extension DIR] [--keep]
//   FLAMELENS_MOCHA_TIMEOUT_MS  time limit for the whole mocha phase (default 600000)
//   FLAMELENS_VSCODE_VERBOSE=1  also print the extension host's log lines and each UI spec's step log
//   FLAMELENS_TEST_OUTPUT       where screenshots and logs go (default test-output/vscode)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { killAllCodeServersNow, startCodeServer } from './harness/codeServer';
import type { CodeServer, StartOptions } from './harness/codeServer';
import { countEvents, indent, printEvent, readEvents, runningTest } from './harness/mochaResults';
import type { Counts } from './harness/mochaResults';
import { delay, killGroup, killProcessesIn, seconds, withTimeout } from './harness/process';
import { readToolPaths } from './harness/tools';
import type { ToolPaths } from './harness/tools';
import { createWorkspace } from './harness/workspace';
import { Workbench } from './ui/workbench';
import type { UiServerOptions, UiSpecModule } from './ui/workbench';

const REPO = path.resolve(__dirname, '..', '..');
const OUTPUT_DIR = path.resolve(process.env.FLAMELENS_TEST_OUTPUT ?? path.join(REPO, 'test-output', 'vscode'));
const UI_DIR = path.join(__dirname, 'ui');
const VIEWPORT = { width: 1400, height: 900 };
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

interface Harness {
  tools: ToolPaths;
  browser: Browser;
  tmp: string;
  env: NodeJS.ProcessEnv;
  extensionDir: string;
  grep: string | undefined;
  verbose: boolean;
}

const say = (msg: string): void => console.log(`[vscode] ${msg}`);

// ---- cleanup, also on Ctrl+C and on crashes --------------------------------------------------------------
// Last in, first out; each step runs once. Process groups are also killed synchronously on exit, in case
// the process ends before an async step finished.
const cleanups: (() => Promise<void>)[] = [];
let browserPgid: number | undefined;
let interrupted = false;

let cleaning: Promise<void> | undefined;
let tmpToRemove: string | undefined;

/** Runs the pending cleanup steps; concurrent callers (a signal and the main flow) share one pass. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop()!;
      await withTimeout(step(), 10_000, 'cleanup step').catch((err: unknown) => say(`cleanup: ${String(err)}`));
    }
  })().finally(() => (cleaning = undefined));
  return cleaning;
}

process.on('exit', () => {
  killAllCodeServersNow();
  if (browserPgid !== undefined) killGroup(browserPgid, 'SIGKILL');
  if (tmpToRemove) rmSync(tmpToRemove, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`${signal}: stopping code-server and the browser`);
    void cleanup().finally(() => process.exit(130));
  });
}

function checkInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

// ---- phase 1: the mocha suite inside the extension host --------------------------------------------------
function workbenchUrl(server: CodeServer, folder: string, payload: [string, string][]): string {
  return `${server.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Runs `phase` against a code-server of its own, stopped afterwards whatever happens. */
async function withServer<T>(h: Harness, name: string, options: Pick<StartOptions, 'smokeTestDriver' | 'installExtensions' | 'workspaceTrust' | 'keybindings'>, phase: (server: CodeServer) => Promise<T>): Promise<T> {
  checkInterrupted();
  const started = Date.now();
  const server = await startCodeServer({ tools: h.tools, root: path.join(h.tmp, `server-${name}`), env: h.env, ...options });
  const stop = (): Promise<void> => server.stop();
  cleanups.push(stop);
  say(`code-server ${h.tools.codeServerVersion} on ${server.origin} (pid ${server.pid}), ready in ${seconds(Date.now() - started)}`);
  try {
    return await phase(server);
  } finally {
    const at = cleanups.indexOf(stop);
    if (at >= 0) cleanups.splice(at, 1);
    await stop();
  }
}

async function newPage(h: Harness): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  return { context, page };
}

async function runMochaPhase(h: Harness, server: CodeServer, resultsFile: string): Promise<Counts> {
  say('phase 1: mocha suite in the extension host');
  const started = Date.now();
  rmSync(path.join(OUTPUT_DIR, 'mocha-failure.png'), { force: true });
  const workspace = createWorkspace(path.join(h.tmp, 'workspace-mocha'));
  const { context, page } = await newPage(h);
  const hostLog: string[] = [];
  let exit: { code: number } | undefined;
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
    exit = { code };
    for (const log of logs ?? []) {
      const dest = path.join(OUTPUT_DIR, 'host-logs', log.relativePath.replace(/^[/\\]+/, ''));
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(dest, log.contents);
    }
  });
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    const line = `[${type}] ${typeof args === 'string' ? args : JSON.stringify(args)}`;
    hostLog.push(line);
    if (h.verbose) console.log(`    host ${line}`);
  });
  let crashed = '';
  page.on('crash', () => (crashed = 'the workbench page crashed'));
  page.on('close', () => (crashed ||= 'the workbench page closed'));

  const timeoutMs = Number(process.env.FLAMELENS_MOCHA_TIMEOUT_MS ?? 600_000);
  const startTimeoutMs = 120_000;
  rmSync(resultsFile, { force: true });
  await page.goto(
    workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', server.remoteUri(h.extensionDir)],
      ['extensionTestsPath', server.remoteUri(path.join(REPO, 'out', 'test', 'integration', 'index.js'))],
    ]),
  );

  let printed = 0;
  let failure = '';
  for (;;) {
    const events = readEvents(resultsFile);
    events.slice(printed).forEach(printEvent);
    printed = events.length;
    const elapsed = Date.now() - started;
    if (events.some((e) => e.event === 'end')) break;
    if (exit) {
      // run() settled; give the reporter's last write a moment to land.
      await delay(300);
      readEvents(resultsFile).slice(printed).forEach(printEvent);
      if (!readEvents(resultsFile).some((e) => e.event === 'end')) {
        failure = `the suite exited with code ${exit.code} before mocha reported an end (run() rejected or the host crashed)`;
      }
      break;
    }
    if (crashed) {
      failure = crashed;
      break;
    }
    if (events.length === 0 && elapsed > startTimeoutMs) {
      failure = `the extension host did not start the suite within ${startTimeoutMs / 1000} s`;
      break;
    }
    if (elapsed > timeoutMs) {
      const running = runningTest(events);
      failure = `the mocha phase did not finish within ${timeoutMs / 1000} s${running ? `; still running: "${running}"` : ''}`;
      break;
    }
    await delay(250);
  }

  checkInterrupted();
  // After mocha's end, run() resolves or rejects and the workbench reports the exit code.
  for (const until = Date.now() + 10_000; !failure && !exit && Date.now() < until; ) await delay(100);
  const { ended: _ended, ...counts } = countEvents(readEvents(resultsFile));
  if (failure) {
    counts.failed += 1;
    console.log(`  ✗ ${failure}`);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'mocha-failure.png') }).catch(() => undefined);
    console.log(`    screenshot: ${path.join(OUTPUT_DIR, 'mocha-failure.png')}`);
    console.log(indent(`extension host log (last lines):\n${hostLog.slice(-25).join('\n') || '(none)'}`, '    '));
    console.log(indent(`code-server log (${server.logFile}):\n${server.logTail(15)}`, '    '));
  } else if (exit && exit.code !== 0 && counts.failed === 0) {
    counts.failed += 1;
    console.log(`  ✗ the suite exited with code ${exit.code} although mocha reported no failure`);
  }
  writeFileSync(path.join(OUTPUT_DIR, 'mocha-host.log'), hostLog.join('\n') + '\n');
  if (existsSync(resultsFile)) copyFileSync(resultsFile, path.join(OUTPUT_DIR, 'mocha-results.jsonl'));
  await context.close().catch(() => undefined);
  say(`mocha: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${seconds(Date.now() - started)})`);
  return counts;
}

// ---- phase 2: UI end-to-end specs --------------------------------------------------------------------------
function findSpecs(grep: string | undefined): string[] {
  if (!existsSync(UI_DIR)) return [];
  return readdirSync(UI_DIR)
    .filter((f) => /\.spec\.(ts|mjs|js)$/.test(f))
    .filter((f) => !grep || f.includes(grep))
    .sort()
    .map((f) => path.join(UI_DIR, f));
}

async function runUiSpec(h: Harness, server: CodeServer, file: string): Promise<boolean> {
  const name = path.basename(file).replace(/\.spec\.(ts|mjs|js)$/, '');
  const started = Date.now();
  // This spec's screenshots from an earlier run would mislead (a stale <name>-failure.png above all).
  for (const f of readdirSync(OUTPUT_DIR)) if (f.startsWith(`${name}-`) && f.endsWith('.png')) rmSync(path.join(OUTPUT_DIR, f), { force: true });
  const workspace = createWorkspace(path.join(h.tmp, `workspace-ui-${name}`));
  const { context, page } = await newPage(h);
  const ui = new Workbench(page, workspace, OUTPUT_DIR, name);
  ui.log('workspace created');
  page.on('pageerror', (err) => ui.log(`page error: ${err.message}`));
  page.on('crash', () => ui.log('page crashed'));
  try {
    const mod = (await import(pathToFileURL(file).href)) as Partial<UiSpecModule>;
    if (typeof mod.run !== 'function') throw new Error(`${file} exports no run(ui) function`);
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`);
    await withTimeout(ui.ready(), 90_000, 'the workbench did not come up');
    ui.log('workbench ready');
    await withTimeout(mod.run(ui), mod.timeoutMs ?? 120_000, `spec ${name}`);
    console.log(`  ✓ ${name} (${seconds(Date.now() - started)})`);
    if (h.verbose) console.log(indent(`spec log:\n${ui.logs.join('\n')}`, '      '));
    return true;
  } catch (err) {
    console.log(`  ✗ ${name} (${seconds(Date.now() - started)})`);
    console.log(indent(err instanceof Error ? (err.stack ?? err.message) : String(err), '      '));
    const shot = path.join(OUTPUT_DIR, `${name}-failure.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    console.log(`      screenshot: ${shot}`);
    if (ui.logs.length > 0) console.log(indent(`spec log:\n${ui.logs.join('\n')}`, '      '));
    return false;
  } finally {
    await context.close().catch(() => undefined);
    const strays = killProcessesIn(workspace, path.resolve(h.tools.codeServer, '..', '..', '..'));
    if (strays.length > 0) console.log(indent(`ended what ${name} left running in its workspace: ${strays.join('; ')}`, '      '));
  }
}

/** The spec's own server options (its `server` export), if it needs a server set up differently. */
async function specServerOptions(file: string): Promise<UiServerOptions | undefined> {
  return ((await import(pathToFileURL(file).href)) as Partial<UiSpecModule>).server;
}

async function runUiPhase(h: Harness, server: CodeServer, specs: string[]): Promise<Counts> {
  say(`phase 2: UI specs (${specs.length})`);
  const started = Date.now();
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const file of specs) {
    checkInterrupted();
    if (await runUiSpec(h, server, file)) counts.passed++;
    else counts.failed++;
  }
  say(`ui: ${counts.passed} passed, ${counts.failed} failed (${seconds(Date.now() - started)})`);
  return counts;
}

// ---- main ----------------------------------------------------------------------------------------------------
async function main(): Promise<number> {
  const started = Date.now();
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      grep: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      extension: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const only = values.only;
  if (only !== undefined && only !== 'mocha' && only !== 'ui') throw new Error('--only must be "mocha" or "ui"');
  const extensionDir = path.resolve(values.extension ?? REPO);

  if (!values['no-build']) {
    say('building (npm run build)');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
  }
  const main = JSON.parse(readFileSync(path.join(extensionDir, 'package.json'), 'utf8')).main as string | undefined;
  if (main && !existsSync(path.resolve(extensionDir, main)) && !existsSync(path.resolve(extensionDir, `${main}.js`))) {
    throw new Error(`the extension's main ${main} does not exist in ${extensionDir} (is src/extension.ts there and built?)`);
  }
  if (only !== 'ui' && !existsSync(path.join(REPO, 'out', 'test', 'integration', 'index.js'))) {
    throw new Error('out/test/integration/index.js is missing: the build did not produce the integration suite');
  }

  const tools = readToolPaths();
  // Not wiped: a concurrent run (another terminal, a watch task) may be writing there too.
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flamelens-vscode-'));
  if (!values.keep) tmpToRemove = tmp; // removed on exit, after the processes using it are gone
  else say(`keeping ${tmp}`);

  // Per run, so concurrent runs never interleave their results; copied to OUTPUT_DIR afterwards.
  const resultsFile = path.join(tmp, 'mocha-results.jsonl');
  const env: NodeJS.ProcessEnv = {
    FLAMELENS_MOCHA_RESULTS: resultsFile,
    FLAMELENS_TEST_OUTPUT: OUTPUT_DIR,
    ...(values.grep ? { FLAMELENS_MOCHA_GREP: values.grep } : {}),
  };
  // launchServer rather than launch: it tells the browser's pid (Playwright starts it as a process-group
  // leader), so the exit handler can kill it whatever state the run ends in.
  const browserServer = await chromium.launchServer({ executablePath: tools.chromium, headless: true, args: CHROMIUM_ARGS });
  browserPgid = browserServer.process().pid;
  cleanups.push(async () => {
    await browserServer.close();
    browserPgid = undefined;
  });
  const browser = await chromium.connect(browserServer.wsEndpoint());
  cleanups.push(() => browser.close());

  const h: Harness = { tools, browser, tmp, env, extensionDir, grep: values.grep, verbose: process.env.FLAMELENS_VSCODE_VERBOSE === '1' };
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const add = (c: Counts): void => {
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  };
  // The mocha suite needs the smoke-test driver (the only way a built workbench honours a test payload).
  // The driver also hides notification toasts, so the UI specs get the extension installed as a user has it.
  if (only !== 'ui') add(await withServer(h, 'mocha', { smokeTestDriver: true }, (server) => runMochaPhase(h, server, resultsFile)));
  if (only !== 'mocha') {
    // Specs with a `server` export (e.g. Restricted Mode) run on a server of their own; the rest share one.
    const shared: string[] = [];
    const own: [string, UiServerOptions][] = [];
    for (const file of findSpecs(h.grep)) {
      const options = await specServerOptions(file);
      if (options) own.push([file, options]);
      else shared.push(file);
    }
    if (shared.length > 0) add(await withServer(h, 'ui', { installExtensions: [extensionDir] }, (server) => runUiPhase(h, server, shared)));
    for (const [file, options] of own) {
      const name = path.basename(file).replace(/\.spec\.(ts|mjs|js)$/, '');
      add(await withServer(h, `ui-${name}`, { installExtensions: [extensionDir], ...options }, (server) => runUiPhase(h, server, [file])));
    }
  }

  await cleanup();
  say(`artifacts: ${path.relative(REPO, OUTPUT_DIR)}/ — suite duration ${seconds(Date.now() - started)}`);
  if (total.passed + total.failed === 0) {
    say('no test ran');
    return 1;
  }
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return Math.min(total.failed, 100);
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(`[vscode] harness error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exit(1);
  },
);

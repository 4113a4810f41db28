// Runs the integration suite (test/integration/suite) in a desktop VS Code through @vscode/test-electron.
// For machines that can download VS Code, or that have one (VSCODE_EXECUTABLE_PATH); CI here uses
// run-code-server.ts instead, since this machine can't download VS Code.
//   npm run test:vscode:electron
//   VSCODE_EXECUTABLE_PATH  a VS Code binary to use instead of downloading one
//   VSCODE_VERSION          version to download (default: stable)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { countEvents, printEvent, readEvents } from './harness/mochaResults';
import { toolsDir } from './harness/tools';
import { createWorkspace } from './harness/workspace';

const REPO = path.resolve(__dirname, '..', '..');
const OUTPUT_DIR = path.join(REPO, 'test-output', 'vscode');

async function main(): Promise<number> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flamelens-electron-'));
  try {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const results = path.join(OUTPUT_DIR, 'mocha-results.jsonl');
    rmSync(results, { force: true });
    const workspace = createWorkspace(path.join(tmp, 'workspace'));
    const exitCode = await runTests({
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { FLAMELENS_MOCHA_RESULTS: results, FLAMELENS_TEST_OUTPUT: OUTPUT_DIR },
      ...(process.env.VSCODE_EXECUTABLE_PATH ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH } : {}),
      ...(process.env.VSCODE_VERSION ? { version: process.env.VSCODE_VERSION } : {}),
      launchArgs: [
        workspace,
        // Only FlameLens, and a profile of its own so a developer's settings and state stay out of it.
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(tmp, 'user-data'),
        '--extensions-dir', path.join(tmp, 'extensions'),
      ],
      // Downloaded VS Code builds live beside code-server's cache, not in the repo's .vscode-test.
      cachePath: path.join(toolsDir(), 'vscode-test'),
    }).catch((err: unknown) => {
      // runTests rejects with TestRunFailedError when the suite fails; the results file says why.
      console.error(`[electron] ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    });
    const events = readEvents(results);
    events.forEach(printEvent);
    const counts = countEvents(events);
    if (events.length === 0) {
      console.error('[electron] the suite wrote no results');
      return 1;
    }
    console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
    return counts.failed > 0 || !counts.ended ? Math.max(1, counts.failed) : exitCode;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(Math.min(code, 100)),
  (err: unknown) => {
    console.error(`[electron] harness error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);

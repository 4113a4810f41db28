// The notification a finished recording ends with (src/commands/recording-notice.ts). The problems
// come from a real capture: `npm run` of a script that replaces NODE_OPTIONS, so only npm itself is
// profiled and the program it ran is lost — what VS Code's Profile npm Script used to report as a
// plain success, with the reason in the log alone.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { startCapture, type CaptureResult } from '../../../src/capture/launcher';
import { completionNotice } from '../../../src/commands/recording-notice';
import { englishText } from '../../../src/translator';
import { buildBundles, busyFunction, scratchDir, writeFiles } from '../../support/capture-helpers';

describe('the closing notification of a recording', () => {
  let npmOnly: CaptureResult;
  before(async () => {
    const { agent } = await buildBundles();
    const dir = scratchDir('notice-npm-only');
    writeFiles(dir, {
      'package.json': JSON.stringify({ name: 'x', version: '1.0.0', scripts: { own: 'NODE_OPTIONS=--max-old-space-size=200 node app.js' } }),
      'app.js': `${busyFunction('appWork', 40)}\nappWork();\n`,
    });
    const handle = await startCapture({ command: ['npm', 'run', 'own'], cwd: dir, outDir: path.join(dir, 'session'), agentPath: agent, stdio: 'ignore' });
    npmOnly = await handle.done;
  });

  it('warns when only npm was profiled, and says why and what to do', () => {
    assert.equal(npmOnly.profiles.length, 1, 'npm saved its own profile');
    assert.equal(npmOnly.problems.length, 1, JSON.stringify(npmOnly.problems));
    const notice = completionNotice('FlameLens: Profiled npm: own — 0.4 s recorded.', npmOnly.problems, englishText);
    assert.equal(notice.severity, 'warning');
    assert.match(notice.message, /^FlameLens: Profiled npm: own — 0\.4 s recorded\. Only the package manager was profiled .*NODE_OPTIONS="\$NODE_OPTIONS/);
  });

  it('is a plain success message when nothing went wrong', () => {
    assert.deepEqual(completionNotice('FlameLens: Profiled app.js — 1.2 s recorded.', [], englishText), { severity: 'info', message: 'FlameLens: Profiled app.js — 1.2 s recorded.' });
  });

  it('quotes the first two problems, counts the rest, and escapes them', () => {
    const problems = ['process 12 ([x](command:workbench.action.quit)) could not save its profile: EACCES', 'worker 3 is still running', 'worker 4 is still running'];
    const notice = completionNotice('Done.', problems, englishText);
    assert.equal(notice.severity, 'warning');
    assert.equal(notice.message, 'Done. Process 12 ([x] (command:workbench.action.quit)) could not save its profile: EACCES. Worker 3 is still running. 1 more problem is in the log.');
    assert.match(completionNotice('Done.', [...problems, 'x'], englishText).message, /2 more problems are in the log\.$/);
  });

  it('keeps a message that already words its problems (attach) as it is, as a warning', () => {
    const notice = completionNotice('FlameLens: Profiled pid 7 — 2.0 s recorded. Not captured: worker 2.', ['worker 2'], englishText, true);
    assert.deepEqual(notice, { severity: 'warning', message: 'FlameLens: Profiled pid 7 — 2.0 s recorded. Not captured: worker 2.' });
  });
});

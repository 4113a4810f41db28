// The attach quick pick's pure helpers: which processes are offered, how rows read, short names.
// Rows are built from the real process list of this machine (this test's own process among them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachableProcesses, fileSlug, isEditorProcess, processRow, shortProcessName } from '../../../src/commands/attach-items';
import { englishText } from '../../../src/translator';
import { timeStamp } from '../../../src/capture/time-stamp';
import { listNodeProcesses, type NodeProcessInfo } from '../../../src/capture/processes';

const info = (argv: string[], extra: Partial<NodeProcessInfo> = {}): NodeProcessInfo => ({
  pid: 100,
  argv,
  commandLine: argv.join(' '),
  exe: '/usr/bin/node',
  cwd: '/srv/app',
  isSelf: false,
  ...extra,
});

describe('attach quick-pick items', () => {
  it('hides the listing process itself and the editor’s own Node processes', () => {
    assert.equal(isEditorProcess(info(['node', 'server.js'], { isSelf: true })), true);
    assert.equal(isEditorProcess(info(['/usr/lib/code-server/lib/node', '/usr/lib/code-server/out/node/entry.js', '--config', 'x'])), true);
    assert.equal(isEditorProcess(info(['/usr/lib/code-server/lib/node', '/usr/lib/code-server/lib/vscode/out/bootstrap-fork', '--type=extensionHost'])), true);
    assert.equal(isEditorProcess(info(['/home/u/.vscode-server/bin/abc/node', '/home/u/.vscode-server/bin/abc/out/server-main.js'])), true);
    assert.equal(isEditorProcess(info(['/usr/bin/node', '/home/u/.vscode/extensions/dbaeumer.vscode-eslint-3.0.0/server/out/eslintServer.js'])), true);
    assert.equal(isEditorProcess(info(['/usr/bin/code-server'])), true);
    assert.equal(isEditorProcess(info(['node', '/srv/app/server.js', '--port', '3000'])), false);
    assert.equal(isEditorProcess(info(['node', '/srv/code-server-docs/build.js'])), false);
  });

  it('rows say pid and command, folder, and whether an inspector is open', () => {
    const open = processRow(englishText, info(['node', 'server.js'], { inspector: { host: '127.0.0.1', port: 9229 } }));
    assert.deepEqual(open, { label: '100  node server.js', description: '/srv/app', detail: 'inspector open on 127.0.0.1:9229' });
    const closed = processRow(englishText, info(['node', 'server.js']));
    assert.equal(closed.detail, 'no inspector (will open one and close it afterwards)');
    const long = processRow(englishText, info(['node', 'x'.repeat(300)]));
    assert.ok(long.label.length <= 6 + 120 && long.label.endsWith('…'));
  });

  it('short names and file stems', () => {
    assert.equal(shortProcessName(['/usr/bin/node', '--inspect=0', '/srv/app/server.js', '--port', '3']), 'server.js');
    assert.equal(shortProcessName(['/usr/bin/node']), 'node');
    assert.equal(fileSlug('my app (pid 3)/x'), 'my-app-pid-3-x');
    assert.match(timeStamp(new Date(2026, 10, 24, 4, 30, 12)), /^20261124-043012$/);
    assert.equal(fileSlug('***', 'capture'), 'capture');
  });

  it('offers this machine’s Node processes, never the listing process, newest first', { skip: process.platform !== 'linux' }, async () => {
    const all = await listNodeProcesses();
    assert.ok(all.some((p) => p.isSelf), 'the list sees this test process');
    const offered = attachableProcesses(all);
    assert.ok(!offered.some((p) => p.pid === process.pid));
    assert.deepEqual(offered.map((p) => p.pid), [...offered.map((p) => p.pid)].sort((a, b) => b - a));
  });
});

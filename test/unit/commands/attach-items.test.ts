// The attach quick pick's pure helpers: which processes are offered, how rows read, short names.
// Rows are built from the real process list of this machine (this test's own process among them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attachableProcesses, fileSlug, isEditorProcess, processDisplayName, processRow, shortProcessName } from '../../../src/commands/attach-items';
import { profilePickItem } from '../../../src/commands/capture-plan';
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
    // A preload's path is the value of -r, not the script.
    assert.equal(shortProcessName(['/usr/bin/node', '-r', './tracing.js', '--import', 'tsx', 'src/api.ts']), 'api.ts');
    assert.equal(shortProcessName(['/usr/bin/node', '-e', 'setInterval(() => {}, 1000)']), 'node');
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

describe('process text is untrusted', () => {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const rawControl = /[\x00-\x1f\u202e]/;
  // Whoever starts a process chooses its command line: a markdown command link (notifications run
  // it when clicked), escape sequences, a bidi override that hides what runs, `$(icon)` syntax.
  const script = '[Update now](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)$(pass)\u202esj.x\x1b]0;t\x07';

  it('a real process with a hostile command line and folder gets an escaped pick row and name', { skip: process.platform !== 'linux' }, async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-$(zap)\u202e-'));
    fs.writeFileSync(path.join(cwd, script), 'setInterval(() => {}, 1000);\n');
    const child = spawn(process.execPath, [script], { cwd, stdio: 'ignore' });
    try {
      await once(child, 'spawn');
      let listed: NodeProcessInfo | undefined;
      for (let i = 0; i < 100 && !listed?.argv.includes(script); i++) {
        listed = (await listNodeProcesses()).find((p) => p.pid === child.pid);
        if (!listed?.argv.includes(script)) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(listed?.argv.includes(script), 'the process is listed with its own argv');
      if (!listed) throw new Error('not listed');
      const hostileRow = listed;
      const row = processRow(englishText, hostileRow);
      const safe = (text: string) => {
        assert.ok(!rawControl.test(text), `raw control or bidi character in ${JSON.stringify(text)}`);
        assert.ok(!/(?<!\\)\$\(/.test(text), `an unescaped $( in ${JSON.stringify(text)}`);
        assert.ok(!text.includes(']('), `a markdown link in ${JSON.stringify(text)}`);
      };
      safe(row.label);
      safe(row.description);
      const name = processDisplayName(hostileRow.argv);
      safe(name);
      assert.match(name, /\] \(command:.*\\\$\(pass\)\\u202esj\.x\\x1b\]0;t\\x07$/);
      assert.match(row.description, /fl-\\\$\(zap\)\\u202e-/);
    } finally {
      child.kill();
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('a captured profile’s label (its process’s command line) is escaped in the pick row', () => {
    const item = profilePickItem(englishText, { path: '/s/1.cpuprofile', kind: 'cpu', pid: 1, ppid: 0, threadId: 0, isMainThread: true, argv: [], label: `process 1 (node ${script})`, durationMs: 1, stopReason: 'exit' });
    assert.ok(!rawControl.test(item.detail) && !/(?<!\\)\$\(/.test(item.detail) && !item.detail.includes(']('), item.detail);
  });
});

// The terminal wrapper run by a real /bin/sh (and under `script` for a real TTY): the agent is
// added to NODE_OPTIONS, the program's exit status lands in the session folder, the input is read.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { agentRequireOption, agentVariables } from '../../../src/capture/launcher';
import { parseExitStatus, terminalCommand } from '../../../src/capture/terminal-command';

const onPosix = process.platform !== 'win32';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-term-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function runWrapper(command: string[] | string, sessionDir: string, requireFile: string, tty = false): { stdout: string; exitFile: string | undefined } {
  fs.mkdirSync(sessionDir, { recursive: true });
  const t = terminalCommand(command, agentVariables({ outDir: sessionDir }), agentRequireOption(requireFile), 'linux');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '--no-warnings' };
  for (const [k, v] of Object.entries(t.env)) if (v === null) delete env[k]; else env[k] = v;
  // `script` gives the wrapper a pseudo-terminal like VS Code's; its argv is one quoted line.
  const quoted = [t.shellPath, ...t.shellArgs].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = tty
    ? spawnSync('script', ['-qec', quoted, '/dev/null'], { env, input: '\n', encoding: 'utf8', timeout: 30_000 })
    : spawnSync(t.shellPath, t.shellArgs, { env, input: '\n', encoding: 'utf8', timeout: 30_000 });
  const exitPath = path.join(sessionDir, 'exit-code');
  return { stdout: r.stdout, exitFile: fs.existsSync(exitPath) ? fs.readFileSync(exitPath, 'utf8') : undefined };
}

describe('terminalCommand (POSIX wrapper)', { skip: !onPosix }, () => {
  // A stand-in for the agent: proves NODE_OPTIONS loads it and that the user's NODE_OPTIONS are kept.
  const preload = path.join(dir, 'preload.js');
  fs.writeFileSync(preload, 'process.env.PRELOADED = "yes";\n');

  it('adds the agent to NODE_OPTIONS, runs argv, writes its exit code and says so', () => {
    const session = path.join(dir, 'argv');
    const r = runWrapper([process.execPath, '-e', 'console.log("opts=" + process.env.NODE_OPTIONS + " pre=" + process.env.PRELOADED + " dir=" + process.env.FLAMELENS_DIR); process.exit(3)'], session, preload);
    assert.match(r.stdout, /opts=--no-warnings --require ".*preload\.js" pre=yes/);
    assert.ok(r.stdout.includes(`dir=${session}`), r.stdout);
    assert.equal(r.exitFile, '3\n');
    assert.match(r.stdout, /\[FlameLens\] .*node.* exited with code 3; press Enter/);
    assert.ok(!/FLAMELENS_REQUIRE|FLAMELENS_LABEL/.test(r.stdout));
  });

  it('runs a shell line, and a program killed by a signal reports 128+N', () => {
    const session = path.join(dir, 'line');
    const r = runWrapper(`echo "one two" && ${JSON.stringify(process.execPath)} -e "process.kill(process.pid, 'SIGTERM')"`, session, preload);
    assert.match(r.stdout, /one two/);
    assert.equal(r.exitFile, '143\n');
    assert.deepEqual(parseExitStatus(r.exitFile, os.constants.signals), { code: null, signal: 'SIGTERM' });
  });

  it('the program sees a TTY when the terminal is one', { skip: spawnSync('script', ['--version']).status !== 0 }, () => {
    const session = path.join(dir, 'tty');
    const r = runWrapper([process.execPath, '-e', 'console.log("tty=" + process.stdout.isTTY + "/" + process.stdin.isTTY)'], session, preload, true);
    assert.match(r.stdout, /tty=true\/true/);
    assert.equal(r.exitFile, '0\n');
  });
});

describe('terminalCommand: an outer recording\'s settings in the editor\'s environment', { skip: !onPosix }, () => {
  it('do not reach the program: a duration the editor inherited is unset', () => {
    const session = path.join(dir, 'stale');
    fs.mkdirSync(session, { recursive: true });
    const t = terminalCommand([process.execPath, '-e', 'console.log("duration=" + process.env.FLAMELENS_DURATION_MS + " dir=" + process.env.FLAMELENS_DIR)'], agentVariables({ outDir: session }), '--no-warnings', 'linux');
    const env: NodeJS.ProcessEnv = { ...process.env, FLAMELENS_DURATION_MS: '100', FLAMELENS_HEAP_INTERVAL: '64' };
    for (const [k, v] of Object.entries(t.env)) if (v === null) delete env[k]; else env[k] = v;
    const r = spawnSync(t.shellPath, t.shellArgs, { env, input: '\n', encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stdout, new RegExp(`duration=undefined dir=${session.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});

describe('terminalCommand (Windows) and parseExitStatus', () => {
  it('Windows runs the program itself with NODE_OPTIONS computed here', () => {
    const t = terminalCommand(['node.exe', 'app.js'], { FLAMELENS_DIR: 'C:\\s' }, '--require "a.js"', 'win32', '--x');
    assert.equal(t.shellPath, 'node.exe');
    assert.deepEqual(t.shellArgs, ['app.js']);
    assert.equal(t.env.NODE_OPTIONS, '--x --require "a.js"');
    assert.equal(terminalCommand('npm start', {}, '--require "a.js"', 'win32', undefined).shellPath, 'cmd.exe');
  });
  it("Windows adds the agent to the program's own NODE_OPTIONS (launch.json env, envFile); null means none", () => {
    const own = terminalCommand(['node.exe', 'app.js'], { FLAMELENS_DIR: 'C:\\s' }, '--require "a.js"', 'win32', '--editor', { NODE_OPTIONS: '--max-old-space-size=4096', PORT: '3000', DROP: null });
    assert.deepEqual(
      { NODE_OPTIONS: own.env.NODE_OPTIONS, PORT: own.env.PORT, DROP: own.env.DROP, FLAMELENS_DIR: own.env.FLAMELENS_DIR },
      { NODE_OPTIONS: '--max-old-space-size=4096 --require "a.js"', PORT: '3000', DROP: null, FLAMELENS_DIR: 'C:\\s' },
    );
    assert.equal(terminalCommand(['node.exe'], {}, '--require "a.js"', 'win32', '--editor', { NODE_OPTIONS: null }).env.NODE_OPTIONS, '--require "a.js"');
  });
  it('parses codes and signals; junk is undefined', () => {
    assert.deepEqual(parseExitStatus('0\n', os.constants.signals), { code: 0, signal: null });
    assert.deepEqual(parseExitStatus('130\n', os.constants.signals), { code: null, signal: 'SIGINT' });
    assert.equal(parseExitStatus('', os.constants.signals), undefined);
    assert.equal(parseExitStatus('x1', os.constants.signals), undefined);
  });
});

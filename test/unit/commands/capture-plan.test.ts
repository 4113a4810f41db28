// Capture command helpers: main-profile choice and launch.json → command line.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CapturedProfile } from '../../../src/capture/launcher';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { asTaskRef, capturedProfileTitle, chooseNode, debugLaunchNodeOptions, findTask, isNodeLaunch, mainProfile, npmRunCommand, parseEnvFile, planCompound, planLaunch, profilePickItem, splitWords, substitute } from '../../../src/commands/capture-plan';
import { englishText } from '../../../src/translator';
import { agentRequireOption, agentVariables } from '../../../src/capture/launcher';
import { buildBundles, scratchDir, writeFiles } from '../../support/capture-helpers';

const profile = (over: Partial<CapturedProfile>): CapturedProfile => ({
  path: '/s/1-0.cpuprofile',
  kind: 'cpu',
  pid: 1,
  ppid: 0,
  threadId: 0,
  isMainThread: true,
  argv: ['/usr/bin/node', '/w/app.js'],
  label: 'process 1 (node app.js)',
  durationMs: 100,
  stopReason: 'exit',
  ...over,
});

describe('mainProfile', () => {
  it('prefers the program over npm, the main thread over workers and CPU over heap', () => {
    const npm = profile({ pid: 10, argv: ['/usr/bin/node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'start'], durationMs: 900 });
    const app = profile({ pid: 11, durationMs: 500 });
    const worker = profile({ pid: 11, threadId: 1, isMainThread: false, durationMs: 800 });
    const heap = profile({ pid: 11, kind: 'heap', durationMs: 700 });
    assert.equal(mainProfile([npm, worker, heap, app]), app);
    assert.equal(mainProfile([npm]), npm);
    assert.equal(mainProfile([]), undefined);
  });

  it('among equals takes the longest recording', () => {
    const a = profile({ pid: 1, durationMs: 100 });
    const b = profile({ pid: 2, durationMs: 300 });
    assert.equal(mainProfile([a, b]), b);
    assert.match(profilePickItem(englishText, profile({ threadId: 2, isMainThread: false })).label, /^\$\(pulse\) CPU · pid 1 · worker 2$/);
  });

  it('titles and pick rows are localised through the translator, the codicon kept out of the message', () => {
    const german = { t: (m: string, ...a: (string | number | boolean)[]) => ({ 'Heap · pid {0} · {1}': 'Heap · PID {0} · {1}', 'main thread': 'Hauptthread', '{0} (CPU, pid {1})': '{0} (CPU, PID {1})' })[m]!.replace(/\{(\d)\}/g, (_, i: string) => String(a[Number(i)])) };
    assert.equal(profilePickItem(german, profile({ kind: 'heap', pid: 9 })).label, '$(database) Heap · PID 9 · Hauptthread');
    assert.equal(capturedProfileTitle(german, 'busy.js', profile({ pid: 12 })), 'busy.js (CPU, PID 12)');
    assert.equal(capturedProfileTitle(englishText, 'npm start', profile({ kind: 'heap', pid: 9, threadId: 2, isMainThread: false })), 'npm start (heap, pid 9 worker 2)');
  });
});

describe('launch configurations', () => {
  const ctx = { workspaceFolder: '/w/proj', file: '/w/proj/src/a.js', env: { HOME: '/home/u' } };

  it('substitutes the common variables and leaves unknown ones', () => {
    assert.equal(substitute('${workspaceFolder}/x ${workspaceFolderBasename} ${fileDirname} ${env:HOME} ${input:foo}', ctx), '/w/proj/x proj /w/proj/src /home/u ${input:foo}');
  });

  it('substitutes the file variables launch.json templates use, on POSIX and Windows paths', () => {
    assert.equal(
      substitute('${fileBasename}|${fileBasenameNoExtension}|${fileExtname}|${relativeFile}|${relativeFileDirname}|${fileDirnameBasename}|${userHome}${/}x', { ...ctx, home: '/home/u' }),
      'a.js|a|.js|src/a.js|src|src|/home/u/x',
    );
    const win = { workspaceFolder: 'C:\\w\\my proj', file: 'C:\\w\\my proj\\src\\app.test.ts', env: {} };
    assert.equal(substitute('${relativeFile} ${fileBasenameNoExtension} ${fileDirname}${pathSeparator}dist', win), 'src\\app.test.ts app.test C:\\w\\my proj\\src\\dist');
    // No open file: left as written (the program then names what is missing).
    assert.equal(substitute('${fileBasename}', { workspaceFolder: '/w', env: {} }), '${fileBasename}');
  });

  it('${fileWorkspaceFolder} is the folder of the open file: a launch using it runs that program', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-fwf-'));
    try {
      const file = path.join(root, 'src', 'app.js');
      fs.mkdirSync(path.dirname(file));
      fs.writeFileSync(file, 'console.log("ran in " + process.cwd());\n');
      const plan = planLaunch(
        { type: 'node', request: 'launch', program: '${fileWorkspaceFolder}/src/app.js', cwd: '${fileWorkspaceFolder}', args: ['${fileWorkspaceFolderBasename}'] },
        { workspaceFolder: root, file, env: {} },
      );
      assert.deepEqual(plan.command, ['node', file, path.basename(root)]);
      const r = spawnSync(process.execPath, (plan.command as string[]).slice(1), { cwd: plan.cwd, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), `ran in ${fs.realpathSync(root)}`);
      // Given by the editor (a multi-root workspace), and left as written with no open file.
      assert.equal(substitute('${fileWorkspaceFolder}', { workspaceFolder: '/w/a', file: '/w/b/x.js', fileWorkspaceFolder: '/w/b', env: {} }), '/w/b');
      assert.equal(substitute('${fileWorkspaceFolder}', { workspaceFolder: '/w/a', env: {} }), '${fileWorkspaceFolder}');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a relative cwd is the workspace folder\'s, not the editor process\'s: the program runs there', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-relcwd-'));
    try {
      fs.mkdirSync(path.join(root, 'server'));
      fs.writeFileSync(path.join(root, 'server', 'main.js'), 'console.log(process.cwd());\n');
      for (const cwd of ['server', './server', 'server/']) {
        const plan = planLaunch({ type: 'node', request: 'launch', program: 'main.js', cwd }, { workspaceFolder: root, env: {} });
        assert.ok(plan.cwd.startsWith(`${root}/server`), plan.cwd);
        const r = spawnSync(process.execPath, (plan.command as string[]).slice(1), { cwd: plan.cwd, encoding: 'utf8' });
        assert.equal(r.error, undefined);
        assert.equal(r.stdout.trim(), fs.realpathSync(path.join(root, 'server')));
      }
      assert.equal(planLaunch({ type: 'node', request: 'launch', program: 'a.js', cwd: '.' }, { workspaceFolder: root, env: {} }).cwd, root);
      assert.equal(planLaunch({ type: 'node', request: 'launch', program: 'a.js', cwd: '/abs' }, { workspaceFolder: root, env: {} }).cwd, '/abs');
      assert.equal(planLaunch({ type: 'node', request: 'launch', program: 'a.js', cwd: 'api' }, { workspaceFolder: 'C:\\w\\proj', env: {} }).cwd, 'C:\\w\\proj\\api');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a node-terminal configuration is its command line, run by the shell in its cwd', () => {
    const c = { type: 'node-terminal', request: 'launch', name: 'dev', command: 'node "${workspaceFolder}/a b.js" --x', cwd: 'sub', env: { A: '1' } };
    assert.equal(isNodeLaunch(c), true);
    assert.equal(isNodeLaunch({ type: 'node-terminal', request: 'launch', name: 'shell only' }), false);
    assert.deepEqual(planLaunch(c, { workspaceFolder: '/w', env: {} }), { command: 'node "/w/a b.js" --x', cwd: '/w/sub', env: { A: '1' }, unset: [] });
  });

  it('builds runtime, runtimeArgs, program and args; env with nulls unset', () => {
    const plan = planLaunch(
      { type: 'node', request: 'launch', program: '${workspaceFolder}/server.js', args: ['--port', '3000'], runtimeArgs: ['--max-old-space-size=512'], cwd: '${workspaceFolder}/sub', env: { A: '1', B: null } },
      ctx,
    );
    assert.deepEqual(plan.command, ['node', '--max-old-space-size=512', '/w/proj/server.js', '--port', '3000']);
    assert.equal(plan.cwd, '/w/proj/sub');
    assert.deepEqual(plan.env, { A: '1' });
    assert.deepEqual(plan.unset, ['B']);
  });

  it("reads envFile (a real file, as the debugger would) under env, which wins; a missing one is an error naming it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-envfile-'));
    try {
      fs.writeFileSync(path.join(dir, '.env'), '# db\nDB_URL=postgres://u@h/db # local\nexport PORT=8080\nA=from-file\nB=gone\nMSG="two\\nlines"\nRAW=\'$HOME #x\'\n');
      const real = { ...ctx, workspaceFolder: dir, readFile: (f: string) => fs.readFileSync(f, 'utf8') };
      const plan = planLaunch({ name: 'api', type: 'node', request: 'launch', program: 'a.js', envFile: '${workspaceFolder}/.env', env: { A: '1', B: null } }, real);
      assert.deepEqual(plan.env, { DB_URL: 'postgres://u@h/db', PORT: '8080', A: '1', MSG: 'two\nlines', RAW: '$HOME #x' });
      assert.deepEqual(plan.unset, ['B']);
      assert.throws(() => planLaunch({ name: 'api', type: 'node', request: 'launch', program: 'a.js', envFile: '${workspaceFolder}/missing.env' }, real), (e: Error) => e.message.includes(`${dir}/missing.env`) && e.message.includes('ENOENT'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(parseEnvFile('X=1\r\n  Y = spaced  \r\nnot a line\n'), { X: '1', Y: 'spaced' });
  });

  it('a string of args is split as a shell would: quoted words keep their spaces', () => {
    const plan = planLaunch({ type: 'node', request: 'launch', program: '/w/a.js', args: `--name "my app" --glob='src/**/*.js' plain\\ word "" C:\\dir\\x` }, ctx);
    assert.deepEqual(plan.command, ['node', '/w/a.js', '--name', 'my app', '--glob=src/**/*.js', 'plain word', '', 'C:\\dir\\x']);
    assert.deepEqual(splitWords('  a   b  '), ['a', 'b']);
    assert.deepEqual(splitWords(`"say \\"hi\\""`), ['say "hi"']);
  });

  it('keeps only Node launches', () => {
    assert.equal(isNodeLaunch({ type: 'node', request: 'launch', program: 'a.js' }), true);
    assert.equal(isNodeLaunch({ type: 'node', request: 'attach' }), false);
    assert.equal(isNodeLaunch({ type: 'chrome', request: 'launch', program: 'a.js' }), false);
  });
});

describe('chooseNode', () => {
  const files = new Set(['/usr/local/bin/node', 'C:\\node\\node.exe']);
  const isFile = (p: string) => files.has(p);
  it('the setting first, then node on PATH, else the editor run as Node', () => {
    assert.deepEqual(chooseNode('/opt/node20/bin/node', '/usr/local/bin', '/code', isFile, 'linux'), { from: 'setting', node: '/opt/node20/bin/node' });
    assert.deepEqual(chooseNode('', '/usr/bin:/usr/local/bin/', '/code', isFile, 'linux'), { from: 'path', node: 'node' });
    assert.deepEqual(chooseNode('', 'C:\\Windows;C:\\node', 'C:\\Code.exe', isFile, 'win32'), { from: 'path', node: 'node' });
    assert.deepEqual(chooseNode('', '/usr/bin', '/code', isFile, 'linux'), { from: 'editor', node: '/code', env: { ELECTRON_RUN_AS_NODE: '1' } });
    assert.deepEqual(chooseNode('', undefined, '/code', isFile, 'linux').from, 'editor');
  });
});

describe('npmRunCommand', () => {
  it('runs scripts whose names have spaces, quotes or shell characters, through a real sh and npm', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-npm-run-'));
    try {
      const names = ['build', 'my script', "it's", 'a;touch pwned', 'test:unit'];
      const scripts = Object.fromEntries(names.map((n, i) => [n, `node -e "require('fs').writeFileSync('ran-${i}', '')"`]));
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts }));
      for (const [i, name] of names.entries()) {
        const r = spawnSync('/bin/sh', ['-c', npmRunCommand(name, 'linux')], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 0, `${name}: ${r.stderr}`);
        assert.ok(fs.existsSync(path.join(dir, `ran-${i}`)), `${name} ran`);
      }
      assert.ok(!fs.existsSync(path.join(dir, 'pwned')), 'the name is one argument, not shell code');
      assert.equal(npmRunCommand('build', 'win32'), 'npm run build');
      assert.equal(npmRunCommand('my "x"', 'win32'), 'npm run "my ""x"""');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('debugLaunchNodeOptions', () => {
  it("keeps the envFile's NODE_OPTIONS (which the debugger would let env replace): a real node loads both its preload and the agent", async () => {
    const { agent } = await buildBundles();
    const dir = scratchDir('debug-node-options');
    writeFiles(dir, {
      '.env': `NODE_OPTIONS="--require ${path.join(dir, 'pre.js')}"\n`,
      'pre.js': 'globalThis.preloaded = true;\n',
      'app.js': 'console.log(globalThis.preloaded === true ? "preloaded" : "not preloaded");\n',
    });
    const read = (f: string) => fs.readFileSync(f, 'utf8');
    const nodeOptions = debugLaunchNodeOptions({ env: { PORT: '1' }, envFile: path.join(dir, '.env') }, agentRequireOption(agent), read, undefined);
    const out = path.join(dir, 'p');
    const r = spawnSync(process.execPath, ['app.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...agentVariables({ outDir: out }), NODE_OPTIONS: nodeOptions } });
    assert.equal(r.stdout.trim(), 'preloaded', r.stderr);
    assert.ok(fs.readdirSync(out).some((f) => f.endsWith('.cpuprofile')), 'the agent recorded too');
  });

  it("env's NODE_OPTIONS wins over the envFile's, null means none; without either, the editor's", () => {
    const read = () => 'NODE_OPTIONS=--from-file\n';
    assert.equal(debugLaunchNodeOptions({ env: { NODE_OPTIONS: '--own' }, envFile: '/x/.env' }, '--require a', read, '--host'), '--own --require a');
    assert.equal(debugLaunchNodeOptions({ env: { NODE_OPTIONS: null } }, '--require a', read, '--host'), '--require a');
    assert.equal(debugLaunchNodeOptions({ envFile: '/x/.env' }, '--require a', read, '--host'), '--from-file --require a');
    assert.equal(debugLaunchNodeOptions({ envFile: '/missing' }, '--require a', () => { throw new Error('ENOENT'); }, '--host'), '--host --require a');
    assert.equal(debugLaunchNodeOptions({}, '--require a', read, undefined), '--require a');
  });
});

describe('planCompound', () => {
  const configs: Record<string, { type: string; request: string; name: string; command?: string; program?: string; url?: string }> = {
    dev: { type: 'node-terminal', request: 'launch', name: 'dev', command: 'npm run dev' },
    worker: { type: 'node-terminal', request: 'launch', name: 'worker', command: 'node worker.js' },
    api: { type: 'node', request: 'launch', name: 'api', program: 'api.js' },
    chrome: { type: 'chrome', request: 'launch', name: 'chrome', url: 'http://localhost:3000' },
    attach: { type: 'node', request: 'attach', name: 'attach' },
  };
  const find = (m: string | { name?: unknown }) => configs[typeof m === 'string' ? m : String(m.name)];

  it('no node-terminal member: the debugger starts the compound', () => {
    assert.deepEqual(planCompound(['api', 'chrome'], find), { how: 'debugger', unrecorded: [] });
  });
  it('one node-terminal member and no Node launch: it runs in the terminal, the rest through the debugger (folder-qualified members too)', () => {
    const chrome = { name: 'chrome', folder: 'web' };
    assert.deepEqual(planCompound(['dev', chrome, 'attach'], find), { how: 'terminal', terminal: configs.dev, member: 'dev', others: [chrome, 'attach'] });
  });
  it('node-terminal members beside a Node launch: the debugger records the launch, and the terminal members are named as unrecorded', () => {
    assert.deepEqual(planCompound(['dev', 'api', 'worker'], find), { how: 'debugger', unrecorded: ['dev', 'worker'] });
  });
  it('several node-terminal members alone: none can be recorded together', () => {
    assert.deepEqual(planCompound(['dev', 'worker', 'chrome'], find), { how: 'none', unrecorded: ['dev', 'worker'] });
  });
  it('members missing from launch.json are left to the debugger', () => {
    assert.deepEqual(planCompound(['dev', 'gone'], find), { how: 'terminal', terminal: configs.dev, member: 'dev', others: ['gone'] });
  });
});

describe('findTask (a preLaunchTask FlameLens runs itself)', () => {
  const tasks = [
    { name: 'build', source: 'Workspace', definition: { type: 'shell' }, folder: '/ws/b' },
    { name: 'build', source: 'Workspace', definition: { type: 'shell' }, folder: '/ws/a' },
    { name: 'build', source: 'npm', definition: { type: 'npm', script: 'build', path: 'packages/x/' }, folder: '/ws/a' },
    { name: 'watch', source: 'tsc', definition: { type: 'typescript', tsconfig: 'tsconfig.json', option: 'watch' }, folder: '/ws/a' },
    { name: 'lint', source: 'Workspace', definition: { type: 'shell' } },
  ];
  it("finds a label in the configuration's folder first, then a workspace task, else any", () => {
    assert.equal(findTask(tasks, 'build', '/ws/a'), tasks[1]);
    assert.equal(findTask(tasks, 'build', '/ws/b'), tasks[0]);
    assert.equal(findTask(tasks, 'lint', '/ws/a'), tasks[4]);
    assert.equal(findTask(tasks, 'build', '/ws/c'), tasks[0]);
    // tasks.json's "build" before npm's script of that name; npm's by its bare name when it is the only one.
    assert.equal(findTask(tasks.filter((t) => t.source === 'npm' || t.folder === '/ws/b'), 'build', '/ws/a'), tasks[0]);
    assert.equal(findTask([tasks[2]!], 'build', '/ws/a'), tasks[2]);
  });
  it('finds a provided task by "source: name" and by its identifier, every field compared', () => {
    assert.equal(findTask(tasks, 'npm: build', '/ws/a'), tasks[2]);
    assert.equal(findTask(tasks, 'tsc: watch', '/ws/a'), tasks[3]);
    assert.equal(findTask(tasks, { type: 'npm', script: 'build' }, '/ws/a'), tasks[2]);
    assert.equal(findTask(tasks, { type: 'typescript', tsconfig: 'tsconfig.json', option: 'watch' }, '/ws/a'), tasks[3]);
    assert.equal(findTask(tasks, { type: 'npm', script: 'test' }, '/ws/a'), undefined);
    assert.equal(findTask(tasks, { type: 'typescript', tsconfig: 'other.json' }, '/ws/a'), undefined);
    assert.equal(findTask(tasks, {}, '/ws/a'), undefined, 'an empty identifier names nothing');
    assert.equal(findTask(tasks, 'deploy', '/ws/a'), undefined);
  });
  it('asTaskRef keeps labels and identifiers, and nothing else launch.json may hold', () => {
    assert.equal(asTaskRef('build'), 'build');
    assert.deepEqual(asTaskRef({ type: 'npm', script: 'build' }), { type: 'npm', script: 'build' });
    for (const v of ['', 3, null, undefined, ['build'], true]) assert.equal(asTaskRef(v), undefined, JSON.stringify(v));
  });
});

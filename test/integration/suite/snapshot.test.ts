// Take Heap Snapshot and the .heapsnapshot editor inside a real VS Code: a real process holding 30000
// LeakyThing objects is snapshotted (streamed to disk with progress), the file opens in the FlameLens
// snapshot editor, which parses it in the worker thread and draws the constructor table; then two
// snapshots taken before and after the process grows are compared.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { SnapshotRun } from '../../../src/commands/attach-commands';
import type { SnapshotCompareRun } from '../../../src/commands/snapshot-commands';
import type { SnapshotSummary } from '../../../src/heap/types';
import { topConstructors } from '../../../src/heap/types';
import type { RenderedInfo } from '../../../src/views/snapshot-view';
import { EXTENSION_ID, api, nodeExecutable, until } from './helpers';

const LEAKY = `
class LeakyThing { constructor(id) { this.id = id; this.label = 'leak'; this.a = id * 2; } }
const kept = [];
function grow(n) { for (let i = 0; i < n; i++) kept.push(new LeakyThing(kept.length)); }
grow(30000);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (t) => { const m = /grow (\\d+)/.exec(t); if (m) { grow(Number(m[1])); console.log('grown ' + kept.length); } });
console.log('ready');
`;

type SnapshotResult = SnapshotRun;

function waitForLine(child: ChildProcess, re: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (re.test(out)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    setTimeout(() => reject(new Error(`no ${re} from the target: ${out}`)), 15_000);
  });
}

describe('attach: Take Heap Snapshot and the snapshot editor', function () {
  this.timeout(120_000);
  let dir = '';
  let child: ChildProcess | undefined;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flamelens-snapshot-it-'));
    const script = path.join(dir, 'leaky.js');
    fs.writeFileSync(script, LEAKY);
    child = spawn(nodeExecutable(), ['--inspect-port=0', script], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    await waitForLine(child, /ready/);
  });

  after(async () => {
    child?.kill('SIGKILL');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let first: SnapshotResult | undefined;
  let second: SnapshotResult | undefined;

  it('saves <outDir>/<name>-<pid>-<time>.heapsnapshot, opens it, and the table shows LeakyThing first by count', async () => {
    const pid = child!.pid!;
    first = await vscode.commands.executeCommand<SnapshotResult | undefined>('flamelens.takeHeapSnapshot', { pid });
    assert.ok(first, 'a snapshot was taken');
    assert.match(path.basename(first.file), new RegExp(`^leaky\\.js-${pid}-\\d{8}-\\d{6}\\.heapsnapshot$`));
    const outDir = vscode.workspace.workspaceFolders?.[0] ? path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, '.flamelens') : undefined;
    if (outDir) assert.equal(path.dirname(first.file), outDir, 'in the output directory setting');
    assert.ok(fs.statSync(first.file).size > 1_000_000, 'the snapshot is a real heap dump');
    assert.equal(first.result.openedInspector, true);
    assert.equal(first.result.inspectorClosed, true);
    assert.equal(child!.exitCode, null, 'the target keeps running');

    const file = first.file;
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const tab = tabs().find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.fsPath === file);
    assert.ok(tab, `the snapshot opened in a custom editor; tabs: ${tabs().map((t) => `${t.label} (${(t.input as { viewType?: string })?.viewType ?? typeof t.input})`).join(', ')}`);
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'flamelens.snapshotEditor');

    const seen: { summary: SnapshotSummary; rendered: RenderedInfo } | undefined = await (await api()).inspectSnapshotForTest(vscode.Uri.file(file));
    assert.ok(seen, 'the editor holds the document');
    const [top] = topConstructors(seen.summary, 'count', 1);
    assert.equal(top!.name, 'LeakyThing');
    assert.ok(top!.count >= 30_000 && top!.count < 30_100, `count ${top!.count}`);
    assert.equal(seen.summary.hasRetainedSizes, true);
    // The webview drew the table (sorted by retained size by default), one row per constructor.
    assert.equal(seen.rendered.mode, 'summary');
    assert.equal(seen.rendered.rows, Math.min(seen.summary.constructors.length, 2000));
    assert.equal(seen.rendered.first, seen.summary.constructors[0]!.name);
  });

  it('the open snapshot answers the page: LeakyThing\'s largest objects, and what keeps one alive (the module\'s `kept` array)', async () => {
    assert.ok(first, 'needs the first snapshot');
    const seen = await (await api()).inspectSnapshotForTest(vscode.Uri.file(first.file));
    assert.ok(seen, 'the editor holds the document');
    const page = await seen.ask({ type: 'instances', name: 'LeakyThing' });
    assert.equal(page.error, undefined);
    const instances = page.result && 'instances' in page.result ? page.result : undefined;
    assert.ok(instances, JSON.stringify(page).slice(0, 500));
    assert.ok(instances.total >= 30_000, `total ${instances.total}`);
    assert.ok(instances.instances.length > 0 && instances.instances.length <= 20, `${instances.instances.length} objects`);
    const largest = instances.instances[0]!;
    assert.equal(largest.name, 'LeakyThing');
    assert.ok(Number.isFinite(largest.retainedSize) && largest.retainedSize >= largest.selfSize && largest.selfSize > 0);
    const answer = await seen.ask({ type: 'retainers', index: largest.index });
    assert.equal(answer.error, undefined);
    const report = answer.result && 'paths' in answer.result ? answer.result : undefined;
    assert.ok(report && report.paths.length > 0, JSON.stringify(answer).slice(0, 500));
    const path0 = report.paths[0]!;
    const shown = path0.steps.map((st) => `${st.edge} (${st.edgeType}) in ${st.name}`).join(' ← ');
    assert.equal(path0.end, 'root', shown);
    assert.equal(path0.steps[0]!.edgeType, 'element', `held as an element of the array first: ${shown}`);
    assert.ok(path0.steps.some((st) => st.edge === 'kept' && st.edgeType === 'context'), `through the module's kept variable: ${shown}`);
  });

  it('Open Profile… on a gzipped snapshot opens it in the snapshot table (not the flame graph)', async () => {
    assert.ok(first, 'needs the first snapshot');
    const gz = path.join(dir, 'leaky.heapsnapshot.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(first.file), { level: 1 }));
    await vscode.commands.executeCommand('flamelens.openProfile', vscode.Uri.file(gz));
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const tab = await until('the .gz snapshot tab', () => tabs().find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.fsPath === gz));
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'flamelens.snapshotEditor');
    const seen = await (await api()).inspectSnapshotForTest(vscode.Uri.file(gz));
    assert.ok(seen, 'the editor holds the document');
    assert.equal(topConstructors(seen.summary, 'count', 1)[0]!.name, 'LeakyThing');
    assert.equal(seen.rendered.mode, 'summary');
  });

  it('compares two snapshots: LeakyThing tops the growth after the target adds 20000', async () => {
    assert.ok(first, 'needs the first snapshot');
    child!.stdin!.write('grow 20000\n');
    await waitForLine(child!, /grown 50000/);
    second = await vscode.commands.executeCommand<SnapshotResult | undefined>('flamelens.takeHeapSnapshot', { pid: child!.pid });
    assert.ok(second);
    const run = await vscode.commands.executeCommand<SnapshotCompareRun | undefined>(
      'flamelens.compareHeapSnapshots',
      vscode.Uri.file(first.file),
      vscode.Uri.file(second.file),
    );
    assert.ok(run, 'the comparison ran');
    const [grew] = run.diff.growth;
    assert.equal(grew!.name, 'LeakyThing');
    assert.equal(grew!.countDelta, 20_000);
    assert.ok(grew!.selfSizeDelta > 0);
    const rendered = await run.rendered();
    assert.equal(rendered.mode, 'diff');
    assert.equal(rendered.first, 'LeakyThing');
  });

  it('closing the comparison tab while the snapshots are read stops reading them', async () => {
    assert.ok(first && second, 'needs both snapshots');
    const label = `${path.basename(first.file)} → ${path.basename(second.file)}`;
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    for (const t of tabs().filter((t) => t.label === label)) await vscode.window.tabGroups.close(t);
    const running = vscode.commands.executeCommand<SnapshotCompareRun | undefined>('flamelens.compareHeapSnapshots', vscode.Uri.file(first.file), vscode.Uri.file(second.file));
    const tab = await until('the comparison tab', () => tabs().find((t) => t.label === label));
    await vscode.window.tabGroups.close(tab);
    assert.equal(await running, undefined, 'the comparison stopped when its tab closed');
  });
});

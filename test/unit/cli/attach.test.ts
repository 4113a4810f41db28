// `flamelens attach` and `flamelens snapshot-diff` from a fresh bundle (cli.js with heap-worker.js
// and the parser's .wasm beside it, laid out as in dist/), against real processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findInspector } from '../../../src/capture/processes';
import { parseTarget } from '../../../src/cli/attach';
import { BUSY_SERVER, LEAKY_PROGRAM, isRunning, killAllTargets, repoRoot, scratchDir, startTarget } from '../../support/attach-targets';
import { heapParserWasmPath } from '../../support/capture-helpers';

after(killAllTargets);

let bundle: string;

before(async () => {
  const dir = scratchDir('attach-cli-bundle');
  const common = { platform: 'node', target: 'node20', format: 'cjs', bundle: true, logLevel: 'error' } as const;
  // The real dispatcher (src/cli/main.ts, the CLI helper's) runs itself whenever its module is
  // the bundle's main, so this entry calls our two commands directly.
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(
    entry,
    `import { attachCommand, snapshotDiffCommand } from ${JSON.stringify(path.join(repoRoot, 'src/cli/attach'))};
const [name, ...rest] = process.argv.slice(2);
const run = name === 'snapshot-diff' ? snapshotDiffCommand(rest) : attachCommand(rest);
run.then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 70; });
`,
  );
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [entry], outfile: path.join(dir, 'cli.js') }),
    esbuild.build({ ...common, entryPoints: [path.join(repoRoot, 'src/heap/snapshot-worker.ts')], outfile: path.join(dir, 'heap-worker.js') }),
  ]);
  fs.copyFileSync(heapParserWasmPath, path.join(dir, path.basename(heapParserWasmPath)));
  bundle = path.join(dir, 'cli.js');
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], during?: (child: ReturnType<typeof spawn>, stderr: () => string) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    during?.(child, () => stderr);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('flamelens attach (CLI)', () => {
  it('parses targets', () => {
    assert.deepEqual(parseTarget('1234'), { pid: 1234 });
    assert.deepEqual(parseTarget('127.0.0.1:9229'), { host: '127.0.0.1', port: 9229 });
    assert.deepEqual(parseTarget('[::1]:9230'), { host: '::1', port: 9230 });
    assert.deepEqual(parseTarget('ws://127.0.0.1:9229/abc'), { wsUrl: 'ws://127.0.0.1:9229/abc' });
    assert.throws(() => parseTarget('nonsense'), /cannot read target/);
  });

  it('profiles a PID for a duration, prints the hottest functions, and confirms the inspector closed', async () => {
    const target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect-port=0'], name: 'busy-cli' });
    const outDir = scratchDir('attach-cli');
    const run = await cli(['attach', String(target.pid), '--duration', '1s', '--out', outDir, '--top', '5']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Top functions by self time:/);
    const firstUser = run.stdout.split('\n').find((l) => l.includes('busy-cli.js'));
    assert.match(firstUser ?? '', /computeHotPrimes/, run.stdout);
    assert.match(run.stderr, /inspector closed again/);
    assert.equal(fs.readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile')).length, 1);
    assert.ok(isRunning(target.child));
    assert.equal(await findInspector(target.pid), undefined);
  });

  it('records until Ctrl+C (SIGINT), then writes the profile', async () => {
    const target = await startTarget(BUSY_SERVER, { nodeArgs: ['--inspect-port=0'], name: 'busy-cli-sigint' });
    const outDir = scratchDir('attach-cli-sigint');
    const run = await cli(['attach', String(target.pid), '--out', outDir], (child, stderr) => {
      const poll = setInterval(() => {
        if (/until Ctrl\+C/.test(stderr())) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), 600);
        }
      }, 50);
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /stopping/);
    assert.match(run.stdout, /computeHotPrimes/);
    assert.match(run.stderr, /inspector closed again/);
    assert.ok(isRunning(target.child));
  });

  it('takes a snapshot and prints the constructor summary; snapshot-diff shows LeakyThing grew', async () => {
    const target = await startTarget(LEAKY_PROGRAM, { nodeArgs: ['--inspect-port=0'], args: ['30000'], name: 'leaky-cli' });
    const outDir = scratchDir('attach-cli-snap');
    const first = await cli(['attach', String(target.pid), '--snapshot', '--out', outDir]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Top constructors by retained size:/);
    assert.match(first.stdout, /30,0\d\d\s+\S+ \S+\s+\S+ \S+\s+LeakyThing/);
    const a = path.join(outDir, 'a.heapsnapshot');
    fs.renameSync(path.join(outDir, fs.readdirSync(outDir).find((f) => f.endsWith('.heapsnapshot'))!), a);

    target.child.stdin!.write('grow 25000\n');
    await target.waitFor(/grown 55000/);
    const second = await cli(['attach', String(target.pid), '--snapshot', '--out', outDir]);
    assert.equal(second.code, 0, second.stderr);
    const b = path.join(outDir, fs.readdirSync(outDir).find((f) => f.endsWith('.heapsnapshot') && f !== 'a.heapsnapshot')!);

    const diff = await cli(['snapshot-diff', a, b, '--top', '3']);
    assert.equal(diff.code, 0, diff.stderr);
    const rows = diff.stdout.split('\n').filter((l) => /^\s+[\d,]+\s+[+-]/.test(l));
    assert.match(rows[0] ?? '', /\+25,000 .*LeakyThing$/, diff.stdout);
    const json = await cli(['snapshot-diff', a, b, '--json', '--by', 'count']);
    const parsed = JSON.parse(json.stdout) as { growth: Array<{ name: string; countDelta: number }> };
    assert.deepEqual(parsed.growth[0], { ...parsed.growth[0], name: 'LeakyThing', countDelta: 25_000 });
  });

  it('fails with exit code 2 and a clear message for a PID that does not exist', async () => {
    const run = await cli(['attach', '999999999', '--duration', '1s', '--out', scratchDir('attach-cli-err')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no process with pid 999999999/);
  });
});

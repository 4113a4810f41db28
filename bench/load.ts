// Load-run bench (`npm run bench`, or `node --import tsx bench/load.ts`), all in one run so the
// ratios compare like with like on a machine whose speed varies:
//   1. the load generator's own ceiling: requests/s FlameLens's driver (autocannon in-process, every
//      response into an HDR histogram) gets from a trivial loopback server, against autocannon's
//      own CLI on the same server — ratio ours / autocannon's;
//   2. the agent's overhead on the server: requests/s of the same server recorded (CPU profile at
//      100 µs, the load default, plus the once-a-second metrics) and not recorded, loaded the same
//      way (autocannon's CLI, out of process) — ratio recorded / not recorded.
// Rounds alternate the two sides (A B, B A, …) and the medians are compared. On a small machine
// the generator and the server share the cores, so absolute figures say little; ratios are the result.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { LoadDriver } from '../src/load/driver';
import { startCapture, type CaptureHandle } from '../src/capture/launcher';
import { metricsEnv } from '../src/capture/server-metrics';

const root = path.resolve(__dirname, '..');
const server = path.join(root, 'test/fixtures/load/server.js');
const autocannonCli = path.join(root, 'node_modules/autocannon/autocannon.js');
const dataDir = path.join(root, 'bench/data/load');
const rounds = Number(process.env.LOAD_BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.LOAD_BENCH_SECONDS ?? 4);
const connections = 10;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${text}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /listening on (\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${text}`)));
  });
}

/** The server with no agent, on a free loopback port. */
async function plainServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [server], { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH, PORT: '0' } });
  return { child, port: await waitForPort(child) };
}

/** The same server recorded by the agent from its start (as during a load run's measured phase). */
async function recordedServer(agentPath: string, outDir: string): Promise<{ handle: CaptureHandle; port: number }> {
  const handle = await startCapture({ command: [process.execPath, server], outDir, cpu: true, intervalUs: 100, agentPath, stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH, PORT: '0', [metricsEnv]: '1' }, waitForOthersMs: 1000 });
  return { handle, port: await waitForPort(handle.child) };
}

async function stopPlain(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** requests/s from autocannon's CLI (its --json: answered requests over its measured duration). */
function autocannonRps(url: string, durationS = seconds): number {
  const text = execFileSync(process.execPath, [autocannonCli, '--json', '-c', String(connections), '-d', String(durationS), url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: (durationS + 30) * 1000 });
  const r = JSON.parse(text.trim().split('\n').pop()!) as { requests: { total: number }; duration: number };
  return r.requests.total / r.duration;
}

/** requests/s from FlameLens's own driver, as `flamelens load` measures. */
async function driverRps(url: string): Promise<number> {
  const m = await new LoadDriver().measure({ urls: [url], method: 'GET', headers: {}, pipelining: 1 }, [{ durationMs: seconds * 1000, connections }]);
  const total = m.stages.reduce((a, s) => a + s.requests.total, 0);
  for (const s of m.stages) s.histogram.destroy();
  return total / (m.elapsedMs / 1000);
}

async function main(): Promise<void> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const agentPath = path.join(dataDir, 'agent.js');
  await esbuild.build({ entryPoints: [path.join(root, 'src/capture/agent.ts')], outfile: agentPath, platform: 'node', target: 'node20', format: 'cjs', bundle: true, logLevel: 'error' });
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`load bench: Node ${process.version}, ${os.cpus().length} cores, load average ${load}; ${rounds} rounds of ${seconds} s per side, ${connections} connections, GET /fast on loopback`);

  // 1. The generator's ceiling against autocannon's CLI, on one plain server.
  const ours: number[] = [];
  const theirs: number[] = [];
  const plain = await plainServer();
  const url = `http://127.0.0.1:${plain.port}/fast`;
  await driverRps(url); // warm-up: JIT of server and driver
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ours.push(await driverRps(url));
      theirs.push(autocannonRps(url));
    } else {
      theirs.push(autocannonRps(url));
      ours.push(await driverRps(url));
    }
  }
  await stopPlain(plain.child);

  // 2. The agent's overhead: the same server recorded vs not, loaded by autocannon's CLI.
  const bare: number[] = [];
  const recorded: number[] = [];
  let profileBytes = 0;
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ['bare', 'recorded'] : ['recorded', 'bare'];
    for (const side of order) {
      if (side === 'bare') {
        const s = await plainServer();
        const u = `http://127.0.0.1:${s.port}/fast`;
        autocannonRps(u, 1); // the same short JIT warm-up for both sides
        bare.push(autocannonRps(u));
        await stopPlain(s.child);
      } else {
        const out = path.join(dataDir, `recorded-${i}`);
        const s = await recordedServer(agentPath, out);
        const u = `http://127.0.0.1:${s.port}/fast`;
        autocannonRps(u, 1);
        recorded.push(autocannonRps(u));
        s.handle.kill('SIGTERM');
        const result = await s.handle.done;
        profileBytes = Math.max(profileBytes, ...result.profiles.map((p) => fs.statSync(p.path).size));
      }
    }
  }

  const f = (xs: number[]) => `${Math.round(median(xs)).toLocaleString('en')} req/s (runs: ${xs.map((x) => Math.round(x)).join(', ')})`;
  console.log('\n1. load generator ceiling (trivial loopback server)');
  console.log(`  FlameLens driver       ${f(ours)}`);
  console.log(`  autocannon CLI         ${f(theirs)}`);
  console.log(`  ratio ours/autocannon  ${(median(ours) / median(theirs)).toFixed(2)}`);
  console.log('\n2. agent overhead on the server (autocannon CLI as the load)');
  console.log(`  not recorded           ${f(bare)}`);
  console.log(`  recorded (100 µs)      ${f(recorded)}`);
  console.log(`  ratio recorded/not     ${(median(recorded) / median(bare)).toFixed(2)}  (largest profile ${(profileBytes / 1024 / 1024).toFixed(1)} MB)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

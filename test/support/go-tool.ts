// Go's own toolchain as an independent pprof consumer and producer for the export/import tests.
// Without network and without touching $HOME: caches in a scratch folder, GOPATH mode, no proxy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** The environment for `go` runs rooted at `dir` (created). */
export function goEnv(dir: string): NodeJS.ProcessEnv {
  fs.mkdirSync(dir, { recursive: true });
  return {
    ...process.env,
    HOME: dir,
    GOCACHE: path.join(dir, 'gocache'),
    GOPATH: path.join(dir, 'gopath'),
    GO111MODULE: 'off',
    GOFLAGS: '',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GOTELEMETRY: 'off',
    PPROF_TMPDIR: dir,
  };
}

/**
 * True when `go` runs. Without it the test is skipped with a message, except on CI (CI=true),
 * where .ci/run installs golang-go and a missing `go` is a failure.
 */
export function haveGo(t: TestContext): boolean {
  const r = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return true;
  if (process.env.CI === 'true') assert.fail(`go is required on CI (.ci/run installs Debian's golang-go): ${r.error?.message ?? r.stderr}`);
  t.skip("Go is not installed: these checks read our pprof with `go tool pprof` (Debian: apt-get install golang-go)");
  return false;
}

/** Runs `go args…`, failing the test with go's own output when it fails. */
export function go(args: string[], dir: string, cwd = dir): string {
  const r = spawnSync('go', args, { cwd, env: goEnv(dir), encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `go ${args.join(' ')} failed (${r.error?.message ?? `status ${r.status}`}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export interface TopRow {
  name: string;
  /** Flat value in µs (CPU) or bytes (heap). */
  flat: number;
  cum: number;
}

const scales: Record<string, number> = { ns: 1e-3, us: 1, µs: 1, ms: 1e3, s: 1e6, B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** A `go tool pprof -top` value ("910.02ms", "12.50MB", "0") in µs or bytes. */
export function pprofValue(text: string): number {
  if (text === '0') return 0;
  const m = /^([\d.]+)([a-zA-Zµ]+)$/.exec(text);
  assert.ok(m && scales[m[2]!] !== undefined, `cannot read pprof value "${text}"`);
  return Number(m[1]) * scales[m[2]!]!;
}

/** The rows of `go tool pprof -top` output. */
export function parseTop(stdout: string): TopRow[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^\s*flat\s+flat%\s+sum%\s+cum\s+cum%/.test(l));
  assert.ok(header >= 0, `no -top table in:\n${stdout}`);
  const rows: TopRow[] = [];
  for (const line of lines.slice(header + 1)) {
    const m = /^\s*(\S+)\s+[\d.]+%\s+[\d.]+%\s+(\S+)\s+[\d.]+%\s+(.+)$/.exec(line);
    if (!m) continue;
    rows.push({ name: m[3]!.trim(), flat: pprofValue(m[1]!), cum: pprofValue(m[2]!) });
  }
  return rows;
}

export interface RawLocation {
  id: number;
  name: string;
  file: string;
  line: number;
}

/** The Locations and the Samples (value columns) of `go tool pprof -raw`. */
export function parseRaw(stdout: string): { header: string; sampleTypes: string[]; samples: number[][]; locations: RawLocation[] } {
  const lines = stdout.split('\n');
  const s = lines.indexOf('Samples:');
  assert.ok(s >= 0, `no Samples: in -raw output:\n${stdout.slice(0, 500)}`);
  const sampleTypes = lines[s + 1]!.trim().split(/\s+/).map((t) => t.replace('[dflt]', ''));
  const samples: number[][] = [];
  let i = s + 2;
  for (; i < lines.length && !/^Locations/.test(lines[i]!); i++) {
    const m = /^\s*([\d\s]+?):\s*[\d\s]*$/.exec(lines[i]!);
    if (m) samples.push(m[1]!.trim().split(/\s+/).map(Number));
  }
  const locations: RawLocation[] = [];
  for (; i < lines.length && !/^Mappings/.test(lines[i]!); i++) {
    // "(system name)" follows when it differs from the name: "()" for our functions, which have none.
    const m = /^\s*(\d+): 0x[0-9a-f]+ M=\d+ (.*) (\S*):(\d+) s=\d+(?:\(.*\))?$/.exec(lines[i]!);
    if (m) locations.push({ id: Number(m[1]), name: m[2]!, file: m[3]!, line: Number(m[4]) });
  }
  return { header: lines.slice(0, s).join('\n'), sampleTypes, samples, locations };
}

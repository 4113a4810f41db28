// Captures big CPU profiles from a real program — the TypeScript compiler type-checking
// TypeScript's own 9 MB JavaScript with checkJs, and a .d.ts project — into bench/data/
// (gitignored). Smaller sampling intervals give more samples and far more distinct stacks, so
// bigger files. Run directly (`node --import tsx bench/capture-large.ts`) or via bench/ingest.ts.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
export const dataDir = path.join(root, 'bench', 'data');
const tsLib = path.join(root, 'node_modules', 'typescript', 'lib');

interface Capture {
  name: string;
  project: 'dts' | 'checkjs';
  intervalUs: number;
}

/**
 * Sizes on Node 20 (they vary a little by machine and load). checkJs on typescript.js makes
 * very varied, deep stacks, so even coarse intervals give large files; finer intervals add
 * samples and more distinct stacks.
 */
export const captures: Capture[] = [
  { name: 'tsc-dts-1000us.cpuprofile', project: 'dts', intervalUs: 1000 },
  { name: 'tsc-dts-50us.cpuprofile', project: 'dts', intervalUs: 50 }, // ~10 MB
  { name: 'tsc-checkjs-10000us.cpuprofile', project: 'checkjs', intervalUs: 10000 },
  { name: 'tsc-checkjs-1000us.cpuprofile', project: 'checkjs', intervalUs: 1000 }, // ~80 MB
  { name: 'tsc-checkjs-100us.cpuprofile', project: 'checkjs', intervalUs: 100 }, // ~150 MB
  { name: 'tsc-checkjs-10us.cpuprofile', project: 'checkjs', intervalUs: 10 }, // ~210 MB
];

function projectDir(kind: 'dts' | 'checkjs'): string {
  const dir = path.join(dataDir, `project-${kind}`);
  mkdirSync(dir, { recursive: true });
  const typeRoots = [path.join(root, 'node_modules', '@types')];
  if (kind === 'dts') {
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, lib: ['es2022', 'dom'], types: ['node', 'vscode', 'mocha'], typeRoots }, files: [path.join(tsLib, 'typescript.d.ts')] }, null, 2));
  } else {
    const js = path.join(dir, 'typescript.js');
    if (!existsSync(js)) copyFileSync(path.join(tsLib, 'typescript.js'), js);
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { allowJs: true, checkJs: true, noEmit: true, strict: false, lib: ['es2022', 'dom'], types: ['node'], typeRoots }, files: ['typescript.js'] }, null, 2));
  }
  return dir;
}

export function ensureCaptures(log: (s: string) => void = console.log): string[] {
  mkdirSync(dataDir, { recursive: true });
  const out: string[] = [];
  for (const c of captures) {
    const target = path.join(dataDir, c.name);
    out.push(target);
    if (existsSync(target)) continue;
    const profDir = path.join(dataDir, `tmp-${process.pid}`);
    rmSync(profDir, { recursive: true, force: true });
    log(`capturing ${c.name} (tsc on the ${c.project} project, --cpu-prof-interval=${c.intervalUs}) …`);
    const t0 = Date.now();
    try {
      // tsc exits non-zero on type errors in the checked JavaScript; the profile is written anyway.
      execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-interval=${c.intervalUs}`, path.join(tsLib, 'tsc.js'), '-p', projectDir(c.project)], { stdio: 'ignore', timeout: 15 * 60_000 });
    } catch (err) {
      if (!existsSync(profDir)) throw err;
    }
    const written = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    if (written.length !== 1) throw new Error(`expected one profile in ${profDir}, found ${written.length}`);
    renameSync(path.join(profDir, written[0]!), target);
    rmSync(profDir, { recursive: true, force: true });
    log(`  ${(statSync(target).size / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  return out;
}

if (require.main === module) ensureCaptures();

// `npm run demo`: build FlameLens, compile the example app (TypeScript with source maps), record
// it with the CLI, and say where the HTML flame graph is. Works right after `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join('flamelens-profiles', 'demo');

function run(what, cmd, args) {
  console.error(`\n[demo] ${what}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(what, cmd, args) {
  const status = run(what, cmd, args);
  if (status !== 0) {
    console.error(`[demo] ${what} failed (exit ${status})`);
    process.exit(status);
  }
}

must('build FlameLens', process.execPath, ['esbuild.mjs']);
must('compile the example', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'examples/shop-api']);
// A fresh folder each time, so the listing below only shows this run.
rmSync(path.join(root, outDir), { recursive: true, force: true });
const status = run('record it', process.execPath, ['dist/cli.js', 'record', '--out', outDir, '--', 'node', 'examples/shop-api/dist/main.js']);
const dir = path.join(root, outDir);
const html = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).sort() : [];
// The app's own main thread: the graph whose sidecar (<pid>-0.json) ran main.js.
const ranMain = (f) => {
  try {
    return JSON.parse(readFileSync(path.join(dir, f.replace('.cpu.html', '.json')), 'utf8')).argv.some((a) => a.endsWith('main.js'));
  } catch {
    return false;
  }
};
const main = html.find((f) => f.endsWith('-0.cpu.html') && ranMain(f));
if (status !== 0 || html.length === 0) {
  console.error(`\n[demo] recording failed (exit ${status})`);
  process.exit(status || 1);
}
console.error(`\n[demo] done. Open the flame graph in a browser:\n  ${pathToFileURL(path.join(dir, main ?? html[0])).href}`);
console.error(`[demo] or explore it again: node dist/cli.js report ${path.join(outDir, (main ?? html[0]).replace('.cpu.html', '.cpuprofile'))}`);

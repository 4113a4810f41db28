// The integration suite's entry point, loaded by VS Code's extension host (through @vscode/test-electron or
// code-server's test payload): runs every compiled suite file beside it with mocha.
//   FLAMELENS_MOCHA_RESULTS  JSON-lines results file (default <repo>/test-output/vscode/mocha-results.jsonl)
//   FLAMELENS_MOCHA_GREP     only tests whose full title contains this text
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FileReporter } from './fileReporter';

// esbuild bundles this file to out/test/integration/index.js and each suite/*.test.ts beside it.
const suiteDir = path.join(__dirname, 'suite');
const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function resultsPath(): string {
  return process.env.FLAMELENS_MOCHA_RESULTS ?? path.join(repoRoot, 'test-output', 'vscode', 'mocha-results.jsonl');
}

export function run(): Promise<void> {
  // Stack traces of failing tests point into the .ts sources (the bundles carry source maps).
  process.setSourceMapsEnabled(true);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    reporter: FileReporter,
    reporterOptions: { output: resultsPath() },
  });
  const grep = process.env.FLAMELENS_MOCHA_GREP;
  if (grep) mocha.grep(grep);

  const files = readdirSync(suiteDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) return Promise.reject(new Error(`no compiled suite files in ${suiteDir}`));
  for (const f of files) mocha.addFile(path.join(suiteDir, f));

  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}

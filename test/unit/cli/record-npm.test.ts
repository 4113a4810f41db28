// `flamelens record -- npm run <script>`: npm itself loads the agent too (NODE_OPTIONS reaches every
// Node process) and spends longer starting than a short program runs. Real npm, real programs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildBundles, scratchDir, writeFiles, busyFunction, runCli } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

test('the report shows the program npm ran, not npm, even when npm was busier', () => {
  const dir = scratchDir('record-npm-chain');
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: 'x', version: '1.0.0', scripts: { two: 'node first.js && node second.js' } }),
    'first.js': `${busyFunction('firstStep', 60)}\nfirstStep();\n`,
    'second.js': `${busyFunction('secondStep', 80)}\nsecondStep();\n`,
  });
  const r = runCli(cli, ['record', '--no-html', '--out', 'p', '--', 'npm', 'run', 'two'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /3 profiles written/);
  const heading = r.stderr.split('\n').find((l) => l.startsWith('== '));
  assert.match(heading ?? '', /^== process \d+ \(node second\.js\): CPU ==$/, r.stderr);
  assert.doesNotMatch(r.stderr, /only the package manager/);
});

test('a script that replaces NODE_OPTIONS: the lost program is named as a problem with the way out', () => {
  const dir = scratchDir('record-npm-node-options');
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: 'x', version: '1.0.0', scripts: { own: 'NODE_OPTIONS=--max-old-space-size=200 node app.js' } }),
    'app.js': `${busyFunction('appWork', 60)}\nappWork();\n`,
  });
  const r = runCli(cli, ['record', '--no-html', '--out', 'p', '--', 'npm', 'run', 'own'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /1 profile written/);
  assert.match(r.stderr, /warning: only the package manager was profiled \(process \d+ \(node \S*npm\S* run own\)\): .*NODE_OPTIONS="\$NODE_OPTIONS/);
});

// How `flamelens record -- …` reads its command: one argument with a space is a shell command
// line, unless it names a file (an executable whose path has a space). Real CLI, real programs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBundles, scratchDir, writeFiles, busyFunction, runCli } from '../../support/capture-helpers';

let cli = '';
before(async () => {
  cli = (await buildBundles()).cli;
});

test('an executable whose path has a space runs as it is; a command line still goes to the shell', () => {
  const dir = scratchDir('record-spaced-path');
  fs.mkdirSync(path.join(dir, 'my tools'));
  writeFiles(dir, {
    'my tools/run it': `#!${process.execPath}\n${busyFunction('spacedWork', 60)}spacedWork();\nconsole.log('ran ' + process.argv.length);\n`,
    'b.js': `${busyFunction('lineWork', 60)}lineWork();\n`,
  });
  fs.chmodSync(path.join(dir, 'my tools', 'run it'), 0o755);
  const spaced = runCli(cli, ['record', '--no-html', '--out', 'p1', '--', './my tools/run it'], dir);
  assert.equal(spaced.status, 0, spaced.stderr);
  assert.match(spaced.stdout, /^ran 2$/m);
  assert.match(spaced.stderr, /1 profile written/);
  const line = runCli(cli, ['record', '--no-html', '--out', 'p2', '--', 'node b.js'], dir);
  assert.equal(line.status, 0, line.stderr);
  assert.match(line.stderr, /== process \d+ \(node b\.js\): CPU ==/);
});

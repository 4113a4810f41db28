// Compare Profiles / Compare Heap Snapshots from the explorer: which two files are compared. The
// arguments are as VS Code passes them to an explorer context-menu command (clicked, selection);
// the files are plain objects standing in for vscode.Uri (no VS Code in unit tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparedPair } from '../../../src/commands/explorer-selection';

class FileRef {
  constructor(readonly path: string) {}
}
const isFile = (x: unknown): x is FileRef => x instanceof FileRef;
const [a, b, c] = [new FileRef('/p/base.cpuprofile'), new FileRef('/p/new.cpuprofile'), new FileRef('/p/third.cpuprofile')];

test('two files selected in the explorer are compared, in the explorer order, whichever was clicked', () => {
  assert.deepEqual(comparedPair(a, [a, b], isFile), [a, b]);
  assert.deepEqual(comparedPair(b, [a, b], isFile), [a, b]);
});

test('one file (or three) selected: the clicked one is BEFORE, AFTER is asked for', () => {
  assert.deepEqual(comparedPair(a, [a], isFile), [a, undefined]);
  assert.deepEqual(comparedPair(c, [a, b, c], isFile), [c, undefined]);
});

test('from the palette or another command: the files given, nothing else', () => {
  assert.deepEqual(comparedPair(undefined, undefined, isFile), [undefined, undefined]);
  assert.deepEqual(comparedPair(a, b, isFile), [a, b]);
  assert.deepEqual(comparedPair('not a file', 3, isFile), [undefined, undefined]);
});

// Stacks 100,000 frames deep (a runaway recursion) on the main thread, with Node's default stack:
// the importer, the flame tree, the webview payloads and their JSON must not recurse over depth,
// and the tree sent to the flame graph stops at maxTreeDepth with one block that keeps the time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread } from 'node:worker_threads';
import { toFlameTree } from '../../../src/model/flame';
import { parseProfile } from '../../../src/model/import';
import type { FlameNode, Profile } from '../../../src/model/types';
import { applyViewOptions } from '../../../src/model/view';
import { defaultViewOptions } from '../../../src/protocol';
import type { HostMessage, TreePayload } from '../../../src/protocol';
import { deepStackNote, initMessage, maxTreeDepth, sandwichMessage, subtreeMessage } from '../../../src/webview-page/payload';
import { assertProfileInvariants } from '../../support/model-helpers';
import { deepChainProfileJson } from '../../support/deep-stacks-profile';

const depth = 100_000;

/** Deepest level and the nodes at it, walked with an explicit stack. */
function shape(root: FlameNode): { levels: number; deepest: FlameNode[]; nodes: number } {
  let levels = 0;
  let deepest: FlameNode[] = [];
  let nodes = 0;
  const stack: [FlameNode, number][] = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    nodes++;
    if (d > levels) [levels, deepest] = [d, []];
    if (d === levels) deepest.push(n);
    for (const c of n.children ?? []) stack.push([c, d + 1]);
  }
  return { levels, deepest, nodes };
}

function assertCutTree(tree: TreePayload, profile: Profile, maxLevels: number): FlameNode {
  const { levels, deepest } = shape(tree.root);
  assert.equal(levels, maxLevels + 1, 'the tree stops one level (the marker) below the cut');
  assert.equal(deepest.length, 1);
  const marker = deepest[0]!;
  assert.ok(marker.id < 0, 'the marker is no profile node (never expanded)');
  assert.match(marker.name, /^… [\d,]+ deeper frames$/);
  assert.equal(tree.frames[marker.frame]!.name, marker.name);
  // The cut keeps the time of everything below: the marker's parent's total minus its self.
  const parentId = -1 - marker.id;
  assert.equal(marker.value, profile.totalValue[parentId]! - profile.selfValue[parentId]!);
  assert.ok(marker.value > 0);
  return marker;
}

describe('deep stacks (100,000 frames, main thread)', () => {
  it('a 100,000-deep .cpuprofile imports with its invariants and flame-trees without recursion', () => {
    assert.ok(isMainThread, 'runs on the main thread with the default stack');
    const profile = parseProfile(Buffer.from(deepChainProfileJson(depth)));
    assert.equal(profile.nodeCount, depth + 1);
    assertProfileInvariants(profile);
    const tree = toFlameTree(profile, { maxNodes: 5000 });
    assert.equal(shape(tree.root).nodes, 5000);
  });

  it('the webview payloads of a 100,000-deep stack stop at maxTreeDepth with one block keeping the cut time', () => {
    const profile = parseProfile(Buffer.from(deepChainProfileJson(depth)));
    const init = initMessage(profile, profile, 'deep', defaultViewOptions) as Extract<HostMessage, { type: 'init' }>;
    const marker = assertCutTree(init.tree, profile, maxTreeDepth);
    assert.equal(marker.name, `… ${(depth - maxTreeDepth).toLocaleString('en-US')} deeper frames`);
    assert.ok(init.summary.notes.includes(deepStackNote), 'the view says the stacks were cut');
    // The message survives the JSON round trip the webview's postMessage makes.
    const copy = JSON.parse(JSON.stringify(init)) as typeof init;
    assert.equal(shape(copy.tree.root).levels, maxTreeDepth + 1);

    // A subtree below a node 400 levels down is cut at the same absolute depth (the webview grafts it there).
    let node = 0;
    for (let i = 0; i < 400; i++) node = profile.childNodes[profile.childStart[node]!]!;
    const sub = subtreeMessage(profile, 7, node) as Extract<HostMessage, { type: 'subtree' }>;
    assert.equal(sub.tree.root.id, node);
    assertCutTree(sub.tree, profile, maxTreeDepth - 400);

    const sandwich = sandwichMessage(profile, 8, depth) as Extract<HostMessage, { type: 'sandwich' }>;
    assert.ok(shape(sandwich.callers.root).levels <= maxTreeDepth + 1);
    JSON.stringify(sandwich);
  });

  it('the inverted and recursion-merged views of a 100,000-deep stack build too', () => {
    const profile = parseProfile(Buffer.from(deepChainProfileJson(depth)));
    for (const options of [{ ...defaultViewOptions, invert: true }, { ...defaultViewOptions, mergeRecursion: true }, { ...defaultViewOptions, hideMeta: true }]) {
      const view = applyViewOptions(profile, options);
      const init = initMessage(profile, view, 'deep', options) as Extract<HostMessage, { type: 'init' }>;
      assert.ok(shape(init.tree.root).levels <= maxTreeDepth + 1, JSON.stringify(options));
      JSON.parse(JSON.stringify(init));
    }
  });
});

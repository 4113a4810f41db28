// What the standalone HTML report embeds so its search share counts the frames its pruned tree
// folded, without a host: for each drawn node whose children were folded away (toFlameTree keeps the
// heaviest 16,000 nodes), what lies below it as a tree of function names with each name kept once per
// stack — a name already on the stack above (a drawn ancestor, or recursion inside the block) adds
// nothing to which searches match there, so such a node is merged into its parent and same-named
// siblings are merged. A search's share is then the drawn tree's count (only the topmost match of a
// stack) plus, under each drawn node no match sits on or above, the total of the topmost matching
// nodes of its block: exactly searchShare (src/model/search.ts) over the whole view, read from much
// less than the profile. The page reads it in webview/report-search.ts.
//
// Encoding: the blocks' nodes in preorder as one string of varints (5 bits a character, in a
// JSON- and HTML-safe alphabet), three per node: name index, subtree size − 1, self value (whole µs or
// bytes). Blocks go in heaviest first while they fit `budget` characters; the ids of those left out
// are listed, and the page says "at least" when one of them could hold a match.
import type { FlameNode, Profile } from '../model/types';
import type { TreePayload } from '../protocol';

/** The varint alphabet: 64 characters that need no escape in JSON or inside a <script> element. */
export const searchDigits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Characters of block data a report embeds at most (about as many bytes); the rest is left out. */
export const reportSearchBudget = 1_000_000;

export interface ReportSearchData {
  /** Distinct function names of the folded nodes, lower case (what the page's search matches). */
  names: string[];
  /** Per block, the drawn node (a view node id, as in the tree) its content lies under, in `nodes` order. */
  ids: number[];
  /** Character offsets of each block in `nodes` (ids.length + 1 entries). */
  at: number[];
  /** The blocks' nodes, three varints each: name, subtree size − 1, self (see searchDigits). */
  nodes: string;
  /** Drawn nodes whose folded content (with some time in it) was left out for the budget. */
  omitted: number[];
}

const digitCodes = Uint8Array.from(searchDigits, (c) => c.charCodeAt(0));

/**
 * The search data for `tree` (drawn from `view`), or undefined when the tree folded nothing with time
 * in it (the page's own count is then exact). Diff views are left out (the page's count stays).
 */
export function reportSearchData(view: Profile, tree: TreePayload, budget = reportSearchBudget): ReportSearchData | undefined {
  const n = view.nodeCount;
  if (n === 0 || view.baseTotalValue) return undefined;
  const { nodeFrame, childStart, childNodes, selfValue, totalValue } = view;
  const drawn = new Uint8Array(n);
  let folds = false;
  const stack: FlameNode[] = [tree.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.id >= n) return undefined;
    if (node.id >= 0) drawn[node.id] = 1;
    else folds = true;
    if (node.folded) folds = true;
    for (const c of node.children ?? []) stack.push(c);
  }
  if (!folds || drawn[0] !== 1) return undefined;

  // Names, lower case, once each; a frame's name index.
  const nameIndex = new Map<string, number>();
  const names: string[] = [];
  const frameName = new Int32Array(view.frames.length);
  view.frames.forEach((f, i) => {
    const lower = (f.functionName ?? '(unknown)').toLowerCase();
    let k = nameIndex.get(lower);
    if (k === undefined) {
      k = names.length;
      nameIndex.set(lower, k);
      names.push(lower);
    }
    frameName[i] = k;
  });
  const nameCount = names.length;

  // The blocks' tries: node 0.. with parent, name, self; a block's root is a node without a name. A trie
  // node stands for at least one view node (a hidden one, or the drawn node of a block): n at most.
  const trieParent = new Int32Array(n);
  const trieName = new Int32Array(n);
  const trieSelf = new Float64Array(n);
  let count = 0;
  const blockRoots: number[] = [];
  const blockIds: number[] = [];
  // A trie node's child of a name: open addressing over (parent, name) pairs, the child's index + 1 (0: free).
  const slots = 1 << Math.ceil(Math.log2(2 * n + 2));
  const mask = slots - 1;
  const slotChild = new Int32Array(slots);
  const childOf = (parent: number, name: number): number => {
    let h = (Math.imul(parent, 0x9e3779b1) ^ Math.imul(name + 1, 0x85ebca77)) & mask;
    for (;;) {
      const c = slotChild[h]!;
      if (c === 0) {
        trieParent[count] = parent;
        trieName[count] = name;
        slotChild[h] = ++count;
        return count - 1;
      }
      if (trieParent[c - 1] === parent && trieName[c - 1] === name) return c - 1;
      h = (h + 1) & mask;
    }
  };
  // Names on the stack: drawn ancestors and the trie path inside a block.
  const onPath = new Int32Array(nameCount);
  // Depth-first over the whole view: an entry v >= 0 enters node v with trie node walkTrie (-1 for a drawn
  // node), ~v leaves it (walkTrie 1 when entering raised its name's count).
  const walk = new Int32Array(2 * n + 2);
  const walkTrie = new Int32Array(2 * n + 2);
  let sp = 0;
  walk[sp] = 0;
  walkTrie[sp++] = -1;
  while (sp > 0) {
    const v = walk[--sp]!;
    const t = walkTrie[sp]!;
    if (v < 0) {
      if (t === 1) onPath[frameName[nodeFrame[~v]!]!]!--;
      continue;
    }
    const name = frameName[nodeFrame[v]!]!;
    let here = t;
    let raised = 0;
    if (drawn[v] === 1) {
      onPath[name]!++;
      raised = 1;
    } else if (onPath[name]! > 0) {
      trieSelf[here]! += selfValue[v]!;
    } else {
      here = childOf(here, name);
      trieSelf[here]! += selfValue[v]!;
      onPath[name]!++;
      raised = 1;
    }
    walk[sp] = ~v;
    walkTrie[sp++] = raised;
    let block = -1;
    for (let c = childStart[v + 1]! - 1; c >= childStart[v]!; c--) {
      const child = childNodes[c]!;
      if (!(totalValue[child]! > 0)) continue;
      let into = drawn[child] === 1 ? -1 : here;
      if (drawn[v] === 1 && drawn[child] !== 1) {
        // Folded below a drawn node: its block.
        if (block < 0) {
          block = count++;
          trieParent[block] = -1;
          trieName[block] = -1;
          blockRoots.push(block);
          blockIds.push(v);
        }
        into = block;
      }
      walk[sp] = child;
      walkTrie[sp++] = into;
    }
  }

  // Children lists; sizes and totals (children come after their parents in creation order: a reverse
  // pass adds them up). Nodes with nothing in them (rounded) are not written, nor counted in sizes.
  const childAt = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) if (trieParent[i]! >= 0) childAt[trieParent[i]! + 1]!++;
  for (let i = 0; i < count; i++) childAt[i + 1]! += childAt[i]!;
  const kids = new Int32Array(Math.max(1, count));
  const fill = childAt.slice(0, count);
  for (let i = 0; i < count; i++) if (trieParent[i]! >= 0) kids[fill[trieParent[i]!]!++] = i;
  const total = trieSelf.slice(0, count);
  for (let i = count - 1; i >= 0; i--) if (trieParent[i]! >= 0) total[trieParent[i]!]! += total[i]!;
  const size = new Int32Array(count);
  for (let i = 0; i < count; i++) if (Math.round(total[i]!) > 0) size[i] = 1;
  for (let i = count - 1; i >= 0; i--) if (trieParent[i]! >= 0) size[trieParent[i]!]! += size[i]!;
  // Names numbered by how often the written nodes use them: the commonest get the shortest varints.
  const uses = new Int32Array(nameCount);
  for (let i = 0; i < count; i++) if (size[i]! > 0 && trieName[i]! >= 0) uses[trieName[i]!]!++;
  const byUse = Array.from(uses.keys()).filter((k) => uses[k]! > 0);
  byUse.sort((a, b) => uses[b]! - uses[a]! || a - b);
  const outName = new Int32Array(nameCount);
  byUse.forEach((k, i) => (outName[k] = i));
  // Each block's nodes in preorder.
  let out = new Uint8Array(1024);
  const decoder = new TextDecoder('latin1');
  const blocks = blockRoots.map((root) => {
    let length = 0;
    // Eleven characters hold any whole number below 2^53: three per written node.
    let written = 0;
    for (let k = childAt[root]!; k < childAt[root + 1]!; k++) written += size[kids[k]!]!;
    if (out.length < 33 * written) out = new Uint8Array(33 * written);
    const put = (value: number): void => {
      let v = value;
      for (; v >= 32; v = Math.floor(v / 32)) out[length++] = digitCodes[32 + (v % 32)]!;
      out[length++] = digitCodes[v]!;
    };
    const order: number[] = [];
    for (let k = childAt[root + 1]! - 1; k >= childAt[root]!; k--) order.push(kids[k]!);
    while (order.length > 0) {
      const i = order.pop()!;
      if (size[i] === 0) continue;
      put(outName[trieName[i]!]!);
      put(size[i]! - 1);
      put(Math.max(0, Math.round(trieSelf[i]!)));
      for (let k = childAt[i + 1]! - 1; k >= childAt[i]!; k--) order.push(kids[k]!);
    }
    return { text: decoder.decode(out.subarray(0, length)), weight: total[root]! };
  });

  // Heaviest blocks first while they fit; written in the tree's order.
  const kept = new Uint8Array(blocks.length);
  let used = 0;
  for (const k of blocks.map((_, k) => k).sort((a, b) => blocks[b]!.weight - blocks[a]!.weight)) {
    if (used + blocks[k]!.text.length > budget) continue;
    used += blocks[k]!.text.length;
    kept[k] = 1;
  }
  const ids: number[] = [];
  const at: number[] = [0];
  const omitted: number[] = [];
  blocks.forEach((b, k) => {
    if (kept[k] !== 1) omitted.push(blockIds[k]!);
    else if (b.text) {
      ids.push(blockIds[k]!);
      at.push(at[at.length - 1]! + b.text.length);
    }
  });
  if (ids.length === 0 && omitted.length === 0) return undefined;
  return { names: byUse.map((k) => names[k]!), ids, at, nodes: blocks.filter((_, k) => kept[k] === 1).map((b) => b.text).join(''), omitted };
}

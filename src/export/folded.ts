// Folded stacks (Brendan Gregg's flamegraph.pl / inferno input): one line per distinct stack,
// `root;…;leaf count`, root first, the count after the last space. Frame labels are escaped so a
// name can never add a frame or a line: ';' becomes '；' (fullwidth) and line breaks a space.
import type { Frame, Profile } from '../model/types';

/** samples: sample counts (CPU, or heap samples); us: microseconds (CPU); bytes: bytes (heap). */
export type FoldedUnit = 'samples' | 'us' | 'bytes';

/** The units that make sense for a profile, the default first. */
export function foldedUnits(p: Profile): FoldedUnit[] {
  return p.kind === 'cpu' ? ['samples', 'us'] : ['bytes', 'samples'];
}

/** `name (url:line)`, or the bare name for frames without a location, escaped for the format. */
export function foldedLabel(f: Frame): string {
  const where = f.url === '' ? '' : ` (${f.url}${f.line > 0 ? `:${f.line}` : ''})`;
  return `${f.functionName}${where}`.replace(/;/g, '\uff1b').replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** The folded text; lines sorted, equal stacks merged, zero counts left out. */
export function toFolded(p: Profile, unit: FoldedUnit = foldedUnits(p)[0]!): string {
  let text = '';
  for (const chunk of foldedChunks(p, unit)) text += chunk;
  return text;
}

/**
 * The folded text in chunks of whole lines (about `chunkChars` each), for writing a large export
 * without holding it: a deep profile's text is many times its node count (tsc's 55 MB capture
 * folds to 92 MB), and one string per node's stack would hold far more. Stacks are merged on a
 * tree of (parent stack, label) pairs, so only the lines being written are ever built, and come
 * in the order a byte-wise sort of the lines would give.
 */
export function* foldedChunks(p: Profile, unit: FoldedUnit = foldedUnits(p)[0]!, chunkChars = 1 << 20): Generator<string> {
  if (!foldedUnits(p).includes(unit)) {
    throw new RangeError(`--unit ${unit} does not fit a ${p.kind === 'cpu' ? 'CPU' : 'heap'} profile (use ${foldedUnits(p).join(' or ')})`);
  }
  const values = unit === 'samples' ? p.selfSamples : p.selfValue;
  // Distinct frames can print alike (same name and line, another column): one label id each.
  const labels: string[] = [];
  const labelIds = new Map<string, number>();
  const frameLabel = p.frames.map((f) => {
    const label = foldedLabel(f);
    let id = labelIds.get(label);
    if (id === undefined) labelIds.set(label, (id = labels.push(label) - 1));
    return id;
  });
  // Stack ids: node 0 (the root, whose own value keeps its label) is stack 0; a node's stack is
  // its parent's stack extended by its label, shared by every node that prints the same.
  const stackOf = new Int32Array(p.nodeCount);
  const stackParent: number[] = [-1];
  const stackLabel: number[] = [frameLabel[p.nodeFrame[0]!]!];
  const stackIds = new Map<number, number>();
  const counts: number[] = [0];
  const labelCount = Math.max(1, labels.length);
  // Round the running sum, not each value, so rounded counts add up to the rounded total.
  let exact = 0;
  let given = 0;
  for (let i = 0; i < p.nodeCount; i++) {
    let stack = 0;
    if (i > 0) {
      const parent = stackOf[p.nodeParent[i]!]!;
      const label = frameLabel[p.nodeFrame[i]!]!;
      const key = parent * labelCount + label;
      const known = stackIds.get(key);
      if (known !== undefined) stack = known;
      else {
        stack = stackParent.push(parent) - 1;
        stackLabel.push(label);
        counts.push(0);
        stackIds.set(key, stack);
      }
    }
    stackOf[i] = stack;
    exact += values[i]!;
    const count = Math.round(exact) - given;
    given += count;
    counts[stack]! += count;
  }
  // Depth first, in the order a byte-wise sort of the lines gives: among siblings, each one's own
  // line sorts by its text (`label count`) and all its descendants' lines by `label;`, a prefix
  // no other sibling's line has (labels hold no ';'). Entries: s, a stack's line; ~s, its subtree.
  const children: number[][] = stackParent.map(() => []);
  for (let s = 1; s < stackParent.length; s++) children[stackParent[s]!]!.push(s);
  const pending: number[] = [];
  const queueChildren = (parent: number) => {
    const entries: { key: string; entry: number }[] = [];
    for (const c of children[parent]!) {
      const label = labels[stackLabel[c]!]!;
      if (counts[c]! > 0) entries.push({ key: `${label} ${counts[c]!}`, entry: c });
      if (children[c]!.length > 0) entries.push({ key: `${label};`, entry: ~c });
    }
    entries.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    for (let e = entries.length - 1; e >= 0; e--) pending.push(entries[e]!.entry);
  };
  const depthOf = new Int32Array(stackParent.length);
  const parts: string[] = [];
  let chunk = counts[0]! > 0 ? `${labels[stackLabel[0]!]!} ${counts[0]!}\n` : '';
  queueChildren(0);
  while (pending.length > 0) {
    const entry = pending.pop()!;
    const s = entry < 0 ? ~entry : entry;
    const depth = stackParent[s] === 0 ? 0 : depthOf[stackParent[s]!]! + 1;
    depthOf[s] = depth;
    parts.length = depth;
    parts.push(labels[stackLabel[s]!]!);
    if (entry < 0) {
      queueChildren(s);
      continue;
    }
    chunk += `${parts.join(';')} ${counts[s]!}\n`;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

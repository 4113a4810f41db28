// The tree as the webview holds it: FlameNodes with their frame attached, so trees and grafted
// subtrees that arrive with different `frames` lists can be mixed freely.
import type { FlameNode } from '../src/model/types';
import type { TreePayload, ViewFrame } from '../src/protocol';

export interface GraphNode extends FlameNode {
  vf: ViewFrame;
  children?: GraphNode[];
  /** d3-flame-graph's zoom bookkeeping (it writes these onto the data). */
  fade?: boolean;
  hide?: boolean;
}

const unknownFrame: ViewFrame = { name: '(unknown)', url: '', line: 0, column: 0, category: 'native' };

/** Copies a payload's tree into GraphNodes (the payload is left untouched), without recursion: stacks can be deep. */
export function adoptTree(payload: TreePayload): GraphNode {
  const frames = payload.frames;
  const copy = (node: FlameNode): GraphNode => {
    const out: GraphNode = {
      id: node.id,
      name: node.name,
      value: node.value,
      self: node.self,
      frame: node.frame,
      vf: frames[node.frame] ?? unknownFrame,
    };
    if (node.delta !== undefined) out.delta = node.delta;
    if (node.folded) out.folded = node.folded;
    return out;
  };
  const root = copy(payload.root);
  const stack: [FlameNode, GraphNode][] = [[payload.root, root]];
  while (stack.length > 0) {
    const [node, out] = stack.pop()!;
    if (!node.children?.length) continue;
    out.children = node.children.map(copy);
    for (let i = 0; i < node.children.length; i++) stack.push([node.children[i]!, out.children[i]!]);
  }
  return root;
}

export function countNodes(root: GraphNode): number {
  let n = 0;
  walk(root, () => n++);
  return n;
}

export function walk(root: GraphNode, visit: (node: GraphNode, parent: GraphNode | undefined) => void): void {
  const stack: [GraphNode, GraphNode | undefined][] = [[root, undefined]];
  while (stack.length) {
    const [node, parent] = stack.pop()!;
    visit(node, parent);
    if (node.children) for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, node]);
  }
}

export function findNode(root: GraphNode, id: number): GraphNode | undefined {
  let found: GraphNode | undefined;
  walk(root, (node) => {
    if (!found && node.id === id) found = node;
  });
  return found;
}

export function frameKey(frame: ViewFrame): string {
  return `${frame.name}\u0000${frame.url}\u0000${frame.line}\u0000${frame.column}`;
}

/** The heaviest node of a function (for table rows, which name functions rather than nodes). */
export function heaviestNodeOf(root: GraphNode, match: (frame: ViewFrame) => boolean): GraphNode | undefined {
  let best: GraphNode | undefined;
  walk(root, (node) => {
    if (match(node.vf) && (!best || node.value > best.value)) best = node;
  });
  return best;
}

/** Replaces the children of node `nodeId` with those of a subtree sent by the host. */
export function graft(root: GraphNode, nodeId: number, subtree: GraphNode): boolean {
  const target = findNode(root, nodeId);
  if (!target) return false;
  target.children = subtree.children;
  target.folded = subtree.folded ?? 0;
  return true;
}

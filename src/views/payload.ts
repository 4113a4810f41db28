// Builds the messages the host sends to the flame-graph webview from a Profile: pruned trees,
// the function table and sandwich views, each with its own compact frame list. Pure (no vscode):
// the panel controller calls it and the tests check it against real profiles.
import { toFlameTree } from '../model/flame';
import { callersOf, calleesOf } from '../model/sandwich';
import { functionTable } from '../model/tables';
import type { FlameNode, Frame, Profile } from '../model/types';
import type { HostMessage, ProfileSummary, TablePayload, TreePayload, ViewFrame, ViewOptions } from '../protocol';

/** The tree the browser can draw comfortably (see toFlameTree). */
export const maxTreeNodes = 4000;
/** Rows of the function table sent (the heaviest by self). */
export const maxTableRows = 500;

export function viewFrame(f: Frame): ViewFrame {
  return {
    name: f.functionName,
    url: f.url,
    line: f.line,
    column: f.column,
    category: f.category,
    ...(f.packageName !== undefined ? { packageName: f.packageName } : {}),
  };
}

/** Collects the profile frames a payload references into a dense list (FlameNode.frame / TableRow.frame index it). */
class FrameSlots {
  readonly frames: ViewFrame[] = [];
  private readonly index = new Map<number, number>();
  constructor(private readonly profile: Profile) {}

  slot(profileFrame: number): number {
    let i = this.index.get(profileFrame);
    if (i === undefined) {
      i = this.frames.length;
      this.index.set(profileFrame, i);
      this.frames.push(viewFrame(this.profile.frames[profileFrame]!));
    }
    return i;
  }

  remap(node: FlameNode): FlameNode {
    const out: FlameNode = { ...node, frame: this.slot(node.frame) };
    if (node.children) out.children = node.children.map((c) => this.remap(c));
    return out;
  }
}

function treeOf(p: Profile, slots: FrameSlots, root = 0): TreePayload {
  const tree = toFlameTree(p, { root, maxNodes: maxTreeNodes });
  return { root: slots.remap(tree.root), frames: slots.frames, total: p.totalValue[0] ?? 0 };
}

/** The heaviest functions by self AND by total, so sorting the table by Total still finds callers with little self time. */
function tableOf(p: Profile, slots: FrameSlots): TablePayload {
  const all = functionTable(p);
  const half = maxTableRows / 2;
  const bySelf = all.slice(0, half);
  const chosen = new Set(bySelf.map((r) => r.frame));
  const byTotal = all.slice(half).sort((a, b) => b.total - a.total);
  const rows = [...bySelf];
  for (const r of byTotal) {
    if (rows.length >= maxTableRows) break;
    if (!chosen.has(r.frame)) rows.push(r);
  }
  return { rows: rows.map((r) => ({ frame: slots.slot(r.frame), self: r.self, total: r.total })), frames: slots.frames };
}

/** Tree and table of a (view) profile, sharing one frame list. */
export function treeAndTable(view: Profile): { tree: TreePayload; table: TablePayload } {
  const slots = new FrameSlots(view);
  const tree = treeOf(view, slots);
  const table = tableOf(view, slots);
  return { tree, table };
}

export function summaryOf(original: Profile, title: string): ProfileSummary {
  return {
    title,
    kind: original.kind,
    unit: original.unit,
    diff: original.baseTotalValue !== undefined,
    nodeCount: original.nodeCount,
    sampleCount: original.sampleCount,
    total: original.totalValue[0] ?? 0,
    notes: [...original.notes],
  };
}

export function initMessage(original: Profile, view: Profile, title: string, options: ViewOptions): HostMessage {
  return { type: 'init', summary: summaryOf(original, title), options: { ...options }, ...treeAndTable(view) };
}

/** Detail below a node of the view profile (node ids are view-profile node indexes). */
export function subtreeMessage(view: Profile, requestId: number, nodeId: number): HostMessage {
  return { type: 'subtree', requestId, nodeId, tree: treeOf(view, new FrameSlots(view), nodeId) };
}

export function sandwichMessage(view: Profile, requestId: number, nodeId: number): HostMessage {
  const frame = view.nodeFrame[nodeId]!;
  const callers = callersOf(view, frame);
  const callees = calleesOf(view, frame);
  return {
    type: 'sandwich',
    requestId,
    frame: viewFrame(view.frames[frame]!),
    callers: treeOf(callers, new FrameSlots(callers)),
    callees: treeOf(callees, new FrameSlots(callees)),
  };
}

export function isValidNode(view: Profile, nodeId: unknown): nodeId is number {
  return typeof nodeId === 'number' && Number.isInteger(nodeId) && nodeId >= 0 && nodeId < view.nodeCount;
}

// The standalone HTML flame graph the CLI writes: the webview bundle inlined with the profile's
// pruned tree and function table (see src/views/html.ts), so it opens from disk with no server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toFlameTree } from '../model/flame';
import { functionTable } from '../model/tables';
import { applyViewOptions } from '../model/view';
import type { FlameNode, Frame, Profile } from '../model/types';
import { defaultViewOptions, type TablePayload, type TreePayload, type ViewFrame, type ViewOptions } from '../protocol';
import { renderStandaloneReport, type InitMessage } from '../views/html';
import { loadWebviewAssets } from '../views/assets';
import { InputError } from './analyze';

/** Rows of the function table sent with the report (the page shows the heaviest). */
const tableRows = 500;

function viewFrame(f: Frame): ViewFrame {
  return {
    name: f.functionName,
    url: f.url,
    line: f.line,
    column: f.column,
    category: f.category,
    ...(f.packageName !== undefined ? { packageName: f.packageName } : {}),
  };
}

/** The `init` message for a profile: tree and table share one frame list, indexed from 0. */
export function buildInitMessage(profile: Profile, title: string, options: ViewOptions = defaultViewOptions): InitMessage {
  const p = applyViewOptions(profile, options);
  const tree = toFlameTree(p);
  const rows = functionTable(p).slice(0, tableRows);
  const index = new Map<number, number>();
  const frames: ViewFrame[] = [];
  const slot = (profileFrame: number): number => {
    let i = index.get(profileFrame);
    if (i === undefined) {
      i = frames.length;
      index.set(profileFrame, i);
      frames.push(viewFrame(p.frames[profileFrame]));
    }
    return i;
  };
  const remap = (n: FlameNode): FlameNode => ({
    ...n,
    frame: slot(n.frame),
    ...(n.children ? { children: n.children.map(remap) } : {}),
  });
  const treePayload: TreePayload = { root: remap(tree.root), frames, total: p.totalValue[0] ?? 0 };
  const table: TablePayload = { rows: rows.map((r) => ({ frame: slot(r.frame), self: r.self, total: r.total })), frames };
  return {
    type: 'init',
    summary: {
      title,
      kind: p.kind,
      unit: p.unit,
      diff: p.baseTotalValue !== undefined,
      nodeCount: p.nodeCount,
      sampleCount: p.sampleCount,
      total: p.totalValue[0] ?? 0,
      notes: [...p.notes],
    },
    options,
    tree: treePayload,
    table,
  };
}

/** Folders that may hold the built webview (dist/webview.js + .css): beside this bundle, or the repo's dist/. */
export function webviewAssetDirs(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  return [here, path.resolve(here, '..', '..', 'dist'), path.resolve(here, '..', 'dist')];
}

export function findWebviewAssetDir(): string | undefined {
  return webviewAssetDirs().find((d) => fs.existsSync(path.join(d, 'webview.js')) && fs.existsSync(path.join(d, 'webview.css')));
}

/** Writes the report; throws an Error with a user-facing message when the webview is not built. */
export function writeHtmlReport(out: string, profile: Profile, title: string, options?: ViewOptions): void {
  const dir = findWebviewAssetDir();
  if (!dir) throw new InputError('the flame-graph page is not built (dist/webview.js is missing; run `npm run build`)');
  const html = renderStandaloneReport(buildInitMessage(profile, title, options), loadWebviewAssets(dir));
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, html);
}

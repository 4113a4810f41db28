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
  if (!foldedUnits(p).includes(unit)) {
    throw new RangeError(`--unit ${unit} does not fit a ${p.kind === 'cpu' ? 'CPU' : 'heap'} profile (use ${foldedUnits(p).join(' or ')})`);
  }
  const values = unit === 'samples' ? p.selfSamples : p.selfValue;
  const labels = p.frames.map(foldedLabel);
  const paths = new Array<string | undefined>(p.nodeCount);
  const counts = new Map<string, number>();
  // Round the running sum, not each value, so rounded counts add up to the rounded total.
  let exact = 0;
  let given = 0;
  for (let i = 0; i < p.nodeCount; i++) {
    const label = labels[p.nodeFrame[i]!]!;
    const parent = p.nodeParent[i]!;
    // The root (node 0) is not a frame; its own value, if any, keeps its label.
    const path = i === 0 ? label : parent === 0 ? label : `${paths[parent]!};${label}`;
    paths[i] = path;
    exact += values[i]!;
    const count = Math.round(exact) - given;
    given += count;
    if (count > 0) counts.set(path, (counts.get(path) ?? 0) + count);
  }
  const lines = [...counts].map(([path, count]) => `${path} ${count}`);
  lines.sort();
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

// Frame categorisation and interning. A frame is one code location (function + url + line +
// column); profiles repeat the same few thousand frames across hundreds of thousands of nodes,
// so importers intern them once and nodes refer to them by index.
import type { Frame, FrameCategory } from './types';

const metaNames = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

export interface FrameClass {
  category: FrameCategory;
  packageName?: string;
}

/** Where a frame's code comes from, judged from its url (and its name for V8's pseudo-frames). */
export function categorizeUrl(url: string, functionName: string): FrameClass {
  if (url === '') {
    return { category: metaNames.has(functionName) ? 'meta' : 'native' };
  }
  if (url.startsWith('node:') || url.startsWith('internal/')) return { category: 'node' };
  // Windows paths and file:// URLs both reduce to forward slashes for the package lookup.
  const path = url.includes('\\') ? url.replace(/\\/g, '/') : url;
  const marker = path.lastIndexOf('/node_modules/');
  if (marker < 0) return { category: 'user' };
  // The package is the next path segment, or the next two for @scope/name (%40 in file URLs).
  const from = marker + '/node_modules/'.length;
  let end = path.indexOf('/', from);
  if (end < 0) end = path.length;
  const first = decodeSegment(path.slice(from, end));
  let packageName = first;
  if (first.startsWith('@') && end < path.length) {
    let end2 = path.indexOf('/', end + 1);
    if (end2 < 0) end2 = path.length;
    packageName = `${first}/${decodeSegment(path.slice(end + 1, end2))}`;
  }
  if (packageName === '') return { category: 'user' };
  return { category: 'node_modules', packageName };
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Builds a Frame with its category; `line`/`column` are already 1-based (0 = unknown). */
export function makeFrame(functionName: string, url: string, line: number, column: number): Frame {
  return frameOfClass(functionName, url, line, column, categorizeUrl(url, functionName));
}

/** makeFrame with the url's class already known (importers categorise each url once). */
export function frameOfClass(functionName: string, url: string, line: number, column: number, cls: FrameClass): Frame {
  const name = functionName === '' ? '(anonymous)' : functionName;
  const l = line > 0 ? line : 0;
  const c = column > 0 ? column : 0;
  // No url but a line: JavaScript from eval() or new Function(), not native code (which has no line).
  const category = url === '' && l > 0 && cls.category === 'native' ? 'user' : cls.category;
  // Two literals rather than a spread: the same objects, without a copy per frame.
  if (cls.packageName !== undefined) return { functionName: name, url, line: l, column: c, category, packageName: cls.packageName };
  return { functionName: name, url, line: l, column: c, category };
}

/** "file:line" in reports; code with no file says what it is: eval'd code (it has a line) or native. */
export function describeLocation(file: string, line: number): string {
  if (file === '') return line > 0 ? `(eval):${line}` : '(native)';
  return line > 0 ? `${file}:${line}` : file;
}

// Which lines of a file's earlier text are still there, unchanged, in its current text — and where:
// hot lines follow a file that changed while it was closed (a checkout, a formatter, another
// editor), as they follow the edits made in VS Code. Pure; the vscode layer hands in the lines (or
// their hashes: any keys that are equal when the lines are).

/** Differences in the changed middle beyond which it is taken as rewritten (time and memory stay bounded). */
export const defaultMaxEdits = 1000;

/**
 * For each line of `before` (0-based), its 0-based line in `after` when it survived unchanged,
 * else -1: a longest common subsequence of the two (the common head and tail, then Myers' O(ND)
 * diff of the middle). A middle that differs in more than `maxEdits` lines (inserted + deleted) is
 * left unmatched: its measurements no longer describe the code there.
 */
export function matchLines<T extends string | number>(before: ArrayLike<T>, after: ArrayLike<T>, maxEdits = defaultMaxEdits): Int32Array {
  const out = new Int32Array(before.length).fill(-1);
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) {
    out[head] = head;
    head++;
  }
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) {
    out[before.length - 1 - tail] = after.length - 1 - tail;
    tail++;
  }
  const n = before.length - head - tail;
  const m = after.length - head - tail;
  if (n === 0 || m === 0) return out;
  // Lines as small integers: the diff compares numbers, not strings.
  const ids = new Map<T, number>();
  const idOf = (s: T) => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  };
  const a = Int32Array.from({ length: n }, (_, i) => idOf(before[head + i]!));
  const b = Int32Array.from({ length: m }, (_, j) => idOf(after[head + j]!));
  for (const [i, j] of myersMatches(a, b, maxEdits)) out[head + i] = head + j;
  return out;
}

/**
 * The matched pairs (i in a, j in b) of a shortest edit script, or none when it needs more than
 * `maxEdits` edits. Keeps the furthest x of each diagonal for every d to walk back (O(D²) memory).
 */
function myersMatches(a: Int32Array, b: Int32Array, maxEdits: number): [number, number][] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    for (let k = -d; k <= d; k += 2) {
      // Down (a line of b inserted) from diagonal k+1, or right (a line of a deleted) from k-1.
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    trace.push(v.slice(offset - d - 1, offset + d + 2));
  }
  if (found < 0) return [];
  // Walk back: each step d ends with a snake (equal lines) that starts one edit after step d−1's end.
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    // trace[d − 1] holds diagonals −d..d of step d − 1, diagonal k at index k + d.
    const prev = trace[d - 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && prev[k - 1 + d]! < prev[k + 1 + d]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[prevK + d]!;
    const startX = down ? prevX : prevX + 1;
    const startY = startX - k;
    while (x > startX && y > startY) pairs.push([--x, --y]);
    x = prevX;
    y = prevX - prevK;
  }
  while (x > 0 && y > 0) pairs.push([--x, --y]);
  return pairs.reverse();
}

/** A 32-bit FNV-1a hash of each line: a closed document is remembered in 4 bytes a line, not its text. */
export function lineHashes(lineCount: number, lineText: (line: number) => string): Int32Array {
  const out = new Int32Array(lineCount);
  for (let i = 0; i < lineCount; i++) {
    const text = lineText(i);
    let h = 0x811c9dc5;
    for (let c = 0; c < text.length; c++) h = Math.imul(h ^ text.charCodeAt(c), 0x01000193);
    out[i] = h;
  }
  return out;
}

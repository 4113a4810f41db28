// The two files a compare command works on. From the explorer's context menu VS Code passes the
// clicked file and the whole selection: (clicked, [first, second]) when two files are selected —
// then those two, in the explorer's order, are BEFORE and AFTER; else what was given (the command
// asks for the rest). No vscode here: `isFile` says what counts (instanceof vscode.Uri).
export function comparedPair<T>(first: unknown, second: unknown, isFile: (x: unknown) => x is T): [T | undefined, T | undefined] {
  const selected = Array.isArray(second) ? second.filter(isFile) : [];
  if (selected.length === 2) return [selected[0], selected[1]];
  return [isFile(first) ? first : undefined, isFile(second) ? second : undefined];
}

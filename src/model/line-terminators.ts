// JavaScript counts U+2028 (line separator) and U+2029 (paragraph separator) as line breaks, so V8
// numbers a script's lines with them; editors (VS Code, vim) and most tools break lines at \n, \r\n
// and \r only. In a script holding either, every line V8 reports after one is further down than
// the line the user sees, and a function starting after one on the same line has a column counted
// from the separator. Found by the source-map step, which reads each script anyway.

/** Per V8 line (index: 1-based line − 1): the editor's 1-based line, and the column it starts at there (0-based). */
export interface EditorLines {
  readonly line: Int32Array;
  readonly startColumn: Int32Array;
}

/** The editor's lines of `text`'s V8 lines; undefined when the text has no U+2028/U+2029 (they agree). */
export function editorLinesOf(text: string): EditorLines | undefined {
  const first = text.search(/[\u2028\u2029]/);
  if (first < 0) return undefined;
  let v8Lines = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x2028 || c === 0x2029 || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) v8Lines++;
  }
  const line = new Int32Array(v8Lines);
  const startColumn = new Int32Array(v8Lines);
  let v8 = 0;
  let editor = 1;
  let editorStart = 0;
  line[0] = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      editor++;
      editorStart = i + 1;
      line[++v8] = editor;
    } else if (c === 0x2028 || c === 0x2029) {
      line[++v8] = editor;
      startColumn[v8] = i + 1 - editorStart;
    }
  }
  return { line, startColumn };
}

/** The editor's 1-based line of a V8 1-based line (lines it does not know stay as they are). */
export function editorLine(lines: EditorLines, v8Line: number): number {
  return v8Line >= 1 && v8Line <= lines.line.length ? lines.line[v8Line - 1]! : v8Line;
}

/** The editor's 1-based column of a V8 1-based column on a V8 1-based line. */
export function editorColumn(lines: EditorLines, v8Line: number, v8Column: number): number {
  return v8Line >= 1 && v8Line <= lines.line.length && v8Column > 0 ? lines.startColumn[v8Line - 1]! + v8Column : v8Column;
}

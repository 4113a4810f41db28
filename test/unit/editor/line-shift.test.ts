// Annotations follow their code through edits; edited lines lose theirs.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { shiftLines, toLineEdit, countNewlines, lineEditsOf } from '../../../src/editor/line-shift';

const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const lines = () => new Map([[2, 'a'], [5, 'b'], [9, 'c']]);

describe('line shifting', () => {
  it('Enter at the end of a line above moves later annotations down and keeps that line', () => {
    // 0-based line 1 (1-based 2) has length 10; cursor at its end
    const out = shiftLines(lines(), [toLineEdit(r(1, 10, 1, 10), '\n', 10)]);
    assert.deepEqual([...out], [[2, 'a'], [6, 'b'], [10, 'c']]);
  });

  it('Enter at the start of an annotated line moves that line too', () => {
    const out = shiftLines(lines(), [toLineEdit(r(4, 0, 4, 0), '\n\n', 12)]);
    assert.deepEqual([...out], [[2, 'a'], [7, 'b'], [11, 'c']]);
  });

  it('typing inside a line drops only that line', () => {
    const out = shiftLines(lines(), [toLineEdit(r(4, 3, 4, 3), 'x', 12)]);
    assert.deepEqual([...out], [[2, 'a'], [9, 'c']]);
  });

  it('deleting lines 3..6 drops the annotation inside and moves the ones after up', () => {
    // select from 0-based (2,0) to (6,0): deletes 1-based lines 3..6's content; line 7 joins line 3
    const out = shiftLines(lines(), [toLineEdit(r(2, 0, 6, 0), '', 5)]);
    assert.deepEqual([...out], [[2, 'a'], [5, 'c']]);
  });

  it('deleting whole lines above an annotated line keeps it and moves it up (the undo of inserted lines)', () => {
    // Lines 3..4 deleted from (2,0) to (4,0): line 5 is untouched, now line 3.
    const out = shiftLines(lines(), [toLineEdit(r(2, 0, 4, 0), '', 5)]);
    assert.deepEqual([...out], [[2, 'a'], [3, 'b'], [7, 'c']]);
    // Two lines inserted at the top, then the undo (VS Code reports it as deleting (0,0)–(2,0)): back where they were.
    const top = new Map([[1, 'w'], [5, 'b']]);
    const inserted = shiftLines(top, [toLineEdit(r(0, 0, 0, 0), '// one\n// two\n', 10)]);
    assert.deepEqual([...inserted], [[3, 'w'], [7, 'b']]);
    assert.deepEqual([...shiftLines(inserted, [toLineEdit(r(0, 0, 2, 0), '', 6)])], [...top]);
  });

  it('replacing whole lines with other whole lines drops theirs and moves the next line by the difference', () => {
    // Lines 2..5 (from (1,0) to (5,0)) replaced by three lines: 2 and 5 are gone, 9 moves to 8.
    const out = shiftLines(lines(), [toLineEdit(r(1, 0, 5, 0), 'x\ny\nz\n', 4)]);
    assert.deepEqual([...out], [[8, 'c']]);
  });

  it('pasting multi-line text into a line drops it and shifts below', () => {
    const out = shiftLines(lines(), [toLineEdit(r(5, 2, 5, 4), 'foo\nbar\nbaz', 20)]);
    assert.deepEqual([...out], [[2, 'a'], [5, 'b'], [11, 'c']]);
  });

  it('applies several changes in order and never mutates its input', () => {
    const input = lines();
    const out = shiftLines(input, [toLineEdit(r(7, 0, 7, 0), '\n', 3), toLineEdit(r(0, 0, 0, 0), '\n', 0)]);
    assert.deepEqual([...out], [[3, 'a'], [6, 'b'], [11, 'c']]);
    assert.deepEqual([...input], [[2, 'a'], [5, 'b'], [9, 'c']]);
  });

  it('counts CRLF newlines once', () => {
    assert.equal(countNewlines('a\r\nb\r\n'), 2);
    assert.equal(countNewlines(''), 0);
  });
});

describe('line shifting with auto-indent', () => {
  it('Enter with indentation at the end of a hot line keeps it', () => {
    const out = shiftLines(lines(), [toLineEdit(r(4, 12, 4, 12), '\n    ', 12)]);
    assert.deepEqual([...out], [[2, 'a'], [5, 'b'], [10, 'c']]);
  });
  it('Enter in the middle of a hot line drops it', () => {
    const out = shiftLines(lines(), [toLineEdit(r(4, 5, 4, 5), '\n    ', 12)]);
    assert.deepEqual([...out], [[2, 'a'], [10, 'c']]);
  });
});

describe('line shifting of inserted whole lines', () => {
  it('lines of code inserted at the start of a hot line move it down intact', () => {
    const out = shiftLines(lines(), [toLineEdit(r(1, 0, 1, 0), '// one\n// two\n', 10)]);
    assert.deepEqual([...out], [[4, 'a'], [7, 'b'], [11, 'c']]);
  });
  it('code pasted after the end of a hot line, starting with a newline, keeps it', () => {
    const out = shiftLines(lines(), [toLineEdit(r(1, 10, 1, 10), '\nfoo();', 10)]);
    assert.deepEqual([...out], [[2, 'a'], [6, 'b'], [10, 'c']]);
  });
});

describe('line shifting of a change event with several cursors', () => {
  it('Enter at the start of two hot lines moves both down, each onto its own code', () => {
    const before = ['const a = 1;', 'const b = 2;', 'hot1();', 'x();', '', 'hot2();', 'end();'];
    // Both cursors at a line start, Enter: VS Code reports the lower change first, each relative to
    // the document after the previous one. The event comes with the document after both.
    const after = ['const a = 1;', 'const b = 2;', '', 'hot1();', 'x();', '', '', 'hot2();', 'end();'];
    const changes = [
      { range: r(5, 0, 5, 0), text: '\n' },
      { range: r(2, 0, 2, 0), text: '\n' },
    ];
    const edits = lineEditsOf(changes, after.length, (line) => after[line]!.length);
    const out = shiftLines(new Map([[3, 'hot1();'], [6, 'hot2();']]), edits);
    assert.deepEqual([...out], [[4, 'hot1();'], [8, 'hot2();']]);
    for (const [line, text] of out) assert.equal(after[line - 1], text);
    assert.equal(before.length + 2, after.length);
  });

  it('Enter at the end of two lines keeps them and moves the lines after', () => {
    const after = ['hot1();', '', 'x();', 'hot2();', '', 'end();'];
    const changes = [
      { range: r(2, 7, 2, 7), text: '\n' },
      { range: r(0, 7, 0, 7), text: '\n' },
    ];
    const out = shiftLines(new Map([[1, 'hot1();'], [3, 'hot2();'], [4, 'end();']]), lineEditsOf(changes, after.length, (line) => after[line]!.length));
    assert.deepEqual([...out], [[1, 'hot1();'], [4, 'hot2();'], [6, 'end();']]);
  });
});

describe('a blank line deleted from the end of a hot line', () => {
  // The document after the change, and the change as VS Code reports it (rangeLength included).
  const hot = new Map([[3, 'hot();'], [6, 'end();']]);
  it('undoing Enter at its end (or Backspace on the blank line) keeps the hot line and moves the next ones up', () => {
    for (const eol of [1, 2]) {
      const after = ['a', 'b', 'hot();', 'x', 'y', 'end();'];
      // Enter at the end of line 3, then its undo: (2,6)–(3,0) deleted, the line break only.
      const entered = shiftLines(hot, lineEditsOf([{ range: r(2, 6, 2, 6), text: '\n', rangeLength: 0 }], 7, (l) => [...after.slice(0, 3), '', ...after.slice(3)][l]!.length, eol));
      assert.deepEqual([...entered], [[3, 'hot();'], [7, 'end();']]);
      const undone = shiftLines(entered, lineEditsOf([{ range: r(2, 6, 3, 0), text: '', rangeLength: eol }], 6, (l) => after[l]!.length, eol));
      assert.deepEqual([...undone], [...hot], `eol ${eol}`);
    }
    // Enter with indentation, undone: the range ends after the new line's indentation.
    const after = ['a', 'b', 'hot();', 'x', 'y', 'end();'];
    const undone = shiftLines(new Map([[3, 'hot();'], [7, 'end();']]), lineEditsOf([{ range: r(2, 6, 3, 4), text: '', rangeLength: 5 }], 6, (l) => after[l]!.length));
    assert.deepEqual([...undone], [...hot]);
  });

  it('joining a line that had text (Delete at the end of a line) drops both, as before', () => {
    const after = ['a', 'b', 'hot();x', 'y', 'end();'];
    const out = shiftLines(new Map([[3, 'hot();'], [4, 'x'], [6, 'end();']]), lineEditsOf([{ range: r(2, 6, 3, 0), text: '', rangeLength: 1 }], 5, (l) => after[l]!.length));
    assert.deepEqual([...out], [[5, 'end();']]);
    // Deleting from inside the hot line to the next line's start changed the hot line: dropped too.
    const cut = ['a', 'b', 'ho', 'end();'];
    const out2 = shiftLines(new Map([[3, 'hot();'], [5, 'end();']]), lineEditsOf([{ range: r(2, 2, 3, 0), text: '', rangeLength: 5 }], 4, (l) => cut[l]!.length));
    assert.deepEqual([...out2], [[4, 'end();']]);
  });
});

describe('one pass over a change event with many cursors', () => {
  it('places every line as applying the edits one by one does (random events, bottom to top)', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const lines = new Map<number, number>();
      for (let l = 1; l <= 60; l++) if (rnd(3) === 0) lines.set(l, l);
      // Edits bottom to top, none sharing a line with the next.
      const edits = [];
      let below = 61;
      while (below > 3 && edits.length < 8) {
        const end = below - 1 - rnd(4);
        const start = Math.max(1, end - rnd(3));
        if (end < 1 || start >= below) break;
        const text = ['', 'x', '\n', 'a\nb', 'q\n'][rnd(5)]!;
        const atStart = rnd(2) === 0;
        edits.push(toLineEdit(r(start - 1, atStart ? 0 : 3, end - 1, atStart && rnd(2) === 0 ? 0 : 2), text, 5));
        below = start;
      }
      let one = new Map(lines);
      for (const e of edits) one = shiftLines(one, [e]);
      assert.deepEqual([...shiftLines(lines, edits)].sort((a, b) => a[0] - b[0]), [...one].sort((a, b) => a[0] - b[0]), JSON.stringify(edits));
    }
  });
});

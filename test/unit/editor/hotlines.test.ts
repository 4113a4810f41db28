// The editor's hot-line model on real profiles: the marked fixture and a live capture of the
// integration workspace's busy.js (recorded here through the real agent).
import { describe, it, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseProfile } from '../../../src/model/import';
import { lineTable } from '../../../src/model/tables';
import type { Profile } from '../../../src/model/types';
import { startCapture } from '../../../src/capture/launcher';
import { DocumentHistory, HotLineIndex, TrackedDocument, escapeMarkdown, gutterIconFile, heatBucket, hoverMarkdown, isModuleWrapper } from '../../../src/editor/hotlines-model';
import { toLineEdit } from '../../../src/editor/line-shift';
import { sampleSpan, sliceProfile } from '../../../src/model/time-slice';
import { normalizePath } from '../../../src/editor/paths';
import { locationPath } from '../../../src/profile-location';

/** A profile url as the editor compares it. */
const profileUrlToPath = (url: string): string | undefined => {
  const p = locationPath(url);
  return p === undefined ? undefined : normalizePath(p);
};
import { buildBundles, repoRoot, scratchDir } from '../../support/capture-helpers';

const fixture = (name: string) => parseProfile(fs.readFileSync(path.join(repoRoot, 'test/fixtures', name)));
const markedFile = '/tmp/perf-probe/node_modules/marked/lib/marked.esm.js';

describe('paths', () => {
  it('maps file:// URLs and absolute paths to one spelling, rejects the rest', () => {
    assert.equal(profileUrlToPath('file:///a/b/../c.js'), '/a/c.js');
    assert.equal(profileUrlToPath('/a/./c.js'), '/a/c.js');
    assert.equal(profileUrlToPath('file:///tmp/with%20space.js'), '/tmp/with space.js');
    assert.equal(profileUrlToPath('C:\\src\\x.js'), 'c:/src/x.js');
    assert.equal(profileUrlToPath('node:internal/timers'), undefined);
    assert.equal(profileUrlToPath('internal/modules/cjs/loader'), undefined);
    assert.equal(profileUrlToPath(''), undefined);
    assert.equal(normalizePath('D:/x/../y.ts'), 'd:/y.ts');
  });
});

describe('HotLineIndex on the marked fixture', () => {
  const profile = fixture('small-marked-1000us.cpuprofile');
  const index = new HotLineIndex(profile);
  const total = profile.totalValue[0]!;

  it('annotates the hottest line of the profile with its value and share', () => {
    const hottest = lineTable(profile)[0]!;
    assert.equal(fileURLToPath(hottest.url), markedFile);
    const lines = index.linesFor(markedFile, { thresholdPercent: 0 });
    const ann = lines.find((l) => l.line === hottest.line);
    assert.ok(ann, `line ${hottest.line} not annotated`);
    assert.equal(ann.heat, 1);
    assert.ok(Math.abs(ann.percent - (hottest.self / total) * 100) < 1e-9);
    assert.match(ann.text, /^\d+(\.\d)? ms · \d+(\.\d)?%$/);
    // lines come sorted and every heat is in (0, 1]
    for (let i = 1; i < lines.length; i++) assert.ok(lines[i]!.line > lines[i - 1]!.line);
    assert.ok(lines.every((l) => l.heat > 0 && l.heat <= 1));
  });

  it('the threshold drops cooler lines and the same path spelled as a file:// URL or with .. matches', () => {
    const all = index.linesFor(markedFile, { thresholdPercent: 0 });
    const hot = index.linesFor(markedFile, { thresholdPercent: 5 });
    assert.ok(hot.length > 0 && hot.length < all.length, `${hot.length} of ${all.length}`);
    assert.ok(hot.every((l) => l.percent >= 5));
    assert.deepEqual(index.linesFor('/tmp/perf-probe/node_modules/marked/lib/../lib/marked.esm.js', { thresholdPercent: 5 }), hot);
    assert.deepEqual(index.linesFor('/tmp/elsewhere.js', { thresholdPercent: 0 }), []);
  });

  it('function lenses carry self and total with recursion counted once, at each function start line', () => {
    const lenses = index.functionsFor(markedFile, { thresholdPercent: 1 });
    assert.ok(lenses.length > 0);
    for (const l of lenses) {
      assert.ok(l.total >= l.self, `${l.name}: total ${l.total} < self ${l.self}`);
      assert.ok(l.total <= total + 1e-6);
      assert.equal(l.line, profile.frames[l.frame]!.line);
      assert.match(l.text, /^self .+ \(.+%\) · total .+ \(.+%\)$/);
    }
  });

  it('hover names the owning function with callers and callees, and the reveal target', () => {
    const hottest = lineTable(profile)[0]!;
    const info = index.hover(markedFile, hottest.line);
    assert.ok(info);
    assert.equal(info.functionName, profile.frames[hottest.frame]!.functionName);
    assert.equal(info.reveal.url, profile.frames[hottest.frame]!.url);
    assert.ok(info.callers.length > 0, 'a hot function has callers');
    for (let i = 1; i < info.callers.length; i++) assert.ok(info.callers[i - 1]!.value >= info.callers[i]!.value);
    const md = hoverMarkdown(info, 'command:flamelens.revealInFlameGraph?x');
    assert.match(md, /\[Reveal in flame graph\]\(command:flamelens\.revealInFlameGraph\?x\)/);
    assert.match(md, /Called from:/);
    assert.equal(index.hover(markedFile, 999_999), undefined);
  });

  it('a file named both as a file:// URL and as a path (source-mapped frames) gets one annotation per line, summed', () => {
    // Source mapping names the files it maps frames into by path; the frames it leaves (outside the
    // map) keep the profile's file:// URL. Under tsx the script is its own source, so one .ts is named
    // both ways: here the hottest line's frame moves to the path spelling and the other frames stay.
    const hottest = lineTable(profile)[0]!;
    const respelled: Profile = {
      ...profile,
      frames: profile.frames.map((f, i) => (i === hottest.frame ? { ...f, url: fileURLToPath(f.url) } : f)),
    };
    const both = new HotLineIndex(respelled).linesFor(markedFile, { thresholdPercent: 0 });
    const once = index.linesFor(markedFile, { thresholdPercent: 0 });
    assert.ok(lineTable(respelled).filter((r) => r.line === hottest.line && profileUrlToPath(r.url) === markedFile).length > 1, 'the line has rows under both spellings');
    assert.deepEqual(
      both.map((l) => l.line),
      [...new Set(both.map((l) => l.line))],
      'one annotation per line',
    );
    assert.equal(both.length, once.length);
    for (const [i, l] of both.entries()) {
      assert.ok(Math.abs(l.self - once[i]!.self) < 1e-6, `line ${l.line}: ${l.self} vs ${once[i]!.self}`);
      assert.equal(l.text, once[i]!.text);
      assert.ok(Math.abs(l.heat - once[i]!.heat) < 1e-9);
    }
  });

  it('a tracked document keeps its edits when the threshold changes, and finds functions where their code now is', () => {
    // The editor tracks each document from the profile's lines on; a settings change (any flamelens.*
    // one) used to start over from the profile's lines, undoing every edit made since.
    const doc = new TrackedDocument(index, markedFile, 100_000);
    const inserted = 3;
    doc.edited([toLineEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '// a\n// b\n// c\n', 0)]);
    for (const threshold of [5, 0.5, 0]) {
      const expected = index.linesFor(markedFile, { thresholdPercent: threshold }).map((a) => [a.line + inserted, a.line]);
      assert.deepEqual(doc.shownLines({ thresholdPercent: threshold }).map(([line, a]) => [line, a.line]), expected, `threshold ${threshold}`);
      const lenses = index.functionsFor(markedFile, { thresholdPercent: threshold });
      assert.deepEqual(doc.shownLenses({ thresholdPercent: threshold }).flatMap(([line, ls]) => ls.map((l) => [line, l.frame])).sort(), lenses.map((l) => [l.line + inserted, l.frame]).sort());
    }
    const hottest = lineTable(profile)[0]!;
    assert.equal(doc.lineAt(hottest.line + inserted, { thresholdPercent: 5 })?.line, hottest.line);
    assert.equal(doc.lineAt(hottest.line, { thresholdPercent: 5 }), undefined);
    // The function at a line of the edited text is the one whose code is there now.
    const lenses = index.functionsFor(markedFile, { thresholdPercent: 0 });
    for (const target of [lenses[1]!, lenses[Math.floor(lenses.length / 2)]!]) {
      const found = doc.functionAt(target.line + inserted);
      assert.equal(found?.line, target.line);
      assert.deepEqual(found, index.functionAt(markedFile, target.line));
    }
    assert.equal(doc.functionAt(inserted), undefined, 'the inserted lines are above every function');
    // The profile's own lookup at the current line (what Reveal in Flame Graph used) is wrong for most.
    const off = lenses.filter((l) => doc.functionAt(l.line + inserted)?.line !== index.functionAt(markedFile, l.line + inserted)?.line);
    assert.ok(off.length > lenses.length / 2, `${off.length} of ${lenses.length}`);
  });

  it('functionAt picks the nearest function start at or above the line', () => {
    const lenses = index.functionsFor(markedFile, { thresholdPercent: 0 });
    const target = lenses[Math.floor(lenses.length / 2)]!;
    const found = index.functionAt(markedFile, target.line);
    assert.ok(found);
    assert.equal(found.line, target.line);
    assert.equal(index.functionAt(markedFile, 0), undefined);
  });
});

describe('HotLineIndex on the webpack fixture', () => {
  const profile = fixture('small-webpack-1000us.cpuprofile');
  const index = new HotLineIndex(profile);

  it('gives no lens to a CommonJS module wrapper (anonymous, line 1 column 1) but keeps its hot lines', () => {
    const wrapped = profile.frames.filter((f) => isModuleWrapper(f) && f.url.startsWith('file://'));
    assert.ok(wrapped.length > 0, 'the fixture has module wrappers of files on disk');
    let files = 0;
    for (const url of new Set(wrapped.map((f) => f.url))) {
      const file = fileURLToPath(url);
      const lenses = index.functionsFor(file, { thresholdPercent: 0 });
      assert.ok(lenses.every((l) => !(l.line === 1 && l.name === '(anonymous)')), `${file}: ${lenses.map((l) => `${l.name}@${l.line}`).join(', ')}`);
      if (lenses.length > 0) files++;
    }
    assert.ok(files > 0, 'the files with a wrapper still have lenses for their real functions');
    // a named function at line 1 is not a wrapper
    assert.equal(isModuleWrapper({ functionName: 'main', url: 'file:///a.js', line: 1, column: 1, category: 'user' }), false);
  });
});

describe('hover text helpers', () => {
  it('escapes markdown in untrusted names and buckets heat', () => {
    assert.equal(escapeMarkdown('a*b_[c](d)'), 'a\\*b\\_\\[c\\]\\(d\\)');
    assert.equal(heatBucket(0, 4), 0);
    assert.equal(heatBucket(0.3, 4), 1);
    assert.equal(heatBucket(1, 4), 3);
    assert.equal(heatBucket(5, 4), 3);
  });
});

describe('gutter icons', () => {
  it('each of the four heat buckets has its own SVG flame in media/', () => {
    const files = [0, 1, 2, 3].map(gutterIconFile);
    assert.equal(new Set(files).size, 4);
    const fills = files.map((f) => {
      const svg = fs.readFileSync(path.join(repoRoot, 'media', f), 'utf8');
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 16 16"/);
      return svg.match(/fill="(#[0-9a-f]{6})"/)?.[1];
    });
    assert.equal(new Set(fills).size, 4, `colours ${fills.join(', ')}`);
  });
});

describe('HotLineIndex on a live capture of busy.js', () => {
  let profile: Profile;
  let busy: string;

  before(async () => {
    const { agent } = await buildBundles();
    const dir = scratchDir('editor-hotlines');
    busy = path.join(dir, 'busy.js');
    fs.copyFileSync(path.join(repoRoot, 'test/integration/workspace/busy.js'), busy);
    const handle = await startCapture({ command: [process.execPath, busy], cwd: dir, outDir: path.join(dir, 'session'), agentPath: agent, stdio: 'ignore' });
    const result = await handle.done;
    const main = result.profiles.find((p) => p.isMainThread && p.kind === 'cpu');
    assert.ok(main, `no main-thread profile: ${JSON.stringify(result.problems)}`);
    profile = parseProfile(fs.readFileSync(main.path));
  });

  it('annotates lines inside busy.js hot functions and lenses fibonacci, sortWords and hashText', () => {
    const index = new HotLineIndex(profile);
    const source = fs.readFileSync(busy, 'utf8').split('\n');
    const lines = index.linesFor(busy, { thresholdPercent: 1 });
    assert.ok(lines.length >= 3, `only ${lines.length} hot lines`);
    const hottest = lines.reduce((a, b) => (b.self > a.self ? b : a));
    assert.equal(hottest.heat, 1);
    // the hottest line is real code of one of the three workloads
    const owner = profile.frames[hottest.frame]!.functionName;
    assert.ok(['fibonacci', 'sortWords', 'hashText', 'main'].includes(owner), owner);
    assert.ok(source[hottest.line - 1]!.trim().length > 0);
    const names = index.functionsFor(busy, { thresholdPercent: 1 }).map((l) => l.name);
    for (const n of ['fibonacci', 'sortWords', 'hashText', 'main']) assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
    const fib = index.functionsFor(busy, { thresholdPercent: 0 }).find((l) => l.name === 'fibonacci')!;
    assert.match(source[fib.line - 1]!, /function fibonacci/);
    // a line inside fibonacci reveals fibonacci
    assert.equal(index.functionAt(busy, fib.line + 1)?.name, 'fibonacci');
  });

  it('a document reopened after it changed on disk: annotations move to where their lines are now, changed lines lose theirs', () => {
    // Closed in VS Code, then changed by a checkout or a formatter: no edit events, only the text before and after.
    const index = new HotLineIndex(profile);
    const before = fs.readFileSync(busy, 'utf8').split('\n');
    const doc = new TrackedDocument(index, busy, before.length);
    const shown = doc.shownLines({ thresholdPercent: 0 });
    const hottest = shown.reduce((a, b) => (b[1].self > a[1].self ? b : a))[0];
    const after = [...before];
    after[hottest - 1] = `${after[hottest - 1]} // edited`;
    after.unshift('// header 1', '// header 2', '// header 3');
    doc.reopened(before, after);
    assert.deepEqual(
      doc.shownLines({ thresholdPercent: 0 }).map(([line, a]) => [line, a.line]),
      shown.filter(([line]) => line !== hottest).map(([line, a]) => [line + 3, a.line]),
    );
    const fib = index.functionsFor(busy, { thresholdPercent: 0 }).find((l) => l.name === 'fibonacci')!;
    assert.match(after[fib.line + 3 - 1]!, /function fibonacci/);
    assert.ok(doc.shownLenses({ thresholdPercent: 0 }).some(([line, ls]) => line === fib.line + 3 && ls.some((l) => l.name === 'fibonacci')));
    assert.equal(doc.functionAt(fib.line + 4)?.name, 'fibonacci');
    // Rewritten whole, nothing is left to show.
    doc.reopened(after, after.map((l, i) => `${i}: ${l}`));
    assert.equal(doc.isEmpty, true);
  });
});

describe('a document\'s history replayed onto another index of the same profile', () => {
  it('a time range picked after edits puts its hot lines where the code is now, not at the profile\'s old lines', () => {
    const profile = fixture('small-marked-1000us.cpuprofile');
    const full = new HotLineIndex(profile);
    const doc = new TrackedDocument(full, markedFile, 100_000);
    const before = doc.shownLines({ thresholdPercent: 0 });
    assert.ok(before.length > 3, `${before.length} hot lines`);
    // Three lines typed at the top, then typing inside the first hot line (it loses its annotation).
    doc.edited([toLineEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'a\nb\nc\n', 0)]);
    const typedAt = before[0]![0] + 3;
    for (let i = 0; i < 3; i++) doc.edited([toLineEdit({ start: { line: typedAt - 1, character: 2 + i }, end: { line: typedAt - 1, character: 2 + i } }, 'x', 0)]);
    const now = new Map(doc.shownLines({ thresholdPercent: 0 }).map(([line, a]) => [a.line, line]));
    assert.equal(now.get(before[1]![1].line), before[1]![0] + 3);
    assert.equal(now.has(before[0]![1].line), false);

    // The range: the second half of the samples. Its annotations are a subset, each at the place its line has now.
    const span = sampleSpan(profile)!;
    const slice = sliceProfile(profile, (span.start + span.end) / 2, span.end);
    const replayed = new TrackedDocument(new HotLineIndex(slice), doc.history);
    const ranged = replayed.shownLines({ thresholdPercent: 0 });
    assert.ok(ranged.length > 0, 'the range has hot lines');
    for (const [line, a] of ranged) assert.equal(line, now.get(a.line), `profile line ${a.line} shown at ${line}`);
    // Back to the whole profile: where the edits left it.
    const again = new TrackedDocument(full, doc.history);
    assert.deepEqual(again.shownLines({ thresholdPercent: 0 }).map(([line, a]) => [line, a.line]), doc.shownLines({ thresholdPercent: 0 }).map(([line, a]) => [line, a.line]));
    // A clicked frame's line opens where it is now; an edited line by its nearest neighbour above.
    assert.equal(again.currentLineOf(before[1]![1].line), before[1]![0] + 3);
    assert.equal(again.currentLineOf(before[0]![1].line), before[0]![0] + 3);
  });

  it('typing in one line is kept once; a history past its cap is not replayed (the profile\'s lines are used)', () => {
    const history = new DocumentHistory(markedFile, 100_000, 3);
    const typing = [toLineEdit({ start: { line: 9, character: 1 }, end: { line: 9, character: 1 } }, 'x', 0)];
    for (let i = 0; i < 50; i++) history.edited(typing);
    let steps = 0;
    history.replay(() => steps++);
    assert.equal(steps, 1);
    const enter = [toLineEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '\n', 0)];
    history.edited(enter);
    history.edited(typing);
    assert.equal(history.replayable, true);
    history.edited(enter);
    assert.equal(history.replayable, false);
    const index = new HotLineIndex(fixture('small-marked-1000us.cpuprofile'));
    const doc = new TrackedDocument(index, history);
    assert.deepEqual(doc.shownLines({ thresholdPercent: 0 }).map(([line, a]) => [line, a.line]), index.linesFor(markedFile, { thresholdPercent: 0 }).map((a) => [a.line, a.line]));
    assert.equal(doc.history.replayable, true, 'it starts a new history');
  });
});

describe('HotLineIndex hover on mutual recursion (node --cpu-prof)', () => {
  it('callers and callees count a call once per stack: none exceeds the function’s own total', () => {
    const dir = scratchDir('editor-hotlines-recursion');
    const script = path.join(dir, 'parity.js');
    fs.writeFileSync(
      script,
      `function isEven(n) { if (n === 0) return true; let s = 0; for (let i = 0; i < 200; i++) s += Math.sqrt(i); return s < 0 ? false : isOdd(n - 1); }
function isOdd(n) { if (n === 0) return false; let s = 0; for (let i = 0; i < 200; i++) s += Math.sin(i); return s > 1e9 ? true : isEven(n - 1); }
function main() { const end = Date.now() + 400; let c = 0; while (Date.now() < end) if (isEven(60)) c++; return c; }
main();
`,
    );
    const out = path.join(dir, 'prof');
    execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '500', '--cpu-prof-dir', out, script]);
    const profile = parseProfile(fs.readFileSync(path.join(out, fs.readdirSync(out)[0]!)));
    const index = new HotLineIndex(profile);
    const total = profile.totalValue[0]!;
    for (const [line, name, other] of [[1, 'isEven', 'isOdd'], [2, 'isOdd', 'isEven']] as const) {
      const info = index.hover(script, line);
      assert.ok(info, `no hover on line ${line}`);
      assert.equal(info.functionName, name);
      const own = info.functionLens!.total;
      assert.ok(own <= total + 1e-6);
      const edges = [...info.callers, ...info.callees];
      assert.ok(edges.some((e) => e.name === other), `${other} among ${edges.map((e) => e.name).join(', ')}`);
      for (const e of edges) {
        assert.ok(e.value <= own + 1e-6, `${name} ↔ ${e.name}: ${e.text}, more than ${name}'s total ${info.functionLens!.text}`);
        assert.doesNotMatch(e.text, /\d{3,}(\.\d)?%/);
      }
    }
  });
});

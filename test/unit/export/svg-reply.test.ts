// Export Profile… as SVG: the host takes the SVG markup from the flame-graph webview, a page whose
// content comes from profile data, so the reply is checked before it is written (checkWebviewSvg).
// The controller waits on the reply through ReplyWaits: one outcome per request, bounded in time.
// The browser side (the webview answering svgRequest) is in test/webview/export-svg.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWebviewSvg, defaultExportFileName, exportFormatInfo, exportFormats, maxWebviewSvgChars, WebviewSvgError } from '../../../src/export/formats';
import { ReplyWaits } from '../../../src/views/reply-waits';

/** Shaped like the serializer's output (webview/svg-export.ts): declaration, root, a frame with a title holding escaped markup. */
const good =
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="800" height="60">' +
  '<title>busy.js — FlameLens flame graph</title><g class="frame"><title>work&lt;script&gt;alert(1)&lt;/script&gt;\nSelf: 1 ms</title>' +
  '<rect width="800" height="18"/><text x="4" y="13">work&lt;script&gt;</text></g></svg>\n';

function rejects(value: unknown, message: RegExp, maxChars?: number): void {
  assert.throws(() => checkWebviewSvg(value, maxChars), (err: unknown) => err instanceof WebviewSvgError && message.test(err.message), String(value).slice(0, 60));
}

test('an SVG as the webview serializes it is taken as is, escaped markup in names included', () => {
  assert.equal(checkWebviewSvg(good), good);
  const bare = '<svg xmlns="http://www.w3.org/2000/svg"><g class="frame"><title>f</title></g></svg>';
  assert.equal(checkWebviewSvg(bare), bare, 'no XML declaration');
});

test('a reply that is not SVG text is refused with a message saying why', () => {
  rejects(undefined, /no SVG text/);
  rejects(42, /no SVG text/);
  rejects({ svg: good }, /no SVG text/);
  rejects('', /empty/);
  rejects('<html><body><svg></svg></body></html>', /does not start as an SVG document/);
  rejects('<svgx></svgx>', /does not start as an SVG document/);
  rejects(' \n<svg></svg>', /does not start as an SVG document/);
  rejects('<?xml version="1.0"?><html></html>', /does not start as an SVG document/);
  rejects('<!DOCTYPE html><svg></svg>', /does not start as an SVG document/);
});

test('a cut-off SVG or one with a script element is refused', () => {
  rejects(good.slice(0, good.length - 10), /cut off/);
  rejects('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', /script element/);
  rejects('<svg xmlns="http://www.w3.org/2000/svg"><g><SCRIPT\nhref="x.js"/></g></svg>', /script element/);
});

test('the size cap: 64 Mi characters by default, refused above the cap with both numbers', () => {
  assert.equal(maxWebviewSvgChars, 64 * 1024 * 1024);
  const body = `<svg>${'<g/>'.repeat(30)}</svg>`;
  assert.equal(checkWebviewSvg(body, body.length), body, 'at the cap');
  rejects(body, new RegExp(`${body.length} characters of SVG, more than the ${body.length - 1} allowed`), body.length - 1);
});

test('SVG is a view-only format: not in the file export list (the CLI\'s --format), but named and filtered like the others', () => {
  assert.ok(!exportFormats.some((f) => (f.format as string) === 'svg'));
  const info = exportFormatInfo('svg');
  assert.equal(info.label, 'SVG');
  assert.deepEqual(info.filterExtensions, ['svg']);
  assert.equal(defaultExportFileName('busy.cpuprofile', 'svg'), 'busy.svg');
  assert.equal(defaultExportFileName('cpu.pb.gz', 'svg'), 'cpu.svg');
  assert.equal(defaultExportFileName('busy.js — cpu', 'svg'), 'busy.js — cpu.svg');
});

test('waits for a webview reply: each request its own id, answered by its reply, checked on the way', async () => {
  const waits = new ReplyWaits<string>();
  const sent: number[] = [];
  const first = waits.request((id) => sent.push(id), 60_000, 'no answer');
  const second = waits.request((id) => sent.push(id), 60_000, 'no answer');
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0], sent[1]);
  assert.equal(waits.settle(sent[1], () => checkWebviewSvg(good)), true);
  assert.equal(await second, good);
  assert.equal(waits.settle(sent[0], () => checkWebviewSvg('<html></html>')), true);
  await assert.rejects(first, WebviewSvgError, 'a reply that fails the check fails the wait');
  assert.equal(waits.settle(sent[0], () => good), false, 'a repeated reply is dropped');
  assert.equal(waits.settle(999, () => good), false, 'an id never asked is dropped');
  assert.equal(waits.settle('1', () => good), false, 'an id that is not a number is dropped');
  assert.equal(waits.size, 0);
});

test('a reply that never comes fails the wait with the given message; one that comes late is dropped', async () => {
  const waits = new ReplyWaits<string>();
  let id = 0;
  await assert.rejects(waits.request((i) => (id = i), 20, 'the view did not answer within 10 s'), /did not answer within 10 s/);
  assert.equal(waits.size, 0);
  assert.equal(waits.settle(id, () => good), false, 'late');
});

test('closing the view fails every wait; a request that cannot be sent fails at once', async () => {
  const waits = new ReplyWaits<string>();
  const a = waits.request(() => undefined, 60_000, 'no answer');
  const b = waits.request(() => undefined, 60_000, 'no answer');
  waits.rejectAll('the view was closed');
  await assert.rejects(a, /the view was closed/);
  await assert.rejects(b, /the view was closed/);
  await assert.rejects(
    waits.request(() => {
      throw new Error('webview disposed');
    }, 60_000, 'no answer'),
    /webview disposed/,
  );
  assert.equal(waits.size, 0);
});

// Export Profile… as SVG: the host takes the SVG markup from the flame-graph webview, a page whose
// content comes from profile data, so the reply is checked before it is written (checkWebviewSvg).
// The browser side (the webview answering svgRequest) is in test/webview/export-svg.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWebviewSvg, defaultExportFileName, exportFormatInfo, exportFormats, maxWebviewSvgChars, WebviewSvgError } from '../../src/export/formats';

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

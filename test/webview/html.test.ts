// The HTML/CSP builder, without a browser: CSP directives, escaping of titles and embedded JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultViewOptions } from '../../src/protocol';
import { escapeHtml, jsonForScript, makeNonce, renderStandaloneReport, renderWebviewHtml } from '../../src/webview-page/html';
import type { InitMessage } from '../../src/webview-page/html';

const hostile = '</script><script>alert(1)</script><!-- \u2028 & "quoted"';

function initWithName(name: string): InitMessage {
  return {
    type: 'init',
    summary: { title: name, kind: 'cpu', unit: 'us', diff: false, nodeCount: 2, sampleCount: 1, total: 10, notes: [] },
    options: defaultViewOptions,
    tree: { root: { id: 0, name: '(root)', value: 10, self: 0, frame: 0, children: [{ id: 1, name, value: 10, self: 10, frame: 1 }] }, frames: [], total: 10 },
    table: { rows: [], frames: [] },
  };
}

describe('webview HTML', () => {
  it('builds the VS Code page with a strict nonce CSP and no inline styles or scripts', () => {
    const html = renderWebviewHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css', nonce: 'abc123', title: 'Profile <b>' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    assert.equal(
      csp,
      "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-abc123'",
    );
    assert.ok(!html.includes('unsafe-inline'));
    assert.ok(!/style="/.test(html), 'no inline style attributes');
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/webview.js"><\/script>/);
    assert.match(html, /<title>Profile &#60;b&#62;<\/title>/);
  });

  it('embeds JSON that cannot close its script element and parses back unchanged', () => {
    const value = { name: hostile, nested: ['<', '>', '&'] };
    const text = jsonForScript(value);
    assert.ok(!/[<>&\u2028]/.test(text));
    assert.deepEqual(JSON.parse(text), value);
  });

  it('renders a standalone report whose only script ends are its own', () => {
    const html = renderStandaloneReport(initWithName(hostile), { script: 'console.log("</script>")', style: 'body{}' }, 'n0nce');
    assert.equal(html.match(/<\/script>/gi)?.length, 2, 'the data element and the inlined bundle');
    assert.match(html, /style-src 'nonce-n0nce'; script-src 'nonce-n0nce'/);
    assert.ok(!html.includes('unsafe-inline'));
    const data = /<script type="application\/json" id="flamelens-data">([^]*?)<\/script>/.exec(html)?.[1];
    assert.ok(data);
    assert.equal((JSON.parse(data) as InitMessage).tree.root.children?.[0]?.name, hostile);
    assert.ok(html.includes(`<title>${escapeHtml(hostile)} — FlameLens</title>`));
  });

  it('embeds the report’s search data (function names from the profile) as data that cannot close its element', () => {
    const search = { names: [hostile.toLowerCase()], ids: [1], at: [0, 3], nodes: 'AAK', omitted: [] };
    const html = renderStandaloneReport(initWithName(hostile), { script: 'x', style: 'y' }, 'n0nce', { search });
    assert.equal(html.match(/<\/script>/gi)?.length, 3, 'the two data elements and the inlined bundle');
    const data = /<script type="application\/json" id="flamelens-search">([^]*?)<\/script>/.exec(html)?.[1];
    assert.ok(data);
    assert.deepEqual(JSON.parse(data), search);
  });

  it('embeds the host’s preview in the VS Code page as data that cannot close its element', () => {
    const init = initWithName(hostile);
    const preview = { type: 'preview' as const, summary: init.summary, options: init.options, tree: init.tree };
    const html = renderWebviewHtml({ cspSource: 'https://x', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css', nonce: 'abc123', title: 't', preview });
    assert.equal(html.match(/<\/script>/gi)?.length, 2, 'the data element and the script tag');
    const data = /<script type="application\/json" id="flamelens-preview">([^]*?)<\/script>/.exec(html)?.[1];
    assert.ok(data);
    assert.deepEqual(JSON.parse(data), preview);
    assert.ok(!renderWebviewHtml({ cspSource: 'https://x', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css', nonce: 'abc123', title: 't' }).includes('flamelens-preview'));
  });

  it('makes a different 32-character nonce each time', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(a, makeNonce());
  });
});

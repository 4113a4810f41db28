// `npm run package` on a copy of the repository as a fresh clone has it (tracked and new files, no dist/, out/
// or test output; node_modules linked): vsce runs `vscode:prepublish` (the minified production build) and
// writes the .vsix, which is read back here. A copy, so rebuilding dist/ in production mode never races
// the other tests that run dist/cli.js and dist/agent.js from the repository.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

const repo = path.resolve(import.meta.dirname, '../../..');
// Issue 11: under 400 KB. About 395 KB: bundles ~200 KB (the load engine trimmed to what FlameLens calls,
// the model shared by the extension and the parse worker: scripts/node-bundle.mjs; the SVG export without
// d3's transitions, which it never plays: svgExportStubs in scripts/node-bundle.mjs), the heap parser's WASM
// 60 KB (brotli), the README's pictures ~94 KB (48 colours; scripts/refresh-readme-images.mjs holds them to
// 105 KB), texts and manifests ~30 KB (the English l10n template, 6 KB, is left out: VS Code never loads it; the
// CLI's option and `load` references live in docs/, which does not ship: the .vsix has no CLI).
// Anything that grows the package has to pay for itself here.
const maxBytes = 400 * 1024;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/** The entries of a zip file, read from its central directory (a .vsix is a plain zip, no zip64). */
function zipEntries(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeader: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

function zipRead(zip: Buffer, entry: ZipEntry): Buffer {
  const start = entry.localHeader + 30 + zip.readUInt16LE(entry.localHeader + 26) + zip.readUInt16LE(entry.localHeader + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  return entry.method === 0 ? data : inflateRawSync(data);
}

describe('npm run package (.vsix)', () => {
  let work = '';
  let vsix: Buffer;
  let entries: ZipEntry[] = [];
  let files: string[] = [];
  const read = (name: string): Buffer => {
    const e = entries.find((x) => x.name === `extension/${name}`);
    assert.ok(e, `${name} is not in the .vsix`);
    return zipRead(vsix, e);
  };

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'flamelens-vsix-'));
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' });
    for (const rel of listed.split('\0').filter(Boolean)) {
      const from = path.join(repo, rel);
      if (!statSync(from, { throwIfNoEntry: false })?.isFile()) continue; // deleted but not yet committed
      mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
      copyFileSync(from, path.join(work, rel));
    }
    symlinkSync(path.join(repo, 'node_modules'), path.join(work, 'node_modules'));
    const run = spawnSync('npm', ['run', 'package', '--', '--out', 'flamelens.vsix'], { cwd: work, encoding: 'utf8', timeout: 240_000 });
    assert.equal(run.status, 0, `npm run package failed:\n${run.stdout}\n${run.stderr}`);
    vsix = readFileSync(path.join(work, 'flamelens.vsix'));
    entries = zipEntries(vsix);
    files = entries.map((e) => e.name).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    console.log(`# .vsix: ${(vsix.length / 1024).toFixed(1)} KB, ${files.length} files: ${files.join(', ')}`);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it(`is smaller than ${maxBytes / 1024} KB`, () => {
    assert.ok(vsix.length < maxBytes, `${vsix.length} bytes`);
  });

  it('ships no source maps, no CLI, no sources, tests, examples or benches', () => {
    for (const f of files) {
      assert.doesNotMatch(f, /\.map$/, f);
      assert.doesNotMatch(f, /^(src|test|webview|examples|bench|scripts|out|node_modules)\//, f);
      assert.doesNotMatch(f, /\.ts$/, f);
      assert.notEqual(f, 'dist/cli.js');
      // The English l10n bundle is the translators' template: VS Code loads bundle.l10n.<language>.json, never it.
      assert.notEqual(f, 'l10n/bundle.l10n.json');
    }
  });

  it('ships every bundle the extension loads and every file the manifest names', () => {
    const manifest = JSON.parse(read('package.json').toString('utf8')) as {
      main: string;
      icon?: string;
      contributes: { walkthroughs?: { steps: { media: Record<string, unknown> }[] }[] };
    };
    const named = [manifest.main, manifest.icon];
    for (const w of manifest.contributes.walkthroughs ?? []) {
      for (const s of w.steps) {
        const { image, markdown, svg } = s.media as { image?: string | Record<string, string>; markdown?: string; svg?: string };
        named.push(markdown, svg, ...(typeof image === 'string' ? [image] : Object.values(image ?? {})));
      }
    }
    // vsce stores README.md and CHANGELOG.md as readme.md and changelog.md (the Extensions view's tabs).
    named.push('readme.md', 'changelog.md');
    const loaded = ['dist/extension.js', 'dist/model.js', 'dist/agent.js', 'dist/parse-worker.js', 'dist/heap-worker.js', 'dist/webview.js', 'dist/webview-svg.js', 'dist/webview.css', 'dist/snapshot.js', 'dist/snapshot.css', 'dist/v8_heap_parser_bg.wasm.br'];
    for (const f of [...loaded, ...named.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^\.\//, ''))]) {
      assert.ok(files.includes(f), `${f} is missing from the .vsix`);
    }
    // The hot-line gutter icons are loaded from media/ by name.
    for (const f of readdirSync(path.join(repo, 'media')).filter((x) => /^hot-\d\.svg$/.test(x))) assert.ok(files.includes(`media/${f}`), f);
  });

  it('ships the strings every %key% of the packaged manifest names', () => {
    const manifestText = read('package.json').toString('utf8');
    const keys = [...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1] ?? '');
    if (keys.length === 0) return;
    const nls = JSON.parse(read('package.nls.json').toString('utf8')) as Record<string, unknown>;
    for (const key of keys) assert.equal(typeof nls[key], 'string', `%${key}% has no text in the packaged package.nls.json`);
  });

  it('ships minified production bundles without source-map comments', () => {
    for (const f of ['dist/extension.js', 'dist/model.js', 'dist/webview.js', 'dist/webview-svg.js']) {
      const text = read(f).toString('utf8');
      assert.ok(!/^\/\/# sourceMappingURL=/m.test(text), `${f} names a source map`);
      // esbuild's development output has a line per statement; minified, a few very long lines.
      assert.ok(text.split('\n').length < text.length / 500, `${f} looks unminified`);
    }
  });
});

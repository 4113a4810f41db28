// The one file-URL ↔ path converter (src/model/file-url.ts): the edge cases, and Node's own url module as
// the reference for POSIX paths (its answers depend on the platform; ours must not).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fileUrlToPath, isAbsolutePath, pathToFileUrl } from '../../../src/model/file-url';

describe('fileUrlToPath', () => {
  it('decodes %-escapes into the POSIX path', () => {
    assert.equal(fileUrlToPath('file:///home/u/a%20b.js'), '/home/u/a b.js');
    assert.equal(fileUrlToPath('file:///srv/caf%C3%A9/%E2%9C%93.js'), '/srv/café/✓.js');
    assert.equal(fileUrlToPath('file:///a/100%25.js'), '/a/100%.js');
    assert.equal(fileUrlToPath('file:///a/%40scope/x.js'), '/a/@scope/x.js');
    assert.equal(fileUrlToPath('file://localhost/etc/x.js'), '/etc/x.js');
    assert.equal(fileUrlToPath('FILE:///a.js'), '/a.js');
    assert.equal(fileUrlToPath('file:///a/b.js?x=1#L3'), '/a/b.js', 'query and fragment are not the path');
  });

  it('keeps Windows drive letters, on every platform (forward slashes)', () => {
    assert.equal(fileUrlToPath('file:///C:/src/x.js'), 'C:/src/x.js');
    assert.equal(fileUrlToPath('file:///c%3A/src/x.js'), 'c:/src/x.js');
    assert.equal(fileUrlToPath('file:///D:/My%20Files/a.ts'), 'D:/My Files/a.ts');
    assert.equal(fileUrlToPath('file:///C:\\src\\x.js'), 'C:/src/x.js', 'backslashes in a file URL are slashes');
    assert.equal(fileUrlToPath('file:///C|/src/x.js'), 'C:/src/x.js', 'the legacy drive spelling');
  });

  it('is not a file here: other schemes, other hosts, escaped separators, broken escapes', () => {
    for (const url of [
      'node:internal/timers',
      'node:fs',
      'webpack://app/./src/a.ts',
      'webpack:///src/a.ts',
      'https://example.com/a.js',
      'data:text/javascript,1',
      'internal/modules/cjs/loader',
      '/abs/path.js',
      'C:\\src\\x.js',
      '',
      'file:relative.js',
      'file://remote-host/share/a.js',
      'file:///a/b%2Fc.js',
      'file:///a/b%5Cc.js',
      'file:///a/%E0%A4%A.js',
    ]) {
      assert.equal(fileUrlToPath(url), undefined, url);
    }
  });

  it('never names a network share: on Windows //host/share/… is a UNC path, and reading it sends the user\'s credentials to that host', () => {
    // A profile's url, a script's sourceMappingURL and a map's sources are all read without a click (source mapping).
    for (const url of ['file:////evil.example/share/a.js', 'file://///evil.example/share/a.js', 'file:///\\\\evil.example\\share\\a.js']) {
      assert.equal(fileUrlToPath(url), undefined, url);
    }
    for (const p of ['//evil.example/share/a.js', '\\\\evil.example\\share\\a.js', '//?/UNC/evil/share/a.js', '\\\\?\\C:\\a.js']) {
      assert.equal(isAbsolutePath(p), false, p);
    }
    assert.equal(isAbsolutePath('/srv/a.js'), true);
    assert.equal(isAbsolutePath('C:/src/a.js'), true);
  });

  it('agrees with node:url on POSIX paths', () => {
    for (const p of ['/a/b.js', '/tmp/with space/ü.js', '/x/100%/#hash?.js', '/a/[b]/{c}.js', '/a/b;c=d.js', '/.hidden/x', '/']) {
      const url = pathToFileURL(p).href;
      assert.equal(fileUrlToPath(url), fileURLToPath(url), url);
      assert.equal(fileURLToPath(pathToFileUrl(p)), p, `${p} → ${pathToFileUrl(p)}`);
    }
  });
});

describe('pathToFileUrl', () => {
  it('escapes what a URL cannot hold and reads back to the same path', () => {
    assert.equal(pathToFileUrl('/home/u/a b.js'), 'file:///home/u/a%20b.js');
    assert.equal(pathToFileUrl('/a/100%.js'), 'file:///a/100%25.js');
    assert.equal(pathToFileUrl('/a/#x?.js'), 'file:///a/%23x%3F.js');
    for (const p of ['/home/u/a b.js', '/a/100%.js', '/a/#x?.js', '/srv/café/✓.js', '/a/%41.js']) assert.equal(fileUrlToPath(pathToFileUrl(p)), p, p);
  });

  it('Windows paths: drive letter kept, backslashes as slashes', () => {
    assert.equal(pathToFileUrl('C:\\src\\my app\\x.js'), 'file:///C:/src/my%20app/x.js');
    assert.equal(pathToFileUrl('d:/x.js'), 'file:///d:/x.js');
    assert.equal(fileUrlToPath(pathToFileUrl('C:\\src\\my app\\x.js')), 'C:/src/my app/x.js');
    // Resolving a relative reference against it stays on the drive.
    assert.equal(fileUrlToPath(new URL('../lib/y.js', pathToFileUrl('C:\\src\\app\\x.js')).href), 'C:/src/lib/y.js');
  });
});

describe('isAbsolutePath', () => {
  it('POSIX and Windows drive paths; not URLs, relative paths or drive-relative ones', () => {
    assert.ok(isAbsolutePath('/a'));
    assert.ok(isAbsolutePath('C:\\a'));
    assert.ok(isAbsolutePath('c:/a'));
    assert.ok(!isAbsolutePath('C:a'));
    assert.ok(!isAbsolutePath('file:///a'));
    assert.ok(!isAbsolutePath('node:fs'));
    assert.ok(!isAbsolutePath('a/b'));
    assert.ok(!isAbsolutePath(''));
  });
});

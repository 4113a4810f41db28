import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayLocation, locationPath } from '../../../src/profile-location';

describe('locationPath', () => {
  it('file:// URLs and absolute paths are files; other schemes, relative paths and "" are not', () => {
    assert.equal(locationPath('file:///tmp/with%20space.js'), '/tmp/with space.js');
    assert.equal(locationPath('/a/b.js'), '/a/b.js');
    assert.equal(locationPath('C:\\src\\x.js'), 'C:\\src\\x.js');
    assert.equal(locationPath('node:internal/timers'), undefined);
    assert.equal(locationPath('webpack:///src/a.ts'), undefined);
    assert.equal(locationPath('https://example.com/a.js'), undefined);
    assert.equal(locationPath('internal/modules/cjs/loader'), undefined);
    assert.equal(locationPath(''), undefined);
    assert.equal(locationPath('file://remote-host/a.js'), undefined);
  });
  it('reads file URLs through the one converter: a Windows profile keeps its drive on any platform', () => {
    assert.equal(locationPath('file:///C:/src/my%20app/x.js'), 'C:/src/my app/x.js');
    assert.equal(locationPath('file:///a/b%2Fc.js'), undefined);
    assert.equal(displayLocation('file:///C:/ws/app/src/a.js', ['C:\\ws\\app']), 'src\\a.js');
  });
});

describe('displayLocation', () => {
  it('relative to the first root that holds the file, else the plain path', () => {
    assert.equal(displayLocation('/ws/app/src/a.js', ['/ws/other', '/ws/app']), 'src/a.js');
    assert.equal(displayLocation('file:///ws/app/dist/hot.js', ['/ws/app']), 'dist/hot.js');
    assert.equal(displayLocation('/elsewhere/a.js', ['/ws/app']), '/elsewhere/a.js');
    assert.equal(displayLocation('/ws/application/a.js', ['/ws/app']), '/ws/application/a.js');
    assert.equal(displayLocation('/ws/app', ['/ws/app']), '/ws/app');
    assert.equal(displayLocation('C:\\ws\\app\\src\\a.js', ['C:\\ws\\app']), 'src\\a.js');
    assert.equal(displayLocation('/ws/app/a.js', []), '/ws/app/a.js');
    // a folder or file whose name starts with two dots is inside the root
    assert.equal(displayLocation('/ws/app/..cache/a.js', ['/ws/app']), '..cache/a.js');
    assert.equal(displayLocation('C:\\ws\\app\\..cache\\a.js', ['C:\\ws\\app']), '..cache\\a.js');
    assert.equal(displayLocation('/ws/..app/a.js', ['/ws/app']), '/ws/..app/a.js');
  });
  it('other locations as they are', () => {
    assert.equal(displayLocation('node:fs', ['/ws']), 'node:fs');
    assert.equal(displayLocation('', ['/ws']), '');
    assert.equal(displayLocation('rel/a.js', ['/ws']), 'rel/a.js');
  });
});

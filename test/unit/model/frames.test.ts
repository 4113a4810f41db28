// Frame categories (from urls as V8 writes them on Linux, macOS and Windows) and value formatting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categorizeUrl, makeFrame } from '../../../src/model/frames';
import { formatPercent, formatValue } from '../../../src/model/format';
import { parseProfile } from '../../../src/model/import';
import { readFixture } from '../../support/model-helpers';

describe('categorizeUrl', () => {
  const cases: [string, string, string, string?][] = [
    ['', '(root)', 'meta'],
    ['', '(program)', 'meta'],
    ['', '(idle)', 'meta'],
    ['', '(garbage collector)', 'meta'],
    ['', 'readFileUtf8', 'native'],
    ['', '(anonymous)', 'native'],
    ['node:internal/modules/cjs/loader', 'Module._load', 'node'],
    ['node:fs', 'readFileSync', 'node'],
    ['internal/timers.js', 'listOnTimeout', 'node'],
    ['file:///home/u/app/src/main.js', 'main', 'user'],
    ['/home/u/app/src/main.js', 'main', 'user'],
    ['file:///home/u/app/node_modules/marked/lib/marked.cjs', 'lex', 'node_modules', 'marked'],
    ['/home/u/app/node_modules/@babel/core/lib/index.js', 'x', 'node_modules', '@babel/core'],
    ['file:///home/u/app/node_modules/%40scope/pkg/index.js', 'x', 'node_modules', '@scope/pkg'],
    ['/a/node_modules/webpack/node_modules/tapable/lib/Hook.js', 'call', 'node_modules', 'tapable'],
    ['C:\\Users\\u\\app\\node_modules\\@types\\node\\x.js', 'x', 'node_modules', '@types/node'],
    ['C:\\Users\\u\\app\\src\\main.js', 'main', 'user'],
    ['file:///C:/Users/u/app/node_modules/lodash/lodash.js', 'map', 'node_modules', 'lodash'],
    ['file:///C:/Users/u/app/index.js', 'x', 'user'],
    ['/home/u/my_node_modules_fork/x.js', 'x', 'user'],
  ];
  for (const [url, name, category, packageName] of cases) {
    it(`${url || '(no url)'} ${name} → ${category}${packageName ? ` ${packageName}` : ''}`, () => {
      const c = categorizeUrl(url, name);
      assert.equal(c.category, category);
      assert.equal(c.packageName, packageName);
    });
  }

  it('categories of a real profile: webpack frames are node_modules/webpack', () => {
    const p = parseProfile(readFixture('small-webpack-1000us.cpuprofile'));
    const webpack = p.frames.filter((f) => f.url.includes('/node_modules/webpack/'));
    assert.ok(webpack.length > 10);
    for (const f of webpack) assert.equal(f.packageName, 'webpack');
    assert.ok(p.frames.some((f) => f.category === 'node'));
    assert.ok(p.frames.some((f) => f.category === 'meta' && f.functionName === '(program)'));
    assert.equal(p.frames[p.nodeFrame[0]!]!.functionName, '(root)');
  });
});

describe('makeFrame', () => {
  it('anonymous functions get a name', () => {
    assert.equal(makeFrame('', '/a.js', 9, 2).functionName, '(anonymous)');
    assert.equal(makeFrame('f', '/a.js', 3, 1).functionName, 'f');
  });
});

describe('formatValue / formatPercent', () => {
  it('times', () => {
    assert.equal(formatValue(850, 'us'), '850 µs');
    assert.equal(formatValue(12_400, 'us'), '12.4 ms');
    assert.equal(formatValue(123_456, 'us'), '123 ms');
    assert.equal(formatValue(1_200_000, 'us'), '1.2 s');
    assert.equal(formatValue(0, 'us'), '0 µs');
    assert.equal(formatValue(-2500, 'us'), '-2.5 ms');
    // rounding never shows a unit's worth in the smaller unit
    assert.equal(formatValue(999.4, 'us'), '999 µs');
    assert.equal(formatValue(999.6, 'us'), '1.0 ms');
    assert.equal(formatValue(999_499, 'us'), '999 ms');
    assert.equal(formatValue(999_960, 'us'), '1.0 s');
  });
  it('bytes', () => {
    assert.equal(formatValue(512, 'bytes'), '512 B');
    assert.equal(formatValue(3.4 * 1024 * 1024, 'bytes'), '3.4 MB');
    assert.equal(formatValue(2048, 'bytes'), '2.0 KB');
    assert.equal(formatValue(5 * 1024 ** 3, 'bytes'), '5.0 GB');
    assert.equal(formatValue(1023.6, 'bytes'), '1.0 KB');
    assert.equal(formatValue(1023.9 * 1024, 'bytes'), '1.0 MB');
    assert.equal(formatValue(1023.9 * 1024 ** 2, 'bytes'), '1.0 GB');
  });
  it('a value that rounds up to the next unit is shown in it: never "1024 KB" or "1000 ms"', () => {
    assert.equal(formatValue(1024 ** 2 - 1, 'bytes'), '1.0 MB');
    assert.equal(formatValue(-(1024 ** 2 - 1), 'bytes'), '-1.0 MB');
    assert.equal(formatValue(1024 ** 3 - 1, 'bytes'), '1.0 GB');
    assert.equal(formatValue(1023.6, 'bytes'), '1.0 KB');
    assert.equal(formatValue(1023.4 * 1024, 'bytes'), '1023 KB');
    assert.equal(formatValue(1023, 'bytes'), '1023 B');
    assert.equal(formatValue(999.7, 'us'), '1.0 ms');
    assert.equal(formatValue(999_700, 'us'), '1.0 s');
    assert.equal(formatValue(999_400, 'us'), '999 ms');
  });
  it('percentages', () => {
    assert.equal(formatPercent(1, 8), '12.5%');
    assert.equal(formatPercent(1, 10000), '<0.1%');
    assert.equal(formatPercent(0, 10), '0%');
    assert.equal(formatPercent(10, 10), '100%');
    assert.equal(formatPercent(5, 0), '0%');
  });
});

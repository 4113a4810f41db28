// Changes as the diff views show them (the webview's Δ Self column and tooltip, the CLI's diff tables):
// a change below half a unit reads "0 µs" / "0 B", never "-0 µs" or "+0 µs". pprof imports (ns → µs)
// and scaled baselines give such fractions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChange, formatValue } from '../../../src/model/format';

test('a value or change that rounds to zero has no sign', () => {
  for (const v of [-0.3, -0.49, -1e-9, -0, 0, 1e-9, 0.3, 0.49]) {
    assert.equal(formatValue(v, 'us'), '0 µs', String(v));
    assert.equal(formatValue(v, 'bytes'), '0 B', String(v));
    assert.equal(formatChange(v, 'us'), '0 µs', String(v));
    assert.equal(formatChange(v, 'bytes'), '0 B', String(v));
  }
});

test('a real change keeps its sign', () => {
  assert.equal(formatChange(0.5, 'us'), '+1 µs');
  assert.equal(formatChange(-0.5, 'us'), '-1 µs');
  assert.equal(formatChange(12_400, 'us'), '+12.4 ms');
  assert.equal(formatChange(-12_400, 'us'), '-12.4 ms');
  assert.equal(formatChange(-2048, 'bytes'), '-2.0 KB');
  assert.equal(formatValue(-850, 'us'), '-850 µs');
});

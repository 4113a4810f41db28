// The flame chart message past its size limit (a 100,000-deep recursion: ~500,000 calls of ≥ 1 px)
// keeps the widest rectangles, ties broken by order — checked against a stable sort of all of them
// by width — and the chunked host path sends the very same message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flameChart } from '../../../src/model/flame-chart';
import { parseProfile } from '../../../src/model/import';
import { sampleSpan } from '../../../src/model/time-slice';
import { flameChartMessage, flameChartMessageInChunks, maxChartRects } from '../../../src/webview-page/payload';
import { deepChainProfileJson } from '../../support/deep-stacks-profile';

describe('flame chart message past its size limit', () => {
  const p = parseProfile(Buffer.from(deepChainProfileJson(100_000)));
  const span = sampleSpan(p)!;
  const width = 1600;

  it('keeps the widest rectangles (earlier first among equals), in draw order; the chunked path sends the same', async () => {
    const message = flameChartMessage(p, 7, null, width);
    assert.ok(message.type === 'flameChart');
    const chart = message.chart;
    assert.equal(chart.truncated, true);
    assert.equal(chart.from.length, maxChartRects);
    const all = flameChart(p, span.start, span.end, (span.end - span.start) / width)!;
    assert.ok(all.count > maxChartRects * 2, `${all.count} rectangles`);
    const order = Array.from({ length: all.count }, (_, k) => k).sort((a, b) => all.to[b]! - all.from[b]! - (all.to[a]! - all.from[a]!));
    const want = order.slice(0, maxChartRects).sort((a, b) => a - b);
    assert.deepEqual(chart.from, want.map((k) => all.from[k]));
    assert.deepEqual(chart.to, want.map((k) => all.to[k]));
    assert.deepEqual(chart.depth, want.map((k) => all.depth[k]));
    let pauses = 0;
    const chunked = await flameChartMessageInChunks(p, 7, null, width, async () => void pauses++, () => false);
    assert.deepEqual(chunked, message);
    assert.ok(pauses > 10, `${pauses} pauses`);
  });
});

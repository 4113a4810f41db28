// The flame chart laid out in chunks (the extension host's way, so it never blocks for long) gives
// exactly the layout of the one-go flameChart, on a long real profile: the webpack fixture's
// samples played 40 times over (87,000 samples), whole range and narrow ranges, with and without
// the pixel cut; and a newer request stops an older layout between chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flameChart, flameChartInChunks, type FlameChartLayout } from '../../../src/model/flame-chart';
import { parseProfile } from '../../../src/model/import';
import { sampleSpan } from '../../../src/model/time-slice';
import { readFixture } from '../../support/model-helpers';

/** The fixture with its samples repeated `times` times (a long recording of the same program). */
function repeated(name: string, times: number) {
  const json = JSON.parse(readFixture(name).toString('utf8')) as { samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  const { samples, timeDeltas } = json;
  const span = json.endTime - json.startTime;
  json.samples = Array.from({ length: times }, () => samples).flat();
  json.timeDeltas = Array.from({ length: times }, () => timeDeltas).flat();
  json.endTime = json.startTime + span * times;
  return parseProfile(Buffer.from(JSON.stringify(json)));
}

function assertSame(a: FlameChartLayout, b: FlameChartLayout): void {
  assert.equal(a.count, b.count);
  assert.equal(a.maxDepth, b.maxDepth);
  assert.equal(a.start, b.start);
  assert.equal(a.end, b.end);
  assert.deepEqual(a.depth, b.depth);
  assert.deepEqual(a.from, b.from);
  assert.deepEqual(a.to, b.to);
  assert.deepEqual(a.node, b.node);
}

describe('flameChartInChunks', () => {
  const p = repeated('small-webpack-1000us.cpuprofile', 40);
  const span = sampleSpan(p)!;
  const width = span.end - span.start;

  // [from, to) as fractions of the profile, pixels (0: no cut), pauses at least.
  for (const [a, b, pixels, least] of [[0, 1, 0, 8], [0, 1, 1600, 2], [0.1, 0.9, 0, 6], [0.5, 0.501, 0, 1], [0.3, 0.7, 400, 2]] as const) {
    it(`[${a}, ${b}) at ${pixels || 'no'} pixel cut: the same layout as in one go, over several chunks`, async () => {
      const from = span.start + width * a;
      const to = span.start + width * b;
      const minWidth = pixels > 0 ? (to - from) / pixels : 0;
      const whole = flameChart(p, from, to, minWidth)!;
      let pauses = 0;
      const chunked = await flameChartInChunks(p, from, to, minWidth, async () => {
        pauses++;
        await new Promise((r) => setImmediate(r));
      });
      assert.ok(chunked);
      assertSame(chunked, whole);
      assert.ok(whole.count > 0);
      // A wide range without a cut is many chunks of work.
      assert.ok(pauses >= least, `${pauses} pauses`);
    });
  }

  it('stops between chunks once stale, and is undefined for a heap profile', async () => {
    let pauses = 0;
    const stopped = await flameChartInChunks(p, span.start, span.end, 0, async () => void pauses++, () => pauses >= 2);
    assert.equal(stopped, undefined);
    assert.equal(pauses, 2);
    const heap = parseProfile(readFixture('heap-webpack-16k.heapprofile'));
    assert.equal(await flameChartInChunks(heap, 0, 100, 0, async () => undefined), undefined);
  });
});

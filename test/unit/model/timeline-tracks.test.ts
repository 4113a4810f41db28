// Lining a load run's seconds up with the profile recorded during its measured phase
// (src/model/timeline.ts): offsets from the two wall clocks, cutting to the profile's span,
// seconds outside it dropped, and only finite numbers sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignRunSeconds, loadTracks, type RunSecond } from '../../../src/model/timeline';

const second = (t: number, rps: number | null, p99: number | null = 5, errors: number | null = 0, eventLoopDelayP99: number | null = 2): RunSecond => ({ t, rps, p99, errors, eventLoopDelayP99 });
/** A profile of 4.1 s on V8's clock (µs), its first sample at 5,000,000. */
const span = { start: 5_000_000, end: 9_100_000 };

describe('load-run tracks: alignment', () => {
  it('second t covers [t − 1, t) s after the measured start, which lies offsetUs after the first sample', () => {
    const { from, to, kept } = alignRunSeconds([second(1, 10), second(2, 20), second(3, 30)], span, 9_000);
    assert.deepEqual(from, [5_009_000, 6_009_000, 7_009_000]);
    assert.deepEqual(to, [6_009_000, 7_009_000, 8_009_000]);
    assert.deepEqual(kept.map((s) => s.rps), [10, 20, 30]);
  });

  it('cuts seconds to the profile and drops those wholly outside it (a run that began before the recording)', () => {
    // The measured phase began 1.5 s before the recording: second 1 is outside, second 2 is cut.
    const { from, to, kept } = alignRunSeconds([second(1, 1), second(2, 2), second(3, 3), second(7, 7)], span, -1_500_000);
    assert.deepEqual(kept.map((s) => s.t), [2, 3]);
    assert.deepEqual(from, [5_000_000, 5_500_000]);
    assert.deepEqual(to, [5_500_000, 6_500_000]);
    // …and one that ends after it: the last second stops at the profile's end.
    const late = alignRunSeconds([second(3, 3), second(4, 4), second(5, 5)], span, 500_000);
    assert.deepEqual(late.to, [8_500_000, 9_100_000]);
    assert.deepEqual(late.kept.map((s) => s.t), [3, 4]);
  });

  it('sends only finite numbers (null where the run has none), leaves out empty tracks, and says how it aligned', () => {
    const run = [second(1, 100, 4.5, 0, null), { ...second(2, Number.NaN, Infinity, 3, null) }, second(Number.NaN, 5), second(3, null, null, null, null)];
    const tracks = loadTracks(run, span, Number.NaN, 'measured-start')!;
    assert.deepEqual(tracks.from, [5_000_000, 6_000_000, 7_000_000]);
    assert.deepEqual(
      tracks.tracks.map((t) => [t.kind, t.values]),
      [['rps', [100, null, null]], ['p99', [4.5, null, null]], ['errors', [0, 3, null]]],
    );
    assert.equal(tracks.aligned, 'measured-start');
    assert.ok(JSON.stringify(tracks).length > 0 && !/NaN|Infinity/.test(JSON.stringify(tracks)));
  });

  it('is undefined when nothing of the run lies in the profile, or nothing was measured', () => {
    assert.equal(loadTracks([second(1, 5)], span, 60_000_000, 'wall-clock'), undefined);
    assert.equal(loadTracks([second(1, null, null, null, null)], span, 0, 'wall-clock'), undefined);
    assert.equal(loadTracks([second(1, 5)], { start: 5, end: 5 }, 0, 'wall-clock'), undefined);
  });
});

// The whole recording of a real `flamelens load` run (NAME.full.cpuprofile beside the cut profile)
// with the measured window as its timeline range (src/load/full-recording.ts): the range is where
// the cut profile begins and ends, inside the recording and after its warm-up; the recording sliced
// to it holds what the cut profile holds (the same time to a sample, the same hottest function);
// the run's tracks line up with the recording too (by the clocks, through the cut profile's
// sidecar entry), their first second starting where the range does.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, it } from 'node:test';
import { cutNameOf, fullRecordingOf, measuredWindowRange } from '../../../src/load/full-recording';
import { loadRunOfProfile, loadTracksForProfile } from '../../../src/load/profile-run';
import { parseProfile } from '../../../src/model/import';
import { functionTable } from '../../../src/model/tables';
import { sampleSpan, sliceProfile } from '../../../src/model/time-slice';
import type { Profile } from '../../../src/model/types';
import { recordLoadRun, type LoadRunFolder } from '../../support/load-run-folder';

const hottest = (p: Profile) => {
  const top = functionTable(p)[0]!;
  return p.frames[top.frame]!.functionName;
};

describe('the whole recording with the measured window preselected', { timeout: 180_000 }, () => {
  let f: LoadRunFolder;
  let full: string;
  before(async () => {
    f = await recordLoadRun('full-recording');
    full = fullRecordingOf(f.profile)!;
  });

  it('finds the recording beside the cut profile (and none beside the recording itself)', () => {
    assert.ok(full && fs.existsSync(full), 'the run kept the whole recording');
    assert.ok(full.endsWith('.full.cpuprofile'));
    assert.equal(fullRecordingOf(full), undefined);
    assert.equal(cutNameOf(full), f.profile.split('/').pop());
    assert.equal(cutNameOf(f.profile), undefined);
  });

  it('the range is the cut profile\'s span on the recording\'s clock, after the warm-up; sliced to it the recording is the cut profile', () => {
    const whole = parseProfile(fs.readFileSync(full));
    const cut = parseProfile(fs.readFileSync(f.profile));
    const span = sampleSpan(whole)!;
    const range = measuredWindowRange(whole, cut)!;
    assert.ok(range, 'the window lies in the recording');
    assert.ok(range.from >= span.start && range.to <= span.end && range.to > range.from);
    assert.equal(range.from, cut.startTime);
    // Warm-up (500 ms) and server start come before the measured phase; two 2 s stages are measured.
    assert.ok(range.from - span.start > 400_000, `window starts ${(range.from - span.start) / 1000} ms into the recording`);
    assert.ok(Math.abs(range.to - range.from - (cut.endTime - cut.startTime)) < 1, 'the window is as long as the cut profile');
    assert.ok(range.to - range.from > 3.5e6 && range.to - range.from < 5e6, `window ${(range.to - range.from) / 1000} ms`);

    const sliced = sliceProfile(whole, range.from, range.to);
    // The cut keeps whole samples where the slice charges parts of the two at its ends: they differ by
    // at most those two samples' lengths (on a busy machine one sample can last several intervals).
    const edges = sampleLengthAt(whole, range.from) + sampleLengthAt(whole, range.to);
    assert.ok(Math.abs(sliced.totalValue[0]! - cut.totalValue[0]!) <= edges + 1, `slice ${sliced.totalValue[0]} µs, cut ${cut.totalValue[0]} µs, edge samples ${edges} µs`);
    assert.equal(hottest(sliced), hottest(cut));
    assert.equal(hottest(cut), 'hotHandlerWork');
    // The whole recording holds more than the window (the warm-up), so the preselection changes the view.
    assert.ok(whole.totalValue[0]! > sliced.totalValue[0]! + 300_000);
  });

  it('no range for a recording the cut profile does not belong to', () => {
    const whole = parseProfile(fs.readFileSync(full));
    const span = sampleSpan(whole)!;
    assert.equal(measuredWindowRange(whole, { startTime: span.end + 1e6, endTime: span.end + 2e6 }), undefined);
    assert.equal(measuredWindowRange(whole, { startTime: Number.NaN, endTime: span.end }), undefined);
  });

  it('the run\'s tracks line up with the recording: its first second starts where the window does', () => {
    const whole = parseProfile(fs.readFileSync(full));
    const cut = parseProfile(fs.readFileSync(f.profile));
    assert.ok(loadRunOfProfile(full), 'the run is found for its whole recording');
    const tracks = loadTracksForProfile(whole, full)!;
    assert.ok(tracks, 'the recording has tracks');
    assert.equal(tracks.aligned, 'wall-clock');
    assert.equal(tracks.from.length, f.run.timeline.length);
    const range = measuredWindowRange(whole, cut)!;
    // Run second 1 covers [0, 1) s of the measured phase: it ends a second after the window starts (two clocks: within 100 ms).
    const measuredStart = tracks.to[0]! - 1e6;
    assert.ok(Math.abs(measuredStart - range.from) < 100_000, `tracks start ${(measuredStart - range.from) / 1000} ms from the window`);
  });
});

/** How long the sample that is running at time `t` lasts (it ends where the next begins, the last at endTime). */
function sampleLengthAt(p: Profile, t: number): number {
  const times = p.sampleTimes!;
  let i = 0;
  while (i + 1 < times.length && times[i + 1]! <= t) i++;
  const end = i + 1 < times.length ? times[i + 1]! : p.endTime;
  return end - times[i]!;
}

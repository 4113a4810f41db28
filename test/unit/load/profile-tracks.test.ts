// A real `flamelens load` run's series as timeline tracks of its server profile
// (src/load/profile-run.ts): found beside the profile, lined up by the run's measured start and the
// agent's recording start, the run's own numbers; none for a profile without a run; and
// `flamelens report --html` of that profile embeds them (plus the range data) for the page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { fullRecordingPath } from '../../../src/load/measured-window';
import { loadRunOfProfile, loadTracksForProfile } from '../../../src/load/profile-run';
import { parseProfile } from '../../../src/model/import';
import { sampleSpan } from '../../../src/model/time-slice';
import { recordLoadRun, type LoadRunFolder } from '../../support/load-run-folder';

describe('load-run tracks of a server profile', { timeout: 180_000 }, () => {
  let f: LoadRunFolder;
  before(async () => {
    f = await recordLoadRun('profile-tracks');
  });

  it('lines the run seconds up with the profile by wall clock, with the run figures', () => {
    const p = parseProfile(fs.readFileSync(f.profile));
    const span = sampleSpan(p)!;
    const tracks = loadTracksForProfile(p, f.profile)!;
    assert.ok(tracks, 'the profile has tracks');
    assert.equal(tracks.aligned, 'wall-clock');
    assert.ok(Number.isFinite(f.run.measuredFromEpochMs));
    // Every second of the run lies in the profile (it covers the measured phase), in order, one second wide but at the ends.
    assert.equal(tracks.from.length, f.run.timeline.length);
    for (let k = 0; k < tracks.from.length; k++) {
      assert.ok(tracks.from[k]! >= span.start && tracks.to[k]! <= span.end && tracks.to[k]! > tracks.from[k]!);
      if (k > 0) assert.equal(tracks.from[k], tracks.to[k - 1]);
      if (k > 0 && k < tracks.from.length - 1) assert.ok(Math.abs(tracks.to[k]! - tracks.from[k]! - 1e6) < 1);
    }
    // The measured phase starts just after recording does (the agent starts, then the load): within a second.
    const start = tracks.to[0]! - 1e6 - p.startTime;
    assert.ok(start >= 0 && start < 1e6, `measured start ${start} µs after the profile's start`);
    // A launched server's profile is cut to the measured phase (the whole recording kept beside it):
    // the run's first second starts with the profile, not a warm-up later.
    assert.ok(fs.existsSync(fullRecordingPath(f.profile)), 'the whole recording is kept beside the cut profile');
    assert.ok(start < 100_000, `measured start ${start} µs after the cut profile's start`);
    const rps = tracks.tracks.find((t) => t.kind === 'rps')!;
    assert.deepEqual(rps.values, f.run.timeline.map((s) => s.rps));
    assert.ok(rps.values.every((v) => v !== null && v > 0));
    assert.deepEqual(tracks.tracks.find((t) => t.kind === 'p99')!.values, f.run.timeline.map((s) => s.p99));
    assert.ok(tracks.tracks.some((t) => t.kind === 'loopDelay'), 'the agent measured event-loop delay');
  });

  it('none for the same profile away from its run, or beside a run that does not list it', () => {
    const p = parseProfile(fs.readFileSync(f.profile));
    const away = path.join(f.dir, 'copy.cpuprofile');
    fs.copyFileSync(f.profile, away);
    assert.equal(loadTracksForProfile(p, away), undefined);
    assert.equal(loadRunOfProfile(path.join(path.dirname(f.profile), 'other.cpuprofile')), undefined);
    assert.equal(loadTracksForProfile(p, undefined), undefined);
  });

  it('flamelens report --html embeds the tracks and the range data; a profile without a run embeds no tracks', () => {
    for (const [profile, out] of [[f.profile, 'with-run.html'], [path.join(f.dir, 'copy.cpuprofile'), 'without-run.html']] as const) {
      const r = spawnSync(process.execPath, [f.cli, 'report', profile, '--html', path.join(f.dir, out)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    const html = fs.readFileSync(path.join(f.dir, 'with-run.html'), 'utf8');
    const extra = JSON.parse(/<script type="application\/json" id="flamelens-extra">([^<]*)<\/script>/.exec(html)![1]!);
    assert.equal(extra[0].type, 'tracks');
    assert.equal(extra[0].tracks.from.length, f.run.timeline.length);
    assert.match(html, /id="flamelens-range"/);
    const plain = fs.readFileSync(path.join(f.dir, 'without-run.html'), 'utf8');
    assert.doesNotMatch(plain, /id="flamelens-extra"/);
    assert.match(plain, /id="flamelens-range"/);
  });
});

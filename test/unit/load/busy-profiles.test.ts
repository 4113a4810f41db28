// Which profiles a load report counts as the server: busy time, busiest first, merged when several
// threads worked. On real captures (marked and webpack runs, 1 ms sampling).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hotspots } from '../../../src/cli/analyze';
import { busyTime, serverProfile } from '../../../src/load/busy-profiles';
import { parseProfile } from '../../../src/model/import';
import type { Profile } from '../../../src/model/types';

const fixture = (name: string): Profile => parseProfile(new Uint8Array(readFileSync(path.join(__dirname, '../../fixtures', name))), { fileName: name });
const marked = fixture('small-marked-1000us.cpuprofile');
const webpack = fixture('small-webpack-1000us.cpuprofile');

test('busyTime is the recorded time less (idle), as the report table counts it', () => {
  for (const p of [marked, webpack]) {
    const hot = hotspots(p, { top: 1, cwd: '/' });
    assert.ok(hot.idle > 0, 'the capture has idle time');
    assert.equal(busyTime(p), hot.total - hot.idle);
    assert.ok(busyTime(p) < p.totalValue[0]!);
  }
});

test('serverProfile merges the threads that worked, busiest first; an idle one is left out', () => {
  const parts = [
    { label: 'marked', profile: marked, busy: busyTime(marked), main: true },
    { label: 'idle worker', profile: marked, busy: 0, main: false },
    { label: 'webpack', profile: webpack, busy: busyTime(webpack), main: false },
  ];
  const merged = serverProfile(parts)!;
  const expectedOrder = busyTime(webpack) > busyTime(marked) ? ['webpack', 'marked'] : ['marked', 'webpack'];
  assert.deepEqual(merged.parts.map((p) => p.label), expectedOrder);
  assert.equal(merged.profile.totalValue[0], marked.totalValue[0]! + webpack.totalValue[0]!);
  // One that worked, or none: the busiest alone, unmerged.
  const alone = serverProfile([parts[1]!, parts[0]!])!;
  assert.equal(alone.profile, marked);
  assert.deepEqual(alone.parts.map((p) => p.label), ['marked']);
  assert.equal(serverProfile([]), undefined);
});

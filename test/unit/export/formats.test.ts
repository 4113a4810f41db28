// The pure part of FlameLens: Export Profile…: default file names and what each format's content is
// (the same converters as `flamelens export`, checked by reading the results back).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { defaultExportFileName, exportData, exportFormatInfo, exportFormats } from '../../../src/export/formats';
import { toFolded } from '../../../src/export/folded';
import { parseProfile } from '../../../src/model/import';
import { applyViewOptions } from '../../../src/model/view';
import { defaultViewOptions } from '../../../src/protocol';
import { readFixture } from '../../support/model-helpers';

test('default export names: the source without its profile extension, plus the format\'s', () => {
  const cases: [string, Parameters<typeof defaultExportFileName>[1], string][] = [
    ['busy.cpuprofile', 'pprof', 'busy.pb.gz'],
    ['busy.cpuprofile.gz', 'speedscope', 'busy.speedscope.json'],
    ['12-1.heapprofile', 'folded', '12-1.folded'],
    ['cpu.pb.gz', 'html', 'cpu.html'],
    ['cpu.pprof', 'folded', 'cpu.folded'],
    ['app.speedscope.json', 'pprof', 'app.pb.gz'],
    ['busy.js — cpu', 'pprof', 'busy.js — cpu.pb.gz'],
    ['a/b:c\u0007', 'folded', 'a-b-c-.folded'],
    ['.cpuprofile', 'pprof', 'profile.pb.gz'],
  ];
  for (const [source, format, expected] of cases) assert.equal(defaultExportFileName(source, format), expected, `${source} → ${format}`);
});

test('every format is offered once, with its extension in the save filter', () => {
  assert.deepEqual(exportFormats.map((f) => f.format), ['pprof', 'speedscope', 'folded', 'html']);
  for (const f of exportFormats) {
    assert.equal(exportFormatInfo(f.format), f);
    const last = f.extension.split('.').pop()!;
    assert.ok(f.filterExtensions.includes(last), `${f.format}: ${last} in ${f.filterExtensions.join(',')}`);
  }
});

test('format → content: pprof bytes to gzip (read back as pprof), speedscope JSON, folded text, HTML left to the caller', () => {
  const p = parseProfile(readFixture('small-marked-1000us.cpuprofile'));

  const pprof = exportData(p, 'pprof', { name: 'small', startedAtMs: 1_700_000_000_000 });
  assert.equal(pprof.kind, 'bytes');
  assert.ok(pprof.kind === 'bytes' && pprof.gzip, 'pprof is to be gzip\'d');
  const back = parseProfile(gunzipSync(gzipSync(pprof.data)));
  assert.equal(back.format, 'pprof');
  assert.ok(Math.abs(back.totalValue[0]! - p.totalValue[0]!) < 1, 'same total');

  const speedscope = exportData(p, 'speedscope', { name: 'small' });
  assert.equal(speedscope.kind, 'text');
  const file = JSON.parse(speedscope.kind === 'text' ? speedscope.data : '') as { $schema: string; profiles: { name: string }[] };
  assert.match(file.$schema, /speedscope/);
  assert.deepEqual(file.profiles.map((x) => x.name), ['small']);

  const folded = exportData(p, 'folded', { name: 'small' });
  assert.deepEqual(folded, { kind: 'text', data: toFolded(p, 'samples') });

  assert.deepEqual(exportData(p, 'html', { name: 'small' }), { kind: 'html' });
});

test('a filtered view exports the filtered profile: hiding idle/GC removes those frames from the folded stacks', () => {
  const p = parseProfile(readFixture('small-marked-1000us.cpuprofile'));
  const whole = exportData(p, 'folded', { name: 'x' });
  const view = applyViewOptions(p, { ...defaultViewOptions, hideMeta: true });
  const filtered = exportData(view, 'folded', { name: 'x' });
  assert.ok(whole.kind === 'text' && filtered.kind === 'text');
  assert.match(whole.data, /\(idle\)|\(program\)|\(garbage collector\)/, 'the fixture has meta frames');
  assert.doesNotMatch(filtered.data, /\(idle\)|\(program\)|\(garbage collector\)/);
});

// Broken input must give a ProfileError with a code and a readable message — never a TypeError,
// never a hang. Truncations and byte flips run against the real fixtures, and whatever is
// accepted must satisfy every invariant of types.ts (no NaN, no negative time, totals that add up).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProfile } from '../../../src/model/import';
import { maybeGunzip } from '../../../src/model/gunzip';
import { gzipSync } from 'node:zlib';
import { ProfileError, type ProfileErrorCode } from '../../../src/model/types';
import { assertProfileInvariants, readFixture } from '../../support/model-helpers';

function errorOf(bytes: Uint8Array): ProfileError {
  try {
    parseProfile(bytes);
  } catch (err) {
    assert.ok(err instanceof ProfileError, `expected a ProfileError, got ${String(err)}`);
    assert.ok(err.message.length > 20, 'the message explains');
    return err;
  }
  assert.fail('expected parseProfile to throw');
}

function expectCode(text: string, code: ProfileErrorCode, message?: RegExp): void {
  const err = errorOf(Buffer.from(text, 'utf8'));
  assert.equal(err.code, code, `${text.slice(0, 80)} → ${err.code}: ${err.message}`);
  if (message) assert.match(err.message, message);
}

const root = '{"id":1,"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"hitCount":0';
const node = (id: number, children = ''): string => `{"id":${id},"callFrame":{"functionName":"f${id}","scriptId":"1","url":"/a.js","lineNumber":${id},"columnNumber":0},"hitCount":1${children ? `,"children":[${children}]` : ''}}`;

describe('parseProfile: corrupted input', () => {
  it('truncated at many offsets of real fixtures → truncated', () => {
    for (const name of ['small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
      const bytes = readFixture(name);
      const offsets = new Set<number>();
      for (let i = 1; i < 200; i++) offsets.add(Math.floor((bytes.length * i) / 200));
      for (let i = 1; i <= 64; i++) offsets.add(bytes.length - i);
      for (let i = 1; i <= 64; i++) offsets.add(i);
      for (const at of offsets) {
        const err = errorOf(bytes.subarray(0, at));
        assert.equal(err.code, 'truncated', `${name} cut at ${at}: ${err.code} ${err.message}`);
      }
    }
  });

  it('random byte flips of real fixtures give a typed error or a profile that keeps every invariant', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Digits, signs and exponents as well as structure: flips that turn a delta into 1e9… or -…
    const junk = [0x00, 0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x2d, 0x31, 0x39, 0x3a, 0x5c, 0xff, 0x65, 0x2e];
    for (const name of ['small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
      const bytes = readFixture(name);
      let failures = 0;
      let accepted = 0;
      for (let round = 0; round < 300; round++) {
        const copy = Uint8Array.from(bytes);
        for (let k = 0; k < 3; k++) copy[Math.floor(rand() * copy.length)] = junk[Math.floor(rand() * junk.length)]!;
        let p;
        try {
          p = parseProfile(copy);
        } catch (err) {
          assert.ok(err instanceof ProfileError, `${name} round ${round}: ${String(err)}`);
          failures++;
          continue;
        }
        accepted++;
        assertProfileInvariants(p);
      }
      assert.ok(failures > 50, `${name}: many flips are caught (${failures}/300)`);
      assert.ok(accepted > 10, `${name}: some flips still parse and were checked (${accepted}/300)`);
    }
  });

  it('number flips inside timeDeltas, hitCounts and sizes of real fixtures never reach a profile as NaN, Infinity or negative time', () => {
    let seed = 777;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const replacements = ['1e308', '1e400', '-1e400', '-5', '9e15', '-9e15', '1.5e300', '0', '-0'];
    for (const name of ['small-marked-1000us.cpuprofile', 'heap-webpack-16k.heapprofile']) {
      const text = readFixture(name).toString('utf8');
      // Every number in the file is a candidate: ids, deltas, times, counts, sizes, lines.
      const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g)];
      let accepted = 0;
      for (let round = 0; round < 150; round++) {
        const m = numbers[Math.floor(rand() * numbers.length)]!;
        const mutated = text.slice(0, m.index) + replacements[Math.floor(rand() * replacements.length)]! + text.slice(m.index! + m[0].length);
        let p;
        try {
          p = parseProfile(Buffer.from(mutated));
        } catch (err) {
          assert.ok(err instanceof ProfileError, `${name} round ${round}: ${String(err)}`);
          continue;
        }
        accepted++;
        assertProfileInvariants(p);
      }
      assert.ok(accepted > 20, `${name}: most single-number changes still parse and were checked (${accepted}/150)`);
    }
  });

  it('empty and whitespace-only input → empty', () => {
    expectCode('', 'empty');
    expectCode('  \n\t ', 'empty');
  });

  it('JSON gone wrong → invalid-json', () => {
    expectCode('{"samples": [1, 2,, 3]}', 'invalid-json', /byte 18/);
    expectCode('{"nodes": []} trailing', 'invalid-json');
    expectCode('{"nodes" [] }', 'invalid-json');
    expectCode('{"a": tru}', 'invalid-json');
    expectCode('{"a": "bad \\x escape"}', 'unknown-format'); // skipped strings are scanned, not decoded
    expectCode(`{"nodes":[{"id":1,"callFrame":{"functionName":"bad \\x","url":""}}]}`, 'invalid-json', /escape/);
  });

  it('no JSON or pprof start at all (text, HTML, binary junk) → unknown-format, naming the byte', () => {
    expectCode('hello world', 'unknown-format', /starts with 'h' at byte 0, which begins neither/);
    expectCode('  <html><body>502</body></html>', 'unknown-format', /starts with '<' at byte 2/);
    const err = errorOf(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00]));
    assert.equal(err.code, 'unknown-format');
    assert.match(err.message, /starts with byte 0xde at byte 0/);
  });

  it('JSON that is something else → unknown-format', () => {
    expectCode('{"name":"flamelens","version":"1.0.0","dependencies":{}}', 'unknown-format', /CPU profile|heap profile/);
    expectCode('[]', 'unknown-format');
    expectCode('[{"ph":"X"}]', 'unknown-format', /trace/);
    expectCode('{"traceEvents":[]}', 'unknown-format', /trace/);
    expectCode('{"snapshot":{"meta":{}},"nodes":[]}', 'unknown-format', /heap snapshot.*snapshot-diff/); // said before its numeric nodes are scanned
    expectCode('42', 'unknown-format');
    expectCode('"a string"', 'unknown-format');
    expectCode('null', 'unknown-format');
    expectCode('{}', 'unknown-format');
  });

  it('wrong types → invalid-structure naming the field', () => {
    expectCode('{"nodes":{}}', 'invalid-structure', /"nodes" should be an array/);
    expectCode('{"nodes":[5]}', 'invalid-structure', /node #0 should be an object/);
    expectCode(`{"nodes":[{"id":"1","callFrame":{}}]}`, 'invalid-structure', /id of node #0 should be a number/);
    expectCode(`{"nodes":[${root},"children":"2"}]}`, 'invalid-structure', /children of node #0 should be an array/);
    expectCode(`{"nodes":[{"id":1,"callFrame":5}]}`, 'invalid-structure', /callFrame/);
    expectCode(`{"nodes":[{"id":1,"callFrame":{"functionName":7}}]}`, 'invalid-structure', /functionName/);
    expectCode(`{"nodes":[${root}}],"samples":["1"]}`, 'invalid-structure', /samples/);
    expectCode(`{"nodes":[${root}}],"samples":[1],"timeDeltas":{}}`, 'invalid-structure', /timeDeltas/);
    expectCode(`{"nodes":[{"callFrame":{}}]}`, 'invalid-structure', /no "id"/);
    expectCode(`{"nodes":[{"id":1}]}`, 'invalid-structure', /no "callFrame"/);
    expectCode('{"nodes":[]}', 'invalid-structure', /empty/);
    expectCode('{"head":[]}', 'invalid-structure', /"head" should be an object/);
    expectCode('{"head":{"id":1,"selfSize":3,"children":[]}}', 'invalid-structure', /callFrame/);
    expectCode('{"head":{"callFrame":{},"selfSize":3,"children":[{"callFrame":{},"selfSize":1,"children":{}}],"id":1}}', 'invalid-structure', /children/);
  });

  it('missing, duplicate and huge node ids → invalid-structure', () => {
    expectCode(`{"nodes":[${root},"children":[2,3]},${node(2)}]}`, 'invalid-structure', /child 3 that is not in "nodes"/);
    expectCode(`{"nodes":[${root},"children":[2]},${node(2)},${node(2)}]}`, 'invalid-structure', /two nodes have the id 2/);
    expectCode(`{"nodes":[${root},"children":[2]},${node(2)}],"samples":[2,9],"timeDeltas":[1,1]}`, 'invalid-structure', /sample 1 names node 9/);
    expectCode(`{"nodes":[${root},"children":[99999999999]}]}`, 'invalid-structure', /not a usable node id/);
    expectCode(`{"nodes":[${root},"children":[1e300]}]}`, 'invalid-structure', /not a usable node id/);
    expectCode(`{"nodes":[${root},"children":[-2]}]}`, 'invalid-structure', /not a usable node id/);
    expectCode(`{"nodes":[${root},"children":[2.5]}]}`, 'invalid-structure', /not a usable node id/);
    expectCode(`{"nodes":[${root},"children":[2]},${node(2)}],"samples":[2,2],"timeDeltas":[1]}`, 'invalid-structure', /2 samples but 1 timeDeltas/);
    // Sparse but valid ids work (a Map instead of a table).
    const p = parseProfile(Buffer.from(`{"nodes":[${root},"children":[2000000000]},${node(2000000000)}],"samples":[2000000000],"timeDeltas":[5],"startTime":0,"endTime":10}`));
    assert.equal(p.nodeCount, 2);
    assert.equal(p.selfValue[1], 5);
  });

  it('cycles and forests → invalid-structure', () => {
    // 2 ↔ 3, unreachable from the root.
    expectCode(`{"nodes":[${root}},${node(2, '3')},${node(3, '2')}]}`, 'invalid-structure', /cycle/);
    // The root listed as its own descendant.
    expectCode(`{"nodes":[${root},"children":[2]},${node(2, '1')}]}`, 'invalid-structure', /cycle/);
    // A node that is its own child.
    expectCode(`{"nodes":[${root},"children":[2]},${node(2, '2')}]}`, 'invalid-structure', /more than once|itself/);
    // Two parents.
    expectCode(`{"nodes":[${root},"children":[2,3]},${node(2, '3')},${node(3)}]}`, 'invalid-structure', /more than once/);
    // Two roots.
    expectCode(`{"nodes":[${root}},${node(2)}]}`, 'invalid-structure', /both have no parent/);
  });

  it('deep nesting in unknown fields neither overflows nor hangs', () => {
    const deep = `{"meta":${'['.repeat(200000)}${']'.repeat(200000)},"nodes":[${root}}]}`;
    const p = parseProfile(Buffer.from(deep));
    assert.equal(p.nodeCount, 1);
    expectCode(`{"meta":${'['.repeat(200000)}`, 'truncated');
  });

  it('a broken gzip stream → truncated', () => {
    const gz = gzipSync(readFixture('small-marked-1000us.cpuprofile'));
    assert.throws(() => maybeGunzip(gz.subarray(0, gz.length >> 1)), (err: unknown) => err instanceof ProfileError && err.code === 'truncated');
  });

  it('prefixes messages with the file name when given', () => {
    assert.throws(() => parseProfile(Buffer.from(''), { fileName: 'x.cpuprofile' }), /^ProfileError: x\.cpuprofile: The file is empty/);
  });
});

// hdr-histogram-js's compressed base64 encoding, for autocannon's one use of it: when a run ends it
// encodes its three histograms (lib/run.js) and decodes them again at once, in the same process
// (lib/aggregateResult.js). A token that stands for the histogram makes the same round trip without
// the V2 wire format, zlib and base64; the histogram is handed back as it was (nothing records into it
// after the run has ended).
'use strict';

const held = new Map();
let next = 0;

function encodeIntoCompressedBase64(histogram) {
  const token = `flamelens-histogram-${next++}`;
  held.set(token, histogram);
  return token;
}

function decodeFromCompressedBase64(token) {
  const histogram = held.get(typeof token === 'string' ? token.trim() : token);
  if (histogram === undefined) throw new Error('hdr-histogram-js encoding is not bundled with FlameLens: only histograms encoded in this process decode');
  held.delete(token);
  return histogram;
}

function decompress() {
  throw new Error('hdr-histogram-js encoding is not bundled with FlameLens');
}

module.exports = { encodeIntoCompressedBase64, decodeFromCompressedBase64, decompress };

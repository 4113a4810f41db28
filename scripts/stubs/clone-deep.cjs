// Replaces lodash.clonedeep (9 KB minified) where autocannon copies its own options per connection
// (httpClient.js, requestIterator.js): plain objects (also prototype-less ones, as urlToHttpOptions
// makes), arrays, Buffers and typed arrays are copied; functions (setupClient, setupRequest) and
// any other object are shared, as lodash does for functions. autocannon's options hold no cycles.
'use strict';

function cloneDeep(value) {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return value.slice();
  if (Array.isArray(value)) return value.map(cloneDeep);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto);
  for (const key of Object.keys(value)) out[key] = cloneDeep(value[key]);
  return out;
}

module.exports = cloneDeep;

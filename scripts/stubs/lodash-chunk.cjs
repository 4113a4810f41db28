// Replaces lodash.chunk where autocannon's requestIterator.js pairs a response's raw header list.
'use strict';

module.exports = function chunk(array, size) {
  const out = [];
  for (let i = 0; i < (array?.length ?? 0); i += size) out.push(array.slice(i, i + size));
  return out;
};

// Replace lodash.chunk and lodash.flatten (3 KB minified together), whose only caller is autocannon's
// requestIterator.js: chunk(rawHeaders, 2) pairs a response's raw header list, and
// flatten([current, next]) joins repeated header values one level deep. Exported as
// `{ chunk, flatten }`; each stub entry picks its function.
'use strict';

function chunk(array, size) {
  const out = [];
  for (let i = 0; i < (array?.length ?? 0); i += size) out.push(array.slice(i, i + size));
  return out;
}

function flatten(array) {
  return (array ?? []).flat(1);
}

module.exports = { chunk, flatten };

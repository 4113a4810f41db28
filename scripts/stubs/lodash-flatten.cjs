// Replaces lodash.flatten where autocannon's requestIterator.js joins repeated header values (one level).
'use strict';

module.exports = function flatten(array) {
  return (array ?? []).flat(1);
};

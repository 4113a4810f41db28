'use strict';
module.exports = require('./chunk-flatten.cjs').chunk;

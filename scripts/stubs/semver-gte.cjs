// Replaces semver (28 KB minified) where its only caller is autocannon's
// `semver.gte(process.versions.node, '11.7.0')`: gte over plain MAJOR.MINOR.PATCH versions, the
// form process.versions.node has. Anything else semver offers throws.
'use strict';

function parts(version) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(String(version));
  if (!m) throw new TypeError(`FlameLens's semver stand-in reads only MAJOR.MINOR.PATCH, not ${JSON.stringify(version)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function gte(a, b) {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

module.exports = new Proxy(
  { gte },
  {
    get(target, key) {
      if (key in target || key === '__esModule' || typeof key === 'symbol') return target[key];
      throw new Error(`semver.${key} is not bundled with FlameLens (only gte(), for autocannon)`);
    },
  },
);

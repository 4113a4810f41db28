// What a module left out of a bundle exports: requiring it works (its importer loads), but any use
// (a property, a call, `new`) throws an error that names it, so a code path thought unreachable
// fails loudly instead of misbehaving.
'use strict';

module.exports = function absent(name, why) {
  const fail = () => {
    throw new Error(`${name} is not bundled with FlameLens (${why})`);
  };
  const stub = new Proxy(function () {}, {
    get(_target, key) {
      // esbuild's CommonJS interop asks for __esModule; symbols are asked by inspection (util.inspect).
      if (key === '__esModule' || typeof key === 'symbol') return undefined;
      // TypeScript's CommonJS output reads `require(x).default` when it loads; using that still fails.
      if (key === 'default') return stub;
      return fail();
    },
    apply: fail,
    construct: fail,
  });
  return stub;
};

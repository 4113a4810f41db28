// Replaces hdr-histogram-js/dist/wasm (the WebAssembly histograms: a 38 KB base64 binary plus pako to
// inflate it and the AssemblyScript loader). FlameLens builds JS histograms (src/load/histogram.ts);
// autocannon asks for WebAssembly ones, and with `webAssemblyAvailable` false hdr-histogram-js's
// build() gives it JS histograms, as on a runtime without WebAssembly. Same exports as the original.
'use strict';

const absent = () => {
  throw new Error('hdr-histogram-js WebAssembly histograms are not bundled with FlameLens');
};

module.exports = {
  webAssemblyAvailable: false,
  // autocannon calls initWebAssemblySync() when it loads: nothing to set up.
  initWebAssemblySync: () => undefined,
  initWebAssembly: async () => undefined,
  webAssemblyReady: () => false,
  // encoding.js adds a method to its prototype and checks `instanceof` against it; nothing builds one.
  WasmHistogram: class WasmHistogram {
    static build() {
      return absent();
    }
    static decode() {
      return absent();
    }
  },
};

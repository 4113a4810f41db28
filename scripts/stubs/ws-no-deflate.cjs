// ws's permessage-deflate for a client that never offers it (src/capture/inspector/transport.ts passes
// perMessageDeflate: false; V8's inspector does not negotiate it): ws only reads the extension's name,
// to refuse a server that answers with an extension nobody offered. Compressing would throw.
'use strict';

class PerMessageDeflate {
  static get extensionName() {
    return 'permessage-deflate';
  }

  constructor() {
    throw new Error('permessage-deflate is not bundled with FlameLens (its WebSocket client never offers it)');
  }
}

module.exports = PerMessageDeflate;

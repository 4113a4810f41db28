// Node's own inspector domains, which devtools-protocol (Chrome's) does not describe. Only what
// FlameLens uses; see node/src/inspector/node_protocol.pdl.

export interface NodeProtocolCommands {
  /** Ask for NodeRuntime.waitingForDisconnect when the target is about to exit but waits for us. */
  'NodeRuntime.notifyWhenWaitingForDisconnect': { paramsType: [{ enabled: boolean }]; returnType: Record<string, never> };
}

export interface NodeProtocolEvents {
  /** The target ended (process.exit(), or its event loop emptied) and waits for the debugger to disconnect. */
  'NodeRuntime.waitingForDisconnect': [Record<string, never>];
}

// Errors of the DevTools-protocol layer. Each is created when the command is sent, so its stack
// points at the code that sent it rather than at the socket's event loop turn.

/** The target answered a command with a protocol error. */
export class ProtocolError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The connection closed before a command was answered. */
export class ConnectionClosedError extends Error {
  constructor(readonly method: string | undefined, message: string) {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

/** A command got no answer in time. */
export class CommandTimeoutError extends Error {
  constructor(readonly method: string, message: string) {
    super(message);
    this.name = 'CommandTimeoutError';
  }
}

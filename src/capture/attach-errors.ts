// Typed failures of attaching to a running process, each with a message that says what to do.

export type AttachErrorCode =
  | 'pid-not-found'
  | 'not-node'
  | 'self'
  | 'permission-denied'
  | 'unsupported-platform'
  | 'port-in-use'
  | 'inspector-not-opened'
  | 'connect-failed'
  | 'target-exited'
  | 'connection-lost'
  | 'cancelled'
  | 'protocol';

export class AttachError extends Error {
  constructor(
    readonly code: AttachErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AttachError';
  }
}

export function isAttachError(error: unknown, code?: AttachErrorCode): error is AttachError {
  return error instanceof AttachError && (code === undefined || error.code === code);
}

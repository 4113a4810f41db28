// Typed failures of attaching to a running process, each with a message that says what to do.

export type AttachErrorCode =
  | 'pid-not-found'
  | 'not-node'
  /** Named like Node.js but has no SIGUSR1 handler: the signal would kill it, so it is not sent. */
  | 'no-sigusr1-handler'
  | 'self'
  | 'permission-denied'
  | 'unsupported-platform'
  | 'port-in-use'
  /** SIGUSR1 would open the inspector on a non-loopback host named by the target's flags: not sent. */
  | 'inspector-host-not-loopback'
  | 'inspector-not-opened'
  | 'connect-failed'
  | 'target-exited'
  | 'connection-lost'
  | 'cancelled'
  /** The output folder cannot be created or written (checked before the target is touched), or a file in it failed. */
  | 'output-unwritable'
  | 'protocol';

export class AttachError extends Error {
  /** The target was sent SIGUSR1 and its inspector was not seen: it may still open it (late-inspector.ts). */
  readonly signalledPid?: number;

  constructor(
    readonly code: AttachErrorCode,
    message: string,
    options?: { cause?: unknown; signalledPid?: number },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AttachError';
    if (options?.signalledPid !== undefined) this.signalledPid = options.signalledPid;
  }
}

export function isAttachError(error: unknown, code?: AttachErrorCode): error is AttachError {
  return error instanceof AttachError && (code === undefined || error.code === code);
}

// Which debug sessions were stopped (Stop or Disconnect in VS Code's UI, vscode.debug.stopDebugging)
// rather than ended by themselves. A compound's stopAll reacts to a stop alone: VS Code stops the other
// members when one is stopped, not when one's program ends (its compound root hears only a session's
// terminate() and disconnect()). The debug API does not say why a session ended, so this reads the
// Debug Adapter Protocol between VS Code and the adapter (a tracker feeds it): a `terminate` or
// `disconnect` request sent before the adapter's `exited`/`terminated` event is a stop; the same
// request after it is VS Code closing a session that already ended. No vscode import: unit-tested.

export class StopRequests {
  private readonly stopped = new Set<string>();
  private readonly ended = new Set<string>();

  /** A message VS Code sends to the adapter of session `id`. */
  toAdapter(id: string, message: unknown): void {
    if (!this.ended.has(id) && isStopRequest(message)) this.stopped.add(id);
  }

  /** A message the adapter of session `id` sends to VS Code. */
  fromAdapter(id: string, message: unknown): void {
    if (isEndEvent(message)) this.ended.add(id);
  }

  /** True when session `id` was asked to stop before it ended by itself. */
  wasStopped(id: string): boolean {
    return this.stopped.has(id);
  }
}

/** A DAP request that stops a session (not one that restarts it). */
function isStopRequest(message: unknown): boolean {
  const m = message as { type?: unknown; command?: unknown; arguments?: { restart?: unknown } } | null;
  return m?.type === 'request' && (m.command === 'terminate' || m.command === 'disconnect') && !m.arguments?.restart;
}

/** A DAP event that says the debuggee or the session ended. */
function isEndEvent(message: unknown): boolean {
  const m = message as { type?: unknown; event?: unknown } | null;
  return m?.type === 'event' && (m.event === 'exited' || m.event === 'terminated');
}

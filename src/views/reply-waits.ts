// Requests the host makes of a webview and waits on (Export Profile…'s SVG): each gets an id, a
// bounded wait and exactly one outcome — the reply, the timeout, or the view closing. A reply that
// comes after its wait ended, or to an id never asked, is dropped. No vscode here, so it is unit-tested.

interface Wait<T> {
  resolve(value: T): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class ReplyWaits<T> {
  private nextId = 1;
  private readonly waits = new Map<number, Wait<T>>();

  /** Starts a wait: `send(id)` posts the request; the promise fails with `timeoutMessage` after `timeoutMs`. */
  request(send: (requestId: number) => void, timeoutMs: number, timeoutMessage: string): Promise<T> {
    const requestId = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waits.delete(requestId);
        reject(new Error(timeoutMessage));
      }, timeoutMs);
      this.waits.set(requestId, { resolve, reject, timer });
      try {
        send(requestId);
      } catch (err) {
        this.settle(requestId, () => {
          throw err;
        });
      }
    });
  }

  /**
   * Ends the wait for `requestId` with what `outcome` gives (a value, or a throw for an error):
   * false when nothing waits on that id (late, repeated or made up).
   */
  settle(requestId: unknown, outcome: () => T): boolean {
    const wait = typeof requestId === 'number' ? this.waits.get(requestId) : undefined;
    if (!wait) return false;
    this.waits.delete(requestId as number);
    clearTimeout(wait.timer);
    try {
      wait.resolve(outcome());
    } catch (err) {
      wait.reject(err as Error);
    }
    return true;
  }

  /** How many requests are still waiting. */
  get size(): number {
    return this.waits.size;
  }

  /** Fails every wait (the view closed). */
  rejectAll(message: string): void {
    for (const wait of this.waits.values()) {
      clearTimeout(wait.timer);
      wait.reject(new Error(message));
    }
    this.waits.clear();
  }
}

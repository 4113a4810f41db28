// Which flame chart layouts are still wanted. A chart is laid out in chunks, so requests overlap:
// a newer request of either kind stops an older finer chart (`detail`, the zoomed window), but only
// a newer whole-range request stops a whole-range one — else a finer chart of the old range, asked
// for while the new range's chart was being laid out, would stop it, and the page would keep the
// old range's chart. Shared by the extension's controller and the browser tests' stand-in host.

export class ChartTickets {
  private whole = 0;
  private any = 0;

  /** A new request; the function says whether a newer one has made it stale. */
  take(detail: boolean): () => boolean {
    const whole = detail ? this.whole : ++this.whole;
    const any = ++this.any;
    return () => whole !== this.whole || (detail && any !== this.any);
  }

  /** Every request so far is stale (the view is closing). */
  stopAll(): void {
    this.whole++;
    this.any++;
  }
}

/** Counts of public API requests per route name, as GET /_sim/stats reports them. */
export interface RequestStatsSnapshot {
  requests: Record<string, number>;
  total: number;
}

/**
 * Counts every public API request by route, including ones answered by a fault, so tests and benchmarks can
 * assert how often a client really called the controller (e.g. retries, cache hits).
 */
export class RequestStats {
  private counts = new Map<string, number>();
  private inFlight = new Map<string, number>();
  private peaks = new Map<string, number>();

  record(route: string): void {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  /**
   * A request of `route` is being answered; call the function returned once it has been (more calls do
   * nothing). Keeps the most requests of each route answered at once, for tests of a client's concurrency.
   */
  enter(route: string): () => void {
    const now = (this.inFlight.get(route) ?? 0) + 1;
    this.inFlight.set(route, now);
    if (now > (this.peaks.get(route) ?? 0)) this.peaks.set(route, now);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight.set(route, (this.inFlight.get(route) ?? 1) - 1);
    };
  }

  /** The most requests of each route that were being answered at once (since the last reset). */
  peakInFlight(): Record<string, number> {
    return Object.fromEntries(this.peaks);
  }

  snapshot(): RequestStatsSnapshot {
    const requests: Record<string, number> = {};
    let total = 0;
    for (const [route, count] of this.counts) {
      requests[route] = count;
      total += count;
    }
    return { requests, total };
  }

  reset(): void {
    this.counts = new Map();
    // Requests still in flight stay counted (their end is still to come); only the peaks start over.
    this.peaks = new Map([...this.inFlight].filter(([, n]) => n > 0));
  }
}

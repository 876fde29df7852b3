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

  record(route: string): void {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
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
  }
}

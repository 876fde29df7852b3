/**
 * The timers behind simulated latency. They are tracked so close() can cancel them: otherwise a pending latency
 * fault would keep jest (or the benchmark process) alive after the simulator is gone.
 */
export class PendingDelays {
  private readonly timers = new Set<NodeJS.Timeout>();
  private cancelled = false;

  /** Resolves after `ms`; after cancelAll() it never resolves, because the request's socket is already gone. */
  wait(ms: number): Promise<void> {
    if (ms <= 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      if (this.cancelled) {
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}

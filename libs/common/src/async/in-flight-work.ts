/** Work started and not finished yet, so that a graceful shutdown can wait for it (a relay's sends). */
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `work`, counted as in flight until it settles. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
    }
  }

  /** Resolves when nothing is in flight, including work started while it waits. */
  async flush(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

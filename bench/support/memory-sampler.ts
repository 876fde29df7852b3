/** Samples this process's memory every 50 ms, so peaks between samples of a phase are seen. */
export class MemorySampler {
  private peakRss = 0;
  private peakHeap = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.reset();
    this.timer = setInterval(() => this.sample(), 50);
  }

  reset(): void {
    this.peakRss = 0;
    this.peakHeap = 0;
    this.sample();
  }

  /** Peaks in MiB since the last reset. */
  peaks(): { rssMiB: number; heapMiB: number } {
    this.sample();
    return { rssMiB: this.peakRss / 2 ** 20, heapMiB: this.peakHeap / 2 ** 20 };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
  }
}

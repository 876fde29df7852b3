import { processRssMiB } from './proc-stats';

/**
 * Samples this process's memory every 100 ms, so peaks between samples of a phase are seen; and, less often, the
 * resident size of other processes (FerretDB), which /proc gives at some cost.
 */
export class MemorySampler {
  private peakRss = 0;
  private peakHeap = 0;
  private startRss = 0;
  private readonly peakOther = new Map<string, number>();
  private readonly others = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  start(): void {
    this.reset();
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Also samples the resident size of this process (e.g. 'ferretdb'). */
  watch(name: string, pid: number): void {
    this.others.set(name, pid);
    this.peakOther.set(name, 0);
  }

  reset(): void {
    this.peakRss = 0;
    this.peakHeap = 0;
    for (const name of this.peakOther.keys()) this.peakOther.set(name, 0);
    this.sample(true);
    this.startRss = this.peakRss;
  }

  /** Peaks in MiB since the last reset, and the RSS at that reset. */
  peaks(): { rssMiB: number; heapMiB: number; startRssMiB: number; others: Record<string, number> } {
    this.sample(true);
    return {
      rssMiB: this.peakRss / 2 ** 20,
      heapMiB: this.peakHeap / 2 ** 20,
      startRssMiB: this.startRss / 2 ** 20,
      others: Object.fromEntries(this.peakOther),
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sample(all = false): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
    if (!all && ++this.ticks % 5 !== 0) return;
    for (const [name, pid] of this.others) {
      const rss = processRssMiB(pid);
      if (rss !== null) this.peakOther.set(name, Math.max(this.peakOther.get(name) ?? 0, rss));
    }
  }
}

/**
 * Progress on stderr while a long step runs: what runs, how much of it is done, elapsed time and an ETA from the
 * rate so far. One line every `everyMs` whether or not anything finished (so a stuck step shows), and one when
 * the step ends; nothing for steps shorter than `everyMs` but that last line.
 */
export class Progress {
  private done = 0;
  private readonly t0 = performance.now();
  private readonly timer: NodeJS.Timeout;
  private finished = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    everyMs = 5_000,
  ) {
    this.timer = setInterval(() => this.print(), everyMs);
    this.timer.unref();
  }

  tick(n = 1): void {
    this.done += n;
  }

  /** The last line; idempotent. `note` says how it ended when it did not end well. */
  end(note?: string): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    this.print(note);
  }

  /** Runs `work` with this progress, ended (with the error's message) however it ends. */
  async around<T>(work: (progress: Progress) => Promise<T>): Promise<T> {
    try {
      const result = await work(this);
      this.end();
      return result;
    } catch (error) {
      this.end(`failed: ${(error as Error).message}`);
      throw error;
    }
  }

  private print(note?: string): void {
    const elapsed = (performance.now() - this.t0) / 1000;
    const rate = this.done / Math.max(elapsed, 1e-9);
    const eta =
      this.done >= this.total
        ? 'done'
        : this.done === 0
          ? 'ETA ?'
          : `ETA ${fmtSeconds((this.total - this.done) / rate)}`;
    process.stderr.write(
      `[bench] ${this.label}: ${this.done}/${this.total} ${this.unit}, ${fmtSeconds(elapsed)} elapsed, ${eta}${note ? ` (${note})` : ''}\n`,
    );
  }
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

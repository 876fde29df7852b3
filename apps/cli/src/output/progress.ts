/** Where progress goes: stderr, so that stdout stays the command's output (one JSON document with --json). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Progress of a long command. On a terminal one line is rewritten in place; otherwise (a log file, CI) each
 * change is a line of its own, and an update that says the same as the last one is not repeated, so polling
 * every half second does not fill a log with identical lines.
 */
export class Progress {
  private last: string | null = null;
  private shown = false;

  constructor(private readonly stream: ProgressStream) {}

  update(text: string): void {
    if (text === this.last) return;
    this.last = text;
    if (this.stream.isTTY) {
      this.stream.write(`\r\u001b[2K${text}`);
      this.shown = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the progress: the in-place line is cleared (the result is printed after it). */
  stop(): void {
    if (this.shown) this.stream.write('\r\u001b[2K');
    this.shown = false;
    this.last = null;
  }
}

import { CloudEventDeliveryError, HttpCloudEventSender, OutgoingCloudEvent } from '@app/cloud-events';

/**
 * An HttpCloudEventSender that sends nothing: it keeps what it was given, fails for the sinks it
 * is told to (as a sink answering an HTTP status), and can hold every send until released.
 */
export class RecordingCloudEventSender extends HttpCloudEventSender {
  readonly sent: { sink: string; event: OutgoingCloudEvent }[] = [];
  /** Sends started and not finished. */
  inFlight = 0;
  private readonly failing = new Map<string, number>();
  private held: Promise<void> | null = null;
  private releaseHeld: (() => void) | null = null;

  /** Sends to `sink` fail as if it answered `status`, until `recover(sink)`. */
  fail(sink: string, status = 500): void {
    this.failing.set(sink, status);
  }

  recover(sink: string): void {
    this.failing.delete(sink);
  }

  /** Sends from now on wait until `release()`. */
  hold(): void {
    this.held ??= new Promise<void>((resolve) => (this.releaseHeld = resolve));
  }

  release(): void {
    this.releaseHeld?.();
    this.held = null;
    this.releaseHeld = null;
  }

  override async send(sink: string, event: OutgoingCloudEvent, _timeoutMs: number): Promise<void> {
    this.inFlight++;
    try {
      if (this.held) await this.held;
      const status = this.failing.get(sink);
      if (status !== undefined) throw new CloudEventDeliveryError(`sink answered HTTP ${status}`, status);
      this.sent.push({ sink, event: structuredClone(event) });
    } finally {
      this.inFlight--;
    }
  }
}

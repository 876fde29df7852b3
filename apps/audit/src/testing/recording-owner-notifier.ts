import { OwnerNotifier } from '../application/ports/owner-notifier';

/**
 * An OwnerNotifier that posts nothing: it keeps every text it accepted, can fail every call (as a
 * webhook that is down) and can hold every call until released (as a slow one).
 */
export class RecordingOwnerNotifier extends OwnerNotifier {
  readonly texts: string[] = [];
  /** Calls made, including failed and held ones. */
  calls = 0;
  /** When set, every call rejects with this and keeps nothing. */
  failWith: Error | null = null;
  private held: Promise<void> | null = null;
  private releaseHeld: (() => void) | null = null;

  /** Calls from now on wait until `release()`. */
  hold(): void {
    this.held ??= new Promise<void>((resolve) => (this.releaseHeld = resolve));
  }

  release(): void {
    this.releaseHeld?.();
    this.held = null;
    this.releaseHeld = null;
  }

  async notify(text: string): Promise<void> {
    this.calls++;
    if (this.held) await this.held;
    if (this.failWith) throw this.failWith;
    this.texts.push(text);
  }
}

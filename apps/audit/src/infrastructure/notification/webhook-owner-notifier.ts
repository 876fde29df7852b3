import { OwnerNotifier } from '../../application/ports/owner-notifier';

export const NOTIFY_TIMEOUT_MS = 5000;

/** Posts `{text}` to an incoming webhook, the body Slack and Teams both accept. */
export class WebhookOwnerNotifier extends OwnerNotifier {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = NOTIFY_TIMEOUT_MS,
  ) {
    super();
  }

  async notify(text: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(this.timeoutMs),
        // A redirect could send the message somewhere nobody configured.
        redirect: 'error',
      });
    } catch (error) {
      throw new Error(`notification webhook unreachable: ${this.reasonOf(error)}`);
    }
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`notification webhook answered HTTP ${response.status}`);
  }

  /** fetch says only "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND, ...) is what an operator needs. */
  private reasonOf(error: unknown): string {
    if (!(error instanceof Error)) return String(error);
    if (error.name === 'TimeoutError') return `no answer within ${this.timeoutMs} ms`;
    const cause = (error as Error & { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = cause?.code ?? cause?.message;
    return typeof detail === 'string' ? `${error.message} (${detail})` : error.message;
  }
}

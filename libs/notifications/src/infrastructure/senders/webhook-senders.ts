import { Notification } from '../../domain/notification';
import { ProviderCapability, Recipient } from '../../domain/notification-provider';
import { renderNotification } from '../../domain/render/render-notification';
import { ProviderSender } from '../../application/ports/notification-transport';
import { postJson } from './post-json';

/** The webhook providers: each posts to the one space its URL names (no person can be addressed). */
export type WebhookProvider = 'webex' | 'slack' | 'teams';

const WEBHOOK_NAMES: Record<WebhookProvider, string> = {
  webex: 'Webex webhook',
  slack: 'Slack webhook',
  teams: 'Teams workflow',
};

/**
 * An incoming webhook: Webex `{markdown}`, Slack's Block Kit body (`text` fallback and `blocks`), or a Teams
 * Workflows message with an Adaptive Card.
 */
export class WebhookSender extends ProviderSender {
  readonly capability: ProviderCapability;

  constructor(
    private readonly provider: WebhookProvider,
    private readonly url: string,
    private readonly publicUrl?: string,
  ) {
    super();
    this.capability = { provider, hasChannel: true, canAddressPerson: false };
  }

  async send(n: Notification, _recipient: Recipient, timeoutMs: number): Promise<void> {
    const rendered = renderNotification(this.provider, n, this.publicUrl);
    const body =
      rendered.provider === 'webex'
        ? { markdown: rendered.markdown }
        : rendered.provider === 'email'
          ? rendered.email
          : rendered.body;
    await postJson(WEBHOOK_NAMES[this.provider], this.url, body, timeoutMs);
  }
}

/** Webex bot: POST /v1/messages with the bot's token, to the configured room or to one person by email. */
export class WebexBotSender extends ProviderSender {
  readonly capability: ProviderCapability;

  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly roomId: string | undefined,
    private readonly publicUrl?: string,
  ) {
    super();
    this.capability = { provider: 'webex', hasChannel: roomId !== undefined, canAddressPerson: true };
  }

  async send(n: Notification, recipient: Recipient, timeoutMs: number): Promise<void> {
    const rendered = renderNotification('webex', n, this.publicUrl);
    if (rendered.provider !== 'webex') throw new Error('unreachable');
    const to =
      recipient.kind === 'person' ? { toPersonEmail: recipient.address } : { roomId: this.requireRoom() };
    await postJson(
      'Webex API',
      `${this.apiUrl}/messages`,
      { ...to, markdown: rendered.markdown },
      timeoutMs,
      {
        authorization: `Bearer ${this.token}`,
      },
    );
  }

  private requireRoom(): string {
    if (this.roomId === undefined) throw new Error('no NOTIFY_WEBEX_ROOM_ID: the bot has no channel');
    return this.roomId;
  }
}

import { Notification } from '../../domain/notification';
import { ProviderCapability, Recipient } from '../../domain/notification-provider';
import { renderNotification } from '../../domain/render/render-notification';
import { ProviderSender } from '../../application/ports/notification-transport';
import { postJson } from './post-json';

const CHANNEL_ONLY = { hasChannel: true, canAddressPerson: false } as const;

/** Webex incoming webhook: `{markdown}` to the webhook's space. */
export class WebexWebhookSender extends ProviderSender {
  readonly capability: ProviderCapability = { provider: 'webex', ...CHANNEL_ONLY };

  constructor(
    private readonly url: string,
    private readonly publicUrl?: string,
  ) {
    super();
  }

  async send(n: Notification, _recipient: Recipient, timeoutMs: number): Promise<void> {
    const rendered = renderNotification('webex', n, this.publicUrl);
    if (rendered.provider !== 'webex') throw new Error('unreachable');
    await postJson('Webex webhook', this.url, { markdown: rendered.markdown }, timeoutMs);
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

/** Slack incoming webhook: `text` fallback and Block Kit `blocks`. */
export class SlackWebhookSender extends ProviderSender {
  readonly capability: ProviderCapability = { provider: 'slack', ...CHANNEL_ONLY };

  constructor(
    private readonly url: string,
    private readonly publicUrl?: string,
  ) {
    super();
  }

  async send(n: Notification, _recipient: Recipient, timeoutMs: number): Promise<void> {
    const rendered = renderNotification('slack', n, this.publicUrl);
    if (rendered.provider !== 'slack') throw new Error('unreachable');
    await postJson('Slack webhook', this.url, rendered.body, timeoutMs);
  }
}

/** Microsoft Teams through a Workflows webhook: a message with an Adaptive Card. */
export class TeamsWorkflowSender extends ProviderSender {
  readonly capability: ProviderCapability = { provider: 'teams', ...CHANNEL_ONLY };

  constructor(
    private readonly url: string,
    private readonly publicUrl?: string,
  ) {
    super();
  }

  async send(n: Notification, _recipient: Recipient, timeoutMs: number): Promise<void> {
    const rendered = renderNotification('teams', n, this.publicUrl);
    if (rendered.provider !== 'teams') throw new Error('unreachable');
    await postJson('Teams workflow', this.url, rendered.body, timeoutMs);
  }
}

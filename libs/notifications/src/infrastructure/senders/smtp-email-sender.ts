import nodemailer, { Transporter } from 'nodemailer';
import { isLoopbackHost } from '@app/common/config/url-checks';
import { Notification } from '../../domain/notification';
import { ProviderCapability, Recipient } from '../../domain/notification-provider';
import { renderNotification } from '../../domain/render/render-notification';
import { ProviderSender } from '../../application/ports/notification-transport';
import { NotificationSendError, withoutSecrets } from './notification-send.error';

/**
 * Email over SMTP (nodemailer). `smtps://` is TLS from the start; `smtp://` must upgrade with STARTTLS, except to a
 * loopback host (a local relay, the tests), so a password never crosses a network in clear.
 */
export class SmtpEmailSender extends ProviderSender {
  readonly capability: ProviderCapability;
  private readonly transport: Transporter;
  private readonly secrets: string[];

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly channel: readonly string[],
    private readonly publicUrl?: string,
  ) {
    super();
    this.capability = { provider: 'email', hasChannel: channel.length > 0, canAddressPerson: true };
    const url = new URL(smtpUrl);
    const secure = url.protocol === 'smtps:';
    this.secrets = [smtpUrl, decodeURIComponent(url.password), url.password].filter((s) => s !== '');
    this.transport = nodemailer.createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTLS: !secure && !isLoopbackHost(url.hostname),
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      // Bounded like every other send (NOTIFY_SEND_TIMEOUT_MS is applied per message below as well).
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(n: Notification, recipient: Recipient, timeoutMs: number): Promise<void> {
    const rendered = renderNotification('email', n, this.publicUrl);
    if (rendered.provider !== 'email') throw new Error('unreachable');
    const to = recipient.kind === 'person' ? [recipient.address] : [...this.channel];
    if (to.length === 0) throw new NotificationSendError('email: no recipient (NOTIFY_EMAIL_TO is empty)');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.transport.sendMail({ from: this.from, to, ...rendered.email }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      const e = error as Error & { code?: string; responseCode?: number };
      const detail = [e.code, e.responseCode, e.message].filter((p) => p !== undefined).join(' ');
      throw new NotificationSendError(
        `SMTP send failed: ${withoutSecrets(detail, this.secrets)}`,
        e.responseCode,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.transport.close();
  }
}

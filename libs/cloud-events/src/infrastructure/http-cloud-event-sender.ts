import { Injectable, Optional } from '@nestjs/common';
import { CloudEvent, HTTP } from 'cloudevents';
import { AppConfig } from '@app/common';
import { CLOUD_EVENT_SIGNATURE_HEADER, signCloudEvent } from '../domain/cloud-event-signature';
import { OutgoingCloudEvent } from '../domain/outgoing-cloud-event';

/** How the sender proves itself to the sinks (the same for every sink). */
export interface SinkCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Signs each request: `X-Cml-Labs-Signature: sha256=<hex>` (see cloud-event-signature.ts). */
  hmacSecret?: string;
}

export class CloudEventDeliveryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CloudEventDeliveryError';
  }
}

/**
 * Sends one event to one sink in HTTP binary mode. The SDK's own httpTransport resolves even on
 * HTTP 500, so the request is made here with fetch, and anything but 2xx is an error (a 401 from a
 * sink that refuses the credential too: retried, then dead, like any other refusal).
 * The credentials come from AppConfig (CLOUDEVENTS_SINK_TOKEN, CLOUDEVENTS_SINK_HMAC_SECRET); they
 * never appear in an error message, and so never in a log line or an outbox `lastError`.
 */
@Injectable()
export class HttpCloudEventSender {
  private readonly credentials: SinkCredentials;

  constructor(@Optional() config?: AppConfig) {
    this.credentials = config?.cloudEventsSinkAuth ?? {};
  }

  async send(sink: string, event: OutgoingCloudEvent, timeoutMs: number): Promise<void> {
    for (const name of Object.keys(event.extensions)) {
      if (!/^[a-z0-9]{1,20}$/.test(name)) throw new Error(`invalid CloudEvent extension name: ${name}`);
    }
    const cloudEvent = new CloudEvent({
      specversion: '1.0',
      id: event.id,
      source: event.source,
      type: event.type,
      subject: event.subject,
      time: event.time,
      datacontenttype: 'application/json',
      data: event.data,
      ...event.extensions,
    });
    const message = HTTP.binary(cloudEvent);
    const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) headers[name] = String(value);
    const { token, hmacSecret } = this.credentials;
    if (hmacSecret) headers[CLOUD_EVENT_SIGNATURE_HEADER] = signCloudEvent(hmacSecret, headers, body);
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(sink, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : (error as Error).message;
      throw new CloudEventDeliveryError(`sink unreachable: ${reason}`);
    }
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok)
      throw new CloudEventDeliveryError(`sink answered HTTP ${response.status}`, response.status);
  }
}

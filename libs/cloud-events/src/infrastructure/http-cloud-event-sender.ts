import { Injectable, Optional } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { CloudEvent, HTTP } from 'cloudevents';
import { AppConfig } from '@app/common';
import { injectTraceHeaders, traced } from '@app/telemetry';
import { CLOUD_EVENT_SIGNATURE_HEADER, signCloudEvent } from '../domain/cloud-event-signature';
import { OutgoingCloudEvent } from '../domain/outgoing-cloud-event';

/** How the sender proves itself to the sinks (the same for every sink). */
export interface SinkCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Signs each request: `X-Cml-Labs-Signature: sha256=<hex>` (see cloud-event-signature.ts). */
  hmacSecret?: string;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'invalid';
  }
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

  /**
   * In a client span (`CloudEvent send`), a child of the active context: the deliverer makes that the
   * span that made the event. The span's context goes along as the HTTP `traceparent` header, beside
   * the event's own `ce-traceparent` extension.
   */
  send(sink: string, event: OutgoingCloudEvent, timeoutMs: number): Promise<void> {
    return traced(
      'CloudEvent send',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'cloudevents.event_id': event.id,
          'cloudevents.event_type': event.type,
          'cloudevents.event_source': event.source,
          'cloudevents.event_subject': event.subject,
          'http.request.method': 'POST',
          // The sink's host only: its URL may carry a key.
          'server.address': hostOf(sink),
        },
      },
      async (span) => {
        try {
          span.setAttribute('http.response.status_code', await this.sendUntraced(sink, event, timeoutMs));
        } catch (error) {
          if (error instanceof CloudEventDeliveryError && error.status !== undefined)
            span.setAttribute('http.response.status_code', error.status);
          throw error;
        }
      },
    );
  }

  private async sendUntraced(sink: string, event: OutgoingCloudEvent, timeoutMs: number): Promise<number> {
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
    injectTraceHeaders(headers);
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
    return response.status;
  }
}

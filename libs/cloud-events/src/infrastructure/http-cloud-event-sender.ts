import { Injectable } from '@nestjs/common';
import { CloudEvent, HTTP } from 'cloudevents';
import { OutgoingCloudEvent } from '../domain/outgoing-cloud-event';

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
 * HTTP 500, so the request is made here with fetch, and anything but 2xx is an error.
 */
@Injectable()
export class HttpCloudEventSender {
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
    let response: Response;
    try {
      response = await fetch(sink, {
        method: 'POST',
        headers: message.headers as Record<string, string>,
        body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body),
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

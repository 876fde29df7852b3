import type { IncomingHttpHeaders } from 'node:http';
import { HTTP } from 'cloudevents';
import { InvalidInputError } from '@app/common';
import { LabAuditEvent } from '../domain/lab-audit-event';
import { parseLabAuditEvent } from '../domain/parse-lab-audit-event';

const STRUCTURED = 'application/cloudevents+json';

function mediaTypeOf(headers: IncomingHttpHeaders): string {
  return String(headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The attributes the SDK makes up when they are missing (a fresh uuid for `id`, "now" for `time`,
 * 1.0 for `specversion`; an unparsable time also becomes "now"), read from the request as sent,
 * so that a broken event is refused instead of stored under invented values.
 */
function sentAttributes(
  headers: IncomingHttpHeaders,
  body: unknown,
  structured: boolean,
): Record<string, unknown> {
  if (structured) {
    const sent = isJsonObject(body) ? body : {};
    return { id: sent.id, specversion: sent.specversion, time: sent.time };
  }
  return { id: headers['ce-id'], specversion: headers['ce-specversion'], time: headers['ce-time'] };
}

/**
 * Reads one lab CloudEvent from an HTTP request in binary mode (ce-* headers, JSON body) or
 * structured mode (application/cloudevents+json), with the CloudEvents SDK, and checks it
 * against the contract. Anything else is an InvalidInputError (400 problem+json).
 */
export function readLabAuditEvent(headers: IncomingHttpHeaders, body: unknown): LabAuditEvent {
  const mediaType = mediaTypeOf(headers);
  if (mediaType.startsWith('application/cloudevents-batch')) {
    throw new InvalidInputError('Batched CloudEvents are not accepted: send one event per request');
  }
  const structured = mediaType === STRUCTURED;
  if (structured && !isJsonObject(body)) {
    throw new InvalidInputError('A structured CloudEvent must be a JSON object');
  }

  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // The SDK looks parsers up by the exact content type, so a charset parameter would make it
  // refuse a structured event; the body is JSON-parsed already by then.
  if (mediaType) flat['content-type'] = mediaType;

  let attributes: Record<string, unknown>;
  try {
    const event = HTTP.toEvent({ headers: flat, body: body ?? undefined });
    if (Array.isArray(event)) throw new Error('a batch of events');
    attributes = { ...event, ...sentAttributes(headers, body, structured) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`The request is not a CloudEvent: ${reason}`);
  }

  const parsed = parseLabAuditEvent(attributes);
  if (!parsed.ok) {
    throw new InvalidInputError(
      parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      parsed.errors,
    );
  }
  return parsed.event;
}

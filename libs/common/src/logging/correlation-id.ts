import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';
import { isSpanContextValid, trace } from '@opentelemetry/api';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The correlation id of a request: the trace id of a W3C traceparent (as a header, or as a
 * CloudEvent's `traceparent` extension in binary mode), so that a removal can be followed from
 * the API into the audit trail; else x-correlation-id; else a new one. With tracing on, the
 * request's span is active here and its trace id is the correlation id (the same as the
 * header's when the request continued a trace).
 */
export function correlationIdOf(req: IncomingMessage): string {
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) return span.traceId;
  for (const name of ['traceparent', 'ce-traceparent']) {
    const value = req.headers[name];
    const match = typeof value === 'string' ? TRACEPARENT.exec(value.trim()) : null;
    if (match) return match[1];
  }
  const given = req.headers['x-correlation-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(given)) return given;
  return randomUUID();
}

/** What every app of the service logs the same way: level, correlation id, redaction, health noise. */
export function basePinoHttpOptions(level: string, redactPaths: string[]): Options {
  return {
    level,
    genReqId: (req, res) => {
      const id = correlationIdOf(req);
      res.setHeader('x-correlation-id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'correlationId' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', ...redactPaths],
      censor: '[redacted]',
    },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
  };
}

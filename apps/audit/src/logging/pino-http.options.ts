import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { AuditConfig } from '../audit-config';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The correlation id of a request: the trace id of the W3C traceparent (as a header, or as the
 * CloudEvent's `traceparent` extension in binary mode), so that a removal can be followed from
 * the API into the audit trail; else x-correlation-id; else a new one.
 */
export function correlationIdOf(req: IncomingMessage): string {
  for (const name of ['traceparent', 'ce-traceparent']) {
    const value = req.headers[name];
    const match = typeof value === 'string' ? TRACEPARENT.exec(value.trim()) : null;
    if (match) return match[1];
  }
  const given = req.headers['x-correlation-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(given)) return given;
  return randomUUID();
}

/** Fields a controller wants on the "request completed" line: `res.locals.logFields`. */
export const LOG_FIELDS = 'logFields';

function logFieldsOf(res: ServerResponse): Record<string, unknown> {
  const locals = (res as ServerResponse & { locals?: Record<string, unknown> }).locals;
  const fields = locals?.[LOG_FIELDS];
  return typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {};
}

export function pinoHttpOptions(config: AuditConfig): Options {
  return {
    level: config.logLevel,
    genReqId: (req, res) => {
      const id = correlationIdOf(req);
      res.setHeader('x-correlation-id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'correlationId' },
    // Called again when the response finishes, so the access log line names the event received,
    // without repeating the ids on every line the handler logs itself.
    customProps: (_req, res) => logFieldsOf(res),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
  };
}

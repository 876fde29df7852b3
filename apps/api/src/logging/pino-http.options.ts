import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';
import { AppConfig } from '@app/common';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The correlation id of a request: the trace id of an incoming W3C traceparent, else an
 * x-correlation-id header, else a new one. It is logged with every line of the request.
 */
export function correlationIdOf(req: IncomingMessage): string {
  const traceparent = req.headers['traceparent'];
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (match) return match[1];
  const given = req.headers['x-correlation-id'];
  if (typeof given === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(given)) return given;
  return randomUUID();
}

export function pinoHttpOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    genReqId: (req, res) => {
      const id = correlationIdOf(req);
      res.setHeader('x-correlation-id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'correlationId' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.passwordCiphertext',
        'password',
        'token',
      ],
      censor: '[redacted]',
    },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
  };
}

import type { ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { basePinoHttpOptions } from '@app/common';
import { traceLogFields } from '@app/telemetry';
import { AuditConfig } from '../audit-config';

/** Fields a controller wants on the "request completed" line: `res.locals.logFields`. */
export const LOG_FIELDS = 'logFields';

function logFieldsOf(res: ServerResponse): Record<string, unknown> {
  const locals = (res as ServerResponse & { locals?: Record<string, unknown> }).locals;
  const fields = locals?.[LOG_FIELDS];
  return typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {};
}

export function pinoHttpOptions(config: AuditConfig): Options {
  return {
    ...basePinoHttpOptions(config.logLevel, []),
    // Called again when the response finishes, so the access log line names the event received,
    // without repeating the ids on every line the handler logs itself.
    customProps: (_req, res) => logFieldsOf(res),
    // traceId and spanId on every line written inside a span (none with tracing off).
    mixin: traceLogFields,
  };
}

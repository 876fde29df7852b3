import type { Options } from 'pino-http';
import { AppConfig, basePinoHttpOptions } from '@app/common';
import { traceLogFields } from '@app/telemetry';

export function pinoHttpOptions(config: AppConfig): Options {
  return {
    ...basePinoHttpOptions(config.logLevel, [
      '*.password',
      '*.token',
      '*.passwordCiphertext',
      'password',
      'token',
    ]),
    // traceId and spanId on every line written inside a span (none with tracing off).
    mixin: traceLogFields,
  };
}

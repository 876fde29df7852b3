import type { Options } from 'pino-http';
import { AppConfig, basePinoHttpOptions } from '@app/common';

export function pinoHttpOptions(config: AppConfig): Options {
  return basePinoHttpOptions(config.logLevel, [
    '*.password',
    '*.token',
    '*.passwordCiphertext',
    'password',
    'token',
  ]);
}

import { z } from 'zod';
import { LOG_FORMATS } from '../logging/log-format';
import { readSecretSetting, SecretSetting } from './secret-setting';

/** Blank counts as unset: an empty line in an env file or a Helm value is not a setting. */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Only `true` or `false`, so that `yes` or `1` is reported at start instead of read as false. */
export const trueOrFalse = z.enum(['true', 'false'], { error: 'must be true or false' }).default('false');

/**
 * A whole number in [min, max], `fallback` when unset. `outOfRange` replaces zod's wording for a value that
 * is no number or outside the range (the audit consumer's AUDIT_PORT says what a port is).
 */
export function intIn(min: number, max: number, fallback: number, outOfRange?: string) {
  const number = outOfRange ? z.coerce.number({ error: outOfRange }) : z.coerce.number();
  return number.int('must be a whole number').min(min, outOfRange).max(max, outOfRange).default(fallback);
}

/** `a, b,,c` → ['a', 'b', 'c']. */
export function commaSeparated(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** pino's levels. */
export const logLevel = z
  .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
  .default('info');

/** How log lines are written (libs/common/src/logging/log-format.ts). */
export const logFormat = z
  .enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(', ')}` })
  .default('json');

/** `requiredMessage` says where the URI may come from, which differs per app. */
export function mongoUri(requiredMessage: string) {
  return z
    .string({ error: requiredMessage })
    .regex(/^mongodb(\+srv)?:\/\/.+/, 'must be a mongodb:// or mongodb+srv:// URI');
}

/**
 * A token or HMAC key shared between the API (CLOUDEVENTS_SINK_*) and the receiver (AUDIT_INGEST_*): both
 * ends hold the same value, so both ask the same length of it.
 */
export function readSharedSecret(env: NodeJS.ProcessEnv, name: string): SecretSetting {
  return readSecretSetting(env, name, { minLength: 32 });
}

/** `NAME message`, the form every configuration problem is reported in. */
export function problemOf(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(environment)'} ${issue.message}`;
}

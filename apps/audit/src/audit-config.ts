import { z } from 'zod';
import { ConfigValidationError } from '@app/common';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  AUDIT_PORT: z.coerce
    .number({ error: 'must be a port number (0 to 65535)' })
    .int('must be a whole number')
    .min(0, 'must be a port number (0 to 65535)')
    .max(65535, 'must be a port number (0 to 65535)')
    .default(8081),
  AUDIT_MONGODB_URI: z
    .string({ error: 'is required (or MONGODB_URI): mongodb://host:port/db' })
    .regex(/^mongodb(\+srv)?:\/\/.+/, 'must be a mongodb:// or mongodb+srv:// URI'),
  NOTIFY_WEBHOOK_URL: optionalString.refine(
    (v) => v === undefined || isHttpUrl(v),
    'must be an http:// or https:// URL',
  ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Validated configuration of the audit consumer; also the DI token under which it is provided. */
export class AuditConfig {
  readonly port!: number;
  readonly mongodbUri!: string;
  /** Where owners are told about labs deleted outside cml-labs; none = no notifications. */
  readonly notifyWebhookUrl?: string;
  readonly logLevel!: string;

  constructor(values: AuditConfig) {
    Object.assign(this, values);
  }
}

/**
 * Reads and validates the environment once at start; every wrong variable is reported in one
 * message. The audit consumer may share the API's database, so MONGODB_URI is the fallback.
 */
export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const ownUri = env.AUDIT_MONGODB_URI?.trim();
  const parsed = envSchema.safeParse({
    AUDIT_PORT: env.AUDIT_PORT?.trim() === '' ? undefined : env.AUDIT_PORT,
    AUDIT_MONGODB_URI: ownUri || env.MONGODB_URI?.trim() || undefined,
    NOTIFY_WEBHOOK_URL: env.NOTIFY_WEBHOOK_URL,
    LOG_LEVEL: env.LOG_LEVEL?.trim() === '' ? undefined : env.LOG_LEVEL,
  });
  if (!parsed.success) {
    // One line per variable: zod may report several issues for one value, the first says enough.
    const byVariable = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(environment)');
      const label =
        name === 'AUDIT_MONGODB_URI' && !ownUri && env.MONGODB_URI ? `${name} (from MONGODB_URI)` : name;
      if (!byVariable.has(name)) byVariable.set(name, `${label} ${issue.message}`);
    }
    throw new ConfigValidationError([...byVariable.values()]);
  }
  const e = parsed.data;
  return new AuditConfig({
    port: e.AUDIT_PORT,
    mongodbUri: e.AUDIT_MONGODB_URI,
    notifyWebhookUrl: e.NOTIFY_WEBHOOK_URL,
    logLevel: e.LOG_LEVEL,
  });
}

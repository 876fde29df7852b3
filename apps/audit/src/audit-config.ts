import { z } from 'zod';
import { AuthSettings, ConfigValidationError, LogFormat, readAuthSettings } from '@app/common';
import {
  commaSeparated,
  intIn,
  logFormat,
  logLevel,
  mongoUri,
  optionalString,
  readSharedSecret,
  trueOrFalse,
} from '@app/common/config/env-schemas';
import { hiddenFromLogs } from '@app/common/config/secret-setting';
import { httpUrlOf, isHttpUrl } from '@app/common/config/url-checks';
import { ChatFormat } from '@app/notifications/domain/chat-text';

const CORS_MESSAGE = 'must be comma-separated origins (scheme://host[:port], no path), not *';

const envSchema = z.object({
  AUDIT_PORT: intIn(0, 65535, 8081, 'must be a port number (0 to 65535)'),
  AUDIT_MONGODB_URI: mongoUri('is required (or MONGODB_URI): mongodb://host:port/db'),
  AUDIT_INGEST_AUTH_DISABLED: trueOrFalse,
  AUDIT_CORS_ORIGINS: optionalString.refine(
    (v) => v === undefined || corsOriginsOf(v) !== null,
    CORS_MESSAGE,
  ),
  NOTIFY_WEBHOOK_URL: optionalString.refine(
    (v) => v === undefined || isHttpUrl(v),
    'must be an http:// or https:// URL',
  ),
  NOTIFY_WEBHOOK_FORMAT: z
    .enum(['slack', 'markdown'], { error: 'must be slack or markdown' })
    .default('slack'),
  LOG_LEVEL: logLevel,
  LOG_FORMAT: logFormat,
});

/**
 * The listed origins, normalised as browsers send them (`https://host[:port]`), or null when one is not an
 * origin. `*` is refused: the trail is read with an operator's token, so which pages may read it is a decision.
 */
function corsOriginsOf(value: string): string[] | null {
  const origins: string[] = [];
  for (const item of commaSeparated(value)) {
    const url = httpUrlOf(item);
    if (!url || url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
    origins.push(url.origin);
  }
  return origins;
}

/** Validated configuration of the audit consumer; also the DI token under which it is provided. */
export class AuditConfig {
  readonly port!: number;
  readonly mongodbUri!: string;
  /**
   * Who may POST events: a bearer token (AUDIT_INGEST_TOKEN[_FILE]), a signature secret
   * (AUDIT_INGEST_HMAC_SECRET[_FILE]), either accepted when both are set; `disabled` only with
   * AUDIT_INGEST_AUTH_DISABLED=true. Printed as `[redacted]` when logged.
   */
  readonly ingest!: { disabled: boolean; token?: string; hmacSecret?: string };
  /** Who may read the trail: the API's JWT settings (AUTH_*), the viewer role. */
  readonly auth!: AuthSettings;
  /** Origins whose pages may read GET /api/audit-events from a browser; empty = no CORS at all. */
  readonly corsOrigins!: string[];
  /** Where owners are told about labs deleted outside cml-labs; none = no notifications. */
  readonly notifyWebhookUrl?: string;
  /** The chat syntax the webhook renders, and so what the CML-provided text is escaped for. */
  readonly notifyWebhookFormat!: ChatFormat;
  readonly logLevel!: string;
  readonly logFormat!: LogFormat;

  constructor(values: AuditConfig) {
    Object.assign(this, values);
  }
}

/**
 * Reads and validates the environment once at start (a _FILE is read then, too); every wrong variable is
 * reported in one message. The audit consumer may share the API's database, so MONGODB_URI is the fallback.
 */
export function loadAuditConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const ownUri = env.AUDIT_MONGODB_URI?.trim();
  const parsed = envSchema.safeParse({
    AUDIT_PORT: env.AUDIT_PORT?.trim() === '' ? undefined : env.AUDIT_PORT,
    AUDIT_MONGODB_URI: ownUri || env.MONGODB_URI?.trim() || undefined,
    AUDIT_INGEST_AUTH_DISABLED: env.AUDIT_INGEST_AUTH_DISABLED?.trim() || undefined,
    AUDIT_CORS_ORIGINS: env.AUDIT_CORS_ORIGINS,
    NOTIFY_WEBHOOK_URL: env.NOTIFY_WEBHOOK_URL,
    NOTIFY_WEBHOOK_FORMAT: env.NOTIFY_WEBHOOK_FORMAT?.trim() || undefined,
    LOG_LEVEL: env.LOG_LEVEL?.trim() === '' ? undefined : env.LOG_LEVEL,
    LOG_FORMAT: env.LOG_FORMAT?.trim() === '' ? undefined : env.LOG_FORMAT,
  });
  // One line per variable: zod may report several issues for one value, the first says enough.
  const byVariable = new Map<string, string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(environment)');
      const label =
        name === 'AUDIT_MONGODB_URI' && !ownUri && env.MONGODB_URI ? `${name} (from MONGODB_URI)` : name;
      if (!byVariable.has(name)) byVariable.set(name, `${label} ${issue.message}`);
    }
  }
  const token = readSharedSecret(env, 'AUDIT_INGEST_TOKEN');
  const hmacSecret = readSharedSecret(env, 'AUDIT_INGEST_HMAC_SECRET');
  if (token.problem) byVariable.set('AUDIT_INGEST_TOKEN', token.problem);
  if (hmacSecret.problem) byVariable.set('AUDIT_INGEST_HMAC_SECRET', hmacSecret.problem);
  const ingestDisabled = parsed.success && parsed.data.AUDIT_INGEST_AUTH_DISABLED === 'true';
  const hasCredential = !!token.value || !!hmacSecret.value;
  if (parsed.success && !token.problem && !hmacSecret.problem) {
    if (!hasCredential && !ingestDisabled) {
      byVariable.set(
        'AUDIT_INGEST_TOKEN',
        'AUDIT_INGEST_TOKEN is required: set AUDIT_INGEST_TOKEN (or AUDIT_INGEST_TOKEN_FILE), or AUDIT_INGEST_HMAC_SECRET (or AUDIT_INGEST_HMAC_SECRET_FILE), or AUDIT_INGEST_AUTH_DISABLED=true to accept unauthenticated events',
      );
    } else if (hasCredential && ingestDisabled) {
      byVariable.set(
        'AUDIT_INGEST_AUTH_DISABLED',
        'AUDIT_INGEST_AUTH_DISABLED=true contradicts the ingest credential that is set: remove one',
      );
    }
  }
  // Only the AUTH_* variables of the API's settings: the audit consumer has no use for the rest.
  const { value: auth, problems: authProblems } = readAuthSettings(env);
  const problems = [...byVariable.values(), ...authProblems];
  if (!parsed.success || problems.length > 0 || !auth) throw new ConfigValidationError(problems);
  const e = parsed.data;
  return new AuditConfig({
    port: e.AUDIT_PORT,
    mongodbUri: e.AUDIT_MONGODB_URI,
    ingest: hiddenFromLogs({ disabled: ingestDisabled, token: token.value, hmacSecret: hmacSecret.value }),
    auth,
    corsOrigins: e.AUDIT_CORS_ORIGINS === undefined ? [] : (corsOriginsOf(e.AUDIT_CORS_ORIGINS) ?? []),
    notifyWebhookUrl: e.NOTIFY_WEBHOOK_URL,
    notifyWebhookFormat: e.NOTIFY_WEBHOOK_FORMAT,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  });
}

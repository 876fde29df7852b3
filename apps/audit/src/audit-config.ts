import { z } from 'zod';
import { AppConfig, ConfigValidationError, loadAppConfig } from '@app/common';
import { hiddenFromLogs, readSecretSetting } from '@app/common/config/secret-setting';
import { ChatFormat } from './domain/chat-text';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const CORS_MESSAGE = 'must be comma-separated origins (scheme://host[:port], no path), not *';

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
  AUDIT_INGEST_AUTH_DISABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
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

/**
 * The listed origins, normalised as browsers send them (`https://host[:port]`), or null when one is not an
 * origin. `*` is refused: the trail is read with an operator's token, so which pages may read it is a decision.
 */
function corsOriginsOf(value: string): string[] | null {
  const origins: string[] = [];
  for (const item of value.split(',').map((o) => o.trim())) {
    if (item === '') continue;
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      return null;
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) return null;
    origins.push(url.origin);
  }
  return origins;
}

/**
 * The API's own AUTH_* rules (libs/common loadAppConfig), applied to the AUTH_* variables alone: apps/audit
 * verifies the same tokens the same way, and nothing of those rules is copied here. The placeholders only
 * satisfy the API's unrelated required settings.
 */
function readAuthSettings(env: NodeJS.ProcessEnv): { auth?: AppConfig['auth']; problems: string[] } {
  const authEnv = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('AUTH_')));
  try {
    const api = loadAppConfig({
      ...authEnv,
      MONGODB_URI: 'mongodb://placeholder/unused',
      SECRETS_KEY: Buffer.alloc(32).toString('base64'),
    });
    return { auth: api.auth, problems: [] };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    const own = error.problems.filter((p) => p.startsWith('AUTH_'));
    return { problems: own.length > 0 ? own : error.problems };
  }
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
  readonly auth!: AppConfig['auth'];
  /** Origins whose pages may read GET /api/audit-events from a browser; empty = no CORS at all. */
  readonly corsOrigins!: string[];
  /** Where owners are told about labs deleted outside cml-labs; none = no notifications. */
  readonly notifyWebhookUrl?: string;
  /** The chat syntax the webhook renders, and so what the CML-provided text is escaped for. */
  readonly notifyWebhookFormat!: ChatFormat;
  readonly logLevel!: string;

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
  const token = readSecretSetting(env, 'AUDIT_INGEST_TOKEN', { minLength: 32 });
  const hmacSecret = readSecretSetting(env, 'AUDIT_INGEST_HMAC_SECRET', { minLength: 32 });
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
  const { auth, problems: authProblems } = readAuthSettings(env);
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
  });
}

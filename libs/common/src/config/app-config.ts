import { z } from 'zod';
import { hiddenFromLogs, readSecretSetting } from './secret-setting';

const intIn = (min: number, max: number, fallback: number) =>
  z.coerce.number().int(`must be a whole number`).min(min).max(max).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const isSecretsKey = (v: string) => Buffer.from(v, 'base64').length === 32;

const secretsKey = optionalString.refine(
  (v) => v === undefined || isSecretsKey(v),
  'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
);

const splitList = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** The keys themselves never appear in a message, only their position in the list. */
const previousSecretsKeys = optionalString.superRefine((v, ctx) => {
  const wrong = splitList(v)
    .map((key, i) => (isSecretsKey(key) ? 0 : i + 1))
    .filter((position) => position > 0);
  if (wrong.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be comma-separated 32-byte keys, base64-encoded; ${
        wrong.length === 1 ? `key ${wrong[0]} is` : `keys ${wrong.join(', ')} are`
      } not`,
    });
  }
});

/** Hosts an `http:` JWKS URL may name when AUTH_JWKS_ALLOW_HTTP_LOOPBACK=true (local tests only). */
const isLoopbackHost = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** `a.b.c` → ['a', 'b', 'c']; comma-separated; every segment non-empty. */
const roleClaimPaths = optionalString.refine(
  (v) => v === undefined || splitList(v).every((p) => p.split('.').every((segment) => segment.length > 0)),
  'must be comma-separated claim paths, e.g. resource_access.cml-labs.roles,realm_access.roles',
);

/**
 * Comma-separated http(s) URLs without credentials: fetch refuses URLs with user:password, and the
 * URL would then show up in errors and logs.
 */
const sinkList = optionalString.refine(
  (v) =>
    v === undefined ||
    v.split(',').every((u) => {
      if (u.trim() === '') return true;
      try {
        const url = new URL(u.trim());
        return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
      } catch {
        return false;
      }
    }),
  'must be comma-separated http(s) URLs without credentials',
);

const envSchema = z
  .object({
    PORT: intIn(0, 65535, 8080),
    MONGODB_URI: z
      .string({ error: 'is required (mongodb://host:port/db)' })
      .regex(/^mongodb(\+srv)?:\/\/.+/, 'must be a mongodb:// or mongodb+srv:// URI'),
    LABS_REFRESH_INTERVAL: intIn(0, 7 * 24 * 3600, 1800),
    RECONCILE_CONCURRENCY: intIn(1, 256, 8),
    RECONCILE_MAX_DELETE_RATIO: z.coerce.number().min(0).max(1).default(0.5),
    CML_TIMEOUT_MS: intIn(100, 600_000, 15_000),
    CML_LAB_DETAIL_CONCURRENCY: intIn(1, 64, 8),
    CML_CONVERGE_TIMEOUT_MS: intIn(100, 3_600_000, 120_000),
    CML_ALLOW_PRIVATE_ENDPOINTS: optionalString.refine(
      (v) =>
        v === undefined ||
        v.split(',').every((c) => c.trim() === '' || /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c.trim())),
      'must be comma-separated CIDR ranges, e.g. 127.0.0.0/8,10.0.0.0/8',
    ),
    CLOUDEVENTS_SINK_URL: sinkList,
    K_SINK: sinkList,
    CLOUDEVENTS_SOURCE: z.string().min(1).default('/cml-labs'),
    CLOUDEVENTS_TYPE_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be lowercase letters, digits, dots and dashes')
      .default('io.cml-labs'),
    OUTBOX_MAX_ATTEMPTS: intIn(1, 100, 8),
    OUTBOX_RETRY_BASE_MS: intIn(10, 3_600_000, 1000),
    OUTBOX_RELAY_INTERVAL_MS: intIn(100, 3_600_000, 10_000),
    OUTBOX_SEND_TIMEOUT_MS: intIn(100, 120_000, 5000),
    TOMBSTONE_RETENTION_SECONDS: intIn(0, 10 * 365 * 24 * 3600, 30 * 24 * 3600),
    SECRETS_KEY: secretsKey,
    SECRETS_KEYS_PREVIOUS: previousSecretsKeys,
    AUTH_DISABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
    AUTH_JWT_SECRET: optionalString.refine(
      (v) => v === undefined || Buffer.byteLength(v, 'utf8') >= 32,
      'must be at least 32 bytes (HS256 keys shorter than the hash are guessable)',
    ),
    AUTH_JWKS_URL: optionalString,
    AUTH_JWKS_ALLOW_HTTP_LOOPBACK: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false'),
    AUTH_JWKS_COOLDOWN_MS: intIn(100, 3_600_000, 30_000),
    AUTH_JWKS_CACHE_MAX_AGE_MS: intIn(100, 7 * 24 * 3_600_000, 600_000),
    AUTH_ISSUER: optionalString,
    AUTH_AUDIENCE: optionalString,
    AUTH_ROLES_CLAIM: roleClaimPaths,
    AUTH_ROLES_CLIENT: optionalString,
    AUTH_USERNAME_CLAIM: z
      .string()
      .regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, { error: 'must be a claim name or a dotted path' })
      .default('preferred_username'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DB_OPERATION_TIMEOUT_MS: intIn(100, 600_000, 30_000),
    FERRETDB_ALLOW_MULTIPLE_INSTANCES: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false'),
  })
  .superRefine((env, ctx) => {
    if (!env.SECRETS_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRETS_KEY'],
        message: 'is required: a 32-byte key, base64-encoded, that encrypts CML passwords at rest',
      });
    }
    const authConfigured = !!env.AUTH_JWT_SECRET || !!env.AUTH_JWKS_URL;
    if (!authConfigured && env.AUTH_DISABLED !== 'true') {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message:
          'no authentication configured: set AUTH_JWT_SECRET or AUTH_JWKS_URL (with AUTH_ISSUER and AUTH_AUDIENCE), or AUTH_DISABLED=true for a demo',
      });
    }
    // RFC 8725 3.8/3.9: a token is only accepted for this service from this issuer, in every mode.
    if (env.AUTH_DISABLED !== 'true') {
      for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
        if (!env[name]) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `is required with authentication on (the ${
              name === 'AUTH_ISSUER' ? 'iss' : 'aud'
            } every token must carry), for AUTH_JWT_SECRET as for AUTH_JWKS_URL`,
          });
        }
      }
    }
    if (env.AUTH_JWKS_URL) {
      const problem = jwksUrlProblem(env.AUTH_JWKS_URL, env.AUTH_JWKS_ALLOW_HTTP_LOOPBACK === 'true');
      if (problem) ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: problem });
    }
  });

/**
 * The keys that sign every token must come over TLS. Plain http only for a loopback address, and only when
 * AUTH_JWKS_ALLOW_HTTP_LOOPBACK=true says so (tests with a local JWKS server).
 */
function jwksUrlProblem(value: string, allowHttpLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https:// URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttpLoopback && isLoopbackHost(url.hostname)) return undefined;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname)
    ? 'must be an https:// URL (http on loopback needs AUTH_JWKS_ALLOW_HTTP_LOOPBACK=true, for tests)'
    : 'must be an https:// URL';
}

/** Validated configuration; also the DI token under which it is provided. */
export class AppConfig {
  readonly port!: number;
  readonly mongodbUri!: string;
  readonly labsRefreshIntervalSeconds!: number;
  readonly reconcileConcurrency!: number;
  readonly reconcileMaxDeleteRatio!: number;
  readonly cmlTimeoutMs!: number;
  readonly cmlLabDetailConcurrency!: number;
  /** How long a forced delete waits for a stopping (or wiping) lab before it gives up. */
  readonly cmlConvergeTimeoutMs!: number;
  /** CIDR ranges that worker endpoints may resolve to although private, loopback or link-local. */
  readonly cmlAllowPrivateEndpoints!: string[];
  readonly cloudEventsSinks!: string[];
  readonly cloudEventsSource!: string;
  readonly cloudEventsTypePrefix!: string;
  /**
   * How the sender proves itself to the sinks (CLOUDEVENTS_SINK_TOKEN, CLOUDEVENTS_SINK_HMAC_SECRET, or their
   * _FILE variants): the same for every sink. Printed as `[redacted]` when logged.
   */
  readonly cloudEventsSinkAuth!: { token?: string; hmacSecret?: string };
  readonly outbox!: {
    maxAttempts: number;
    retryBaseMs: number;
    relayIntervalMs: number;
    sendTimeoutMs: number;
  };
  readonly tombstoneRetentionSeconds!: number;
  /** Encrypts CML passwords written from now on, and decrypts them. */
  readonly secretsKey!: Buffer;
  /** Old keys that still decrypt, during a rotation; nothing new is written under them. */
  readonly secretsPreviousKeys!: Buffer[];
  readonly auth!: {
    disabled: boolean;
    jwtSecret?: string;
    jwksUrl?: string;
    /** Required unless disabled. */
    issuer?: string;
    /** Required unless disabled. */
    audience?: string;
    /**
     * Where roles are read in the token, each path a list of property names (AUTH_ROLES_CLAIM); default
     * Keycloak's client roles `resource_access.<AUTH_ROLES_CLIENT or AUTH_AUDIENCE>.roles`.
     */
    roleClaims: string[][];
    /**
     * Where the caller's username is in the token (AUTH_USERNAME_CLAIM, a dotted path; default
     * `preferred_username`): matched against a lab's CML owner for a forced delete.
     */
    usernameClaim: string[];
    jwks: {
      /** Least time between two JWKS fetches (an unknown kid refetches at most once per cooldown). */
      cooldownMs: number;
      /** Keys older than this are refreshed; they keep serving while the refresh fails. */
      cacheMaxAgeMs: number;
    };
  };
  readonly logLevel!: string;
  readonly database!: {
    /**
     * How long one database round trip may go unanswered (DB_OPERATION_TIMEOUT_MS, the driver's socketTimeoutMS)
     * before it fails as "database unavailable"; see databaseConnectionOptions in apps/api for why.
     */
    operationTimeoutMs: number;
    /**
     * FERRETDB_ALLOW_MULTIPLE_INSTANCES: start although another API instance is live on the same FerretDB
     * database (its conditional updates are not atomic under concurrency), with a warning.
     */
    allowMultipleInstancesOnFerretDb: boolean;
  };

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Reads and validates the environment once at start. Every wrong variable is reported in one
 * message, so an operator fixes them all in one go instead of one per restart.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  // Read at start like every other setting (a _FILE is not re-read): a rotation is a restart.
  const sinkToken = readSecretSetting(env, 'CLOUDEVENTS_SINK_TOKEN', { minLength: 32 });
  const sinkHmacSecret = readSecretSetting(env, 'CLOUDEVENTS_SINK_HMAC_SECRET', { minLength: 32 });
  const secretProblems = [sinkToken.problem, sinkHmacSecret.problem].filter((p): p is string => !!p);
  if (!parsed.success || secretProblems.length > 0) {
    throw new ConfigValidationError([
      ...(parsed.error?.issues ?? []).map(
        (issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`,
      ),
      ...secretProblems,
    ]);
  }
  const e = parsed.data;
  const sinks = (e.CLOUDEVENTS_SINK_URL ?? e.K_SINK ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return new AppConfig({
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    labsRefreshIntervalSeconds: e.LABS_REFRESH_INTERVAL,
    reconcileConcurrency: e.RECONCILE_CONCURRENCY,
    reconcileMaxDeleteRatio: e.RECONCILE_MAX_DELETE_RATIO,
    cmlTimeoutMs: e.CML_TIMEOUT_MS,
    cmlLabDetailConcurrency: e.CML_LAB_DETAIL_CONCURRENCY,
    cmlConvergeTimeoutMs: e.CML_CONVERGE_TIMEOUT_MS,
    cmlAllowPrivateEndpoints: (e.CML_ALLOW_PRIVATE_ENDPOINTS ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c.length > 0),
    cloudEventsSinks: sinks,
    cloudEventsSource: e.CLOUDEVENTS_SOURCE,
    cloudEventsTypePrefix: e.CLOUDEVENTS_TYPE_PREFIX,
    cloudEventsSinkAuth: hiddenFromLogs({ token: sinkToken.value, hmacSecret: sinkHmacSecret.value }),
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.OUTBOX_RETRY_BASE_MS,
      relayIntervalMs: e.OUTBOX_RELAY_INTERVAL_MS,
      sendTimeoutMs: e.OUTBOX_SEND_TIMEOUT_MS,
    },
    tombstoneRetentionSeconds: e.TOMBSTONE_RETENTION_SECONDS,
    secretsKey: Buffer.from(e.SECRETS_KEY ?? '', 'base64'),
    secretsPreviousKeys: splitList(e.SECRETS_KEYS_PREVIOUS).map((k) => Buffer.from(k, 'base64')),
    auth: {
      disabled: e.AUTH_DISABLED === 'true',
      jwtSecret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      roleClaims: roleClaimsOf(e.AUTH_ROLES_CLAIM, e.AUTH_ROLES_CLIENT ?? e.AUTH_AUDIENCE),
      usernameClaim: e.AUTH_USERNAME_CLAIM.split('.'),
      jwks: { cooldownMs: e.AUTH_JWKS_COOLDOWN_MS, cacheMaxAgeMs: e.AUTH_JWKS_CACHE_MAX_AGE_MS },
    },
    logLevel: e.LOG_LEVEL,
    database: {
      operationTimeoutMs: e.DB_OPERATION_TIMEOUT_MS,
      allowMultipleInstancesOnFerretDb: e.FERRETDB_ALLOW_MULTIPLE_INSTANCES === 'true',
    },
  });
}

/**
 * AUTH_ROLES_CLAIM as paths; without it, Keycloak's roles of this service's own client. The default is built
 * from the client id as one segment, so a client id with dots (`api.example.org`) is not split.
 */
function roleClaimsOf(setting: string | undefined, client: string | undefined): string[][] {
  if (setting) return splitList(setting).map((path) => path.split('.'));
  return client ? [['resource_access', client, 'roles']] : [];
}
